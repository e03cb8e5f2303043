"""What the bench needs to know about the coach's shape, read only through its public API.

The coach is a cross-lifter population model (``ml_coach.population_model``) plus a small
per-(user, exercise) decision artifact that refers to it. The figures therefore need a
population model: trained on the shared logs for the database-free figures, and through the
product's ``train_population_model`` (as the nightly job does) for the database ones.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache

from threadpoolctl import threadpool_limits

from bench import data

FAKE_REF = {"id": 0, "path": "-", "sha256": "-"}
SEED_LIFTERS = 3  # as many as ``Sizes.serve_lifters``: the same bench users


@dataclass(frozen=True)
class SharedPopulation:
    model: object
    fit_seconds: float
    lifters: tuple[str, ...]
    n_rows: int


@cache
def shared_population(exclude: tuple[str, ...] = ()) -> SharedPopulation:
    """The population model fitted (full + folds, one core) on the shared logs except
    ``exclude``, from the files as ``bench.coach_speed`` and the backtest read them."""
    from ml_coach.backtest import histories_from_files
    from ml_coach.population_model import fit_population

    paths = [path for name, path in data.log_files().items() if name not in exclude]
    lifters = histories_from_files(paths)
    with threadpool_limits(limits=1):
        start = time.perf_counter()
        model = fit_population(lifters)
        seconds = time.perf_counter() - start
    return SharedPopulation(model, seconds, tuple(sorted(lifters)), model.n_rows)


def fit_kwargs(population: SharedPopulation | None, lifter_key: str) -> dict:
    """Extra ``fit_coach`` arguments: the population model to judge, if one is given."""
    if population is None:
        return {}
    return {"population": population.model, "lifter_key": lifter_key, "population_ref": FAKE_REF}


def predict_kwargs(population: SharedPopulation | None) -> dict:
    return {} if population is None else {"population": population.model}


_db_population: dict = {}


def ensure_db_population() -> tuple[object, float | None]:
    """The ACTIVE population row of the bench database, trained once per bench run (over
    every bench user, as the nightly job would; an earlier run's row may come from other
    code); (row, seconds if trained by this call)."""
    from core.models import MLPopulationModel, ModelStatus
    from ml_coach.ml_trainer import train_population_model
    from ml_coach.prediction_service import active_population

    if _db_population.get("pk") is not None and active_population() is not None:
        return MLPopulationModel.objects.get(status=ModelStatus.ACTIVE), None
    # A fresh bench database holds no lifter yet: the serving lifters are what it learns from
    # at least (reused when an earlier run imported them).
    for k, lf in enumerate(data.lifters_with(1)[:SEED_LIFTERS]):
        data.replay(f"bench_serve_{k:02d}", lf.name)
    with threadpool_limits(limits=1):
        start = time.perf_counter()
        row = train_population_model()
        seconds = time.perf_counter() - start
    if row.status != ModelStatus.ACTIVE:
        raise RuntimeError(f"population model training failed: {row.error_text[:200]}")
    _db_population["pk"] = row.pk
    return row, seconds


def population_file_kb(row) -> float:
    """Size in KB of a population row's artifact (the served model and its fold models)."""
    from ml_coach.artifact_store import model_root

    return (model_root() / row.artifact_path).stat().st_size / 1024


def test_files(n: int) -> tuple[str, ...]:
    """The ``n`` largest shared logs: the guide comparison's test lifters, never part of the
    population model it uses."""
    return tuple(list(data.log_files())[:n])
