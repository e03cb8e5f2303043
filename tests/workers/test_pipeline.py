"""From a saved set to an ACTIVE model, through the real broker and a real worker."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from core.models import MLPredictionModel, ModelStatus, Satz
from ml_coach import artifact_store
from ml_coach.ml_trainer import exercises_with_enough_data
from ml_coach.prediction_cache import cache_key, cached_recommendation
from ml_coach.prediction_service import model_version
from tests.factories import log_sets, log_sets_unsaved
from tests.workers import trainers
from tests.workers.conftest import started, wait_finished, wait_for
from workers import training
from workers.tasks import pending_key, retrain_model

pytestmark = pytest.mark.django_db(transaction=True)


def _active(user, uebung):
    return MLPredictionModel.objects.filter(user=user, uebung=uebung, status=ModelStatus.ACTIVE)


def test_tenth_set_produces_active_model(worker_env, user_a, bank):
    log_sets(user_a, bank, 9)
    assert cache.get(pending_key(user_a.id, bank.id)) == 1  # one retrain queued
    outcome = wait_finished("workers.tasks.retrain_model")
    assert outcome == [{"status": "not_enough_data", "model_id": None, "n_sets": 9}]
    assert not MLPredictionModel.objects.exists()

    log_sets(user_a, bank, 1, start_kg=80)
    wait_finished("workers.tasks.retrain_model", 2)
    model = _active(user_a, bank).get()
    assert model.samples_at_training == 10
    assert artifact_store.artifact_file(model.artifact_path).is_file()
    assert started("workers.tasks.retrain_model") == [(user_a.id, bank.id)] * 2
    assert not MLPredictionModel.objects.filter(status=ModelStatus.TRAINING).exists()

    # The worker put the new recommendation into the cache, keyed by the new model.
    key = cache_key(user_a.id, bank.id)
    assert f"m{model_version(model)}" in key
    cached = wait_for(lambda: cache.get(key))
    recommendation = cached_recommendation(user_a.id, bank.id)
    assert cached == {k: v for k, v in recommendation.to_dict().items() if k != "label"}
    assert recommendation.source in ("model", "baseline") and recommendation.weight_kg


def test_25_rapid_saves_queue_one_retrain(worker_env, settings, user_a, bank):
    settings.ML_RETRAIN_DEBOUNCE_SECONDS = 3
    log_sets(user_a, bank, 25)
    wait_finished("workers.tasks.retrain_model")
    model = _active(user_a, bank).get()
    time.sleep(1.5)  # room for a second retrain, if one had been queued
    assert started("workers.tasks.retrain_model") == [(user_a.id, bank.id)]
    assert cache.get(trainers.CALLS_KEY) == 1
    assert model.samples_at_training == 25
    assert MLPredictionModel.objects.count() == 1


def test_sets_of_one_transaction_register_one_hook(db, user_a, bank):
    with transaction.atomic():
        log_sets(user_a, bank, 12)
        assert len(connection.run_on_commit) == 1
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            log_sets(user_a, bank, 1, start_kg=90)
            raise RuntimeError("rolled back")
        log_sets(user_a, bank, 1, start_kg=95)
        # The rolled-back savepoint's hook is gone; the memo must not suppress a new one.
        assert len(connection.run_on_commit) == 1


def test_deleting_sets_or_workouts_registers_hooks_but_deleting_a_user_does_not(db, user_a, bank):
    log_sets(user_a, bank, 6)
    for delete in (
        lambda: Satz.objects.filter(satz_nr=1).first().delete(),
        lambda: Satz.objects.filter(satz_nr=2).delete(),
        lambda: user_a.trainingseinheiten.first().delete(),
    ):
        with transaction.atomic():
            delete()
            assert len(connection.run_on_commit) == 1
    with transaction.atomic():
        user_a.delete()
        assert connection.run_on_commit == []


def test_two_retrains_at_once_one_artifact(worker_env, user_a, bank):
    Satz.objects.bulk_create(log_sets_unsaved(user_a, bank, 12))
    cache.set(trainers.SLOW_KEY, 2.0)
    retrain_model.delay(user_a.id, bank.id)
    wait_for(lambda: cache.get(trainers.PID_KEY))  # training, with the TRAINING marker row
    # A second retrain of the same model meanwhile: refused by the lock, not a second file.
    assert training.retrain(user_a.id, bank.id, owner="manual")["status"] == "busy"
    retrain_model.delay(user_a.id, bank.id)
    wait_finished("workers.tasks.retrain_model", 2)
    model = _active(user_a, bank).get()
    assert cache.get(trainers.CALLS_KEY) == 1  # the second run found the model up to date
    rows = list(MLPredictionModel.objects.filter(user=user_a, uebung=bank))
    assert [r.status for r in rows] == [ModelStatus.ACTIVE]
    files = [p for p in artifact_store.model_root().rglob("*") if p.is_file()]
    assert files == [artifact_store.artifact_file(model.artifact_path)]


@pytest.mark.shared_data
def test_import_queues_one_retrain_per_exercise_not_per_set(
    worker_env, shared_data, user_a, capsys
):
    from django.core.management import call_command

    log = str(shared_data / "workouts/p85.csv")
    # --no-train: the debounced path (the command's own training: test_train_after_import).
    call_command("import_workouts", "--no-train", "--user", user_a.username, log)
    imported = sorted(
        set(Satz.objects.filter(einheit__user=user_a).values_list("uebung_id", flat=True))
    )
    due = exercises_with_enough_data(user_a.id)
    assert due, "the log should have exercises with enough sets"
    wait_finished("workers.tasks.retrain_model", len(imported), timeout=60)
    time.sleep(0.3)  # room for a surplus run, if one had been queued
    runs = started("workers.tasks.retrain_model")
    assert sorted(runs) == [(user_a.id, uebung_id) for uebung_id in imported]  # one each
    assert _active_count(user_a) + _failed_count(user_a) == len(due)
    assert Satz.objects.filter(einheit__user=user_a).count() > 100  # sets, not retrains


def _active_count(user) -> int:
    return MLPredictionModel.objects.filter(user=user, status=ModelStatus.ACTIVE).count()


def _failed_count(user) -> int:
    return MLPredictionModel.objects.filter(user=user, status=ModelStatus.FAILED).count()
