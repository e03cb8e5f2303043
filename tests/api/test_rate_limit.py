"""A lifter cannot queue a retrain storm: the train endpoint is throttled per user."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.throttling import ScopedRateThrottle

from core.models import Satz, Trainingseinheit, Uebung
from homegym.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def lifter_with_data(user_a):
    uebung = Uebung.objects.create(name="Kniebeuge")
    start = timezone.now() - timedelta(days=20)
    for i in range(4):
        einheit = Trainingseinheit.objects.create(user=user_a, datum=start + timedelta(days=i))
        Satz.objects.bulk_create(
            Satz(einheit=einheit, uebung=uebung, satz_nr=n + 1, gewicht=Decimal(80),
                 wiederholungen=5)
            for n in range(3)
        )  # fmt: skip
    return user_a, uebung


@pytest.fixture(autouse=True)
def _clean_broker_and_cache():
    cache.clear()
    yield
    cache.clear()
    celery_app.control.purge()  # nothing queued here may reach a later test's worker


def _rate() -> tuple[int, int]:
    throttle = ScopedRateThrottle()
    return throttle.parse_rate(throttle.THROTTLE_RATES["ml_train"])


def test_n_plus_first_train_request_is_429(lifter_with_data, user_b):
    from workers.models import TrainingJob

    user, uebung = lifter_with_data
    allowed, period = _rate()
    assert allowed <= 20 and period >= 3600, "the production rate must stop a storm"
    client = Client()
    client.force_login(user)
    body = {"uebung_id": uebung.pk}
    for i in range(allowed):
        response = client.post("/api/ml/train/", body, content_type="application/json")
        assert response.status_code == 202, (i, response.content)
    response = client.post("/api/ml/train/", body, content_type="application/json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()
    assert TrainingJob.objects.filter(requested_by=user).count() == allowed

    # Per user: another lifter is not blocked by the first one's storm.
    other = Client()
    other.force_login(user_b)
    response = other.post("/api/ml/train/", {}, content_type="application/json")
    assert response.status_code == 400  # through the throttle: B simply has no data


def test_bad_requests_count_too(lifter_with_data):
    """Invalid bodies are throttled as well: probing cannot go on forever."""
    user, _ = lifter_with_data
    allowed, _ = _rate()
    client = Client()
    client.force_login(user)
    codes = [
        client.post(
            "/api/ml/train/", {"uebung_id": "x"}, content_type="application/json"
        ).status_code
        for _ in range(allowed + 1)
    ]
    assert codes[:allowed] == [400] * allowed
    assert codes[-1] == 429
