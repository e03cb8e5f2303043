"""``GET /api/ml/predict/<uebung_id>/?einheit=<id>``: the next set's recommendation of one of
the requester's workouts. Others' workouts answer 404, a non-integer 400, never a 500."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Satz, Trainingseinheit
from ml_coach.prediction_service import MLPredictor
from tests.factories import make_history

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_redis():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_a(user_a):
    client = APIClient()
    client.force_authenticate(user_a)
    return client


@pytest.fixture
def today(user_a, bank):
    """A's history of ``bank`` and today's workout with a warm-up and one working set."""
    make_history(user_a, [bank], sessions=6)
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now(), name="Heute")
    Satz.objects.create(
        einheit=einheit, uebung=bank, satz_nr=1, gewicht=40, wiederholungen=10, set_type="warmup"
    )
    Satz.objects.create(
        einheit=einheit, uebung=bank, satz_nr=2, gewicht=80, wiederholungen=8, rpe=Decimal(8)
    )
    return einheit


def test_own_workout_answers_with_the_next_sets_recommendation(client_a, user_a, bank, today):
    response = client_a.get(f"/api/ml/predict/{bank.pk}/", {"einheit": today.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["uebung_id"] == bank.pk
    # one working set logged (the warm-up does not count): the answer is for working set 2,
    # computed by the coach from that workout (not read back from the cache the view wrote)
    assert body["set_number"] == 2 and body["bodyweight"] is False
    cache.clear()
    coach = MLPredictor(user_id=user_a.pk).recommend(bank.pk, einheit=today.pk)
    assert (body["weight_kg"], body["reps"], body["source"], body["explanation"]) == (
        coach.weight_kg,
        coach.reps,
        coach.source,
        coach.explanation,
    )
    assert body["explanation"].startswith("Satz 1: 80 × 8 @ RPE 8 →")


def test_without_einheit_the_answer_is_unchanged(client_a, bank, today):
    """Without a workout the answer is the session's top set, not a set of today."""
    response = client_a.get(f"/api/ml/predict/{bank.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["uebung_id"] == bank.pk and body["set_number"] is None
    assert body["explanation"].startswith("letztes Mal")


def test_another_lifters_workout_is_404(client_a, user_b, bank, today):
    foreign = Trainingseinheit.objects.create(user=user_b, datum=timezone.now() - timedelta(1))
    Satz.objects.create(einheit=foreign, uebung=bank, satz_nr=1, gewicht=50, wiederholungen=5)
    response = client_a.get(f"/api/ml/predict/{bank.pk}/", {"einheit": foreign.pk})
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden."}
    # B asking with A's workout: the same.
    client_b = APIClient()
    client_b.force_authenticate(user_b)
    assert client_b.get(f"/api/ml/predict/{bank.pk}/", {"einheit": today.pk}).status_code == 404


@pytest.mark.parametrize("value", ["999999", "0", "-3", "+0", str(2**63), "9" * 40])
def test_unknown_or_impossible_workout_ids_are_404(client_a, bank, today, value):
    response = client_a.get(f"/api/ml/predict/{bank.pk}/", {"einheit": value})
    assert response.status_code == 404, (value, response.status_code)


@pytest.mark.parametrize("value", ["abc", "1.5", "", " 1", "1e3", "0x10", "١٢", "1,0"])
def test_a_non_integer_einheit_is_400_with_a_message(client_a, bank, today, value):
    response = client_a.get(f"/api/ml/predict/{bank.pk}/", {"einheit": value})
    assert response.status_code == 400, (value, response.status_code)
    assert "einheit" in response.json()["detail"]


def test_an_own_workout_with_a_foreign_exercise_is_still_404(client_a, user_b, today):
    from core.models import Uebung

    own_b = Uebung.objects.create(name="Bernds Übung", owner=user_b)
    response = client_a.get(f"/api/ml/predict/{own_b.pk}/", {"einheit": today.pk})
    assert response.status_code == 404


def test_openapi_documents_einheit_and_set_number(client_a):
    schema = client_a.get("/api/openapi.json?format=json").json()
    operation = schema["paths"]["/api/ml/predict/{uebung_id}/"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["einheit"]["in"] == "query"
    assert not params["einheit"].get("required", False)
    assert params["einheit"]["schema"]["type"] == "integer"
    assert {"200", "400", "404"} <= set(operation["responses"])
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert properties["set_number"]["nullable"] is True
    assert properties["bodyweight"]["type"] == "boolean"
