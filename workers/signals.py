"""From a logged set to a queued retrain: debounced, after commit, never failing the save.

``Satz`` post_save/post_delete register one ``on_commit`` hook per (user, exercise) and
transaction. After the commit the hook checks cheaply whether a retrain is due and, if so,
queues ``retrain_model`` with a countdown behind a Redis ``SET NX`` key: a workout of 25 sets
queues one retrain. When Redis or the broker is unreachable the set is still saved, the miss
is logged, and for ``BREAKER_SECONDS`` no further attempt is made (a hung Redis would cost
every save the socket timeout); the nightly job catches up.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_delete, post_save

from core.models import Satz, Trainingseinheit
from core.signals import sets_imported
from workers import training

logger = logging.getLogger(__name__)

BREAKER_SECONDS = 30.0
_EINHEIT_FIELD = Satz._meta.get_field("einheit")
_breaker = {"open_until": 0.0}


def connect() -> None:
    post_save.connect(on_satz_saved, sender=Satz, dispatch_uid="workers_satz_saved")
    post_delete.connect(on_satz_deleted, sender=Satz, dispatch_uid="workers_satz_deleted")
    sets_imported.connect(on_sets_imported, dispatch_uid="workers_sets_imported")


def on_satz_saved(sender, instance: Satz, raw: bool = False, using=None, **kwargs) -> None:
    if raw:  # loaddata / fixtures: no retrain storm
        return
    _schedule_check(instance, using or DEFAULT_DB_ALIAS)


def on_satz_deleted(sender, instance: Satz, using=None, origin=None, **kwargs) -> None:
    if origin is not None and not isinstance(origin, Satz | Trainingseinheit):
        return  # a user (or more) is being deleted: their models go with them
    _schedule_check(instance, using or DEFAULT_DB_ALIAS, origin=origin)


def on_sets_imported(sender, user_id: int, uebung_ids, **kwargs) -> None:
    """A bulk import committed: one retrain check per affected exercise."""
    for uebung_id in sorted(set(uebung_ids)):
        retrain_if_due(user_id, uebung_id)


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
        transaction.on_commit(lambda: retrain_if_due(user_id, uebung_id), using=using, robust=True)
    except Exception:
        logger.exception("Retrain-Prüfung für Satz %s nicht registriert", instance.pk)


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


def _breaker_open() -> bool:
    return time.monotonic() < _breaker["open_until"]


def _trip(reason: str, user_id: int, uebung_id: int) -> None:
    _breaker["open_until"] = time.monotonic() + BREAKER_SECONDS
    logger.warning(
        "Retrain für user=%s uebung=%s nicht eingeplant (%s); der Nachtlauf holt es nach",
        user_id,
        uebung_id,
        reason,
    )


def retrain_if_due(user_id: int, uebung_id: int) -> bool:
    """After commit: queue a debounced retrain when one is due. Never raises."""
    try:
        if not training.needs_training(user_id, uebung_id):
            return False
        return request_retrain(user_id, uebung_id)
    except Exception:
        logger.exception("Retrain-Prüfung user=%s uebung=%s fehlgeschlagen", user_id, uebung_id)
        return False


def request_retrain(user_id: int, uebung_id: int, countdown: int | None = None) -> bool:
    """Queue one ``retrain_model`` unless one is already pending. True when queued."""
    from workers.tasks import pending_key, retrain_model

    if _breaker_open():
        logger.warning(
            "Retrain für user=%s uebung=%s übersprungen: Redis war eben nicht erreichbar",
            user_id,
            uebung_id,
        )
        return False
    delay = settings.ML_RETRAIN_DEBOUNCE_SECONDS if countdown is None else countdown
    key = pending_key(user_id, uebung_id)
    added = cache.add(key, 1, timeout=delay + settings.ML_TRAINING_STALE_SECONDS)
    if added is None:  # django-redis swallowed a connection error
        _trip("Cache nicht erreichbar", user_id, uebung_id)
        return False
    if not added:
        return False
    try:
        retrain_model.apply_async((user_id, uebung_id), countdown=delay, ignore_result=True)
    except Exception as exc:
        _trip(f"Broker: {exc.__class__.__name__}", user_id, uebung_id)
        cache.delete(key)
        return False
    return True
