"""Training right after an import: commands train in-process, the import page queues one task.

The session worker runs throughout: it must not get a retrain for what a command trained,
and from the import page it gets exactly one task. ``trainers.CALLS_KEY`` counts every
training, in this process or the worker's.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.models import MLPredictionModel, ModelStatus, Satz
from ml_coach.ml_trainer import exercises_with_enough_data
from ml_coach.prediction_cache import cache_key
from tests.factories import normalized_log
from tests.workers import trainers
from tests.workers.conftest import STARTED, started, wait_finished
from tests.workers.imports import confirm_fields
from workers.models import TrainingJob
from workers.tasks import pending_key

pytestmark = pytest.mark.django_db(transaction=True)

RETRAIN = "workers.tasks.retrain_model"
USER_RETRAIN = "workers.tasks.retrain_user_models"
LOG = {"Kniebeuge Import": 12, "Bankdrücken Import": 15, "Seitheben Import": 4}


@pytest.fixture(autouse=True)
def _drained(worker_env):
    """An earlier test's debounced retrain may sit in the session worker with its ETA (a
    purge does not reach it): let it run before this test counts tasks and trainings."""
    time.sleep(1.5)
    STARTED.clear()
    cache.delete(trainers.CALLS_KEY)


def _active(user) -> list[int]:
    rows = MLPredictionModel.objects.filter(user=user, status=ModelStatus.ACTIVE)
    assert all(row.trained_at is not None for row in rows)
    return sorted(rows.values_list("uebung_id", flat=True))


def _no_retrain_follows(settings, user) -> None:
    """Wait past the debounce: a retrain queued by the import would have started by then.
    (Only this lifter's: the session worker may still run an earlier test's reserved ETA
    task.)"""
    time.sleep(settings.ML_RETRAIN_DEBOUNCE_SECONDS + 1.5)
    ours = [a for a in started(RETRAIN) + started(USER_RETRAIN) if a and a[0] == user.id]
    assert ours == []


def test_import_command_trains_in_process_and_queues_nothing(
    worker_env, settings, user_a, tmp_path, capsys
):
    path = tmp_path / "log.csv"
    path.write_bytes(normalized_log(LOG))
    call_command("import_workouts", "--user", user_a.username, str(path))
    out = capsys.readouterr().out
    due = exercises_with_enough_data(user_a.id)
    assert len(due) == 2  # the exercise with four sets has too few
    assert "Training: 2 Übungen …" in out and "Training fertig: 2 Übungen" in out
    assert _active(user_a) == due  # before the worker could have done anything
    for uebung_id in due:
        assert cache.get(pending_key(user_a.id, uebung_id)) is None
        assert cache.get(cache_key(user_a.id, uebung_id)) is not None  # the top set: warm
    _no_retrain_follows(settings, user_a)
    assert cache.get(trainers.CALLS_KEY) == 2  # one import, one training per exercise

    # The same file again adds nothing: nothing to train, nothing queued.
    call_command("import_workouts", "--user", user_a.username, str(path))
    assert "Training" not in capsys.readouterr().out
    _no_retrain_follows(settings, user_a)
    assert cache.get(trainers.CALLS_KEY) == 2


def test_import_command_without_training_leaves_it_to_the_worker(
    worker_env, user_a, tmp_path, capsys
):
    path = tmp_path / "log.csv"
    path.write_bytes(normalized_log(LOG))
    call_command("import_workouts", "--no-train", "--user", user_a.username, str(path))
    assert "Training" not in capsys.readouterr().out
    assert not MLPredictionModel.objects.exists()
    imported = sorted(set(Satz.objects.values_list("uebung_id", flat=True)))
    wait_finished(RETRAIN, len(imported), timeout=60)
    time.sleep(0.5)  # room for a surplus run, if one had been queued
    ours = sorted(a for a in started(RETRAIN) if a[0] == user_a.id)
    assert ours == [(user_a.id, uebung_id) for uebung_id in imported]
    assert _active(user_a) == exercises_with_enough_data(user_a.id)


def test_seed_demo_trains_before_returning_and_queues_nothing(worker_env, settings, capsys):
    call_command("seed_demo", "--months", "2")
    out = capsys.readouterr().out
    demo = get_user_model().objects.get(username="demo")
    due = exercises_with_enough_data(demo.id)
    assert due and f"Training: {len(due)} Übungen …" in out
    assert _active(demo) == due
    _no_retrain_follows(settings, demo)
    assert cache.get(trainers.CALLS_KEY) == len(due)

    # A rerun (``make run`` again) finds the models current and trains nothing.
    call_command("seed_demo", "--months", "2")
    assert f"(up_to_date: {len(due)})" in capsys.readouterr().out
    assert cache.get(trainers.CALLS_KEY) == len(due)


def _import_on_the_page(client: Client, content: bytes):
    upload = client.post(
        reverse("web:import"),
        {"datei": _file(content), "format": "normalized", "unit": ""},
    )
    assert upload.status_code == 302, upload.content.decode()[-500:]
    preview = client.get(upload["Location"]).content.decode()
    return client.post(upload["Location"], confirm_fields(preview))


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("log.csv", content, content_type="text/csv")


def test_import_page_queues_exactly_one_training_task(worker_env, settings, user_a):
    client = Client()
    client.force_login(user_a)
    response = _import_on_the_page(client, normalized_log(LOG))
    page = response.content.decode()
    assert response.status_code == 200 and "Import abgeschlossen" in page
    assert "Die Modelle werden jetzt trainiert" in page
    (outcome,) = wait_finished(USER_RETRAIN, timeout=60)
    assert outcome["counts"] == {"ACTIVE": 2}
    assert started(USER_RETRAIN) == [(user_a.id,)]
    assert _active(user_a) == exercises_with_enough_data(user_a.id)
    job = TrainingJob.objects.get()
    assert (job.requested_by, job.user, job.task_name) == (user_a, user_a, USER_RETRAIN)
    time.sleep(settings.ML_RETRAIN_DEBOUNCE_SECONDS + 1.5)
    assert started(RETRAIN) == [] and len(started(USER_RETRAIN)) == 1
    assert cache.get(trainers.CALLS_KEY) == 2
