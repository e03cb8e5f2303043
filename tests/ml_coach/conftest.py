"""Synthetic lifter histories in the real database, and an isolated model root."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung
from ml_coach.artifact_store import model_cache


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


def linear_progression(
    n_sessions: int, start: float = 60.0, step: float = 2.5, every: int = 3, deload_every: int = 0
) -> list[float]:
    """Top weights of a lifter who adds ``step`` every ``every`` sessions (optional deloads)."""
    weights, w = [], start
    for i in range(n_sessions):
        if i and i % every == 0:
            w += step
        if deload_every and i and i % deload_every == 0:
            w -= 2 * step
        weights.append(w)
    return weights


def log_history(
    user,
    uebung,
    top_weights,
    reps: int = 8,
    sets: int = 3,
    warmup: bool = True,
    start=None,
    days_apart: int = 3,
    rpe: Decimal | None = None,
):
    """Write one workout per top weight: an optional warm-up at half weight, then work sets."""
    start = start or timezone.now() - timedelta(days=days_apart * (len(top_weights) + 1))
    for i, w in enumerate(top_weights):
        einheit, _ = Trainingseinheit.objects.get_or_create(
            user=user, datum=start + timedelta(days=days_apart * i), defaults={"name": "Push"}
        )
        nr = Satz.objects.filter(einheit=einheit).count() + 1
        if warmup:
            Satz.objects.create(
                einheit=einheit,
                uebung=uebung,
                satz_nr=nr,
                gewicht=Decimal(str(w / 2)),
                wiederholungen=10,
                set_type=Satz.SetType.WARMUP,
            )
            nr += 1
        for k in range(sets):
            Satz.objects.create(
                einheit=einheit,
                uebung=uebung,
                satz_nr=nr + k,
                gewicht=Decimal(str(w)),
                wiederholungen=reps,
                rpe=rpe,
            )


@pytest.fixture
def bank(db):
    return Uebung.objects.create(name="Bankdrücken", increment_kg=Decimal("2.5"))


@pytest.fixture
def population(db, django_user_model, user_a, bank):
    """Call it to train an ACTIVE population model; the first call adds three other lifters
    who add 2.5 kg every third session (the pattern a coach should learn across lifters)."""
    from ml_coach.ml_trainer import train_population_model

    created = []

    def train(n_sessions: int = 45):
        if not created:
            for n, start in enumerate((40.0, 70.0, 100.0)):
                other = django_user_model.objects.create_user(f"lifter{n}", password="pw-x-1234")
                log_history(
                    other, bank, linear_progression(n_sessions, start=start, every=3), warmup=False
                )
                created.append(other)
        return train_population_model()

    return train
