"""A worker process killed with SIGKILL mid-training: the task runs again and completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from core.models import MLPredictionModel, ModelStatus, Satz
from ml_coach import artifact_store
from tests.factories import log_sets_unsaved
from tests.workers import trainers
from tests.workers.conftest import wait_for
from workers.tasks import retrain_model

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
QUEUE = "crashtest"


def _database_url_for_subprocess() -> str | None:
    """The test database as a URL another process can open, or None (in-memory SQLite)."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("postgresql"):
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    name = str(s["NAME"])
    if s["ENGINE"].endswith("sqlite3") and "memory" not in name and name != "":
        return f"sqlite:///{name}"
    return None


@pytest.fixture
def worker_process(settings, tmp_path):
    url = _database_url_for_subprocess()
    if url is None:
        pytest.skip("needs a database a second process can open (PostgreSQL or SQLite file)")
    settings.ML_MODEL_ROOT = tmp_path / "models"
    cache.clear()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.workers.worker_settings",
        "DATABASE_URL": url,
        "TEST_ML_MODEL_ROOT": str(settings.ML_MODEL_ROOT),
        "PYTHONPATH": str(REPO),
    }
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "homegym", "worker", "-Q", QUEUE,
            "-c", "1", "-P", "prefork", "-n", f"crash{os.getpid()}@%h",
            "--without-mingle", "--without-gossip", "--loglevel=INFO",
        ],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield proc
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()
    cache.clear()


def test_sigkill_mid_training_is_redelivered_and_completes(worker_process, user_a, bank):
    Satz.objects.bulk_create(log_sets_unsaved(user_a, bank, 12))
    cache.set(trainers.SLOW_KEY, 60)
    retrain_model.apply_async((user_a.id, bank.id), queue=QUEUE)

    pid = wait_for(lambda: cache.get(trainers.PID_KEY), timeout=60)
    wait_for(lambda: MLPredictionModel.objects.filter(status=ModelStatus.TRAINING).exists(), 60)
    os.kill(pid, signal.SIGKILL)

    model = wait_for(
        lambda: MLPredictionModel.objects.filter(status=ModelStatus.ACTIVE).first(), timeout=90
    )
    assert cache.get(trainers.PID_KEY) != pid  # trained by the pool's replacement process
    assert not MLPredictionModel.objects.filter(status=ModelStatus.TRAINING).exists()
    failed = MLPredictionModel.objects.get(status=ModelStatus.FAILED)
    assert "abgebrochen" in failed.error_text
    assert model.samples_at_training == 12
    files = sorted(p for p in artifact_store.model_root().rglob("*") if p.is_file())
    assert files == [artifact_store.artifact_file(model.artifact_path)]
