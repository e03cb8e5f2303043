"""Trainers the worker tests plug in through ``settings.ML_TRAIN_CALLABLE``.

``train`` calls the coach's real ``train_and_store`` when it exists. It can be slowed down
(cache key ``SLOW_KEY`` holds seconds, consumed once) so a test can kill the process training;
it records the training process's pid under ``PID_KEY``.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from core.models import MLPredictionModel, ModelStatus
from workers import training

SLOW_KEY = "tests:train-slow-once"
PID_KEY = "tests:train-pid"
CALLS_KEY = "tests:train-calls"


def _coach():
    try:
        from ml_coach.trainer import train_and_store
    except ImportError:
        return stand_in_train_and_store
    return train_and_store


def train(user_id: int, uebung_id: int) -> MLPredictionModel:
    cache.set(PID_KEY, os.getpid(), timeout=300)
    if not cache.add(CALLS_KEY, 1, timeout=300):
        cache.incr(CALLS_KEY)
    slow = cache.get(SLOW_KEY)
    if slow:
        # A training in progress: a TRAINING row and time to kill the process meanwhile.
        cache.delete(SLOW_KEY)
        row = MLPredictionModel.objects.create(
            user_id=user_id, uebung_id=uebung_id, status=ModelStatus.TRAINING
        )
        time.sleep(float(slow))
        row.delete()
    return _coach()(user_id, uebung_id)


def stand_in_train_and_store(user_id: int, uebung_id: int) -> MLPredictionModel:
    """Until the coach lands: the same row protocol with a tiny JSON artifact."""
    n = training.sample_count(user_id, uebung_id)
    row = MLPredictionModel.objects.create(
        user_id=user_id, uebung_id=uebung_id, status=ModelStatus.TRAINING
    )
    data = json.dumps({"user": user_id, "uebung": uebung_id, "n": n}).encode()
    relative = f"{user_id}/{uebung_id}/{row.pk}.json"
    path = Path(settings.ML_MODEL_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    with transaction.atomic():
        MLPredictionModel.objects.filter(
            user_id=user_id, uebung_id=uebung_id, status=ModelStatus.ACTIVE
        ).update(status=ModelStatus.OUTDATED)
        row.status = ModelStatus.ACTIVE
        row.artifact_path = relative
        row.artifact_sha256 = hashlib.sha256(data).hexdigest()
        row.samples_at_training = n
        row.n_samples = n
        row.trained_at = timezone.now()
        row.save()
    return row
