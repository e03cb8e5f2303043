"""From a logged set to a queued retrain: debounced, after commit, never failing the save.

``Satz`` post_save/post_delete register one ``on_commit`` hook per (user, exercise) and
transaction. After the commit the hook checks cheaply whether a retrain is due and, if so,
queues ``retrain_model`` with a countdown behind a Redis ``SET NX`` key: a workout of 25 sets
queues one retrain. When Redis or the broker is unreachable the set is still saved, the miss
is logged, and while ``dispatch.broker_breaker`` is open no further attempt is made (a hung
Redis would cost every save the socket timeout); the nightly job catches up.
"""

from __future__ import annotations

import logging
import time

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from core.models import Satz, Trainingseinheit
from core.signals import sets_imported, training_requested
from workers import dispatch

logger = logging.getLogger(__name__)

_EINHEIT_FIELD = Satz._meta.get_field("einheit")


def connect() -> None:
    post_save.connect(on_satz_saved, sender=Satz, dispatch_uid="workers_satz_saved")
    post_delete.connect(on_satz_deleted, sender=Satz, dispatch_uid="workers_satz_deleted")
    sets_imported.connect(on_sets_imported, dispatch_uid="workers_sets_imported")
    training_requested.connect(on_training_requested, dispatch_uid="workers_train_now")
    task_prerun.connect(on_task_prerun, dispatch_uid="workers_job_started")
    task_postrun.connect(on_task_postrun, dispatch_uid="workers_job_finished")


# --- job state, written by the worker ------------------------------------------------------


def _set_job_state(task, task_id: str | None, **fields) -> None:
    if not task_id or not getattr(task, "name", "").startswith("workers.tasks."):
        return
    from workers.models import TrainingJob

    try:
        TrainingJob.objects.filter(task_id=task_id).update(updated_at=timezone.now(), **fields)
    except Exception:
        logger.warning("state of job %s not saved", task_id, exc_info=True)


def on_task_prerun(sender=None, task_id=None, task=None, **kwargs) -> None:
    _set_job_state(task, task_id, state="STARTED")


def on_task_postrun(sender=None, task_id=None, task=None, retval=None, state=None, **kw) -> None:
    if state == "SUCCESS":
        result = retval if isinstance(retval, dict | list | str | int | float) else None
        _set_job_state(task, task_id, state="SUCCESS", result=result, error="")
    elif state == "RETRY":
        _set_job_state(task, task_id, state="RETRY")
    elif state is not None:
        _set_job_state(task, task_id, state="FAILURE", error=f"{retval!r}"[:1000])


def on_satz_saved(sender, instance: Satz, raw: bool = False, using=None, **kwargs) -> None:
    if raw:  # loaddata / fixtures: no retrain storm
        return
    _schedule_check(instance, using or DEFAULT_DB_ALIAS)


def on_satz_deleted(sender, instance: Satz, using=None, origin=None, **kwargs) -> None:
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin is not None and model not in (Satz, Trainingseinheit):
        return  # a user (or more) is being deleted: their models go with them
    _schedule_check(instance, using or DEFAULT_DB_ALIAS, origin=origin)


def on_sets_imported(
    sender, user_id: int, uebung_ids, caller_trains: bool = False, **kwargs
) -> None:
    """A bulk import committed: one (debounced) retrain per affected exercise.

    Nothing when the importer has the models trained itself (``caller_trains``: a command
    trains right away, the import page queues one task): one import, at most one training.
    """
    if caller_trains:
        return
    for uebung_id in sorted(set(uebung_ids)):
        schedule_retrain(user_id, uebung_id)


def on_training_requested(
    sender, user_id: int, uebung_ids=None, force: bool = False, progress=None, **kwargs
) -> dict:
    """A command of ``core`` wants a user's models now: train them here, synchronously."""
    from workers.training import train_user_now  # the coach loads only when asked for

    return train_user_now(user_id, uebung_ids, force=force, progress=progress)


def _user_id_of(instance: Satz, origin=None) -> int | None:
    if isinstance(origin, Trainingseinheit):
        return origin.user_id
    einheit = _EINHEIT_FIELD.get_cached_value(instance, default=None)
    if einheit is not None:
        return einheit.user_id
    return (
        Trainingseinheit.objects.filter(pk=instance.einheit_id)
        .values_list("user_id", flat=True)
        .first()
    )


def _schedule_check(instance: Satz, using: str, origin=None) -> None:
    try:
        user_id = _user_id_of(instance, origin)
        uebung_id = instance.uebung_id
        if user_id is None or uebung_id is None:
            return
        connection = connections[using]
        if connection.in_atomic_block and _already_registered(connection, user_id, uebung_id):
            return
        transaction.on_commit(
            lambda: schedule_retrain(user_id, uebung_id), using=using, robust=True
        )
    except Exception:
        logger.exception("retrain check for set %s not registered", instance.pk)


def _already_registered(connection, user_id: int, uebung_id: int) -> bool:
    """One hook per (user, exercise) per transaction: bulk saves stay linear.

    Django replaces ``connection.run_on_commit`` with a new list whenever hooks can be
    dropped (commit, rollback, savepoint rollback); keyed on that list the memo can never
    suppress a hook that will not run.
    """
    hooks = connection.run_on_commit
    memo = getattr(connection, "_workers_retrain_memo", None)
    if memo is None or memo[0] is not hooks:
        memo = (hooks, set())
        connection._workers_retrain_memo = memo
    key = (user_id, uebung_id)
    if key in memo[1]:
        return True
    memo[1].add(key)
    return False


def _missed(reason: str, user_id: int, uebung_id: int) -> None:
    logger.warning(
        "retrain for user=%s uebung=%s not queued (%s); the nightly run catches up",
        user_id,
        uebung_id,
        reason,
    )


def schedule_retrain(user_id: int, uebung_id: int) -> bool:
    """After commit: queue a debounced retrain. Never raises; True when a task was queued."""
    try:
        return request_retrain(user_id, uebung_id)
    except Exception:
        logger.exception("retrain for user=%s uebung=%s not queued", user_id, uebung_id)
        return False


# (user_id, uebung_id) → monotonic time until which a retrain this process queued is surely
# still waiting for its countdown: it will read every set committed before then, so saves in
# this process skip even the Redis round trip. Later saves go to Redis as usual.
_queued_here: dict[tuple[int, int], float] = {}
_QUEUED_HERE_MAX = 10_000


def forget_queued() -> None:
    """Clear the process-local memo (tests, or after the broker was flushed)."""
    _queued_here.clear()


def _remember(pair: tuple[int, int], until: float) -> None:
    if len(_queued_here) >= _QUEUED_HERE_MAX:
        now = time.monotonic()
        for old in [k for k, t in _queued_here.items() if t <= now]:
            del _queued_here[old]
        if len(_queued_here) >= _QUEUED_HERE_MAX:
            _queued_here.clear()
    _queued_here[pair] = until


def request_retrain(user_id: int, uebung_id: int, countdown: int | None = None) -> bool:
    """Queue one ``retrain_model`` unless one is already pending. True when queued."""
    from workers.tasks import pending_key, retrain_model

    pair = (user_id, uebung_id)
    if _queued_here.get(pair, 0.0) > time.monotonic():
        return False
    if dispatch.broker_breaker.is_open():
        _missed("Redis unreachable a moment ago", user_id, uebung_id)
        return False
    delay = settings.ML_RETRAIN_DEBOUNCE_SECONDS if countdown is None else countdown
    key = pending_key(user_id, uebung_id)
    added = cache.add(key, 1, timeout=delay + settings.ML_TRAINING_STALE_SECONDS)
    if added is None:  # django-redis swallowed a connection error
        dispatch.broker_breaker.trip("cache")
        _missed("cache unreachable", user_id, uebung_id)
        return False
    if not added:
        return False
    queued_at = time.monotonic()
    try:
        dispatch.send(retrain_model, (user_id, uebung_id), countdown=delay)
    except dispatch.BrokerUnavailable as exc:
        cache.delete(key)
        _missed(f"broker: {exc}", user_id, uebung_id)
        return False
    _remember(pair, queued_at + delay - 0.5)
    return True
