"""The trainer the worker tests put in place of ``workers.training.train_and_store``.

``train`` calls the coach's real ``train_and_store``. It can be slowed down (cache key
``SLOW_KEY`` holds seconds, consumed once) so a test can kill the process training; it records
the training process's pid under ``PID_KEY`` and counts its calls under ``CALLS_KEY``.
"""

from __future__ import annotations

import os
import time

from django.core.cache import cache

from core.models import MLPredictionModel
from ml_coach.ml_trainer import train_and_store

SLOW_KEY = "tests:train-slow-once"
PID_KEY = "tests:train-pid"
CALLS_KEY = "tests:train-calls"


def train(user_id: int, uebung_id: int, min_samples: int | None = None) -> MLPredictionModel:
    cache.set(PID_KEY, os.getpid(), timeout=300)
    if not cache.add(CALLS_KEY, 1, timeout=300):
        cache.incr(CALLS_KEY)
    slow = cache.get(SLOW_KEY)
    if slow:  # time to kill the process while the TRAINING marker row exists
        cache.delete(SLOW_KEY)
        time.sleep(float(slow))
    return train_and_store(user_id, uebung_id, min_samples=min_samples)
