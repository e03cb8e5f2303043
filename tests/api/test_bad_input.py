"""The JSON API with hand-picked bad input: wrong types, out-of-range and unknown ids, broken
and huge bodies. Always a 4xx whose ``detail`` says what is wrong, never a 500, no job queued."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung
from homegym.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(user_a):
    cache.clear()  # fresh throttle history
    client = Client(raise_request_exception=False)
    client.force_login(user_a)
    yield client
    cache.clear()
    celery_app.control.purge()


@pytest.fixture
def own_exercise(user_a):
    uebung = Uebung.objects.create(name="Rudern", owner=user_a)
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now() - timedelta(1))
    Satz.objects.create(einheit=einheit, uebung=uebung, gewicht=Decimal(50), wiederholungen=8)
    return uebung


def _jobs() -> int:
    from workers.models import TrainingJob

    return TrainingJob.objects.count()


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"uebung_id": "abc"}, "uebung_id"),
        ({"uebung_id": -1}, "uebung_id"),
        ({"uebung_id": 0}, "uebung_id"),
        ({"uebung_id": 1.5}, "uebung_id"),
        ({"uebung_id": 2**70}, "uebung_id"),
        ({"uebung_id": None}, "uebung_id"),
        ({"uebung_id": [1]}, "uebung_id"),
        ({"user_id": "me"}, "user_id"),
        ({"user_id": -5}, "user_id"),
        ([1, 2, 3], "JSON-Objekt"),
        ("just a string", "JSON-Objekt"),
    ],
)
def test_train_refuses_bad_bodies(api, body, fragment):
    before = _jobs()
    response = api.post("/api/ml/train/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400, (body, response.status_code)
    assert fragment in response.json()["detail"]
    assert _jobs() == before


def test_train_refuses_broken_json_and_wrong_media_type(api):
    response = api.post("/api/ml/train/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    response = api.post("/api/ml/train/", "<x/>", content_type="application/xml")
    assert response.status_code == 415
    assert response.json()["detail"]


def test_train_with_too_little_data_says_how_much(api, own_exercise):
    response = api.post(
        "/api/ml/train/", {"uebung_id": own_exercise.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert f"1/{settings.ML_MIN_SAMPLES}" in response.json()["detail"]


def test_train_unknown_or_foreign_ids_are_404(api, user_b):
    foreign = Uebung.objects.create(name="Bernds Übung", owner=user_b)
    for body in ({"uebung_id": 999_999}, {"uebung_id": foreign.pk}, {"user_id": user_b.pk}):
        response = api.post("/api/ml/train/", body, content_type="application/json")
        assert response.status_code == 404, body
    assert _jobs() == 0


def test_train_body_above_the_upload_limit_is_refused(api):
    huge = json.dumps({"uebung_id": 1, "pad": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = api.post("/api/ml/train/", huge, content_type="application/json")
    assert 400 <= response.status_code < 500, response.status_code
    assert _jobs() == 0


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/ml/predict/999999/", 404),
        ("/api/ml/predict/0/", 404),
        ("/api/ml/predict/99999999999999999999999999/", 404),
        ("/api/ml/predict/-1/", 404),
        ("/api/ml/predict/abc/", 404),
        ("/api/ml/tasks/does-not-exist/", 404),
        ("/api/ml/tasks/" + "x" * 500 + "/", 404),
        ("/api/ml/tasks/%00%ff/", 404),
        ("/api/ml/tasks/..%2F..%2Fetc%2Fpasswd/", 404),
    ],
)
def test_unknown_ids_are_404_with_detail(api, url, expected):
    response = api.get(url)
    assert response.status_code == expected, (url, response.status_code)


def test_predict_own_exercise_answers_with_the_recommendation(api, own_exercise):
    """Not everything is 404: the valid request of the same shape is answered."""
    response = api.get(f"/api/ml/predict/{own_exercise.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["uebung_id"] == own_exercise.pk
    assert data["source"] == "not_enough_data"


def test_wrong_methods_are_405(api, own_exercise):
    assert api.get("/api/ml/train/").status_code == 405
    assert api.delete(f"/api/ml/predict/{own_exercise.pk}/").status_code == 405
    assert api.post(f"/api/ml/predict/{own_exercise.pk}/", {}).status_code == 405
