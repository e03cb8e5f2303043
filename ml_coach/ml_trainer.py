"""Train coach models from the database and record them (the ORM glue around the pure models).

``train_and_store`` is what the workers call for one (user, exercise); ``MLTrainer`` keeps the
interface of the deployment guide; ``train_population_model`` trains the cross-lifter model
the nightly job runs first. Serialising concurrent runs is the caller's job (the workers hold
a lock); ``activate`` swaps the ACTIVE row in one transaction either way.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import MethodType
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from core.models import (
    WORKING_SETS,
    MLPopulationModel,
    MLPredictionModel,
    ModelStatus,
    Satz,
    Uebung,
)
from ml_coach.artifact_store import save_artifact
from ml_coach.coach_model import PastErrors, algorithm_name, fit_coach, loaded, session_errors
from ml_coach.population_model import (
    ExerciseHistory,
    Piece,
    PopulationModel,
    PopulationRows,
    assemble,
    fit_piece,
    fit_population,
    population_data,
    population_pieces,
)
from ml_coach.prediction_service import serving_population
from ml_coach.records import SET_COLUMNS, SetRecord, record_from_row, records_for, sets_state
from ml_coach.sessions import group_sessions
from ml_coach.steps import plate_step
from ml_coach.trees import CompactTrees

logger = logging.getLogger(__name__)

TrainedRow = MLPredictionModel | MLPopulationModel


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


def activate(row: TrainedRow) -> TrainedRow:
    """Save ``row`` as the ACTIVE model of its kind and mark its predecessor OUTDATED, atomically.

    A per-user row replaces the ACTIVE row of its (user, exercise); a population row replaces
    the one ACTIVE population model.
    """
    same_kind = type(row).objects.select_for_update().filter(status=ModelStatus.ACTIVE)
    if isinstance(row, MLPredictionModel):
        same_kind = same_kind.filter(user_id=row.user_id, uebung_id=row.uebung_id)
    with transaction.atomic():
        for old in same_kind.exclude(pk=row.pk):
            old.status = ModelStatus.OUTDATED
            old.save(update_fields=["status", "updated_at"])
        row.status = ModelStatus.ACTIVE
        row.save()
    return row


def _pairs_with_enough_data(min_samples: int | None, **filters) -> QuerySet:
    """(user, exercise) pairs with at least ``min_samples`` (default ``ML_MIN_SAMPLES``)
    working sets: the one rule for "enough data to train"."""
    minimum = settings.ML_MIN_SAMPLES if min_samples is None else min_samples
    return (
        Satz.objects.filter(WORKING_SETS, **filters)
        .values("einheit__user_id", "uebung_id")
        .annotate(n=Count("id"))
        .filter(n__gte=minimum)
    )


def exercises_with_enough_data(user_id: int, min_samples: int | None = None) -> list[int]:
    """Ids of this user's exercises with enough data to train, ascending."""
    pairs = _pairs_with_enough_data(min_samples, einheit__user_id=user_id)
    return list(pairs.order_by("uebung_id").values_list("uebung_id", flat=True))


def users_with_enough_data(min_samples: int | None = None) -> list[int]:
    """Ids of the users with at least one exercise with enough data: the nightly fan-out."""
    pairs = _pairs_with_enough_data(min_samples)
    return sorted(set(pairs.values_list("einheit__user_id", flat=True)))


def train_and_store(
    user_id: int, uebung_id: int, min_samples: int | None = None
) -> MLPredictionModel:
    """Train one (user, exercise) model, save its artifact and make it the ACTIVE row.

    On an error a FAILED row with the error text is written and the previous ACTIVE model
    stays in service. Raises ``NotEnoughDataError`` (without writing a row) below
    ``min_samples`` working sets.
    """
    min_samples = settings.ML_MIN_SAMPLES if min_samples is None else min_samples
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
        pop = serving_population() if algorithm_name() == "coach" else None
        ref, population = pop if pop is not None else ({}, None)
        result = fit_coach(
            sessions,
            step,
            population=population,
            lifter_key=str(user_id),
            population_ref=ref,
            pooled=lifter_past_errors(user_id, population, ref),
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
        return activate(row)
    except Exception as exc:
        logger.exception("training failed for user=%s uebung=%s", user_id, uebung_id)
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


_PAST_ERRORS: dict[tuple, PastErrors] = {}


def _past_errors(user_id: int, population) -> PastErrors:
    total = PastErrors(0.0, 0.0, 0)
    for sessions, step in user_histories(user_id=user_id).get(str(user_id), []):
        err_m, err_b = session_errors(sessions, step, population, str(user_id))
        total = total + PastErrors(float(err_m.sum()), float(err_b.sum()), len(err_m))
    return total


def lifter_past_errors(user_id: int, population, ref: dict) -> PastErrors | None:
    """The population model's and the baseline's errors over all of the user's exercises:
    the gate's pooled condition. Cached per (user, population, state of the user's sets and
    their exercises' plate increments), so training all of a user's exercises computes it
    once and an added, deleted or edited set is seen."""
    if population is None:
        return None
    state = sets_state(Satz.objects.filter(einheit__user_id=user_id))
    increments = tuple(
        Uebung.objects.filter(saetze__einheit__user_id=user_id)
        .distinct()
        .order_by("pk")
        .values_list("pk", "increment_kg")
    )
    key = (user_id, ref.get("id"), ref.get("sha256"), state, increments)
    if key not in _PAST_ERRORS:
        if len(_PAST_ERRORS) >= 64:
            _PAST_ERRORS.clear()
        _PAST_ERRORS[key] = _past_errors(user_id, population)
    return _PAST_ERRORS[key]


def user_histories(
    min_sessions: int = 2, user_id: int | None = None
) -> dict[str, list[ExerciseHistory]]:
    """Every user's (or one user's) loaded sessions per exercise, from the database (one
    streamed query)."""
    sets = Satz.objects.all() if user_id is None else Satz.objects.filter(einheit__user_id=user_id)
    rows = (
        sets.order_by("einheit__user_id", "uebung_id", "einheit__datum", "satz_nr")
        .values_list("einheit__user_id", "uebung_id", "uebung__increment_kg", *SET_COLUMNS)
        .iterator(chunk_size=5000)
    )
    grouped: dict[tuple[int, int], tuple[float, list[SetRecord]]] = {}
    for owner, uebung_id, increment, *set_row in rows:
        _, records = grouped.setdefault((owner, uebung_id), (float(increment or 2.5), []))
        records.append(record_from_row(*set_row))
    out: dict[str, list[ExerciseHistory]] = {}
    for (owner, _), (increment, records) in grouped.items():
        sessions = loaded(group_sessions(records))
        if len(sessions) >= min_sessions:
            step = plate_step([s.top_weight for s in sessions], increment)
            out.setdefault(str(owner), []).append((sessions, step))
    return out


def train_population_model() -> MLPopulationModel:
    """Train the population model on all users and make it the ACTIVE row (FAILED on error,
    keeping the previous one)."""
    started = time.perf_counter()
    try:
        model = fit_population(user_histories())
        return _activate_population(model, time.perf_counter() - started)
    except Exception as exc:
        logger.exception("population training failed")
        return population_failed(f"{type(exc).__name__}: {exc}", time.perf_counter() - started)


def _activate_population(model: PopulationModel, seconds: float) -> MLPopulationModel:
    path, sha = save_artifact(model, "population")
    return activate(
        MLPopulationModel(
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
            training_seconds=seconds,
        )
    )


def population_failed(error: str, seconds: float) -> MLPopulationModel:
    """A FAILED population row; the ACTIVE one (if any) keeps serving."""
    return MLPopulationModel.objects.create(
        status=ModelStatus.FAILED,
        error_text=error[:5000],
        library_versions=library_versions(),
        trained_at=timezone.now(),
        training_seconds=seconds,
    )


# --- the population model in pieces: rows once, pieces in parallel, one assembly -------------
#
# A run lives in ML_MODEL_ROOT/population-runs/<run id>/: ``rows.npz`` (the feature rows, read
# from the database once) and one ``<piece>.npz`` per fitted piece (or ``<piece>.error``).
# The workers decide who runs which step; every step is idempotent (files are written to a
# temp name and renamed), so a redelivered message does no harm. The orphan cleanup removes
# what an abandoned run leaves behind.

POPULATION_RUNS = "population-runs"


def population_run_dir(run_id: str) -> Path:
    if not run_id or not all(c.isalnum() or c in "-_" for c in run_id):
        raise ValueError(f"bad population run id: {run_id!r}")
    return Path(settings.ML_MODEL_ROOT) / POPULATION_RUNS / run_id


def _write_atomic(path: Path, write: Callable[[Any], None]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def prepare_population_run(run_id: str) -> list[str]:
    """Read every history once and store the rows for the pieces; return the piece names.

    Raises ``ValueError`` when there is too little data (the caller records the failure).
    """
    data = population_data(user_histories())
    directory = population_run_dir(run_id)
    directory.mkdir(parents=True, exist_ok=True)
    _write_atomic(directory / "rows.npz", data.save)
    return [piece.name for piece in population_pieces(data)]


def fit_population_piece(run_id: str, piece_name: str) -> float:
    """Fit one piece of a prepared run into ``<piece>.npz``; seconds spent fitting.

    On an error the error text goes to ``<piece>.error`` (read by the assembly) and is raised.
    """
    directory = population_run_dir(run_id)
    try:
        data = PopulationRows.load(directory / "rows.npz")
        started = time.perf_counter()
        trees = fit_piece(data, Piece.from_name(piece_name))
        seconds = time.perf_counter() - started
        _write_atomic(directory / f"{piece_name}.npz", lambda fh: np.savez(fh, **trees.to_arrays()))
        return seconds
    except Exception as exc:
        if directory.is_dir():
            text = f"{piece_name}: {type(exc).__name__}: {exc}".encode()
            _write_atomic(directory / f"{piece_name}.error", lambda fh: fh.write(text))
        raise


def finish_population_run(run_id: str, seconds_so_far: float) -> MLPopulationModel:
    """Assemble the fitted pieces into the population model and make it the ACTIVE row.

    A missing or failed piece (or unreadable rows) gives a FAILED row and the previous ACTIVE
    model keeps serving, as with ``train_population_model``. The run's files are removed.
    """
    started = time.perf_counter()
    directory = population_run_dir(run_id)
    try:
        errors = sorted(p.read_text() for p in directory.glob("*.error"))
        if errors:
            raise RuntimeError(f"{len(errors)} piece(s) failed, first {errors[0]}")
        data = PopulationRows.load(directory / "rows.npz")
        fitted = {}
        for piece in population_pieces(data):
            path = directory / f"{piece.name}.npz"
            if path.exists():
                with np.load(path, allow_pickle=False) as arrays:
                    fitted[piece] = CompactTrees.from_arrays(dict(arrays))
        seconds = seconds_so_far + time.perf_counter() - started
        model = assemble(data, fitted, fit_seconds=seconds)
        return _activate_population(model, seconds_so_far + time.perf_counter() - started)
    except Exception as exc:
        logger.exception("population run %s failed", run_id)
        return population_failed(
            f"{type(exc).__name__}: {exc}", seconds_so_far + time.perf_counter() - started
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


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


class on_class_or_instance:  # lower case: used as a decorator, like ``classmethod``
    """A method that also works when called on the class: it then runs on a default instance.

    The deployment guide calls ``MLTrainer.train_all_user_models(user=user, min_samples=10)``
    on the class; code that configures a trainer calls it on an instance.
    """

    def __init__(self, method: Callable[..., Any]) -> None:
        self.method = method
        self.__doc__ = method.__doc__

    def __get__(self, instance: object | None, owner: type) -> Callable[..., Any]:
        return MethodType(self.method, instance if instance is not None else owner())


def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


class MLTrainer:
    """The training service interface of the deployment guide."""

    def __init__(self, min_samples: int | None = None) -> None:
        self.min_samples = settings.ML_MIN_SAMPLES if min_samples is None else min_samples

    @on_class_or_instance
    def train_model(self, user, uebung) -> dict:
        """Train one (user, exercise); ``user``/``uebung`` as objects or ids."""
        return metrics_of(train_and_store(_pk(user), _pk(uebung), self.min_samples))

    @on_class_or_instance
    def train_all_user_models(
        self, user=None, min_samples: int | None = None
    ) -> list[tuple[Uebung, dict]]:
        """Train every exercise with enough data, for one user or (``user=None``) for all."""
        min_samples = self.min_samples if min_samples is None else min_samples
        if user is not None:
            user_ids = [_pk(user)]
        else:
            user_ids = list(get_user_model().objects.order_by("pk").values_list("pk", flat=True))
        results: list[tuple[Uebung, dict]] = []
        for user_id in user_ids:
            ids = exercises_with_enough_data(user_id, min_samples)
            for uebung in Uebung.objects.filter(pk__in=ids).order_by("pk"):
                row = train_and_store(user_id, uebung.pk, min_samples)
                results.append((uebung, metrics_of(row)))
        return results


__all__ = [
    "MLTrainer",
    "NotEnoughDataError",
    "activate",
    "exercises_with_enough_data",
    "finish_population_run",
    "fit_population_piece",
    "prepare_population_run",
    "train_and_store",
    "train_population_model",
    "users_with_enough_data",
]
