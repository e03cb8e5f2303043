"""The population model fitted in independent pieces equals the one-call fit."""

from __future__ import annotations

import numpy as np
import pytest

from core.models import MLPopulationModel, ModelStatus
from ml_coach.artifact_store import load_artifact
from ml_coach.features import N_FEATURES
from ml_coach.ml_trainer import (
    finish_population_run,
    fit_population_piece,
    population_run_dir,
    prepare_population_run,
)
from ml_coach.population_model import (
    SET_HEADS,
    Piece,
    PopulationRows,
    assemble,
    fit_piece,
    fit_population,
    population_data,
    population_pieces,
)
from ml_coach.set_features import N_SET_FEATURES
from tests.ml_coach.test_population_model import lifters


def same_trees(a, b) -> bool:
    return all(
        np.array_equal(getattr(a, name), getattr(b, name))
        for name in ("roots", "feature", "threshold", "value", "left", "right", "is_leaf")
    ) and (a.baseline, a.depth) == (b.baseline, b.depth)


def assert_same_model(whole, pieced) -> None:
    rng = np.random.RandomState(1)
    x = rng.randn(200, N_FEATURES) * 3
    sx = rng.randn(200, N_SET_FEATURES) * 3
    assert (whole.fold_ids, whole.fold_of_lifter) == (pieced.fold_ids, pieced.fold_of_lifter)
    assert (whole.n_rows, whole.n_lifters, whole.n_folds) == (
        pieced.n_rows,
        pieced.n_lifters,
        pieced.n_folds,
    )
    assert same_trees(whole.estimator, pieced.estimator)
    assert np.array_equal(whole.predict_change(x), pieced.predict_change(x))
    assert set(whole.folds) == set(pieced.folds) and set(whole.set_folds) == set(pieced.set_folds)
    for key in whole.fold_of_lifter:
        assert whole.can_judge(key) == pieced.can_judge(key)
        if not whole.can_judge(key):
            continue
        assert np.array_equal(
            whole.predict_change(x, key, out_of_fold=True),
            pieced.predict_change(x, key, out_of_fold=True),
        )
        for head in SET_HEADS:
            assert np.array_equal(
                whole.predict_set(head, sx, key, out_of_fold=True),
                pieced.predict_set(head, sx, key, out_of_fold=True),
            )
    for head in SET_HEADS:
        assert np.array_equal(whole.predict_set(head, sx), pieced.predict_set(head, sx))


@pytest.mark.parametrize(("n_lifters", "n_folds"), [(4, 3), (1, 3), (3, 1)])
def test_pieces_assemble_to_the_model_fit_population_returns(n_lifters, n_folds):
    group = lifters(n_lifters, sessions=60)
    whole = fit_population(group, n_folds=n_folds)
    data = population_data(group, n_folds=n_folds)
    pieces = population_pieces(data)
    # The pieces in reverse order (as parallel workers may finish them): the same model.
    pieced = assemble(data, {p: fit_piece(data, p) for p in reversed(pieces)})
    assert_same_model(whole, pieced)
    expected = 3 * (1 + len(whole.folds)) if whole.set_heads else 1 + len(whole.folds)
    assert len(pieces) == len(set(pieces)) == expected


def test_pieces_are_listed_largest_first_and_named_reversibly():
    data = population_data(lifters(4))
    pieces = population_pieces(data)
    assert pieces[0] == Piece("session") or pieces[0].head in SET_HEADS
    sizes = [len(fit_rows[1]) for fit_rows in (_rows(data, p) for p in pieces)]
    assert sizes[0] == max(sizes)
    assert [Piece.from_name(p.name) for p in pieces] == pieces


def _rows(data, piece):
    from ml_coach.population_model import piece_rows

    return piece_rows(data, piece)


def test_a_missing_piece_refuses_to_assemble():
    data = population_data(lifters(4))
    pieces = population_pieces(data)
    fitted = {p: fit_piece(data, p) for p in pieces[1:]}
    with pytest.raises(KeyError, match=pieces[0].name):
        assemble(data, fitted)


def test_rows_survive_the_npz_round_trip(tmp_path):
    data = population_data(lifters(4))
    data.save(tmp_path / "rows.npz")
    again = PopulationRows.load(tmp_path / "rows.npz")
    assert again.fold_of_lifter == data.fold_of_lifter
    assert (again.n_folds, again.min_rows) == (data.n_folds, data.min_rows)
    for name in ("x", "y", "fold", "sx", "syw", "syr", "set_fold"):
        assert np.array_equal(getattr(again, name), getattr(data, name), equal_nan=True)


@pytest.mark.django_db
def test_a_run_in_pieces_stores_the_same_model_as_train_population_model(population, model_root):
    whole_row = population()
    pieces = prepare_population_run("run1")
    assert (population_run_dir("run1") / "rows.npz").exists()
    for name in reversed(pieces):
        assert fit_population_piece("run1", name) > 0
    row = finish_population_run("run1", 1.5)
    whole_row.refresh_from_db()
    assert (row.status, whole_row.status) == (ModelStatus.ACTIVE, ModelStatus.OUTDATED)
    assert row.training_seconds >= 1.5 and row.n_users == whole_row.n_users == 3
    assert_same_model(
        load_artifact(whole_row.artifact_path, whole_row.artifact_sha256),
        load_artifact(row.artifact_path, row.artifact_sha256),
    )
    assert not population_run_dir("run1").exists()  # the run's files are gone


@pytest.mark.django_db
def test_a_failed_piece_fails_the_run_and_keeps_the_active_model(population, model_root):
    good = population()
    pieces = prepare_population_run("run2")
    (population_run_dir("run2") / "rows.npz").write_bytes(b"not an npz")
    with pytest.raises(Exception):  # noqa: B017 (any read error)
        fit_population_piece("run2", pieces[0])
    for name in pieces[1:]:
        with pytest.raises(Exception):  # noqa: B017
            fit_population_piece("run2", name)
    failed = finish_population_run("run2", 0.0)
    good.refresh_from_db()
    assert failed.status == ModelStatus.FAILED
    assert f"{len(pieces)} piece(s) failed, first session-all" in failed.error_text
    assert good.status == ModelStatus.ACTIVE
    assert MLPopulationModel.objects.filter(status=ModelStatus.ACTIVE).count() == 1
    assert not population_run_dir("run2").exists()


def test_run_ids_cannot_leave_the_model_root():
    with pytest.raises(ValueError):
        population_run_dir("../etc")
