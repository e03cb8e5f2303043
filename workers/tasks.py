"""Celery tasks: retrain one model, one user's models, the nightly fan-out and the cleanup.

Every task is safe to run twice (acks_late redelivers after a crash) and gives up after
``WORKERS_MAX_DELIVERIES`` starts of the same message, so a task that kills its worker
cannot loop forever. A task is not named like the function it runs (``retrain_model`` runs
``training.retrain``, ``retrain_population_model`` runs ``ml_trainer.train_population_model``):
in a traceback or in Flower the name says which of the two is meant.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from pathlib import Path

import redis.exceptions
from celery import Task, current_app, group, shared_task, signature
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from core.models import MLPopulationModel, MLPredictionModel, ModelStatus
from ml_coach import artifact_store
from ml_coach.ml_trainer import (
    exercises_with_enough_data,
    finish_population_run,
    fit_population_piece,
    population_failed,
    prepare_population_run,
    train_population_model,
    users_with_enough_data,
)
from workers import population, training
from workers.models import TrainingJob

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
RETRY_OPTIONS = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


def pending_key(user_id: int, uebung_id: int) -> str:
    """Cache key (SET NX) marking "a retrain of this pair is already queued"."""
    return f"workers:retrain-pending:{user_id}:{uebung_id}"


class BoundedRedeliveryTask(Task):
    """Counts the starts of each message in Redis and refuses to start one too often."""

    def __call__(self, *args, **kwargs):
        request = self.request
        if request.id and not request.called_directly and not request.is_eager:
            starts = training.count_delivery(request.id, request.retries or 0)
            if starts > settings.WORKERS_MAX_DELIVERIES:
                logger.error(
                    "%s[%s] started %d times (worker crashed?): given up",
                    self.name,
                    request.id,
                    starts - 1,
                )
                self.give_up(*args, **kwargs)
                return {"status": "gave_up", "starts": starts - 1}
        return super().__call__(*args, **kwargs)

    def give_up(self, *args, **kwargs) -> None:
        """Hook: leave the data consistent when a message is dropped."""


class RetrainTask(BoundedRedeliveryTask):
    def give_up(self, user_id: int, uebung_id: int, *args, **kwargs) -> None:
        training.recover_stale_training(user_id, uebung_id, all_of_pair=True)
        training.ModelLock(user_id, uebung_id, self.request.id).release()


@shared_task(bind=True, base=RetrainTask, ignore_result=True, **RETRY_OPTIONS)
def retrain_model(
    self, user_id: int, uebung_id: int, force: bool = False, min_samples: int | None = None
) -> dict:
    """Retrain one (user, exercise) model; skips when nothing changed unless ``force``."""
    # From here on a new save queues a new retrain: this run may not see it.
    cache.delete(pending_key(user_id, uebung_id))
    result = training.retrain(
        user_id,
        uebung_id,
        owner=self.request.id or "direct",
        force=force,
        min_samples=min_samples,
    )
    if result["status"] == training.BUSY:
        # Another run holds the lock and may have read the data before the newest sets.
        raise self.retry(countdown=max(1, settings.ML_RETRAIN_DEBOUNCE_SECONDS))
    logger.info("retrain_model user=%s uebung=%s: %s", user_id, uebung_id, result)
    return result


@shared_task(bind=True, base=BoundedRedeliveryTask, ignore_result=True, **RETRY_OPTIONS)
def retrain_user_models(
    self,
    user_id: int,
    force: bool = True,
    min_samples: int | None = None,
    uebung_ids: list[int] | None = None,
) -> dict:
    """Retrain every exercise of one user with enough data; one failure does not stop the rest.

    ``uebung_ids`` limits it to those exercises (the import page: the imported ones).
    """
    counts: dict[str, int] = {}
    due = exercises_with_enough_data(user_id, min_samples)
    if uebung_ids is not None:
        wanted = set(uebung_ids)
        due = [uebung_id for uebung_id in due if uebung_id in wanted]
    for uebung_id in due:
        try:
            result = training.retrain(
                user_id,
                uebung_id,
                owner=f"{self.request.id}:{uebung_id}",
                force=force,
                min_samples=min_samples,
            )
            status = result["status"]
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            logger.exception("training user=%s uebung=%s failed", user_id, uebung_id)
            status = ModelStatus.FAILED
        counts[str(status)] = counts.get(str(status), 0) + 1
    return {"user_id": user_id, "counts": counts}


@shared_task(base=BoundedRedeliveryTask, ignore_result=True, **RETRY_OPTIONS)
def retrain_population_model() -> dict:
    """The cross-lifter model in one task (the nightly run fits it in parallel pieces)."""
    started = time.monotonic()
    row = train_population_model()
    return {"status": str(row.status), "seconds": round(time.monotonic() - started, 3)}


def _queue(then: dict | None) -> None:
    if then:
        signature(then, app=current_app).apply_async()


@shared_task(bind=True, base=BoundedRedeliveryTask, ignore_result=True, **RETRY_OPTIONS)
def population_run_start(self, then: dict | None = None) -> dict:
    """The population model in parallel: its rows read once, then one task per piece.

    The last piece to finish queues ``population_run_assemble``, which queues ``then`` (the
    per-user fan-out) once the new model is ACTIVE — or FAILED, the previous one serving.
    """
    run_id = self.request.id or uuid.uuid4().hex
    started = time.time()
    try:
        pieces = prepare_population_run(run_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        logger.exception("population run %s: no rows", run_id)
        population_failed(f"{type(exc).__name__}: {exc}", time.time() - started)
        _queue(then)
        return {"status": str(ModelStatus.FAILED), "pieces": 0}
    population.open_run(run_id, pieces, then)
    group(population_run_piece.si(run_id, name) for name in pieces).apply_async()
    return {"run_id": run_id, "pieces": len(pieces)}


class PieceTask(BoundedRedeliveryTask):
    def give_up(self, run_id: str, piece: str, *args, **kwargs) -> None:
        """A piece that keeps killing its worker counts as finished (missing: run FAILED)."""
        if population.piece_done(run_id, piece):
            population_run_assemble.delay(run_id)


@shared_task(bind=True, base=PieceTask, ignore_result=True, **RETRY_OPTIONS)
def population_run_piece(self, run_id: str, piece: str) -> dict:
    """Fit one piece of a population run; the last piece to finish queues the assembly."""
    try:
        seconds = fit_population_piece(run_id, piece)
        result = {"piece": piece, "status": "fitted", "seconds": round(seconds, 3)}
    except Exception:
        logger.exception("population run %s: piece %s failed", run_id, piece)
        result = {"piece": piece, "status": "failed"}
    if population.piece_done(run_id, piece):
        population_run_assemble.delay(run_id)
    return result


@shared_task(bind=True, base=BoundedRedeliveryTask, ignore_result=True, **RETRY_OPTIONS)
def population_run_assemble(self, run_id: str) -> dict:
    """Assemble a population run's pieces into the ACTIVE model, then queue what follows."""
    state = population.run_state(run_id)
    if state is None or not population.claim_assembly(run_id, self.request.id or run_id):
        return {"run_id": run_id, "status": "already_assembled"}
    row = finish_population_run(run_id, time.time() - state["started"])
    population.close_run(run_id)
    _queue(state["then"])
    return {"run_id": run_id, "status": str(row.status), "seconds": row.training_seconds}


@shared_task(base=BoundedRedeliveryTask, ignore_result=True, **RETRY_OPTIONS)
def enqueue_user_retrains(user_ids: list[int], force: bool = True) -> int:
    """One chunk of the nightly fan-out: one ``retrain_user_models`` task per user."""
    group(retrain_user_models.si(user_id, force) for user_id in user_ids).apply_async()
    return len(user_ids)


def nightly_signature(user_ids: list[int], force: bool = True, chunk_size: int | None = None):
    """Population model first (in parallel pieces), then the users in chunks.

    The chunks keep every message small however many users there are; each chunk task
    queues one task per user, so all worker processes share the work. The fan-out travels
    with the run (stored once in Redis), not in every piece's message.
    """
    size = max(1, chunk_size or settings.ML_NIGHTLY_CHUNK_SIZE)
    chunks = [user_ids[i : i + size] for i in range(0, len(user_ids), size)]
    fan_out = group(enqueue_user_retrains.si(chunk, force) for chunk in chunks)
    return population_run_start.si(then=dict(fan_out))


@shared_task(base=BoundedRedeliveryTask, ignore_result=True, **RETRY_OPTIONS)
def nightly_full_retrain() -> dict:
    """Beat, 03:30 Europe/Berlin: retrain everything, catching up on any missed retrain."""
    user_ids = users_with_enough_data()
    nightly_signature(user_ids).apply_async()
    logger.info("nightly_full_retrain: %d users queued", len(user_ids))
    return {"users": len(user_ids)}


@shared_task(base=BoundedRedeliveryTask, ignore_result=True, **RETRY_OPTIONS)
def cleanup_stale_models() -> dict:
    """Beat, 04:30: old OUTDATED/FAILED rows and their files, orphan files, stale rows."""
    now = timezone.now()
    recovered = training.recover_stale_training()
    retired = MLPredictionModel.objects.filter(
        uebung__isnull=True, status__in=[ModelStatus.ACTIVE, ModelStatus.TRAINING]
    ).update(status=ModelStatus.OUTDATED, uses_model=False, updated_at=now)

    cutoff = now - timedelta(days=settings.ML_STALE_OUTDATED_DAYS)
    deleted_rows = deleted_files = 0
    for model_class in (MLPredictionModel, MLPopulationModel):
        old = model_class.objects.filter(
            status__in=[ModelStatus.OUTDATED, ModelStatus.FAILED], updated_at__lt=cutoff
        )
        for row in old.only("pk", "artifact_path"):
            if artifact_store.delete_artifact(row.artifact_path):
                deleted_files += 1
            row.delete()
            deleted_rows += 1

    orphans = remove_orphan_files(now)
    TrainingJob.objects.filter(created_at__lt=cutoff).delete()
    summary = {
        "recovered_training": recovered,
        "retired": retired,
        "deleted_rows": deleted_rows,
        "deleted_files": deleted_files,
        "orphan_files": orphans,
    }
    logger.info("cleanup_stale_models: %s", summary)
    return summary


def remove_orphan_files(now=None) -> int:
    """Files under ML_MODEL_ROOT that no row names; young files may belong to a running job."""
    root = artifact_store.model_root()
    if not root.is_dir():
        return 0
    known: set[Path] = set()
    for model_class in (MLPredictionModel, MLPopulationModel):
        for relative in model_class.objects.exclude(artifact_path="").values_list(
            "artifact_path", flat=True
        ):
            path = artifact_store.artifact_file(relative)
            if path is not None:
                known.add(path)
    min_age = settings.ML_TRAINING_STALE_SECONDS
    cutoff = (now or timezone.now()).timestamp() - min_age
    removed = 0
    for path in root.resolve().rglob("*"):
        if path.is_file() and path not in known and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
