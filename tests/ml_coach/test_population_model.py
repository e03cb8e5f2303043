import numpy as np
import pytest

from core.models import MLPopulationModel, ModelStatus
from ml_coach.artifact_store import load_artifact, model_cache
from ml_coach.features import N_FEATURES
from ml_coach.population_model import (
    PopulationModel,
    assign_folds,
    fit_population,
    make_population_estimator,
)
from ml_coach.prediction_service import active_population
from ml_coach.trees import CompactTrees
from tests.factories import linear_progression, log_history
from tests.ml_coach.test_backtest import synthetic_lifter


def test_compact_trees_equal_the_fitted_estimator():
    rng = np.random.RandomState(0)
    x = rng.randn(3000, N_FEATURES)
    y = 0.02 * x[:, 0] + 0.01 * np.sin(x[:, 2]) + 0.01 * rng.randn(3000)
    x[::40, 5] = np.nan
    est = make_population_estimator().fit(x, y)
    trees = CompactTrees(est)
    assert trees.n_trees == 200
    assert np.allclose(trees.predict(x), est.predict(x), rtol=0, atol=1e-12)
    assert trees.predict(x[:1]).shape == (1,)


def lifters(n, sessions=40):
    from ml_coach.sessions import group_sessions

    return {
        f"l{i}": [
            (group_sessions(synthetic_lifter(linear_progression(sessions, start=40 + 10 * i))), 2.5)
        ]
        for i in range(n)
    }


def test_every_known_lifter_is_judged_by_a_model_that_never_saw_them():
    model = fit_population(lifters(4), n_folds=3)
    assert model.fold_ids == [0, 1, 2] and model.fold_of_lifter == assign_folds(
        ["l0", "l1", "l2", "l3"]
    )
    assert all(model.can_judge(k) for k in model.fold_of_lifter)
    x = np.zeros((1, N_FEATURES))
    oof = model.predict_change(x, "l0", out_of_fold=True)
    assert model.predict_change(x, "stranger", out_of_fold=True) == model.predict_change(x)
    assert oof == model.folds[model.fold_of_lifter["l0"]].predict(x)


def test_a_single_lifter_is_never_judged_in_sample():
    model = fit_population(lifters(1, sessions=80), n_folds=3)
    assert not model.can_judge("l0") and model.can_judge("someone_else")


def test_population_training_is_deterministic():
    a = fit_population(lifters(3)).estimator
    b = fit_population(lifters(3)).estimator
    assert np.array_equal(a.value, b.value) and np.array_equal(a.threshold, b.threshold)


@pytest.mark.django_db
def test_train_population_model_swaps_the_active_row(population, user_a, bank, model_root):
    first = population()
    assert first.status == ModelStatus.ACTIVE and first.n_users == 3 and first.n_samples > 100
    model = load_artifact(first.artifact_path, first.artifact_sha256)
    assert isinstance(model, PopulationModel) and model.fold_ids == [0, 1, 2]
    assert set(model.fold_models()) == set(model.fold_ids)  # one file holds everything
    assert list((model_root / "population").iterdir()) == [model_root / first.artifact_path]
    log_history(user_a, bank, linear_progression(20))
    second = population()
    first.refresh_from_db()
    assert (first.status, second.status, second.n_users) == (
        ModelStatus.OUTDATED,
        ModelStatus.ACTIVE,
        4,
    )
    ref, loaded = active_population()
    assert ref["id"] == second.pk and loaded.n_lifters == 4


@pytest.mark.django_db
def test_population_failure_is_recorded_and_keeps_the_active_one(population, model_root):
    good = population()
    from django.contrib.auth import get_user_model

    get_user_model().objects.all().delete()  # nothing to learn from
    failed = population()
    good.refresh_from_db()
    assert failed.status == ModelStatus.FAILED and "too little data" in failed.error_text
    assert good.status == ModelStatus.ACTIVE
    model_cache.clear()
    (model_root / good.artifact_path).write_bytes(b"tampered")
    assert active_population() is None
    assert MLPopulationModel.objects.filter(status=ModelStatus.ACTIVE).count() == 1
