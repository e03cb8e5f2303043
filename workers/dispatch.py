"""Queueing tasks from web processes without ever hanging a request on a dead broker.

Every task is sent with ``ignore_result=True``: the web side never subscribes to the result
backend (a hung result store costs ~20 s per call otherwise, and a failed reconnect breaks the
process's result consumer). Who wants to follow a job records it as a ``TrainingJob``, whose
state the worker writes (see ``workers.signals``).

After a failure the broker is not tried again for ``BREAKER_SECONDS``: a hung Redis would
cost every request the socket timeout.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)

BREAKER_SECONDS = 30.0
_breaker = {"open_until": 0.0}


class BrokerUnavailable(RuntimeError):
    """The task was not queued: the broker (or the cache guarding it) is unreachable."""


def breaker_open() -> bool:
    return time.monotonic() < _breaker["open_until"]


def trip(reason: str) -> None:
    _breaker["open_until"] = time.monotonic() + BREAKER_SECONDS
    logger.warning("Broker/Cache nicht erreichbar (%s): %d s Pause", reason, BREAKER_SECONDS)


def reset() -> None:
    _breaker["open_until"] = 0.0


def send(task, args: tuple = (), kwargs: dict | None = None, **options):
    """``task.apply_async`` that fails fast with ``BrokerUnavailable`` instead of hanging."""
    if breaker_open():
        raise BrokerUnavailable("Broker kürzlich nicht erreichbar")
    try:
        return task.apply_async(args, kwargs or {}, ignore_result=True, **options)
    except Exception as exc:
        trip(f"{exc.__class__.__name__}: {exc}")
        raise BrokerUnavailable(str(exc)) from exc


def queue_job(requested_by, task, args: tuple, user_id: int, uebung_id: int | None = None, **kw):
    """Queue ``task`` and record it as a TrainingJob of ``requested_by`` (API, admin)."""
    from workers.models import TrainingJob

    result = send(task, args, kw)
    return TrainingJob.objects.create(
        task_id=result.id,
        requested_by=requested_by,
        user_id=user_id,
        uebung_id=uebung_id,
        task_name=task.name,
    )
