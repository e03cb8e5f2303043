"""What the bench needs to know about the coach's shape, read only through its public API.

Since phase 2 the coach is a cross-lifter population model (``ml_coach.population_model``) plus a
small per-(user, exercise) decision artifact that refers to it. The figures then need a
population model: trained on the shared logs for the database-free figures, and through the
product's ``train_population_model`` (as the nightly job does) for the database ones. With a
coach without population model every helper here returns ``None`` and the figures measure
the per-(user, exercise) models alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache

from threadpoolctl import threadpool_limits

from bench import data

FAKE_REF = {"id": 0, "path": "-", "sha256": "-"}


def has_population() -> bool:
    try:
        import ml_coach.population_model  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class SharedPopulation:
    model: object
    fit_seconds: float
    lifters: tuple[str, ...]
    n_rows: int


@cache
def shared_population(exclude: tuple[str, ...] = ()) -> SharedPopulation | None:
    """The population model fitted (full + folds, one core) on the shared logs except
    ``exclude``, as ``bench.coach_speed`` and the backtest build it from files."""
    if not has_population():
        return None
    from ml_coach.backtest import exercise_history, load_log
    from ml_coach.population_model import fit_population

    lifters = {}
    for name, path in data.log_files().items():
        if name in exclude:
            continue
        histories = []
        for records in load_log(path).values():
            _, sessions, step = exercise_history(records)
            if len(sessions) >= 2:
                histories.append((sessions, step))
        lifters[name] = histories
    with threadpool_limits(limits=1):
        start = time.perf_counter()
        model = fit_population(lifters)
        seconds = time.perf_counter() - start
    return SharedPopulation(model, seconds, tuple(sorted(lifters)), model.n_rows)


def fit_kwargs(population: SharedPopulation | None, lifter_key: str) -> dict:
    """Extra ``fit_coach`` arguments for a coach with a population model."""
    if population is None:
        return {}
    return {"population": population.model, "lifter_key": lifter_key, "population_ref": FAKE_REF}


def predict_kwargs(population: SharedPopulation | None) -> dict:
    return {} if population is None else {"population": population.model}


_db_population: dict = {}


def ensure_db_population() -> tuple[object, float | None] | None:
    """The ACTIVE population row of the bench database, trained once per bench run (over
    every bench user, as the nightly job would; an earlier run's row may come from other
    code); (row, seconds if trained by this call)."""
    if not has_population():
        return None
    from core.models import MLPopulationModel, ModelStatus
    from ml_coach.ml_trainer import train_population_model
    from ml_coach.prediction_service import active_population

    if _db_population.get("pk") is not None and active_population() is not None:
        return MLPopulationModel.objects.get(status=ModelStatus.ACTIVE), None
    with threadpool_limits(limits=1):
        start = time.perf_counter()
        row = train_population_model()
        seconds = time.perf_counter() - start
    if row.status != ModelStatus.ACTIVE:
        raise RuntimeError(f"population model training failed: {row.error_text[:200]}")
    _db_population["pk"] = row.pk
    return row, seconds


def population_files_kb(row) -> tuple[float, float | None]:
    """(served artifact, separate fold-model artifact or None) sizes in KB of a population
    row; since the fold models moved into the one artifact the second is None."""
    from ml_coach.artifact_store import model_root
    from ml_coach.prediction_service import load_population, population_ref

    served = (model_root() / row.artifact_path).stat().st_size / 1024
    model = load_population(population_ref(row))
    folds_ref = getattr(model, "folds_ref", None) or {}
    if not folds_ref.get("path"):
        return served, None
    return served, (model_root() / folds_ref["path"]).stat().st_size / 1024


def test_files(n: int) -> tuple[str, ...]:
    """The ``n`` largest shared logs: the guide comparison's test lifters, never part of the
    population model it uses."""
    return tuple(list(data.log_files())[:n])
