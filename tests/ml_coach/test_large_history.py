"""A 1,000-set history through the real database: the model serves and its file stays small.

Speed is measured in ``bench/`` (``make bench``), not asserted here.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Satz, Trainingseinheit
from ml_coach.ml_trainer import train_and_store
from ml_coach.prediction_service import MLPredictor
from tests.factories import linear_progression

pytestmark = pytest.mark.django_db


def test_one_thousand_sets_give_a_small_model_that_serves(
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
    size = (model_root / row.artifact_path).stat().st_size
    predictor = MLPredictor(user_id=user_a.pk)
    assert predictor.recommend(bank.pk).source == "model"
    predicted = predictor.predict_next_weight(bank.pk, last_weight=100, last_reps=8, rpe=8)
    # From 100 kg the model moves by whole 2.5-kg plate steps, and not by much.
    assert abs(predicted - 100) <= 10 and (predicted / 2.5) == round(predicted / 2.5)
    assert row.samples_at_training == 1000 and row.uses_model
    assert size < 200_000
