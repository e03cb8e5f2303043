"""The recommendation before every set: labelled with the set it is for ("ML-Empfehlung
Satz 3: 97,5 kg × 6 Wdh"), reps only for bodyweight work, and refreshed in the exercise's
block after every logged, edited or deleted set."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Satz, Trainingseinheit, Uebung
from ml_coach import prediction_cache
from tests.factories import make_history
from tests.web.conftest import HTMX
from web.recommendations import RecommendationView

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def view(**fields) -> RecommendationView:
    values = {
        "uebung_id": 1,
        "source": "model",
        "weight": Decimal("97.5"),
        "reps": 6,
        "unit": "kg",
        "explanation": "",
        "n_sets": 40,
        "min_samples": 10,
    }
    return RecommendationView(**(values | fields))


def summary(html: str) -> str:
    """The recommendation's visible line, tags and extra whitespace removed."""
    found = re.search(r'<summary class="rec-summary".*?</summary>', html, re.S)
    assert found, html
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def render(rec: RecommendationView, language: str = "de") -> str:
    with translation.override(language):
        return render_to_string("web/_recommendation.html", {"rec": rec, "uebung": Uebung(pk=1)})


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        ({"set_number": 3}, "ML-Empfehlung Satz 3: 97,5 kg × 6 Wdh"),
        ({}, "ML-Empfehlung: 97,5 kg × 6 Wdh"),  # the coach did not say which set
        (
            {"set_number": 2, "bodyweight": True, "weight": Decimal("0"), "reps": 12},
            "ML-Empfehlung Satz 2: 12 Wdh",
        ),
        (
            {"set_number": 2, "bodyweight": True, "weight": None, "reps": 12},
            "ML-Empfehlung Satz 2: 12 Wdh",
        ),
        (
            {"set_number": 1, "bodyweight": True, "weight": Decimal("10"), "reps": 8},
            "ML-Empfehlung Satz 1: +10 kg × 8 Wdh",
        ),
        (
            {"set_number": 4, "unit": "lb", "weight": Decimal("215")},
            "ML-Empfehlung Satz 4: 215 lb × 6 Wdh",
        ),
    ],
)
def test_label_names_the_set_and_bodyweight_shows_reps(fields, line):
    html = render(view(**fields))
    assert summary(html) == line
    assert "0 kg" not in html.replace("10 kg", "")


def test_bodyweight_one_tap_fills_no_added_weight_and_the_reps():
    html = render(view(set_number=2, bodyweight=True, weight=None, reps=12))
    assert 'data-fill-weight="0" data-fill-reps="12"' in html


def test_label_in_english():
    html = render(view(set_number=3), "en")
    assert summary(html) == "ML recommendation set 3: 97.5 kg × 6 reps"
    bodyweight = render(view(set_number=2, bodyweight=True, weight=None, reps=12), "en")
    assert summary(bodyweight) == "ML recommendation set 2: 12 reps"


def test_not_enough_data_keeps_its_text_and_offers_nothing_to_fill():
    html = render(view(source="not_enough_data", weight=None, reps=None, set_number=1, n_sets=4))
    assert summary(html) == "ML-Empfehlung Satz 1: Noch zu wenig Daten: 4/10 Sätze"
    assert "data-fill-weight" not in html


# --- in the training view, through the htmx swaps ------------------------------------------


@pytest.fixture
def today(user_a, bank):
    """Seven weeks of bench at 100 kg × 8 @ RPE 8, today's workout with a warm-up."""
    for einheit in make_history(user_a, [bank], sessions=7):
        Satz.objects.filter(einheit=einheit).update(gewicht=100, wiederholungen=8, rpe=8)
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now(), name="Heute")
    Satz.objects.create(
        einheit=einheit, uebung=bank, satz_nr=1, gewicht=50, wiederholungen=10, set_type="warmup"
    )
    return einheit


def rec_line(html: str, uebung_id: int) -> str:
    block = html[html.index(f'id="rec-{uebung_id}"') :]
    return summary(block)


def workout_rec(user, uebung, einheit) -> RecommendationView:
    from web.recommendations import to_view

    rec = prediction_cache.cached_recommendations(user.pk, [uebung.pk], einheit.pk)[uebung.pk]
    return to_view(rec, uebung, "kg")


def log(client, einheit, uebung, gewicht, reps, rpe=""):
    return client.post(
        reverse("web:set_add", args=[einheit.pk, uebung.pk]),
        {"gewicht": gewicht, "wiederholungen": reps, "rpe": rpe, "set_type": "normal"},
        **HTMX,
    )


def test_the_partial_after_a_logged_set_shows_the_workouts_next_set_recommendation(
    client_a, user_a, bank, today
):
    """The block swapped in after logging carries the coach's answer for *this workout*."""
    response = log(client_a, today, bank, "100", "4", "10")
    assert response.status_code == 200
    html = response.content.decode()
    expected = workout_rec(user_a, bank, today)
    assert expected.has_value
    assert rec_line(html, bank.pk).endswith(expected.text)
    assert f'data-fill-weight="{expected.weight_input}" data-fill-reps="{expected.reps}"' in html


def test_after_a_logged_set_the_label_names_the_next_set(client_a, bank, today):
    """Warm-up and one working set logged: the recommendation is for working set 2."""
    html = client_a.get(today.get_absolute_url()).content.decode()
    assert rec_line(html, bank.pk).startswith("ML-Empfehlung Satz 1:")
    html = log(client_a, today, bank, "100", "4", "10").content.decode()
    assert rec_line(html, bank.pk).startswith("ML-Empfehlung Satz 2:")


def test_edit_and_delete_refresh_the_label(
    client_a, bank, today, django_capture_on_commit_callbacks
):
    log(client_a, today, bank, "100", "8", "8")
    log(client_a, today, bank, "100", "8", "8")
    first, second = Satz.objects.filter(einheit=today, set_type="normal").order_by("satz_nr")
    # Deleted through htmx: the swapped block is for working set 2 again.
    html = client_a.post(reverse("web:set_delete", args=[second.pk]), **HTMX).content.decode()
    assert rec_line(html, bank.pk).startswith("ML-Empfehlung Satz 2:")
    # Edited on its page (no JavaScript needed): after the redirect, the working set became a
    # warm-up, so the next working set is the first (the cache is invalidated on commit).
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            reverse("web:set_edit", args=[first.pk]),
            {"gewicht": "60", "wiederholungen": "8", "set_type": "warmup"},
        )
    response = client_a.get(response.url)
    assert rec_line(response.content.decode(), bank.pk).startswith("ML-Empfehlung Satz 1:")
    # Without JavaScript, a logged set redirects to the page that shows the next one.
    response = client_a.post(
        reverse("web:set_add", args=[today.pk, bank.pk]),
        {"gewicht": "100", "wiederholungen": "8", "set_type": "normal"},
        follow=True,
    )
    assert rec_line(response.content.decode(), bank.pk).startswith("ML-Empfehlung Satz 2:")


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"source": "model", "set_number": 3}, "ML-Modell (aus deiner Historie gelernt)"),
        ({"source": "baseline"}, "Baseline (Top-Gewicht vom letzten Mal)"),
        ({"source": "baseline", "set_number": 1}, "Baseline (Satz 1 vom letzten Mal)"),
        (
            {"source": "baseline", "set_number": 2},
            "Regel (voriger Satz heute + Änderung vom letzten Mal)",
        ),
    ],
)
def test_the_source_names_what_the_coach_compared_with_for_that_set(fields, label):
    """Before set 2 the coach's fallback is the rule, not last time's top weight."""
    assert view(**fields).source_label == label
