"""A typo on the set form (1000 for 100) is asked about once; confirmed, it is saved as typed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Satz, Trainingseinheit, UserProfile
from tests.web.conftest import HTMX

pytestmark = pytest.mark.django_db

QUESTION = "Wirklich 1000 kg? Bisheriges Maximum 110 kg"


@pytest.fixture
def history(user_a, kniebeuge):
    """Two earlier squat workouts, best working set 110 kg (a heavier warm-up does not count)."""
    for days, weights in ((10, ["100", "105"]), (5, ["110"])):
        einheit = Trainingseinheit.objects.create(
            user=user_a, datum=timezone.now() - timedelta(days=days)
        )
        for w in weights:
            Satz.objects.create(
                einheit=einheit, uebung=kniebeuge, gewicht=Decimal(w), wiederholungen=5
            )
    Satz.objects.create(
        einheit=einheit, uebung=kniebeuge, gewicht=Decimal("200"), wiederholungen=1,
        set_type="warmup",
    )  # fmt: skip


def _add(client, einheit, uebung, htmx=False, **data):
    payload = {"gewicht": "1000", "wiederholungen": "5", "rpe": "8", "set_type": "normal"}
    payload.update(data)
    url = reverse("web:set_add", args=[einheit.pk, uebung.pk])
    return client.post(url, payload, **(HTMX if htmx else {}))


def _saved(einheit) -> list[Decimal]:
    return list(Satz.objects.filter(einheit=einheit).values_list("gewicht", flat=True))


@pytest.mark.parametrize("htmx", [False, True])
def test_an_outlier_is_asked_once_then_saved(client_a, einheit_a, kniebeuge, history, htmx):
    first = _add(client_a, einheit_a, kniebeuge, htmx=htmx)
    assert first.status_code == (422 if htmx else 400)  # htmx swaps 422 in place (app.js)
    html = first.content.decode()
    assert QUESTION in html
    assert 'name="confirm" value="1"' in html and "Ja, speichern" in html
    # Nothing lost: the typed values are back in the form.
    assert f'id="gewicht-{kniebeuge.pk}" value="1000"' in html
    assert f'id="wiederholungen-{kniebeuge.pk}" value="5"' in html
    assert f'id="rpe-{kniebeuge.pk}" value="8"' in html
    assert _saved(einheit_a) == []

    second = _add(client_a, einheit_a, kniebeuge, htmx=htmx, confirm="1")
    assert second.status_code == (200 if htmx else 302)
    assert _saved(einheit_a) == [Decimal("1000")]  # kept as typed


def test_a_plausible_weight_is_saved_without_a_question(client_a, einheit_a, kniebeuge, history):
    assert _add(client_a, einheit_a, kniebeuge, gewicht="115").status_code == 302
    assert _add(client_a, einheit_a, kniebeuge, gewicht="20", set_type="warmup").status_code == 302
    assert _saved(einheit_a) == [Decimal("115"), Decimal("20")]


def test_a_first_set_ever_is_not_questioned(client_a, einheit_a, kniebeuge):
    assert _add(client_a, einheit_a, kniebeuge).status_code == 302


def test_a_corrected_weight_is_checked_again(client_a, einheit_a, kniebeuge, history):
    _add(client_a, einheit_a, kniebeuge)
    # The typo fixed but the plain "Satz speichern" sent: no confirm, checked again, fine.
    assert _add(client_a, einheit_a, kniebeuge, gewicht="100").status_code == 302
    # Another typo without confirm: asked again.
    assert _add(client_a, einheit_a, kniebeuge, gewicht="1,05").status_code == 400
    assert _saved(einheit_a) == [Decimal("100")]


def test_lb_lifters_are_asked_in_lb(client_a, user_a, einheit_a, kniebeuge, history):
    UserProfile.objects.update_or_create(user=user_a, defaults={"display_unit": "lb"})
    html = _add(client_a, einheit_a, kniebeuge, gewicht="2000").content.decode()
    assert "Wirklich 2000 lb? Bisheriges Maximum 242,5 lb" in html


def test_the_edit_page_asks_once_too(client_a, user_a, einheit_a, kniebeuge, history):
    satz = Satz.objects.create(
        einheit=einheit_a, uebung=kniebeuge, gewicht=Decimal("100"), wiederholungen=5
    )
    url = reverse("web:set_edit", args=[satz.pk])
    data = {"gewicht": "1000", "wiederholungen": "6", "rpe": "", "set_type": "normal"}
    first = client_a.post(url, data)
    assert first.status_code == 400
    html = first.content.decode()
    assert QUESTION in html and "Ja, speichern" in html
    assert 'value="1000"' in html and 'value="6"' in html
    satz.refresh_from_db()
    assert satz.gewicht == Decimal("100")
    assert client_a.post(url, data | {"confirm": "1"}).status_code == 302
    satz.refresh_from_db()
    assert (satz.gewicht, satz.wiederholungen) == (Decimal("1000"), 6)
    # Its reps changed later, the confirmed weight unchanged: not asked again.
    assert client_a.post(url, data | {"wiederholungen": "4"}).status_code == 302
