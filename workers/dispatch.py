"""Queueing tasks from web processes without ever hanging a request on a dead broker.

Every task is sent with ``ignore_result=True``: the web side never subscribes to the result
backend (a hung result store costs ~20 s per call otherwise, and a failed reconnect breaks the
process's result consumer). Who wants to follow a job records it as a ``TrainingJob``, whose
state the worker writes (see ``workers.signals``).

After a failure the broker is not tried again for ``broker_breaker.open_seconds``: a hung
Redis would cost every request the socket timeout. A broker failure is logged here, once,
and raised as ``BrokerUnavailable``; callers only turn it into their answer (a message in
the pages and the admin, 503 in the API, an error in the command).
"""

from __future__ import annotations

from core.circuit_breaker import CircuitBreaker

broker_breaker = CircuitBreaker("Celery broker", open_seconds=30.0)


class BrokerUnavailable(RuntimeError):
    """The task was not queued: the broker (or the cache guarding it) is unreachable."""


def send(task, args: tuple = (), kwargs: dict | None = None, **options):
    """``task.apply_async`` that fails fast with ``BrokerUnavailable`` instead of hanging."""
    if broker_breaker.is_open():
        raise BrokerUnavailable("broker unreachable a moment ago")
    try:
        return task.apply_async(args, kwargs or {}, ignore_result=True, **options)
    except Exception as exc:
        broker_breaker.trip(f"{exc.__class__.__name__}: {exc}")
        raise BrokerUnavailable(str(exc)) from exc


def queue_job(requested_by, task, args: tuple, user_id: int, uebung_id: int | None = None, **kw):
    """Queue ``task`` and record it as a TrainingJob of ``requested_by`` (pages, admin, API)."""
    from workers.models import TrainingJob  # not at import: settings modules tune the breaker

    result = send(task, args, kw)
    return TrainingJob.objects.create(
        task_id=result.id,
        requested_by=requested_by,
        user_id=user_id,
        uebung_id=uebung_id,
        task_name=task.name,
    )
