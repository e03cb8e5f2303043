"""In a real browser: a second lifter reaches neither the first one's workout nor models."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.models import MLPredictionModel, Satz, Trainingseinheit, Uebung
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_second_user_cannot_reach_the_first_users_workout_or_models(page, user_a, user_b):
    anna = user_a
    geheim = Uebung.objects.create(name="Annas Geheimübung", owner=anna)
    einheit = Trainingseinheit.objects.create(user=anna, datum=timezone.now(), name="Annas Tag")
    satz = Satz.objects.create(einheit=einheit, uebung=geheim, gewicht=70, wiederholungen=5)
    model = MLPredictionModel.objects.create(user=anna, uebung=geheim, status="ACTIVE", r2=0.9)

    login(page, "bernd", "pw-bernd-123")
    for url in (
        einheit.get_absolute_url(),
        geheim.get_absolute_url(),
        f"/satz/{satz.pk}/bearbeiten/",
    ):
        response = page.goto(url)
        assert response.status == 404, url
        assert "Annas" not in page.content()
    page.goto("/ml/dashboard/")
    assert page.locator(f"#model-{model.pk}").count() == 0
    assert "Annas Geheimübung" not in page.content()
    assert page.locator("#stat-trained .stat-value").inner_text() == "0"
    page.goto("/")
    assert "Annas Tag" not in page.content()
    csrf = page.context.cookies()[0]["value"] if page.context.cookies() else ""
    denied = page.request.post(
        f"/ml/modelle/{model.pk}/neu-trainieren/",
        headers={"X-CSRFToken": csrf, "Referer": page.url},
        form={"csrfmiddlewaretoken": csrf},
    )
    assert denied.status == 403
    satz.refresh_from_db()
    assert satz.gewicht == 70
