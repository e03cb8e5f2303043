"""The bookkeeping around one training: when it is due, the per-model lock, stale rows, files.

The ML itself is one call (``train_callable()(user_id, uebung_id)``, by default
``ml_coach.ml_trainer.train_and_store``); everything here is orchestration, so it works the same
whatever the coach does inside.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import MLPredictionModel, ModelStatus, Satz

logger = logging.getLogger(__name__)

DEFAULT_TRAIN_CALLABLE = "ml_coach.ml_trainer.train_and_store"

# Compare-and-delete: only the holder releases the lock.
_RELEASE_LUA = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


WORKING = ~Q(set_type=Satz.SetType.WARMUP)


def train_callable() -> Callable[..., MLPredictionModel]:
    """The coach's "train one (user, exercise) and store it" function.

    Called as ``fn(user_id, uebung_id, min_samples=...)``; returns the new row (ACTIVE, or
    FAILED with the error text while the previous ACTIVE row stays in service).
    """
    return import_string(getattr(settings, "ML_TRAIN_CALLABLE", DEFAULT_TRAIN_CALLABLE))


def set_counts(user_id: int, uebung_id: int) -> tuple[int, int]:
    """(all sets, working sets) of this (user, exercise), in one query.

    All sets are what the coach records as ``samples_at_training``; the minimum applies to
    working sets (warm-ups teach the coach nothing).
    """
    counts = Satz.objects.filter(einheit__user_id=user_id, uebung_id=uebung_id).aggregate(
        n=Count("id"), working=Count("id", filter=WORKING)
    )
    return counts["n"], counts["working"]


def sample_count(user_id: int, uebung_id: int) -> int:
    """Working sets of this (user, exercise): what the minimum is compared with."""
    return set_counts(user_id, uebung_id)[1]


def active_model(user_id: int, uebung_id: int) -> MLPredictionModel | None:
    return MLPredictionModel.objects.filter(
        user_id=user_id, uebung_id=uebung_id, status=ModelStatus.ACTIVE
    ).first()


def is_due(n: int, working: int, current: MLPredictionModel | None, minimum: int) -> bool:
    """Due when the minimum is reached without an active model, or enough sets changed since.

    Evaluated by the task, not on the save: counting a lifter's sets is O(sets), and the
    save path must stay at one Redis round trip.
    """
    if working < minimum:
        return False
    if current is None:
        return True
    return abs(n - current.samples_at_training) >= settings.ML_RETRAIN_MIN_NEW_SETS


def exercises_with_enough_data(user_id: int, min_samples: int | None = None) -> list[int]:
    """Exercise ids of this user with at least ``min_samples`` logged sets."""
    minimum = settings.ML_MIN_SAMPLES if min_samples is None else min_samples
    return list(
        Satz.objects.filter(WORKING, einheit__user_id=user_id)
        .values("uebung_id")
        .annotate(n=Count("id"))
        .filter(n__gte=minimum)
        .order_by("uebung_id")
        .values_list("uebung_id", flat=True)
    )


def users_with_enough_data(min_samples: int | None = None) -> list[int]:
    """User ids having at least one exercise with enough sets: the nightly job's fan-out."""
    minimum = settings.ML_MIN_SAMPLES if min_samples is None else min_samples
    return sorted(
        set(
            Satz.objects.filter(WORKING)
            .values("einheit__user_id", "uebung_id")
            .annotate(n=Count("id"))
            .filter(n__gte=minimum)
            .values_list("einheit__user_id", flat=True)
        )
    )


# --- per-model lock --------------------------------------------------------------------------


def _redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _key(*parts: object) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "homegym")
    return ":".join([prefix, "workers", *map(str, parts)])


@dataclass
class ModelLock:
    """A Redis lock per (user, exercise) whose value is the holder's task id.

    A redelivered message (its worker was killed) carries the same task id, so it takes the
    lock over at once instead of waiting for the TTL; any other task sees "busy".
    """

    user_id: int
    uebung_id: int
    owner: str
    ttl: int = 0

    @property
    def key(self) -> str:
        return _key("lock", self.user_id, self.uebung_id)

    def acquire(self) -> bool:
        ttl = self.ttl or settings.ML_TRAINING_STALE_SECONDS
        client = _redis()
        if client.set(self.key, self.owner, nx=True, ex=ttl):
            return True
        holder = client.get(self.key)
        if holder is not None and holder.decode() == self.owner:
            client.expire(self.key, ttl)
            return True
        return False

    def release(self) -> None:
        _redis().eval(_RELEASE_LUA, 1, self.key, self.owner)


def count_delivery(task_id: str, retries: int) -> int:
    """How often this message (task id, retry number) has started; 0 if Redis can't say."""
    key = _key("deliveries", task_id, retries)
    try:
        client = _redis()
        n = client.incr(key)
        client.expire(key, 7 * 24 * 3600)
        return int(n)
    except Exception:
        logger.warning("Zustellungen von Task %s nicht zählbar (Redis)", task_id)
        return 0


# --- files and stale rows --------------------------------------------------------------------


def model_root() -> Path:
    return Path(settings.ML_MODEL_ROOT)


def artifact_file(relative: str) -> Path | None:
    """The artifact's absolute path, or None when it would leave ML_MODEL_ROOT."""
    if not relative:
        return None
    root = model_root().resolve()
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) and path != root else None


def delete_artifact(relative: str) -> bool:
    path = artifact_file(relative)
    if path is None or not path.is_file():
        return False
    path.unlink(missing_ok=True)
    return True


def recover_stale_training(
    user_id: int | None = None, uebung_id: int | None = None, *, all_of_pair: bool = False
) -> int:
    """Rows left in TRAINING by a dead worker become FAILED (and lose any partial file).

    With ``all_of_pair`` (the caller holds the pair's lock) every TRAINING row of the pair is
    stale; otherwise only rows older than ``ML_TRAINING_STALE_SECONDS``.
    """
    rows = MLPredictionModel.objects.filter(status=ModelStatus.TRAINING)
    if user_id is not None:
        rows = rows.filter(user_id=user_id, uebung_id=uebung_id)
    if not all_of_pair:
        cutoff = timezone.now() - timedelta(seconds=settings.ML_TRAINING_STALE_SECONDS)
        rows = rows.filter(updated_at__lt=cutoff)
    recovered = 0
    for row in rows:
        if row.artifact_path:
            delete_artifact(row.artifact_path)
        row.status = ModelStatus.FAILED
        row.uses_model = False
        row.error_text = "Training abgebrochen: der Worker wurde beendet (wiederhergestellt)."
        row.save(update_fields=["status", "uses_model", "error_text", "updated_at"])
        recovered += 1
    if recovered:
        logger.warning("%d hängende TRAINING-Zeile(n) als FAILED markiert", recovered)
    return recovered


def refresh_prediction(user_id: int, uebung_id: int) -> None:
    """Invalidate the cached recommendation and compute the new one into the cache.

    The lifter's next page load is then a cache hit that already knows the new model. A dead
    cache is not an error: the key is versioned by the model, and pages compute on a miss.
    """
    from ml_coach.prediction_cache import cached_recommendation, invalidate

    try:
        invalidate(user_id, uebung_id)
        cached_recommendation(user_id, uebung_id)
    except Exception:
        logger.warning(
            "Empfehlung für user=%s uebung=%s nicht vorberechnet", user_id, uebung_id, exc_info=True
        )


# --- one training ------------------------------------------------------------------------------

BUSY = "busy"
UP_TO_DATE = "up_to_date"
NOT_ENOUGH_DATA = "not_enough_data"


def retrain(
    user_id: int,
    uebung_id: int,
    *,
    owner: str,
    force: bool = False,
    min_samples: int | None = None,
) -> dict:
    """Train one (user, exercise) under its lock; idempotent without ``force``.

    While the coach trains, a TRAINING row marks the pair (admin, pages); the coach writes
    its own result row, and the marker goes. If the process dies, the marker stays and is
    turned into FAILED by the next run of the pair or by the cleanup.

    Returns a JSON-able summary: ``{"status": ..., "model_id": ..., "seconds": ...}`` where
    status is a ModelStatus value or one of BUSY / UP_TO_DATE / NOT_ENOUGH_DATA.
    """
    from ml_coach.ml_trainer import NotEnoughDataError

    minimum = settings.ML_MIN_SAMPLES if min_samples is None else min_samples
    lock = ModelLock(user_id, uebung_id, owner)
    if not lock.acquire():
        return {"status": BUSY, "model_id": None}
    started = time.monotonic()
    try:
        recover_stale_training(user_id, uebung_id, all_of_pair=True)
        n, working = set_counts(user_id, uebung_id)
        if working < minimum:
            return {"status": NOT_ENOUGH_DATA, "model_id": None, "n_sets": working}
        current = active_model(user_id, uebung_id)
        if not force and not is_due(n, working, current, minimum):
            return {"status": UP_TO_DATE, "model_id": current.pk if current else None}
        marker = MLPredictionModel.objects.create(
            user_id=user_id,
            uebung_id=uebung_id,
            status=ModelStatus.TRAINING,
            samples_at_training=n,
        )
        try:
            model = train_callable()(user_id, uebung_id, min_samples=minimum)
        except NotEnoughDataError:
            return {"status": NOT_ENOUGH_DATA, "model_id": None, "n_sets": working}
        finally:
            marker.delete()
        refresh_prediction(user_id, uebung_id)
        return {
            "status": model.status,
            "model_id": model.pk,
            "seconds": round(time.monotonic() - started, 3),
        }
    finally:
        lock.release()
