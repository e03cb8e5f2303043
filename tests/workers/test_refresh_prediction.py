"""After a retrain the worker warms what the lifter reads next: mid-workout, the next set."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from core.models import Satz, Trainingseinheit
from ml_coach.ml_trainer import train_and_store
from ml_coach.prediction_cache import cache_key, cache_keys
from tests.factories import log_history
from workers.training import refresh_prediction

pytestmark = pytest.mark.django_db


def test_a_retrain_mid_workout_warms_that_workouts_next_set(user_a, bank):
    log_history(user_a, bank, [60.0] * 12, warmup=False)
    train_and_store(user_a.pk, bank.pk)
    running = Trainingseinheit.objects.create(user=user_a, datum=timezone.now(), name="Heute")
    Satz.objects.create(einheit=running, uebung=bank, gewicht=60, wiederholungen=8)
    done = Trainingseinheit.objects.create(
        user=user_a, datum=timezone.now() - timedelta(hours=3), duration=timedelta(hours=1)
    )
    Satz.objects.create(einheit=done, uebung=bank, gewicht=60, wiederholungen=8)
    cache.clear()

    refresh_prediction(user_a.pk, bank.pk)

    assert cache.get(cache_key(user_a.pk, bank.pk)) is not None
    warm = cache.get(cache_keys(user_a.pk, [bank.pk], running.pk)[bank.pk])
    assert warm is not None and warm["set_number"] == 2
    assert cache.get(cache_keys(user_a.pk, [bank.pk], done.pk)[bank.pk]) is None
