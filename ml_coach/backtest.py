"""Walk-forward backtest of the coach on one lifter's log, without touching the database.

For every exercise with at least ``MIN_SESSIONS`` loaded sessions and every session from the
60 % point on, the coach is trained on what happened *before* that session only (retrained
every ``retrain_every`` sessions) and asked for the session's top working-set weight through the
product's own decision rule (``ml_coach.coach_model.decide``), so ``predicted_kg`` is exactly what
the lifter would have been shown. The population model, when given, was learned from other
lifters only (``--population``; the file's own lifter is excluded by the caller).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ml_coach.coach_model import (
    CoachModel,
    decide,
    double_progression_weight,
    fit_coach,
    loaded,
    plate_step,
)
from ml_coach.features import training_rows
from ml_coach.population_model import ExerciseHistory, PopulationModel, fit_population
from ml_coach.records import SetRecord, records_from_parsed
from ml_coach.sessions import Session, group_sessions

MIN_SESSIONS = 10
START_SHARE = 0.6
WITHIN_KG = 2.5
DEFAULT_INCREMENT_KG = 2.5  # what a freshly imported exercise gets (Uebung.increment_kg)
METHODS = ("coach", "repeat_last", "double_progression")


@dataclass
class Prediction:
    exercise: str
    session_start: str
    kind: str
    actual_kg: float
    predicted_kg: float
    baseline_kg: float
    double_progression_kg: float
    source: str


@dataclass
class BacktestResult:
    predictions: list[Prediction] = field(default_factory=list)
    n_exercises: int = 0
    seconds: float = 0.0
    algorithm: str = "coach"
    population_lifters: int = 0

    def summary(self) -> dict:
        per_exercise = {}
        for name in sorted({p.exercise for p in self.predictions}):
            per_exercise[name] = score([p for p in self.predictions if p.exercise == name])
        return {
            "pooled": score(self.predictions),
            "per_exercise": per_exercise,
            "n_exercises": self.n_exercises,
            "algorithm": self.algorithm,
            "population_lifters": self.population_lifters,
            "seconds": round(self.seconds, 2),
        }

    def to_json(self) -> dict:
        return {
            "summary": self.summary(),
            "predictions": [
                {k: v for k, v in asdict(p).items() if k != "double_progression_kg"}
                for p in self.predictions
            ],
        }


def _metric(actual: np.ndarray, pred: np.ndarray) -> dict:
    if len(actual) == 0:
        return {"mae": None, "within_2_5": None, "r2": None}
    err = np.abs(actual - pred)
    ss_tot = float(((actual - actual.mean()) ** 2).sum())
    r2 = 1.0 - float(((actual - pred) ** 2).sum()) / ss_tot if ss_tot > 0 else None
    return {
        "mae": float(err.mean()),
        "within_2_5": float((err <= WITHIN_KG + 1e-9).mean()),
        "r2": r2,
    }


def score(predictions: Sequence[Prediction]) -> dict:
    actual = np.array([p.actual_kg for p in predictions], dtype=np.float64)
    out = {"n": len(predictions)}
    for method, attr in zip(
        METHODS, ("predicted_kg", "baseline_kg", "double_progression_kg"), strict=True
    ):
        out[method] = _metric(actual, np.array([getattr(p, attr) for p in predictions]))
    out["sources"] = {
        s: sum(1 for p in predictions if p.source == s)
        for s in sorted({p.source for p in predictions})
    }
    return out


def exercise_history(records: Sequence[SetRecord]) -> tuple[list[Session], list[Session], float]:
    """(all sessions, loaded sessions, plate step) of one exercise."""
    sessions = group_sessions(records)
    weighted = loaded(sessions)
    step = plate_step([s.top_weight for s in weighted], DEFAULT_INCREMENT_KG)
    return sessions, weighted, step


def backtest_exercise(
    name: str,
    records: Sequence[SetRecord],
    population: PopulationModel | None,
    algorithm: str = "coach",
    retrain_every: int = 1,
    min_samples: int = 10,
) -> list[Prediction]:
    all_sessions, sessions, _ = exercise_history(records)
    n = len(sessions)
    if n < MIN_SESSIONS:
        return []
    start = math.ceil(START_SHARE * n) - 1
    out: list[Prediction] = []
    model: CoachModel | None = None
    trained_at, model_step = None, None
    # Rows and population predictions are computed once per plate step for the whole log:
    # row r depends only on sessions[:r+1] (tests prove it), so the first k-1 rows are exactly
    # what a fit on the first k sessions computes itself.
    cache: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray | None]] = {}
    for k in range(max(start, 1), n):
        past = sessions[:k]
        step = plate_step([s.top_weight for s in past], DEFAULT_INCREMENT_KG)
        if trained_at is None or k - trained_at >= retrain_every or step != model_step:
            if step not in cache:
                x, y = training_rows(sessions, step)
                changes = population.predict_change(x) if population is not None else None
                cache[step] = (x, y, changes)
            x, y, changes = cache[step]
            model = fit_coach(
                past,
                step,
                algorithm=algorithm,
                population=population,
                rows=(x[: k - 1], y[: k - 1]),
                population_changes=changes[: k - 1] if changes is not None else None,
            ).model
            trained_at, model_step = k, step
        at = sessions[k].start
        n_working = sum(s.n_working for s in all_sessions if s.start < at)
        predicted, source = decide(past, n_working, step, at, model, population, min_samples)
        out.append(
            Prediction(
                exercise=name,
                session_start=at.isoformat(),
                kind="session_top",
                actual_kg=round(sessions[k].top_weight, 4),
                predicted_kg=round(predicted, 4),
                baseline_kg=round(past[-1].top_weight, 4),
                double_progression_kg=round(double_progression_weight(past, step), 4),
                source=source,
            )
        )
    return out


def run_backtest(
    exercises: Mapping[str, Sequence[SetRecord]],
    population: PopulationModel | None,
    algorithm: str = "coach",
    retrain_every: int = 1,
    min_samples: int = 10,
) -> BacktestResult:
    t0 = time.perf_counter()
    result = BacktestResult(
        algorithm=algorithm, population_lifters=population.n_lifters if population else 0
    )
    for name in sorted(exercises):
        preds = backtest_exercise(
            name, exercises[name], population, algorithm, retrain_every, min_samples
        )
        if preds:
            result.n_exercises += 1
            result.predictions += preds
    result.seconds = time.perf_counter() - t0
    return result


# --- files ---------------------------------------------------------------------------------


def load_log(path, fmt: str = "auto", unit: str | None = None) -> dict[str, list[SetRecord]]:
    """A log file as records per exercise (``core.importers.parse_log``, no database)."""
    from core.importers import parse_log

    return records_from_parsed(parse_log(Path(path), fmt, unit).sets)


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def population_files(directory, exclude) -> list[Path]:
    """The normalized logs in ``directory`` except the backtested file itself (same path or
    same content): the lifter under test is never part of the population."""
    exclude = Path(exclude)
    excluded_digest = file_digest(exclude)
    files = []
    for path in sorted(Path(directory).glob("*.csv")):
        if path.resolve() == exclude.resolve() or file_digest(path) == excluded_digest:
            continue
        files.append(path)
    return files


def exercise_histories(exercises: Mapping[str, Sequence[SetRecord]]) -> list[ExerciseHistory]:
    """(loaded sessions, plate step) of every exercise of one log with two or more sessions:
    what the population model learns from."""
    histories = []
    for records in exercises.values():
        _, sessions, step = exercise_history(records)
        if len(sessions) >= 2:
            histories.append((sessions, step))
    return histories


def histories_from_files(
    paths: Sequence[Path], fmt: str = "auto"
) -> dict[str, list[ExerciseHistory]]:
    """Every log's exercise histories by file name (one lifter per file), in the order of
    ``paths``; files without any are left out."""
    lifters = {}
    for path in paths:
        histories = exercise_histories(load_log(path, fmt))
        if histories:
            lifters[Path(path).name] = histories
    return lifters


def population_from_files(paths: Sequence[Path], fmt: str = "auto") -> PopulationModel | None:
    """The population model learned from other lifters' logs, one lifter per file."""
    lifters = histories_from_files(paths, fmt)
    return fit_population(lifters, n_folds=0) if lifters else None
