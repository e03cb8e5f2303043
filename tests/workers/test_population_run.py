"""The nightly population model in parallel pieces, on a real worker: rows once, one task per
piece, one assembly, then the per-user fan-out; a failed piece keeps the ACTIVE model."""

from __future__ import annotations

import pytest

from core.models import MLPopulationModel, MLPredictionModel, ModelStatus, Satz
from ml_coach.artifact_store import load_artifact
from ml_coach.ml_trainer import population_run_dir, prepare_population_run, user_histories
from ml_coach.population_model import fit_population
from tests.factories import linear_progression, log_history, log_sets_unsaved, make_user
from tests.ml_coach.test_population_pieces import assert_same_model
from tests.workers.conftest import STARTED, started, wait_finished
from workers import population
from workers.tasks import nightly_signature, population_run_assemble, population_run_piece

ASSEMBLE = "workers.tasks.population_run_assemble"
PIECE = "workers.tasks.population_run_piece"


@pytest.fixture
def lifters(bank):
    for n, start in enumerate((40.0, 70.0, 100.0)):
        log_history(
            make_user(f"lifter{n}"), bank, linear_progression(45, start=start), warmup=False
        )


@pytest.mark.django_db(transaction=True)
def test_nightly_fits_the_population_in_pieces_then_fans_out(
    worker_env, settings, lifters, user_a, bank
):
    settings.ML_OWN_POPULATION_MIN_LIFTERS = 1
    Satz.objects.bulk_create(log_sets_unsaved(user_a, bank, 12))
    nightly_signature([user_a.id]).apply_async()
    wait_finished("workers.tasks.retrain_user_models", timeout=60)

    row = MLPopulationModel.objects.get(status=ModelStatus.ACTIVE)
    pieces = started(PIECE)
    assert len(pieces) == len({name for _, name in pieces}) == 12  # 4 session + 8 set fits
    assert len({run_id for run_id, _ in pieces}) == 1
    assert wait_finished(ASSEMBLE)[0]["status"] == ModelStatus.ACTIVE
    names = [name for name, _ in STARTED]
    last_piece = max(i for i, name in enumerate(names) if name == PIECE)
    assert names.index("workers.tasks.population_run_start") < names.index(PIECE)
    assert last_piece < names.index(ASSEMBLE) < names.index("workers.tasks.enqueue_user_retrains")
    # The same model as the one-call fit on the same histories.
    assert_same_model(
        fit_population(user_histories()), load_artifact(row.artifact_path, row.artifact_sha256)
    )
    assert MLPredictionModel.objects.get(user=user_a, status=ModelStatus.ACTIVE).uebung == bank
    run_id = pieces[0][0]
    assert not population_run_dir(run_id).exists() and population.run_state(run_id) is None
    # A second assembly of the same run (a duplicate message) does nothing.
    population_run_assemble.delay(run_id)
    assert wait_finished(ASSEMBLE, n=2)[1]["status"] == "already_assembled"
    assert MLPopulationModel.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_piece_fails_the_run_keeps_the_active_model_and_still_fans_out(
    worker_env, settings, lifters, user_a, bank
):
    settings.ML_OWN_POPULATION_MIN_LIFTERS = 1
    nightly_signature([]).apply_async()
    assert wait_finished(ASSEMBLE, timeout=60)[0]["status"] == ModelStatus.ACTIVE
    good = MLPopulationModel.objects.get(status=ModelStatus.ACTIVE)

    # A run whose stored rows got damaged (disk fault) after they were written.
    Satz.objects.bulk_create(log_sets_unsaved(user_a, bank, 12))
    pieces = prepare_population_run("damaged")
    (population_run_dir("damaged") / "rows.npz").write_bytes(b"\0" * 64)
    population.open_run("damaged", pieces, dict(_fan_out(user_a.id)))
    for name in pieces:
        population_run_piece.delay("damaged", name)
    wait_finished("workers.tasks.retrain_user_models", timeout=60)

    failed = MLPopulationModel.objects.get(status=ModelStatus.FAILED)
    good.refresh_from_db()
    assert good.status == ModelStatus.ACTIVE  # the previous model keeps serving
    assert f"{len(pieces)} piece(s) failed, first session-all: ValueError" in failed.error_text
    assert all(r["status"] == "failed" for r in wait_finished(PIECE, n=12 + len(pieces))[12:])
    assert MLPredictionModel.objects.get(user=user_a, status=ModelStatus.ACTIVE).uebung == bank
    assert not population_run_dir("damaged").exists()


def _fan_out(user_id: int):
    from celery import group

    from workers.tasks import enqueue_user_retrains

    return group([enqueue_user_retrains.si([user_id], True)])


def test_only_the_piece_that_completes_the_set_triggers_the_assembly(settings):
    population.open_run("latch", ["a", "b", "c"], None)
    try:
        assert [population.piece_done("latch", p) for p in ("a", "b", "a")] == [False] * 3
        assert population.piece_done("latch", "c") is True
        # A redelivered piece after completion may queue the assembly again (the claim
        # decides); once the run is closed nothing is queued at all.
        assert population.claim_assembly("latch", "task-1")
        assert population.claim_assembly("latch", "task-1")  # its own redelivery
        assert not population.claim_assembly("latch", "task-2")
    finally:
        population.close_run("latch")
    assert population.piece_done("latch", "a") is False
