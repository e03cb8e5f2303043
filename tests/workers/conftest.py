"""A real Celery worker (the project's app, in a thread) on the test Redis, for the session.

pytest-celery's own ``celery_worker`` needs Docker; this uses the classic embedded worker of
``celery.contrib.testing`` with the project's configuration from ``homegym.test_settings``.
"""

from __future__ import annotations

import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping for the ping check)
import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.core.cache import cache

from homegym.celery import app as celery_app
from tests.waiting import wait_for
from tests.workers import trainers
from workers import dispatch, training
from workers.signals import forget_queued

STARTED: list[tuple[str, tuple]] = []
FINISHED: list[tuple[str, tuple, object]] = []


def _record(sender=None, task_id=None, task=None, args=None, **kwargs) -> None:
    STARTED.append((task.name, tuple(args or ())))


def _record_end(sender=None, task_id=None, task=None, args=None, retval=None, **kwargs) -> None:
    FINISHED.append((task.name, tuple(args or ()), retval))


@pytest.fixture(scope="session")
def celery_session_worker(django_db_setup, django_db_blocker):
    """One embedded worker for the whole session (1–3 s to start).

    The test broker database starts empty: nothing left over from an earlier run may execute.
    """
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    task_prerun.connect(_record, weak=False)
    task_postrun.connect(_record_end, weak=False)
    with (
        django_db_blocker.unblock(),
        start_worker(
            celery_app, pool="solo", concurrency=1, perform_ping_check=True, shutdown_timeout=30
        ) as worker,
    ):
        yield worker
    task_prerun.disconnect(_record)
    task_postrun.disconnect(_record_end)


@pytest.fixture
def worker_env(settings, tmp_path, monkeypatch, celery_session_worker):
    """Short debounce, private model folder, test trainer, clean cache and task log."""
    settings.ML_RETRAIN_DEBOUNCE_SECONDS = 1
    settings.ML_MODEL_ROOT = tmp_path / "models"
    monkeypatch.setattr(training, "train_and_store", trainers.train)
    cache.clear()
    STARTED.clear()
    FINISHED.clear()
    forget_queued()
    dispatch.broker_breaker.reset()
    yield celery_session_worker
    cache.clear()
    forget_queued()


def started(name: str) -> list[tuple]:
    return [args for task_name, args in STARTED if task_name == name]


def finished(name: str) -> list[object]:
    """Return values of the finished runs of task ``name``."""
    return [retval for task_name, _, retval in FINISHED if task_name == name]


def wait_finished(name: str, n: int = 1, timeout: float = 20.0) -> list[object]:
    """Wait (without touching the database) until ``n`` runs of ``name`` have finished.

    Polling the database while the worker thread writes makes SQLite's shared-cache test
    database answer "table is locked"; the task signal list needs no database.
    """
    wait_for(lambda: len(finished(name)) >= n, timeout=timeout)
    return finished(name)
