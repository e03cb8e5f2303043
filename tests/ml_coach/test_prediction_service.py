from decimal import Decimal

import pytest

from core.models import MLPredictionModel, ModelStatus, Uebung, UserProfile
from ml_coach.artifact_store import model_cache
from ml_coach.ml_trainer import train_and_store
from ml_coach.prediction_service import MLPredictor, format_delta
from tests.factories import linear_progression, log_history

pytestmark = pytest.mark.django_db

LB = 0.45359237


def test_no_history_recommends_nothing(user_a, bank):
    rec = MLPredictor(user_id=user_a.pk).recommend(bank.pk)
    assert rec.source == "not_enough_data" and rec.weight_kg is None
    assert rec.label == "not enough data: 0/10 sets"


def test_few_sets_repeat_last_weight_and_say_why(user_a, bank):
    log_history(user_a, bank, [60, 62.5], sets=3, rpe=Decimal("7"))
    rec = MLPredictor(user_id=user_a.pk).recommend(bank.pk)
    assert rec.label == "not enough data: 6/10 sets"
    assert (rec.weight_kg, rec.reps, rec.display_unit) == (62.5, 8, "kg")
    assert rec.explanation == "letztes Mal 3×8 @ RPE 7 → ±0 kg"


def test_without_a_model_the_baseline_serves(user_a, bank):
    log_history(user_a, bank, linear_progression(12))
    rec = MLPredictor(user_id=user_a.pk).recommend(bank.pk)
    assert (rec.source, rec.weight_kg, rec.model_version) == ("baseline", 67.5, "")


def test_a_model_that_beats_the_baseline_serves_and_rounds_to_the_step(user_a, bank, population):
    log_history(user_a, bank, linear_progression(42, every=3))  # session 42 is a +2.5 one
    population()
    row = train_and_store(user_a.pk, bank.pk)
    assert row.uses_model
    rec = MLPredictor(user_id=user_a.pk).recommend(bank.pk)
    assert rec.source == "model" and rec.model_version.startswith(f"{row.pk}-")
    assert rec.weight_kg == 92.5 + 2.5
    assert rec.explanation == "letztes Mal 3×8 → +2,5 kg"
    predictor = MLPredictor(user_id=user_a.pk)
    assert predictor.predict_next_weight(bank.pk, last_weight=92.5, last_reps=8) == 95.0
    # an off-grid last weight moves by whole plate steps instead of being snapped away
    w = predictor.predict_next_weight(bank.pk, last_weight=101.3, last_reps=8, rpe=8)
    assert round((w - 101.3) / 2.5, 9).is_integer()


def test_model_that_does_not_beat_the_baseline_is_not_used(user_a, bank, population):
    log_history(user_a, bank, linear_progression(42, every=3))
    population()
    row = train_and_store(user_a.pk, bank.pk)
    MLPredictionModel.objects.filter(pk=row.pk).update(uses_model=False)
    rec = MLPredictor(user_id=user_a.pk).recommend(bank.pk)
    assert (rec.source, rec.weight_kg) == ("baseline", 92.5)


@pytest.mark.parametrize("which", ["coach", "population"])
def test_tampered_artifact_falls_back_to_the_baseline(user_a, bank, model_root, population, which):
    log_history(user_a, bank, linear_progression(42, every=3))
    pop_row = population()
    row = train_and_store(user_a.pk, bank.pk)
    assert MLPredictor(user_id=user_a.pk).recommend(bank.pk).source == "model"
    model_cache.clear()
    path = model_root / (row.artifact_path if which == "coach" else pop_row.artifact_path)
    path.write_bytes(path.read_bytes()[:-7])
    rec = MLPredictor(user_id=user_a.pk).recommend(bank.pk)
    assert (rec.source, rec.weight_kg, rec.model_version) == ("baseline", 92.5, "")


def test_pound_lifters_see_pounds_on_their_grid(user_a):
    UserProfile.objects.filter(user=user_a).update(display_unit="lb")
    curl = Uebung.objects.create(name="Curl", increment_kg=Decimal("2.5"))
    log_history(user_a, curl, [w * LB for w in (40, 45, 45, 50)], sets=3)
    rec = MLPredictor(user_id=user_a.pk).recommend(curl.pk)
    assert rec.display_unit == "lb" and rec.display_weight == 50.0
    assert rec.weight_kg == pytest.approx(50 * LB, abs=1e-3)
    assert rec.explanation.endswith("→ ±0 lb")


def test_german_delta_formatting():
    assert format_delta(2.5, "kg") == "+2,5 kg"
    assert format_delta(-1.25, "kg") == "−1,25 kg"
    assert format_delta(0, "kg") == "±0 kg"
    assert format_delta(5 * LB, "lb") == "+5 lb"


def test_failed_row_is_never_served(user_a, bank):
    log_history(user_a, bank, linear_progression(12))
    MLPredictionModel.objects.create(
        user=user_a, uebung=bank, status=ModelStatus.FAILED, uses_model=True, error_text="boom"
    )
    assert MLPredictor(user_id=user_a.pk).recommend(bank.pk).source == "baseline"
