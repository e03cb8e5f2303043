"""POST /api/saetze/: log a set in one's own workout; an outlier weight needs confirm=true."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung, UserProfile, WorkoutExercise

pytestmark = pytest.mark.django_db

URL = "/api/saetze/"


@pytest.fixture
def api(user_a):
    client = Client(raise_request_exception=False)
    client.force_login(user_a)
    return client


@pytest.fixture
def workout(user_a, kniebeuge):
    """Today's workout, and last week's squats up to 110 kg."""
    earlier = Trainingseinheit.objects.create(user=user_a, datum=timezone.now() - timedelta(7))
    for w in ("100", "110"):
        Satz.objects.create(einheit=earlier, uebung=kniebeuge, gewicht=Decimal(w), wiederholungen=5)
    return Trainingseinheit.objects.create(user=user_a, datum=timezone.now())


def _post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def _body(workout, uebung, **fields):
    return {"einheit_id": workout.pk, "uebung_id": uebung.pk, "gewicht": 1000,
            "wiederholungen": 5, "rpe": 8} | fields  # fmt: skip


def test_an_outlier_needs_confirmation(api, workout, kniebeuge):
    response = _post(api, _body(workout, kniebeuge))
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Wirklich 1000 kg? Bisheriges Maximum 110 kg"
    assert body["code"] == "confirm_required"
    assert (body["gewicht"], body["best_kg"]) == (1000.0, 110.0)
    assert not Satz.objects.filter(einheit=workout).exists()

    response = _post(api, _body(workout, kniebeuge, confirm=True))
    assert response.status_code == 201
    created = response.json()
    satz = Satz.objects.get(einheit=workout)
    assert created == {
        "id": satz.pk,
        "einheit_id": workout.pk,
        "uebung_id": kniebeuge.pk,
        "satz_nr": 1,
        "gewicht": 1000.0,
        "wiederholungen": 5,
        "rpe": 8.0,
        "set_type": "normal",
    }
    assert WorkoutExercise.objects.filter(einheit=workout, uebung=kniebeuge).exists()


def test_lb_lifters_read_the_question_in_lb(api, user_a, workout, kniebeuge):
    UserProfile.objects.update_or_create(user=user_a, defaults={"display_unit": "lb"})
    response = _post(api, _body(workout, kniebeuge, gewicht="226.796"))
    assert response.json()["detail"] == "Wirklich 500 lb? Bisheriges Maximum 242,5 lb"


def test_a_plausible_set_is_created_with_the_next_number_or_the_given_one(api, workout, kniebeuge):
    first = _post(api, _body(workout, kniebeuge, gewicht="112.5", rpe=None))
    assert first.status_code == 201
    assert (first.json()["satz_nr"], first.json()["gewicht"], first.json()["rpe"]) == (
        1,
        112.5,
        None,
    )
    warmup = _post(api, _body(workout, kniebeuge, gewicht=5, set_type="warmup", satz_nr=7))
    assert warmup.status_code == 201 and warmup.json()["satz_nr"] == 7
    taken = _post(api, _body(workout, kniebeuge, gewicht=100, satz_nr=7))
    assert taken.status_code == 400 and "satz_nr" in taken.json()["detail"]
    assert Satz.objects.filter(einheit=workout).count() == 2


def test_someone_elses_workout_or_exercise_is_404(api, user_b, workout, kniebeuge):
    foreign = Trainingseinheit.objects.create(user=user_b, datum=timezone.now())
    assert _post(api, _body(foreign, kniebeuge, confirm=True)).status_code == 404
    hidden = Uebung.objects.create(name="Bernds Übung", owner=user_b)
    assert _post(api, _body(workout, hidden, confirm=True)).status_code == 404
    missing = _post(api, _body(workout, kniebeuge, einheit_id=2**40, confirm=True))
    assert missing.status_code == 404
    assert not Satz.objects.filter(einheit__in=[workout, foreign]).exists()


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"gewicht": -1}, "gewicht"),
        ({"gewicht": 1000.5}, "gewicht"),
        ({"gewicht": "viel"}, "gewicht"),
        ({"gewicht": "NaN"}, "gewicht"),
        ({"gewicht": 62.1234}, "gewicht"),
        ({"wiederholungen": 0}, "wiederholungen"),
        ({"wiederholungen": 201}, "wiederholungen"),
        ({"wiederholungen": None}, "wiederholungen"),
        ({"rpe": 7.3}, "rpe"),
        ({"rpe": 11}, "rpe"),
        ({"set_type": "mega"}, "set_type"),
        ({"satz_nr": 0}, "satz_nr"),
        ({"satz_nr": 40000}, "satz_nr"),
        ({"einheit_id": "x"}, "einheit_id"),
        ({"einheit_id": 2**70}, "einheit_id"),
        ({"uebung_id": -3}, "uebung_id"),
        ({"confirm": "vielleicht"}, "confirm"),
    ],
)
def test_bad_input_is_a_400_that_names_the_field(api, workout, kniebeuge, fields, fragment):
    response = _post(api, _body(workout, kniebeuge, confirm=True) | fields)
    assert response.status_code == 400, response.content
    assert fragment in response.json()["detail"]
    assert not Satz.objects.filter(einheit=workout).exists()


def test_a_missing_field_a_list_and_broken_json_are_400(api, workout, kniebeuge):
    body = _body(workout, kniebeuge)
    del body["wiederholungen"]
    assert "wiederholungen" in _post(api, body).json()["detail"]
    assert _post(api, [1, 2]).status_code == 400
    broken = api.post(URL, "{nope", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["detail"]
    assert api.post(URL, "<x/>", content_type="application/xml").status_code == 415


def test_the_schema_documents_the_endpoint(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/saetze/"]["post"]
    assert {"201", "400", "404"} <= set(operation["responses"])
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][request.rsplit("/", 1)[1]]["properties"]
    assert {"einheit_id", "uebung_id", "gewicht", "wiederholungen", "rpe", "confirm"} <= set(fields)
