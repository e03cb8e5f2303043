import numpy as np
import pytest

from core.models import MLPopulationModel, MLPredictionModel, ModelStatus, Uebung
from ml_coach import ml_trainer
from ml_coach.artifact_store import load_artifact, model_cache, sha256_bytes
from ml_coach.ml_trainer import (
    MLTrainer,
    NotEnoughDataError,
    activate,
    exercises_with_enough_data,
    train_and_store,
    users_with_enough_data,
)
from tests.factories import linear_progression, log_history

pytestmark = pytest.mark.django_db


def test_trainer_writes_honest_metrics_on_a_synthetic_history(user_a, bank, model_root, population):
    weights = linear_progression(40, every=3)
    log_history(user_a, bank, weights)
    pop_row = population()
    row = train_and_store(user_a.pk, bank.pk)
    assert row.status == ModelStatus.ACTIVE and not row.error_text
    assert row.samples_at_training == 40 * 4  # every set of the exercise, warm-ups included
    # the validation split is the last ~20 % of sessions, in time order
    val = row.validation
    assert len(val["dates"]) == 8 and val["dates"] == sorted(val["dates"])
    assert val["actual"] == weights[-8:]
    # the baseline is "repeat last session", recomputed here independently
    assert val["baseline"] == weights[-9:-1]
    actual, model, base = (np.array(val[k]) for k in ("actual", "model", "baseline"))
    assert row.baseline_mae == pytest.approx(np.abs(actual - base).mean())
    assert row.mae == pytest.approx(np.abs(actual - model).mean())
    assert row.uses_model == (row.mae < row.baseline_mae)
    # +2.5 kg every third session is learnable: the model must beat repeating
    assert row.uses_model and row.mae < row.baseline_mae
    assert all(w % 2.5 == 0 for w in val["model"])  # on the plate grid
    full = model_root / row.artifact_path
    assert sha256_bytes(full.read_bytes()) == row.artifact_sha256
    model = load_artifact(row.artifact_path, row.artifact_sha256)
    assert model.uses_model and model.population_ref["sha256"] == pop_row.artifact_sha256
    assert row.algorithm == "coach" and row.parameters["population_id"] == pop_row.pk
    assert row.library_versions["sklearn"] and row.trained_at
    assert row.n_samples == 39 and row.training_seconds > 0


def test_without_a_population_model_the_coach_keeps_the_baseline(user_a, bank):
    log_history(user_a, bank, linear_progression(40, every=3))
    row = train_and_store(user_a.pk, bank.pk)
    assert row.status == ModelStatus.ACTIVE and not row.uses_model
    assert row.mae == row.baseline_mae and row.validation["model"] == row.validation["baseline"]


def test_tampered_population_artifact_is_not_used_for_training(
    user_a, bank, population, model_root
):
    log_history(user_a, bank, linear_progression(40, every=3))
    pop_row = population()
    full = model_root / pop_row.artifact_path
    full.write_bytes(full.read_bytes() + b"x")
    model_cache.clear()
    row = train_and_store(user_a.pk, bank.pk)
    assert row.status == ModelStatus.ACTIVE and not row.uses_model


def test_guide_rf_is_selectable_and_held_to_the_same_honesty(user_a, bank, settings):
    settings.ML_ALGORITHM = "guide_rf"
    settings.ML_RF_N_ESTIMATORS = 20
    weights = linear_progression(40, every=3)
    log_history(user_a, bank, weights)
    row = train_and_store(user_a.pk, bank.pk)
    assert row.algorithm == "guide_rf" and row.parameters["n_estimators"] == 20
    val = row.validation
    actual, model = np.array(val["actual"]), np.array(val["model"])
    assert row.mae == pytest.approx(np.abs(actual - model).mean())
    assert row.uses_model == (row.mae < row.baseline_mae)


def test_retraining_outdates_the_previous_model(user_a, bank):
    log_history(user_a, bank, linear_progression(20))
    first = train_and_store(user_a.pk, bank.pk)
    second = train_and_store(user_a.pk, bank.pk)
    first.refresh_from_db()
    assert (first.status, second.status) == (ModelStatus.OUTDATED, ModelStatus.ACTIVE)
    assert MLPredictionModel.objects.filter(status=ModelStatus.ACTIVE).count() == 1
    # deterministic: same history, same model bytes
    assert first.artifact_sha256 == second.artifact_sha256


def test_failure_is_recorded_and_keeps_the_previous_active_model(user_a, bank, monkeypatch):
    log_history(user_a, bank, linear_progression(20))
    good = train_and_store(user_a.pk, bank.pk)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ml_trainer, "fit_coach", broken)
    failed = train_and_store(user_a.pk, bank.pk)
    good.refresh_from_db()
    assert failed.status == ModelStatus.FAILED and "disk on fire" in failed.error_text
    assert good.status == ModelStatus.ACTIVE


def test_not_enough_data_writes_nothing(user_a, bank):
    log_history(user_a, bank, [60, 62.5], sets=3)
    with pytest.raises(NotEnoughDataError, match="6/10"):
        train_and_store(user_a.pk, bank.pk)
    assert not MLPredictionModel.objects.exists()


def test_train_all_user_models_trains_only_exercises_with_enough_sets(user_a, user_b, bank):
    kniebeuge = Uebung.objects.create(name="Kniebeuge")
    log_history(user_a, bank, linear_progression(12))
    log_history(user_a, kniebeuge, [100, 100, 102.5], sets=3)  # 9 working sets
    log_history(user_b, kniebeuge, linear_progression(12, start=100))
    results = MLTrainer().train_all_user_models(user=user_a, min_samples=10)
    assert [(u.pk, m["status"]) for u, m in results] == [(bank.pk, ModelStatus.ACTIVE)]
    assert {"r2", "mae", "baseline_mae", "uses_model"} <= set(results[0][1])
    everyone = MLTrainer().train_all_user_models(min_samples=10)
    assert len(everyone) == 2
    assert MLTrainer().train_model(user_b, kniebeuge)["status"] == ModelStatus.ACTIVE


def test_mltrainer_works_on_the_class_as_the_guide_calls_it_and_on_an_instance(
    user_a, bank, settings
):
    log_history(user_a, bank, linear_progression(4))  # 12 working sets
    settings.ML_MIN_SAMPLES = 10
    on_class = MLTrainer.train_all_user_models(user=user_a, min_samples=10)
    assert [(u.pk, m["status"]) for u, m in on_class] == [(bank.pk, ModelStatus.ACTIVE)]
    assert MLTrainer.train_model(user_a, bank)["status"] == ModelStatus.ACTIVE
    # An instance keeps its own minimum: 12 working sets are too few for this one.
    strict = MLTrainer(min_samples=13)
    assert strict.train_all_user_models(user=user_a) == []
    with pytest.raises(NotEnoughDataError, match="12/13"):
        strict.train_model(user_a.pk, bank.pk)
    assert MLPredictionModel.objects.filter(status=ModelStatus.ACTIVE).count() == 1
    assert MLPredictionModel.objects.filter(status=ModelStatus.OUTDATED).count() == 1


def test_activate_swaps_the_active_row_of_either_kind(user_a, bank):
    kniebeuge = Uebung.objects.create(name="Kniebeuge")
    old = MLPredictionModel.objects.create(user=user_a, uebung=bank, status=ModelStatus.ACTIVE)
    other = MLPredictionModel.objects.create(
        user=user_a, uebung=kniebeuge, status=ModelStatus.ACTIVE
    )
    new = activate(MLPredictionModel(user=user_a, uebung=bank, status=ModelStatus.TRAINING))
    old.refresh_from_db()
    other.refresh_from_db()
    assert (new.status, old.status, other.status) == (
        ModelStatus.ACTIVE,
        ModelStatus.OUTDATED,
        ModelStatus.ACTIVE,  # another exercise's model is not touched
    )
    first = activate(MLPopulationModel(status=ModelStatus.TRAINING))
    second = activate(MLPopulationModel(status=ModelStatus.TRAINING))
    first.refresh_from_db()
    assert (first.status, second.status) == (ModelStatus.OUTDATED, ModelStatus.ACTIVE)
    assert MLPopulationModel.objects.filter(status=ModelStatus.ACTIVE).get() == second


def test_enough_data_counts_working_sets_per_user_and_exercise(user_a, user_b, bank):
    kniebeuge = Uebung.objects.create(name="Kniebeuge")
    log_history(user_a, bank, [60, 60, 62.5], sets=3, warmup=True)  # 9 working + 3 warm-ups
    log_history(user_a, kniebeuge, [100] * 4, sets=3)  # 12
    log_history(user_b, bank, [60] * 5, sets=3)  # 15, but another lifter's
    assert exercises_with_enough_data(user_a.pk, 10) == [kniebeuge.pk]
    assert exercises_with_enough_data(user_a.pk, 9) == sorted([bank.pk, kniebeuge.pk])
    assert users_with_enough_data(10) == sorted([user_a.pk, user_b.pk])
    assert users_with_enough_data(13) == [user_b.pk]
