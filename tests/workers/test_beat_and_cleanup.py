"""Beat schedules from the data migration, the nightly fan-out, cleanup and poison messages."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from core.models import MLPopulationModel, MLPredictionModel, ModelStatus, Satz, Uebung
from homegym.celery import app as celery_app
from tests.factories import log_sets_unsaved
from tests.workers import trainers
from tests.workers.conftest import started, wait_finished
from workers import training
from workers.tasks import cleanup_stale_models, retrain_model

NAMES = ["nightly_full_retrain", "cleanup_stale_models"]


@pytest.mark.django_db(transaction=True)
def test_schedules_come_from_a_reversible_migration_and_enqueue_the_tasks(
    worker_env, user_a, user_b, bank
):
    # Transactional tests flush tables: re-run the data migration, which also proves reversal.
    call_command("migrate", "workers", "0001", verbosity=0)
    assert not PeriodicTask.objects.filter(name__in=NAMES).exists()
    call_command("migrate", "workers", verbosity=0)
    tasks = {t.name: t for t in PeriodicTask.objects.filter(name__in=NAMES)}
    nightly, cleanup = tasks["nightly_full_retrain"], tasks["cleanup_stale_models"]
    assert nightly.task == "workers.tasks.nightly_full_retrain"
    assert cleanup.task == "workers.tasks.cleanup_stale_models"
    assert (nightly.crontab.hour, nightly.crontab.minute) == ("3", "30")
    assert (cleanup.crontab.hour, cleanup.crontab.minute) == ("4", "30")
    assert str(nightly.crontab.timezone) == "Europe/Berlin"

    # An admin's edit survives a beat restart (no CELERY_BEAT_SCHEDULE re-sync).
    nightly.description = "vom Admin geändert"
    nightly.save()
    scheduler = _scheduler()  # a beat start
    # Beat only loads crontab rows due within ±2 h of now; build its entries from the rows so
    # the test does not depend on the hour it runs at.
    entries = {t.name: scheduler.Entry(t, app=celery_app) for t in PeriodicTask.objects.all()}
    assert PeriodicTask.objects.get(name="nightly_full_retrain").description == (
        "vom Admin geändert"
    )

    Satz.objects.bulk_create(log_sets_unsaved(user_a, bank, 12))
    Satz.objects.bulk_create(log_sets_unsaved(user_b, bank, 4))
    scheduler.apply_async(entries["nightly_full_retrain"])
    wait_finished("workers.tasks.retrain_user_models")
    model = MLPredictionModel.objects.get(user=user_a, status=ModelStatus.ACTIVE)
    names = [name for name, _ in trainers_started()]
    assert names.index("workers.tasks.population_run_start") < names.index(
        "workers.tasks.enqueue_user_retrains"
    )
    assert started("workers.tasks.retrain_user_models") == [(user_a.id, True)]
    assert model.uebung == bank
    assert not MLPredictionModel.objects.filter(user=user_b).exists()

    scheduler.apply_async(entries["cleanup_stale_models"])
    wait_finished("workers.tasks.cleanup_stale_models")


def _scheduler() -> DatabaseScheduler:
    """A beat scheduler as at beat start; synced now, not at interpreter exit (DB gone)."""
    scheduler = DatabaseScheduler(app=celery_app)
    scheduler._finalize.cancel()
    return scheduler


def trainers_started():
    from tests.workers.conftest import STARTED

    return list(STARTED)


@pytest.mark.django_db(transaction=True)
def test_message_started_too_often_is_dropped_and_rows_stay_consistent(
    worker_env, settings, user_a, bank
):
    Satz.objects.bulk_create(log_sets_unsaved(user_a, bank, 12))
    stuck = MLPredictionModel.objects.create(user=user_a, uebung=bank, status=ModelStatus.TRAINING)
    task_id = str(uuid.uuid4())
    for _ in range(settings.WORKERS_MAX_DELIVERIES):  # it already killed its worker N times
        training.count_delivery(task_id, 0)
    retrain_model.apply_async((user_a.id, bank.id), task_id=task_id)
    assert wait_finished("workers.tasks.retrain_model") == [{"status": "gave_up", "starts": 3}]
    stuck.refresh_from_db()
    assert stuck.status == ModelStatus.FAILED
    assert "abgebrochen" in stuck.error_text
    assert cache.get(trainers.CALLS_KEY) is None
    assert not MLPredictionModel.objects.filter(status=ModelStatus.ACTIVE).exists()


def _file(root, relative: str, age_days: float = 0) -> str:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"model")
    if age_days:
        old = time.time() - age_days * 86400
        os.utime(path, (old, old))
    return relative


@pytest.mark.django_db
def test_cleanup_removes_old_rows_files_orphans_and_retires_deleted_exercises(
    settings, tmp_path, user_a, bank
):
    root = settings.ML_MODEL_ROOT = tmp_path / "models"
    root.mkdir()
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"keep me")
    now = timezone.now()
    old = now - timedelta(days=settings.ML_STALE_OUTDATED_DAYS + 1)

    def row(status, path, uebung=bank, updated=now, **extra):
        obj = MLPredictionModel.objects.create(
            user=user_a, uebung=uebung, status=status, artifact_path=path, **extra
        )
        MLPredictionModel.objects.filter(pk=obj.pk).update(updated_at=updated)
        return obj

    old_outdated = row(ModelStatus.OUTDATED, _file(root, "a/old.bin", 40), updated=old)
    recent_outdated = row(ModelStatus.OUTDATED, _file(root, "a/recent.bin", 2))
    active = row(ModelStatus.ACTIVE, _file(root, "a/active.bin", 40))
    stale_training = row(ModelStatus.TRAINING, "", updated=now - timedelta(hours=3))
    fresh_training = row(ModelStatus.TRAINING, "", uebung=None)
    sneaky = row(ModelStatus.OUTDATED, "../outside.bin", updated=old)
    ex = Uebung.objects.create(name="Gelöschte Übung")
    orphaned_exercise = row(ModelStatus.ACTIVE, _file(root, "b/deleted.bin", 1), uebung=ex)
    ex.delete()
    population = MLPopulationModel.objects.create(
        status=ModelStatus.OUTDATED, artifact_path=_file(root, "pop/old.bin", 40)
    )
    MLPopulationModel.objects.filter(pk=population.pk).update(updated_at=old)
    _file(root, "a/orphan.bin", 1)
    _file(root, "a/young-orphan.tmp")

    summary = cleanup_stale_models()

    remaining = set(MLPredictionModel.objects.values_list("pk", flat=True))
    assert old_outdated.pk not in remaining and sneaky.pk not in remaining
    assert {recent_outdated.pk, active.pk, stale_training.pk, orphaned_exercise.pk} <= remaining
    assert not MLPopulationModel.objects.exists()
    files = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert files == {"a/recent.bin", "a/active.bin", "b/deleted.bin", "a/young-orphan.tmp"}
    assert outside.read_bytes() == b"keep me"
    stale_training.refresh_from_db()
    fresh_training.refresh_from_db()
    orphaned_exercise.refresh_from_db()
    assert stale_training.status == ModelStatus.FAILED
    assert fresh_training.status == ModelStatus.OUTDATED  # exercise gone: retired
    assert orphaned_exercise.status == ModelStatus.OUTDATED and not orphaned_exercise.uses_model
    assert summary["deleted_rows"] == 3 and summary["orphan_files"] == 1
    assert summary["retired"] == 2 and summary["recovered_training"] == 1
