"""An isolated model root, and a trained population model on demand."""

from __future__ import annotations

import pytest

from ml_coach.artifact_store import model_cache
from tests.factories import linear_progression, log_history, make_user


@pytest.fixture(autouse=True)
def model_root(tmp_path, settings):
    settings.ML_MODEL_ROOT = tmp_path / "models"
    model_cache.clear()
    yield settings.ML_MODEL_ROOT
    model_cache.clear()


@pytest.fixture
def clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def population(db, user_a, bank, settings):
    """Call it to train an ACTIVE population model; the first call adds three other lifters
    who add 2.5 kg every third session (the pattern a coach should learn across lifters).
    The instance's own model then serves instead of the shipped prior, however few lifters."""
    from ml_coach.ml_trainer import train_population_model

    settings.ML_OWN_POPULATION_MIN_LIFTERS = 1
    created = []

    def train(n_sessions: int = 45):
        if not created:
            for n, start in enumerate((40.0, 70.0, 100.0)):
                other = make_user(f"lifter{n}")
                log_history(
                    other, bank, linear_progression(n_sessions, start=start, every=3), warmup=False
                )
                created.append(other)
        return train_population_model()

    return train
