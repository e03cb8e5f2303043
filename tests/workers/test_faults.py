"""Faults with real processes: Redis stopped and restarted, a worker SIGKILLed while writing an
artifact, the database connection dropped mid-task, a model folder that cannot be written.

One stack per module (``fault_stack``): a Redis on a spare port, a Celery worker and a gunicorn
web server, both pointed at it and at the test database; the worker trains with the coach's
real ``train_and_store`` behind the hooks of ``fault_trainers``. Data is written with
``bulk_create`` (no signals) so nothing reaches the suite's own broker.

Complements tests/workers/test_crash.py (SIGKILL before training) and test_redis_down.py
(Redis dead from the start): here Redis goes away *while* the app runs and comes back.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from core.models import MLPredictionModel, ModelStatus, Satz, Trainingseinheit, Uebung
from tests.factories import make_user, normalized_log
from tests.workers import fault_trainers as hooks
from tests.workers.fault_stack import (
    APPLICATION_NAME,
    Browser,
    is_postgres,
    make_stack,
    wait_for,
)
from tests.workers.imports import confirm_fields

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "pw-faults-123"


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        stack = make_stack(tmp_path_factory.mktemp("faults"))
        try:
            stack.worker_process = stack.worker()
            stack.web_process, stack.base = stack.web()
            yield stack
        finally:
            stack.close()


@pytest.fixture
def fresh(stack, settings):
    """Per test: hooks disarmed, the model folder the processes use, a lifter with a login."""
    cache = stack.cache()
    for key in hooks.KEYS:
        cache.delete(key)
    settings.ML_MODEL_ROOT = stack.model_root
    from ml_coach import artifact_store

    artifact_store.model_cache.clear()
    return cache


def _history(user, uebung: Uebung, n: int, days_ago: int = 40) -> Trainingseinheit:
    """``n`` sets in workouts of three, progressing 2.5 kg per workout; returns the last one."""
    start = timezone.now() - timedelta(days=days_ago)
    einheit = None
    sets = []
    for i in range(n):
        if i % 3 == 0:
            einheit = Trainingseinheit.objects.create(
                user=user, datum=start + timedelta(days=2 * (i // 3))
            )
        sets.append(
            Satz(einheit=einheit, uebung=uebung, satz_nr=i % 3 + 1,
                 gewicht=Decimal(60 + 2.5 * (i // 3)), wiederholungen=8, rpe=Decimal(8))
        )  # fmt: skip
    Satz.objects.bulk_create(sets)
    return einheit


def _rows(user, uebung):
    return MLPredictionModel.objects.filter(user=user, uebung=uebung).order_by("pk")


def _active(user, uebung):
    return _rows(user, uebung).filter(status=ModelStatus.ACTIVE).first()


def _train(stack, user, uebung, force: bool = True) -> None:
    """Queue ``retrain_model`` exactly as the API does (to the stack's broker)."""
    stack.sender().send_task(
        "workers.tasks.retrain_model", (user.pk, uebung.pk), {"force": force}, queue="ml"
    )


def _train_first_model(stack, user, uebung) -> MLPredictionModel:
    _train(stack, user, uebung)
    return wait_for(lambda: _active(user, uebung), timeout=60)


def _log_set(browser: Browser, einheit, uebung, weight="80", htmx=False):
    started = time.perf_counter()
    headers = {"HX-Request": "true"} if htmx else {}
    response = browser.post(
        f"/training/{einheit.pk}/uebung/{uebung.pk}/satz/",
        {"gewicht": weight, "wiederholungen": "8", "rpe": "8", "set_type": "normal"},
        headers=headers,
    )
    return response, time.perf_counter() - started


# --- Redis stopped for a while -------------------------------------------------------------


def test_redis_outage_saves_sets_serves_pages_and_recovers_without_a_storm(stack, fresh):
    user = make_user("ausfall", password=PASSWORD)
    squat = Uebung.objects.create(name="Kniebeuge Ausfall")
    row = Uebung.objects.create(name="Rudern Ausfall")
    _history(user, squat, 9)
    today = Trainingseinheit.objects.create(user=user, datum=timezone.now(), name="Heute")
    browser = Browser(stack.base, user.username, PASSWORD)

    # Redis up: the 10th set queues the (debounced) first retrain.
    response, _ = _log_set(browser, today, squat)
    assert response.status_code == 302
    first = wait_for(lambda: _active(user, squat), timeout=60)
    assert first.samples_at_training == 10
    assert browser.get(f"/api/ml/predict/{squat.pk}/").status_code == 200

    stack.redis.stop()
    try:
        timings = []
        for i in range(5):
            response, seconds = _log_set(browser, today, squat, weight=str(82 + i), htmx=i % 2)
            assert response.status_code in (200, 302), response.text[-500:]
            timings.append(seconds)
        for _ in range(10):  # a second exercise logged only while Redis is away
            response, seconds = _log_set(browser, today, row, weight="50")
            assert response.status_code == 302
            timings.append(seconds)
        assert Satz.objects.filter(einheit__user=user).count() == 25  # nothing lost
        assert max(timings) < 3.0, timings  # one socket timeout at most, then the breaker
        for path in ("/", today.get_absolute_url(), f"/uebungen/{squat.pk}/", "/ml/dashboard/"):
            assert browser.get(path).status_code == 200, path
        rec = browser.get(f"/api/ml/predict/{squat.pk}/")
        assert rec.status_code == 200  # computed without the cache
        assert rec.json()["weight_kg"] is not None
        train = browser.post("/api/ml/train/", json={}, headers={"Accept": "application/json"})
        assert train.status_code == 503 and "detail" in train.json()
    finally:
        stack.redis.start()
    assert "not queued" in stack.web_process.log()  # the misses are logged

    # Redis back (empty: queued messages are gone). The next save after the breaker closes
    # queues one retrain that covers every set logged meanwhile.
    time.sleep(float(stack.env.get("FAULT_BREAKER_SECONDS", "2")) + 0.5)
    response, _ = _log_set(browser, today, squat, weight="90")
    assert response.status_code == 302
    second = wait_for(
        lambda: _rows(user, squat).filter(status=ModelStatus.ACTIVE).exclude(pk=first.pk).first(),
        timeout=60,
    )
    assert second.samples_at_training == 16
    time.sleep(3)  # room for a duplicate, if one had been queued
    assert list(_rows(user, squat).values_list("status", flat=True)) == [
        ModelStatus.OUTDATED,
        ModelStatus.ACTIVE,
    ]
    assert not _rows(user, row).exists()

    # The exercise nobody touched again is caught up by the nightly run, once.
    stack.sender().send_task("workers.tasks.nightly_full_retrain", queue="default")
    rowing = wait_for(lambda: _active(user, row), timeout=90)
    assert rowing.samples_at_training == 10
    wait_for(lambda: _rows(user, squat).count() == 3, timeout=60)
    time.sleep(2)
    assert _rows(user, row).count() == 1 and _rows(user, squat).count() == 3
    assert not MLPredictionModel.objects.filter(
        user=user, status__in=[ModelStatus.FAILED, ModelStatus.TRAINING]
    ).exists()


# --- SIGKILL while the artifact is being written -------------------------------------------


def test_sigkill_during_artifact_write_never_loads_a_partial_file(stack, fresh):
    from ml_coach import artifact_store
    from ml_coach.prediction_service import MLPredictor, active_model_row

    user = make_user("absturz", password=PASSWORD)
    bench = Uebung.objects.create(name="Bankdrücken Absturz")
    _history(user, bench, 15)
    first = _train_first_model(stack, user, bench)

    fresh.set(hooks.PAUSE_IN_WRITE, 60, timeout=300)
    _train(stack, user, bench)
    wait_for(lambda: fresh.get(hooks.PAUSED) == "in-write", timeout=60)
    pid = fresh.get(hooks.PID)
    folder = stack.model_root / f"user_{user.pk}" / f"uebung_{bench.pk}"
    partial = [p for p in folder.iterdir() if p.name.startswith(".tmp-")]
    assert len(partial) == 1 and partial[0].stat().st_size > 0

    # Meanwhile the previous model serves: same row, its file verified and loaded.
    assert _active(user, bench).pk == first.pk
    assert active_model_row(user.pk, bench.pk).pk == first.pk
    assert artifact_store.load_artifact(first.artifact_path, first.artifact_sha256) is not None
    assert MLPredictor(user_id=user.pk).recommend(bench.pk).weight_kg is not None

    os.kill(pid, signal.SIGKILL)
    second = wait_for(
        lambda: _rows(user, bench).filter(status=ModelStatus.ACTIVE).exclude(pk=first.pk).first(),
        timeout=60,
    )
    assert fresh.get(hooks.PID) != pid  # trained again by the pool's new process
    assert not _rows(user, bench).filter(status=ModelStatus.TRAINING).exists()
    referenced = set(
        MLPredictionModel.objects.exclude(artifact_path="").values_list("artifact_path", flat=True)
    )
    assert not any(".tmp-" in path for path in referenced)
    assert artifact_store.load_artifact(second.artifact_path, second.artifact_sha256) is not None
    for path in partial:  # the half-written file, if still there, is nobody's artifact
        if path.exists():
            assert artifact_store.sha256_bytes(path.read_bytes()) not in {
                first.artifact_sha256,
                second.artifact_sha256,
            }
    first.refresh_from_db()
    assert first.status == ModelStatus.OUTDATED
    assert "WorkerLostError" in stack.worker_process.log() or "SIGKILL" in (
        stack.worker_process.log()
    )


# --- database connection dropped mid-task ---------------------------------------------------


def test_db_connection_dropped_mid_task_retries_with_backoff_and_completes(stack, fresh):
    if not is_postgres():
        pytest.skip("dropping a live database connection needs PostgreSQL (CI runs it)")
    from django.db import connection

    user = make_user("netzwerk", password=PASSWORD)
    deadlift = Uebung.objects.create(name="Kreuzheben Netz")
    _history(user, deadlift, 12)
    fresh.set(hooks.PAUSE_BEFORE, 2, timeout=300)
    _train(stack, user, deadlift)
    wait_for(lambda: fresh.get(hooks.PAUSED) == "before", timeout=60)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [APPLICATION_NAME],
        )
        assert cursor.fetchone()[0] >= 1  # the worker's connection, at least
    model = wait_for(lambda: _active(user, deadlift), timeout=60)
    assert model.samples_at_training == 12
    log = stack.worker_process.log()
    assert "Retry in" in log, log[-3000:]
    assert "OperationalError" in log or "InterfaceError" in log
    # The interrupted attempt's TRAINING marker (its delete died with the connection) is
    # turned into FAILED by the retry; the training itself never failed.
    failed = [f.error_text for f in _rows(user, deadlift).filter(status=ModelStatus.FAILED)]
    assert len(failed) <= 1 and all("abgebrochen" in text for text in failed), failed
    assert not _rows(user, deadlift).filter(status=ModelStatus.TRAINING).exists()


# --- model folder not writable / disk full ---------------------------------------------------


@pytest.mark.parametrize("fault", ["not-a-directory", "disk-full"])
def test_unwritable_model_folder_fails_visibly_and_keeps_the_previous_model(stack, fresh, fault):
    user = make_user(f"platte-{fault}", password=PASSWORD)
    user.is_staff = True
    user.save()
    press = Uebung.objects.create(name=f"Schulterdrücken {fault}")
    _history(user, press, 12)
    first = _train_first_model(stack, user, press)

    if fault == "not-a-directory":
        blocker = stack.tmp / f"blocker-{user.pk}"
        blocker.write_text("a regular file where a folder should be")
        fresh.set(hooks.MODEL_ROOT, str(blocker / "models"), timeout=300)
        reason = "Not a directory"
    else:
        fresh.set(hooks.FSIZE_LIMIT, 256, timeout=300)
        reason = "File too large"
    _train(stack, user, press)
    failed = wait_for(
        lambda: _rows(user, press).filter(status=ModelStatus.FAILED).first(), timeout=60
    )
    assert reason in failed.error_text
    assert _active(user, press).pk == first.pk  # the previous model stays in service
    folder = stack.model_root / f"user_{user.pk}" / f"uebung_{press.pk}"
    assert not [p for p in folder.iterdir() if p.name.startswith(".tmp-")]  # no debris

    from ml_coach import artifact_store
    from ml_coach.prediction_service import MLPredictor, active_model_row

    assert active_model_row(user.pk, press.pk).pk == first.pk
    assert artifact_store.load_artifact(first.artifact_path, first.artifact_sha256) is not None
    assert MLPredictor(user_id=user.pk).recommend(press.pk).weight_kg is not None
    assert "training failed" in stack.worker_process.log()
    client = Client()
    client.force_login(user)
    page = client.get("/ml/dashboard/").content.decode()
    assert "fehlgeschlagen" in page.lower() and reason in page


# --- the import page, with the broker up and down --------------------------------------------


def _import_on_the_page(browser: Browser, content: bytes):
    """Upload → preview → confirm as proposed, over HTTP against the stack's gunicorn."""
    upload = browser.post(
        "/import/",
        {"format": "normalized", "unit": ""},
        files={"datei": ("log.csv", content, "text/csv")},
    )
    assert upload.status_code == 302, upload.text[-500:]
    preview = browser.get(upload.headers["Location"])
    assert preview.status_code == 200, preview.text[-500:]
    return browser.post(upload.headers["Location"], confirm_fields(preview.text))


def test_import_page_trains_once_and_keeps_the_import_when_the_broker_is_down(stack, fresh):
    from ml_coach.ml_trainer import exercises_with_enough_data
    from workers.models import TrainingJob

    user = make_user("importeur", password=PASSWORD)
    browser = Browser(stack.base, user.username, PASSWORD)
    log = {"Kniebeuge Import": 12, "Bankdrücken Import": 15, "Seitheben Import": 4}

    # Broker up: one task, queued at once, trains the imported exercises.
    page = _import_on_the_page(browser, normalized_log(log))
    assert page.status_code == 200 and "Import abgeschlossen" in page.text
    assert "Die Modelle werden jetzt trainiert" in page.text
    job = wait_for(lambda: TrainingJob.objects.filter(user=user, state="SUCCESS").first())
    assert job.task_name == "workers.tasks.retrain_user_models" and job.requested_by == user
    due = exercises_with_enough_data(user.pk)
    active = MLPredictionModel.objects.filter(user=user, status=ModelStatus.ACTIVE)
    assert sorted(active.values_list("uebung_id", flat=True)) == due and len(due) == 2
    time.sleep(2.5)  # past the stack's 1 s debounce: a retrain per exercise would have run
    assert MLPredictionModel.objects.filter(user=user).count() == 2
    assert fresh.get(hooks.CALLS) == 2  # one import, one training per exercise

    # Broker down: the import still succeeds and says the models are trained later.
    stack.redis.stop()
    try:
        started = time.perf_counter()
        page = _import_on_the_page(browser, normalized_log(log, first_day=120))
        assert page.status_code == 200 and "Import abgeschlossen" in page.text
        assert "spätestens in der Nacht" in page.text
        assert time.perf_counter() - started < 10
        assert Satz.objects.filter(einheit__user=user).count() == 2 * sum(log.values())
        assert TrainingJob.objects.filter(user=user).count() == 1  # nothing recorded as queued
    finally:
        stack.redis.start()
