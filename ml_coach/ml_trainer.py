"""Train coach models from the database and record them (the ORM glue around the pure models).

``train_and_store`` is what the workers call for one (user, exercise); ``MLTrainer`` keeps the
interface existing deployments use; ``train_population_model`` trains the cross-lifter model
the nightly job runs first. Serialising concurrent runs is the caller's job (the workers hold
a lock); the swap of the ACTIVE row happens in one transaction either way.
"""

from __future__ import annotations

import logging
import platform
import time
import traceback

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.models import MLPopulationModel, MLPredictionModel, ModelStatus, Satz, Uebung
from ml_coach.artifact_store import save_artifact
from ml_coach.coach_model import algorithm_name, fit_coach, loaded, plate_step
from ml_coach.population_model import ExerciseHistory, fit_population
from ml_coach.prediction_service import active_population
from ml_coach.records import SET_COLUMNS, SetRecord, record_from_row, records_for
from ml_coach.sessions import group_sessions

logger = logging.getLogger(__name__)


class NotEnoughDataError(ValueError):
    """Fewer working sets than ``min_samples``: nothing trained, nothing recorded."""


def library_versions() -> dict:
    import numpy
    import sklearn

    return {
        "python": platform.python_version(),
        "sklearn": sklearn.__version__,
        "numpy": numpy.__version__,
    }


def default_min_samples() -> int:
    from django.conf import settings

    return int(getattr(settings, "ML_MIN_SAMPLES", 10))


def _uid(user) -> int:
    return user if isinstance(user, int) else user.pk


def _activate(row: MLPredictionModel) -> MLPredictionModel:
    """Mark the new row ACTIVE and the previous one OUTDATED, atomically."""
    with transaction.atomic():
        previous = list(
            MLPredictionModel.objects.select_for_update()
            .filter(user_id=row.user_id, uebung_id=row.uebung_id, status=ModelStatus.ACTIVE)
            .exclude(pk=row.pk)
        )
        for old in previous:
            old.status = ModelStatus.OUTDATED
            old.save(update_fields=["status", "updated_at"])
        row.status = ModelStatus.ACTIVE
        row.save()
    return row


def train_and_store(
    user_id: int, uebung_id: int, min_samples: int | None = None
) -> MLPredictionModel:
    """Train one (user, exercise) model, save its artifact and make it the ACTIVE row.

    On an error a FAILED row with the error text is written and the previous ACTIVE model
    stays in service. Raises ``NotEnoughDataError`` (without writing a row) below
    ``min_samples`` working sets.
    """
    min_samples = default_min_samples() if min_samples is None else min_samples
    records = records_for(user_id, uebung_id)
    n_sets = len(records)
    n_working = sum(1 for r in records if not r.is_warmup)
    if n_working < min_samples:
        raise NotEnoughDataError(f"not enough data: {n_working}/{min_samples} sets")
    started = time.perf_counter()
    try:
        uebung = Uebung.objects.get(pk=uebung_id)
        sessions = loaded(group_sessions(records))
        step = plate_step([s.top_weight for s in sessions], float(uebung.increment_kg))
        pop = active_population() if algorithm_name() == "coach" else None
        ref, population = pop if pop is not None else ({}, None)
        result = fit_coach(
            sessions,
            step,
            population=population,
            lifter_key=str(user_id),
            population_ref=ref,
        )
        path, sha = save_artifact(result.model, f"user_{user_id}/uebung_{uebung_id}")
        m = result.metrics
        row = MLPredictionModel(
            user_id=user_id,
            uebung_id=uebung_id,
            status=ModelStatus.TRAINING,
            artifact_path=path,
            artifact_sha256=sha,
            algorithm=m["algorithm"],
            parameters={**m["parameters"], "step_kg": step},
            feature_version=result.model.feature_version,
            library_versions=library_versions(),
            n_samples=m["n_samples"],
            samples_at_training=n_sets,
            r2=m["r2"],
            mae=m["mae"],
            baseline_mae=m["baseline_mae"],
            uses_model=m["uses_model"],
            validation=m["validation"],
            trained_at=timezone.now(),
            training_seconds=time.perf_counter() - started,
        )
        return _activate(row)
    except Exception as exc:
        logger.exception("training failed for user %s exercise %s", user_id, uebung_id)
        return MLPredictionModel.objects.create(
            user_id=user_id,
            uebung_id=uebung_id,
            status=ModelStatus.FAILED,
            error_text=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"[:5000],
            samples_at_training=n_sets,
            library_versions=library_versions(),
            trained_at=timezone.now(),
            training_seconds=time.perf_counter() - started,
        )


def metrics_of(row: MLPredictionModel) -> dict:
    return {
        "status": row.status,
        "model_id": row.pk,
        "r2": row.r2,
        "mae": row.mae,
        "baseline_mae": row.baseline_mae,
        "uses_model": row.uses_model,
        "n_samples": row.n_samples,
        "samples_at_training": row.samples_at_training,
        "training_seconds": row.training_seconds,
        "error": row.error_text,
    }


def exercises_with_data(user, min_samples: int) -> list[Uebung]:
    """The user's exercises with at least ``min_samples`` working sets."""
    uid = _uid(user)
    return list(
        Uebung.objects.filter(saetze__einheit__user_id=uid)
        .annotate(n=Count("saetze", filter=~Q(saetze__set_type=Satz.SetType.WARMUP)))
        .filter(n__gte=min_samples)
        .order_by("pk")
    )


class MLTrainer:
    """The training service interface of the deployment guide."""

    def __init__(self, min_samples: int | None = None) -> None:
        self.min_samples = default_min_samples() if min_samples is None else min_samples

    def train_model(self, user, uebung) -> dict:
        uid = _uid(user)
        ueb_id = uebung if isinstance(uebung, int) else uebung.pk
        return metrics_of(train_and_store(uid, ueb_id, self.min_samples))

    def train_all_user_models(
        self, user=None, min_samples: int | None = None
    ) -> list[tuple[Uebung, dict]]:
        """Train every exercise with enough data, for one user or (``user=None``) for all."""
        from django.contrib.auth import get_user_model

        min_samples = self.min_samples if min_samples is None else min_samples
        users = [user] if user is not None else list(get_user_model().objects.order_by("pk"))
        results: list[tuple[Uebung, dict]] = []
        for u in users:
            for uebung in exercises_with_data(u, min_samples):
                results.append(
                    (uebung, metrics_of(train_and_store(_uid(u), uebung.pk, min_samples)))
                )
        return results


def user_histories(min_sessions: int = 2) -> dict[str, list[ExerciseHistory]]:
    """Every user's loaded sessions per exercise, from the database (one streamed query)."""
    rows = (
        Satz.objects.order_by("einheit__user_id", "uebung_id", "einheit__datum", "satz_nr")
        .values_list("einheit__user_id", "uebung_id", "uebung__increment_kg", *SET_COLUMNS)
        .iterator(chunk_size=5000)
    )
    grouped: dict[tuple[int, int], tuple[float, list[SetRecord]]] = {}
    for uid, ueb, inc, *set_row in rows:
        _, recs = grouped.setdefault((uid, ueb), (float(inc or 2.5), []))
        recs.append(record_from_row(*set_row))
    out: dict[str, list[ExerciseHistory]] = {}
    for (uid, _), (inc, recs) in grouped.items():
        sessions = loaded(group_sessions(recs))
        if len(sessions) >= min_sessions:
            step = plate_step([s.top_weight for s in sessions], inc)
            out.setdefault(str(uid), []).append((sessions, step))
    return out


def train_population_model() -> MLPopulationModel:
    """Train the population model on all users and make it the ACTIVE row (FAILED on error,
    keeping the previous one). Returns the ``core.models.MLPopulationModel`` row."""
    started = time.perf_counter()
    try:
        lifters = user_histories()
        model = fit_population(lifters)
        path, sha = save_artifact(model, "population")
        row = MLPopulationModel(
            status=ModelStatus.TRAINING,
            artifact_path=path,
            artifact_sha256=sha,
            algorithm="population_hgb",
            parameters=model.params | {"n_folds": model.n_folds},
            feature_version=model.feature_version,
            library_versions=library_versions(),
            n_samples=model.n_rows,
            n_users=model.n_lifters,
            trained_at=timezone.now(),
            training_seconds=time.perf_counter() - started,
        )
        with transaction.atomic():
            for old in MLPopulationModel.objects.select_for_update().filter(
                status=ModelStatus.ACTIVE
            ):
                old.status = ModelStatus.OUTDATED
                old.save(update_fields=["status", "updated_at"])
            row.status = ModelStatus.ACTIVE
            row.save()
        return row
    except Exception as exc:
        logger.exception("population training failed")
        return MLPopulationModel.objects.create(
            status=ModelStatus.FAILED,
            error_text=f"{type(exc).__name__}: {exc}"[:5000],
            library_versions=library_versions(),
            trained_at=timezone.now(),
            training_seconds=time.perf_counter() - started,
        )


__all__ = ["MLTrainer", "NotEnoughDataError", "train_and_store", "train_population_model"]
