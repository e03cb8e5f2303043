"""The bookkeeping around one training: when it is due, the per-model lock, stale rows.

The ML itself is one call, ``ml_coach.ml_trainer.train_and_store(user_id, uebung_id)``;
everything here is orchestration, so it works the same whatever the coach does inside.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

import redis.exceptions
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from core.models import WORKING_SETS, MLPredictionModel, ModelStatus, Satz, Uebung
from ml_coach.artifact_store import delete_artifact
from ml_coach.coach_model import VERDICT_TEXTS, gate_verdict
from ml_coach.ml_trainer import NotEnoughDataError, exercises_with_enough_data, train_and_store
from ml_coach.prediction_cache import cached_recommendation, cached_recommendations, invalidate
from ml_coach.prediction_service import active_model_row

logger = logging.getLogger(__name__)

# Compare-and-delete: only the holder releases the lock.
_RELEASE_LUA = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def set_counts(user_id: int, uebung_id: int) -> tuple[int, int]:
    """(all sets, working sets) of this (user, exercise), in one query.

    All sets are what the coach records as ``samples_at_training``; the minimum applies to
    working sets (warm-ups teach the coach nothing).
    """
    counts = Satz.objects.filter(einheit__user_id=user_id, uebung_id=uebung_id).aggregate(
        n=Count("id"), working=Count("id", filter=WORKING_SETS)
    )
    return counts["n"], counts["working"]


def sample_count(user_id: int, uebung_id: int) -> int:
    """Working sets of this (user, exercise): what the minimum is compared with."""
    return set_counts(user_id, uebung_id)[1]


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
        logger.warning("deliveries of task %s not countable (Redis)", task_id)
        return 0


# --- stale rows ---------------------------------------------------------------------------


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
        logger.warning("%d stale TRAINING row(s) marked FAILED", recovered)
    return recovered


def running_workout(user_id: int, uebung_id: int) -> int | None:
    """The lifter's unfinished workout of the last day that has this exercise, if any: the
    training view a debounced retrain lands in."""
    return (
        Satz.objects.filter(
            einheit__user_id=user_id,
            uebung_id=uebung_id,
            einheit__duration__isnull=True,
            einheit__datum__gte=timezone.now() - timedelta(days=1),
        )
        .order_by("-einheit__datum")
        .values_list("einheit_id", flat=True)
        .first()
    )


def refresh_prediction(user_id: int, uebung_id: int) -> None:
    """Invalidate the cached recommendation and compute the new one into the cache: the
    exercise's top set (dashboard, API) and, mid-workout, the next set of that workout.

    The lifter's next page load is then a cache hit that already knows the new model. A dead
    cache is not an error: the key is versioned by the model, and pages compute on a miss.
    """
    try:
        invalidate(user_id, uebung_id)
        cached_recommendation(user_id, uebung_id)
        einheit_id = running_workout(user_id, uebung_id)
        if einheit_id is not None:
            cached_recommendations(user_id, [uebung_id], einheit_id)
    except Exception:
        logger.warning(
            "recommendation for user=%s uebung=%s not precomputed",
            user_id,
            uebung_id,
            exc_info=True,
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
        current = active_model_row(user_id, uebung_id)
        if not force and not is_due(n, working, current, minimum):
            return {"status": UP_TO_DATE, "model_id": current.pk if current else None}
        marker = MLPredictionModel.objects.create(
            user_id=user_id,
            uebung_id=uebung_id,
            status=ModelStatus.TRAINING,
            samples_at_training=n,
        )
        try:
            model = train_and_store(user_id, uebung_id, min_samples=minimum)
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


# --- training here and now (commands) -----------------------------------------------------


def describe(label: str, result: dict) -> str:
    """One line of command output for a ``retrain`` result: MAE, baseline, who recommends."""
    if result["status"] == BUSY:
        return f"  … {label}: läuft bereits in einem Worker"
    model = MLPredictionModel.objects.filter(pk=result.get("model_id")).first()
    if model is None:
        return f"  – {label}: {result['status']}"
    if model.status != ModelStatus.ACTIVE:
        return f"  ✗ {label}: {model.status} {model.error_text}".rstrip()
    mae = f"{model.mae:.2f} kg" if model.mae is not None else "–"
    base = f"{model.baseline_mae:.2f} kg" if model.baseline_mae is not None else "–"
    use = VERDICT_TEXTS[gate_verdict(model.uses_model, model.parameters or {})]
    if result["status"] == UP_TO_DATE:
        return f"  = {label}: schon aktuell, {use}"
    return f"  ✓ {label}: MAE {mae} (Baseline {base}), {use}"


def _exercises(n: int) -> str:
    return f"{n} Übung" if n == 1 else f"{n} Übungen"


REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def train_user_now(
    user_id: int,
    uebung_ids: Iterable[int] | None = None,
    *,
    force: bool = False,
    min_samples: int | None = None,
    progress: Callable[[str], object] | None = None,
) -> dict:
    """Train a user's exercises with enough data in this process: no broker, no worker.

    For commands right after an import (``core.signals.training_requested``): the first page
    then shows the models' recommendations instead of waiting for the debounced retrain.
    The bookkeeping is a worker's (lock, TRAINING marker, precomputed recommendation), so a
    worker training the same pair meanwhile is reported as busy, not trained twice at once.
    Without Redis (the lock) it stops at the first exercise; the nightly run catches up.
    Returns ``{"user_id": ..., "counts": {status: n}}``.
    """
    say = progress or logger.info
    due = exercises_with_enough_data(user_id, min_samples)
    if uebung_ids is not None:
        wanted = set(uebung_ids)
        due = [uebung_id for uebung_id in due if uebung_id in wanted]
    counts: dict[str, int] = {}
    if not due:
        minimum = settings.ML_MIN_SAMPLES if min_samples is None else min_samples
        say(f"Training: keine Übung mit mindestens {minimum} Arbeitssätzen.")
        return {"user_id": user_id, "counts": counts}
    names = dict(Uebung.objects.filter(pk__in=due).values_list("pk", "name"))
    say(f"Training: {_exercises(len(due))} …")
    started = time.monotonic()
    for uebung_id in due:
        label = names.get(uebung_id, str(uebung_id))
        try:
            result = retrain(
                user_id,
                uebung_id,
                owner=f"now:{uuid.uuid4()}",
                force=force,
                min_samples=min_samples,
            )
        except REDIS_ERRORS as exc:
            logger.warning("training user=%s now stopped: Redis unreachable", user_id)
            counts["not_started"] = counts.get("not_started", 0) + 1
            say(
                f"Training abgebrochen, Redis nicht erreichbar ({exc}): die Worker bzw. der "
                "nächtliche Lauf trainieren später."
            )
            break
        except Exception as exc:
            logger.exception("training user=%s uebung=%s failed", user_id, uebung_id)
            status, line = str(ModelStatus.FAILED), f"  ✗ {label}: {type(exc).__name__}: {exc}"
        else:
            status, line = str(result["status"]), describe(label, result)
        counts[status] = counts.get(status, 0) + 1
        say(line)
    summary = ", ".join(f"{key}: {n}" for key, n in sorted(counts.items()))
    seconds = time.monotonic() - started
    say(f"Training fertig: {_exercises(len(due))} in {seconds:.1f} s ({summary})")
    return {"user_id": user_id, "counts": counts}
