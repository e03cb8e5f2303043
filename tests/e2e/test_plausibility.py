"""In a real browser on a phone: a typo of 1000 kg on the squat is asked about, then saved."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Satz, Trainingseinheit
from core.workout_plan import ensure_in_workout
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def today(user_a, kniebeuge):
    from django.core.cache import cache

    cache.clear()
    for week, weights in enumerate((["95", "97.5", "97.5"], ["100", "100", "100"]), start=1):
        einheit = Trainingseinheit.objects.create(
            user=user_a, datum=timezone.now() - timedelta(days=14 - 7 * week + 7)
        )
        for w in weights:
            Satz.objects.create(
                einheit=einheit, uebung=kniebeuge, gewicht=Decimal(w), wiederholungen=5
            )
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now(), name="Beine")
    ensure_in_workout(einheit, kniebeuge.pk)
    return einheit


def test_a_typo_is_asked_about_then_saved_on_confirmation(page, today, kniebeuge):
    login(page, "anna", "pw-anna-123")
    page.goto(today.get_absolute_url())
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")
    block = page.locator(f"#ex-{kniebeuge.pk}")
    block.locator("input[name=gewicht]").fill("1000")
    block.locator("input[name=wiederholungen]").fill("5")
    block.locator("input[name=rpe]").fill("8")
    block.locator("input[name=wiederholungen]").press("Enter")

    question = page.locator(f"#ex-{kniebeuge.pk} .confirm-weight")
    question.wait_for()
    assert question.locator(".question").inner_text() == (
        "Wirklich 1000 kg? Bisheriges Maximum 100 kg"
    )
    # Nothing saved, nothing lost: the typed values are still in the form.
    assert block.locator("tr[id^=satz-]").count() == 0
    assert block.locator("input[name=gewicht]").input_value() == "1000"
    assert block.locator("input[name=wiederholungen]").input_value() == "5"
    assert block.locator("input[name=rpe]").input_value() == "8"
    assert not Satz.objects.filter(einheit=today).exists()
    screenshot(page, "plausibility-question", full_page=False)

    question.get_by_role("button", name="Ja, speichern").click()
    page.wait_for_function(
        "id => document.querySelectorAll('#ex-' + id + ' tr[id^=satz-]').length === 1",
        arg=kniebeuge.pk,
    )
    assert page.locator(f"#ex-{kniebeuge.pk} .confirm-weight").count() == 0
    satz = Satz.objects.get(einheit=today)
    assert (satz.gewicht, satz.wiederholungen, satz.rpe) == (Decimal("1000"), 5, Decimal("8"))
    assert page.js_errors == []
