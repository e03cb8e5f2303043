"""The ML endpoints: auth, isolation between lifters (404), validation (400), throttling."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from core.models import Satz, Uebung
from homegym.celery import app as celery_app
from tests.factories import log_sets_unsaved, make_user
from workers.models import TrainingJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_redis():
    cache.clear()
    yield
    cache.clear()
    celery_app.control.purge()  # no worker here: drop what the tests queued


@pytest.fixture
def client_a(user_a):
    client = APIClient()
    client.force_authenticate(user_a)
    return client


def test_anonymous_is_refused_everywhere(kniebeuge):
    client = APIClient()
    for response in (
        client.post("/api/ml/train/", {}, format="json"),
        client.get(f"/api/ml/predict/{kniebeuge.pk}/"),
        client.get("/api/ml/tasks/abc/"),
    ):
        assert response.status_code in (401, 403)


def test_token_auth_trains_own_models_and_records_the_job(user_a, kniebeuge):
    Satz.objects.bulk_create(log_sets_unsaved(user_a, kniebeuge, 12))
    token = Token.objects.create(user=user_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post("/api/ml/train/", {}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert len(body["task_ids"]) == 1 and body["jobs"][0]["uebung_id"] == kniebeuge.pk
    job = TrainingJob.objects.get(task_id=body["task_ids"][0])
    assert (job.requested_by, job.user, job.uebung) == (user_a, user_a, kniebeuge)
    state = client.get(body["jobs"][0]["status_url"])
    assert state.status_code == 200
    assert state.json()["state"] == "PENDING"


def test_a_lifter_cannot_train_or_read_another_lifters_models(user_a, user_b, client_a):
    own_b = Uebung.objects.create(name="Bernds Übung", owner=user_b)
    Satz.objects.bulk_create(log_sets_unsaved(user_b, own_b, 12))
    for payload in ({"user_id": user_b.pk}, {"uebung_id": own_b.pk}):
        assert client_a.post("/api/ml/train/", payload, format="json").status_code == 404
    assert client_a.get(f"/api/ml/predict/{own_b.pk}/").status_code == 404

    client_b = APIClient()
    client_b.force_authenticate(user_b)
    task_id = client_b.post("/api/ml/train/", {}, format="json").json()["task_ids"][0]
    assert client_b.get(f"/api/ml/tasks/{task_id}/").status_code == 200
    assert client_a.get(f"/api/ml/tasks/{task_id}/").status_code == 404
    assert client_a.get("/api/ml/tasks/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_staff_may_train_another_users_models(user_b, kniebeuge):
    staff = make_user("trainer", staff=True, password="x")
    Satz.objects.bulk_create(log_sets_unsaved(user_b, kniebeuge, 12))
    client = APIClient()
    client.force_authenticate(staff)
    response = client.post("/api/ml/train/", {"user_id": user_b.pk}, format="json")
    assert response.status_code == 202
    job = TrainingJob.objects.get(task_id=response.json()["task_ids"][0])
    assert (job.requested_by, job.user) == (staff, user_b)
    assert client.post("/api/ml/train/", {"user_id": 10**9}, format="json").status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        {"user_id": "abc"},
        {"uebung_id": -3},
        {"uebung_id": 2**70},
        {"uebung_id": None},
        [1, 2],
        "nur Text",
    ],
)
def test_bad_payloads_get_400_with_a_message(client_a, payload):
    response = client_a.post("/api/ml/train/", payload, format="json")
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]


def test_not_enough_data_is_a_400_with_the_count(client_a, user_a, kniebeuge):
    Satz.objects.bulk_create(log_sets_unsaved(user_a, kniebeuge, 4))
    response = client_a.post("/api/ml/train/", {"uebung_id": kniebeuge.pk}, format="json")
    assert response.status_code == 400
    assert "4/10" in response.json()["detail"]
    response = client_a.post("/api/ml/train/", {}, format="json")
    assert response.status_code == 400
    assert "Keine Übungen" in response.json()["detail"]


def test_malformed_json_is_400(client_a):
    response = client_a.post("/api/ml/train/", "{nope", content_type="application/json")
    assert response.status_code == 400


def test_unknown_or_huge_ids_are_404_not_500(client_a):
    assert client_a.get("/api/ml/predict/999999/").status_code == 404
    assert client_a.get(f"/api/ml/predict/{2**80}/").status_code == 404
    assert client_a.get("/api/ml/tasks/" + "x" * 300 + "/").status_code == 404


def test_training_requests_are_throttled(monkeypatch, client_a, user_a, kniebeuge):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "ml_train", "2/hour")
    Satz.objects.bulk_create(log_sets_unsaved(user_a, kniebeuge, 12))
    codes = [client_a.post("/api/ml/train/", {}, format="json").status_code for _ in range(3)]
    assert codes == [202, 202, 429]


def test_prediction_of_a_catalogue_exercise(client_a, user_a, kniebeuge):
    Satz.objects.bulk_create(log_sets_unsaved(user_a, kniebeuge, 4))
    response = client_a.get(f"/api/ml/predict/{kniebeuge.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["uebung_id"] == kniebeuge.pk
    assert body["source"] == "not_enough_data" and body["n_sets"] <= 4


def test_openapi_documents_the_ml_endpoints(client_a):
    schema = client_a.get("/api/openapi.json?format=json").json()
    paths = schema["paths"]
    assert {"/api/ml/train/", "/api/ml/predict/{uebung_id}/", "/api/ml/tasks/{task_id}/"} <= set(
        paths
    )
    assert {"202", "400", "404"} <= set(paths["/api/ml/train/"]["post"]["responses"])


def test_only_json_bodies_and_json_404s(client_a):
    form = client_a.post("/api/ml/train/", {"user_id": 1})  # multipart
    assert form.status_code == 415
    assert client_a.get("/api/ml/predict/-1/").json() == {"detail": "Nicht gefunden."}
    assert client_a.get("/api/gibt-es-nicht/").status_code == 404
