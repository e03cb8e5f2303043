"""The coach's recommendation in the training view: text, source, units, updates, failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung, UserProfile
from ml_coach import prediction_cache
from tests.factories import make_history
from tests.web.conftest import HTMX

pytestmark = pytest.mark.django_db

# session, user, profile, workout, plan rows, sets, set counts, active models, the lifter's
# earlier bests (record badges), last time's sets ("vorher"), exercise choices and their
# aliases: 12, whatever the count
MAX_QUERIES = 12


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today(user_a):
    return Trainingseinheit.objects.create(user=user_a, datum=timezone.now(), name="Heute")


def _add(client, einheit, uebung, gewicht="60", wiederholungen="8"):
    return client.post(
        reverse("web:set_add", args=[einheit.pk, uebung.pk]),
        {"gewicht": gewicht, "wiederholungen": wiederholungen, "set_type": "normal"},
        **HTMX,
    )


def _plan(client, einheit, uebung):
    client.post(reverse("web:exercise_add", args=[einheit.pk]), {"uebung": uebung.pk})


def test_not_enough_data_shows_the_count(client_a, user_a, today, bank):
    make_history(user_a, [bank], sessions=2, warmup=True)  # 6 working sets, 2 warm-ups
    _plan(client_a, today, bank)
    html = client_a.get(today.get_absolute_url()).content.decode()
    assert "Noch zu wenig Daten: 6/10 Sätze" in html
    assert "data-fill-weight" not in html


def test_recommendation_with_value_source_and_one_tap_fill(client_a, user_a, today, bank):
    make_history(user_a, [bank], sessions=4)  # 12 working sets, last 65 kg × 6
    _plan(client_a, today, bank)
    rec = prediction_cache.cached_recommendations(user_a.pk, [bank.pk], today.pk)[bank.pk]
    assert rec.source in {"model", "baseline"} and rec.weight_kg and rec.set_number == 1
    html = client_a.get(today.get_absolute_url()).content.decode()
    weight = f"{rec.weight_kg:g}".replace(".", ",")
    assert (
        f'ML-Empfehlung Satz 1:</span>\n      <strong class="rec-value">{weight} kg × '
        f"{rec.reps} Wdh" in html
    )
    assert f'data-fill-weight="{weight}"' in html  # the input takes the German comma
    assert f'data-fill-reps="{rec.reps}"' in html
    assert rec.explanation in html
    assert f'data-source="{rec.source}"' in html


def test_logging_a_set_updates_the_recommendation_in_the_partial(client_a, user_a, today, bank):
    make_history(user_a, [bank], sessions=3)  # 9 working sets
    _plan(client_a, today, bank)
    assert (
        "Noch zu wenig Daten: 9/10 Sätze" in client_a.get(today.get_absolute_url()).content.decode()
    )
    response = _add(client_a, today, bank, gewicht="65", wiederholungen="8")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Noch zu wenig Daten" not in html
    rec = prediction_cache.cached_recommendation(user_a.pk, bank.pk)
    assert rec.n_sets == 10
    assert f'data-fill-weight="{rec.weight_kg:g}"'.replace(".", ",") in html


def test_editing_a_set_in_place_refreshes_the_recommendation(
    client_a, user_a, today, bank, django_capture_on_commit_callbacks
):
    make_history(user_a, [bank], sessions=4)
    _plan(client_a, today, bank)
    _add(client_a, today, bank, gewicht="65", wiederholungen="6")
    before = prediction_cache.cached_recommendation(user_a.pk, bank.pk)
    satz = Satz.objects.get(einheit=today)
    # Same set count, same newest id: only the invalidation after commit makes it visible.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client_a.post(
            reverse("web:set_edit", args=[satz.pk]),
            {"gewicht": "80", "wiederholungen": "6", "set_type": "normal"},
        )
    assert len(callbacks) == 1
    after_html = client_a.get(today.get_absolute_url()).content.decode()
    after = prediction_cache.cached_recommendation(user_a.pk, bank.pk)
    assert after.weight_kg != before.weight_kg
    assert f'data-fill-weight="{after.weight_kg:g}"' in after_html


def test_recommendation_in_pounds_on_the_lb_grid(client_a, user_a, today, bank):
    make_history(user_a, [bank], sessions=4, start_kg=60.0)
    UserProfile.objects.filter(user=user_a).update(display_unit="lb")
    _plan(client_a, today, bank)
    html = client_a.get(today.get_absolute_url()).content.decode()
    rec = prediction_cache.cached_recommendation(user_a.pk, bank.pk)
    lb = rec.weight_kg / 0.45359237
    expected = round(lb / 5) * 5  # kg-grid weight, 2.5-kg step → 5-lb step
    assert f"{expected} lb × {rec.reps} Wdh" in html
    assert f'data-fill-weight="{expected}"' in html


def test_redis_down_the_page_still_renders(client_a, user_a, today, bank, settings):
    make_history(user_a, [bank], sessions=4)
    _plan(client_a, today, bank)
    dead = dict(settings.CACHES["default"])
    dead["LOCATION"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CACHES = {"default": dead}
    response = client_a.get(today.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "ML-Empfehlung Satz 1:" in html
    assert 'data-fill-weight="' in html  # computed without the cache
    logged = _add(client_a, today, bank)
    assert logged.status_code == 200
    assert Satz.objects.filter(einheit=today).count() == 1


def _workout_with(user, uebungen):
    make_history(user, uebungen, sessions=4)
    einheit = Trainingseinheit.objects.create(
        user=user, datum=timezone.now() + timedelta(minutes=1)
    )
    rows = [
        Satz(einheit=einheit, uebung=u, satz_nr=1, gewicht=50, wiederholungen=8) for u in uebungen
    ]
    Satz.objects.bulk_create(rows)
    return einheit


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_training_view_queries_are_bounded_and_do_not_grow_with_exercises(
    client_a, user_a, user_b, monkeypatch
):
    from ml_coach.prediction_service import MLPredictor

    ten = [Uebung.objects.create(name=f"Übung {i:02d}") for i in range(10)]
    big = _workout_with(user_a, ten)
    one = [Uebung.objects.create(name="Solo")]
    client_b = type(client_a)()
    client_b.force_login(user_b)
    small = _workout_with(user_b, one)

    cold, response = _count_queries(client_a, big.get_absolute_url())
    assert response.content.decode().count('class="rec rec-') == 10
    computed = []
    original = MLPredictor.recommend
    monkeypatch.setattr(
        MLPredictor,
        "recommend",
        lambda self, *a, **k: computed.append(a) or original(self, *a, **k),
    )
    warm_big, response = _count_queries(client_a, big.get_absolute_url())
    _count_queries(client_b, small.get_absolute_url())
    warm_small, _ = _count_queries(client_b, small.get_absolute_url())

    assert warm_big <= MAX_QUERIES, f"training view with 10 exercises: {warm_big} queries"
    assert warm_big == warm_small, (warm_big, warm_small)
    assert cold > warm_big
    assert len(computed) == 1  # only the small workout's first (cold) render computed
    assert response.content.decode().count("data-fill-weight=") == 10
