"""Speed and size on a 1,000-set history in the real database (figures printed with -s).

The bounds are loose on purpose (a shared 2-core machine); docs/ml.md has measured figures.
"""

import statistics
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Satz, Trainingseinheit
from ml_coach.cache import cached_recommendation
from ml_coach.predictor import MLPredictor
from ml_coach.trainer import train_and_store
from tests.ml_coach.conftest import linear_progression

pytestmark = pytest.mark.django_db


def median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def test_one_thousand_sets_train_fast_and_predict_in_milliseconds(
    user_a, bank, population, model_root, clear_cache
):
    start = timezone.now() - timedelta(days=600)
    weights = linear_progression(250, every=3)
    einheiten = Trainingseinheit.objects.bulk_create(
        Trainingseinheit(user=user_a, datum=start + timedelta(days=2 * i)) for i in range(250)
    )
    Satz.objects.bulk_create(
        Satz(einheit=e, uebung=bank, satz_nr=k, gewicht=Decimal(str(w)), wiederholungen=8)
        for e, w in zip(einheiten, weights, strict=True)
        for k in (1, 2, 3, 4)
    )
    population(250)
    row = train_and_store(user_a.pk, bank.pk)
    train_ms = median_ms(lambda: train_and_store(user_a.pk, bank.pk), 3)
    size = (model_root / row.artifact_path).stat().st_size
    predictor = MLPredictor(user_id=user_a.pk)
    assert predictor.recommend(bank.pk).source == "model"
    predict_ms = median_ms(
        lambda: predictor.predict_next_weight(bank.pk, last_weight=100, last_reps=8, rpe=8), 200
    )
    cached_recommendation(user_a.pk, bank.pk)
    cached_ms = median_ms(lambda: cached_recommendation(user_a.pk, bank.pk), 100)
    print(
        f"\n1000 sets: train_and_store {train_ms:.0f} ms (DB included), "
        f"predict_next_weight {predict_ms:.3f} ms, cached_recommendation warm {cached_ms:.2f} ms, "
        f"artifact {size} B"
    )
    assert row.samples_at_training == 1000 and row.uses_model
    assert train_ms < 3000 and predict_ms < 20 and size < 200_000
