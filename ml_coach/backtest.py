"""Walk-forward backtest of the coach on one lifter's log, without touching the database.

For every exercise with at least ``MIN_SESSIONS`` loaded sessions and every session from the
60 % point on, the coach is trained on what happened *before* that session only (retrained
every ``retrain_every`` sessions) and asked for the session's top working-set weight through the
product's own decision rule (``ml_coach.coach_model.decide``), so ``predicted_kg`` is exactly what
the lifter would have been shown. The population model, when given, was learned from other
lifters only (``--population``; the file's own lifter is excluded by the caller).
"""

from __future__ import annotations

import bisect
import hashlib
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ml_coach.coach_model import (
    CoachModel,
    PastErrors,
    decide,
    double_progression_weight,
    fit_coach,
    loaded,
    session_errors,
)
from ml_coach.features import training_rows
from ml_coach.next_set import first_set, later_set, set_errors, set_gate, top_reps
from ml_coach.population_model import ExerciseHistory, PopulationModel, fit_population
from ml_coach.records import SetRecord, records_from_parsed
from ml_coach.sessions import Session, group_sessions
from ml_coach.set_features import (
    days_since,
    loaded_sets,
    rule_weight,
    strong_previous,
)
from ml_coach.steps import plate_step

MIN_SESSIONS = 10
START_SHARE = 0.6
WITHIN_KG = 2.5
DEFAULT_INCREMENT_KG = 2.5  # what a freshly imported exercise gets (Uebung.increment_kg)
METHODS = ("coach", "repeat_last", "double_progression")
KINDS = ("session_top", "next_set")


@dataclass
class Prediction:
    """One prediction. ``session_top``: the session's top set, baseline = repeat last top.
    ``next_set``: one working set, baseline = Strong's "previous" (same set number last
    session); ``rule_kg``/``baseline_reps`` are the best simple rule's answers."""

    exercise: str
    session_start: str
    kind: str
    actual_kg: float
    predicted_kg: float
    baseline_kg: float
    double_progression_kg: float | None
    source: str
    actual_reps: int | None = None
    predicted_reps: int | None = None
    baseline_reps: int | None = None
    set_order: int | None = None
    set_number: int | None = None
    rule_kg: float | None = None


@dataclass
class BacktestResult:
    predictions: list[Prediction] = field(default_factory=list)
    n_exercises: int = 0
    seconds: float = 0.0
    algorithm: str = "coach"
    population_lifters: int = 0

    def of_kind(self, kind: str) -> list[Prediction]:
        return [p for p in self.predictions if p.kind == kind]

    def summary(self) -> dict:
        tops = self.of_kind("session_top")
        per_exercise = {}
        for name in sorted({p.exercise for p in tops}):
            per_exercise[name] = score([p for p in tops if p.exercise == name])
        return {
            "pooled": score(tops),
            "next_set": score_sets(self.of_kind("next_set")),
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
                {
                    k: v
                    for k, v in asdict(p).items()
                    if k != "double_progression_kg"
                    and (v is not None or k in ("actual_reps", "predicted_reps"))
                }
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
    out["sources"] = sources(predictions)
    out["reps"] = reps_score(predictions)
    return out


def sources(predictions: Sequence[Prediction]) -> dict:
    return {
        s: sum(1 for p in predictions if p.source == s)
        for s in sorted({p.source for p in predictions})
    }


def reps_score(predictions: Sequence[Prediction]) -> dict:
    """Reps MAE of the coach and of the baseline's reps where all three are known."""
    rows = [
        (p.actual_reps, p.predicted_reps, p.baseline_reps)
        for p in predictions
        if p.actual_reps and p.predicted_reps and p.baseline_reps
    ]
    if not rows:
        return {"n": 0, "coach_mae": None, "baseline_mae": None}
    a = np.array(rows, dtype=np.float64)
    return {
        "n": len(rows),
        "coach_mae": float(np.abs(a[:, 1] - a[:, 0]).mean()),
        "baseline_mae": float(np.abs(a[:, 2] - a[:, 0]).mean()),
    }


def score_sets(predictions: Sequence[Prediction]) -> dict:
    """``next_set`` predictions: first working sets and later ones apart (they have different
    baselines: Strong's "previous" vs the rule "previous set today + last change")."""
    out = {}
    for part, chosen in (
        ("first", [p for p in predictions if p.set_number == 1]),
        ("later", [p for p in predictions if (p.set_number or 0) > 1]),
    ):
        actual = np.array([p.actual_kg for p in chosen], dtype=np.float64)
        out[part] = {
            "n": len(chosen),
            "coach": _metric(actual, np.array([p.predicted_kg for p in chosen])),
            "strong_previous": _metric(actual, np.array([p.baseline_kg for p in chosen])),
            "rule": _metric(actual, np.array([p.rule_kg for p in chosen], dtype=np.float64)),
            "reps": reps_score(chosen),
            "sources": sources(chosen),
        }
    return out


def exercise_history(records: Sequence[SetRecord]) -> tuple[list[Session], list[Session], float]:
    """(all sessions, loaded sessions, plate step) of one exercise."""
    sessions = group_sessions(records)
    weighted = loaded(sessions)
    step = plate_step([s.top_weight for s in weighted], DEFAULT_INCREMENT_KG)
    return sessions, weighted, step


def _set_predictions(
    name: str, past: list[Session], session: Session, step: float, population, model, top
) -> list[Prediction]:
    """One ``next_set`` prediction per loaded working set of ``session``, each made by the
    product's ``next_set`` functions from the past and the earlier sets of that session."""
    predicted_top, source = top
    sets = loaded_sets(session)
    last = loaded_sets(past[-1])
    days = days_since(past, session.start)
    out = []
    for j, actual in enumerate(sets):
        if j == 0:
            advice = first_set(past, predicted_top, source)
            rule, rule_reps = strong_previous(0, last), last[0].reps if last else None
        else:
            uses = source != "not_enough_data" and model is not None and model.set_uses_model
            advice = later_set(sets[:j], past, step, days, population, uses)
            rule, rule_reps = rule_weight(sets[:j], last), sets[j - 1].reps
        out.append(
            Prediction(
                exercise=name,
                session_start=session.start.isoformat(),
                kind="next_set",
                actual_kg=round(actual.weight_kg, 4),
                predicted_kg=round(advice.weight_kg, 4),
                baseline_kg=round(strong_previous(j, last) or 0.0, 4),
                double_progression_kg=None,
                source=source if source == "not_enough_data" else advice.source,
                actual_reps=actual.reps,
                predicted_reps=advice.reps,
                baseline_reps=rule_reps,
                set_order=actual.set_order,
                set_number=j + 1,
                rule_kg=round(rule or 0.0, 4),
            )
        )
    return out


class ExerciseErrors:
    """One exercise's past session errors (population model vs baseline) at any point in
    time, as the product's trainer sees them then: rows made with the plate step of the
    history up to that point. Pools the lifter's exercises for the gate (``PastErrors``)."""

    def __init__(self, sessions: list[Session], population) -> None:
        self.sessions = sessions
        self.population = population
        self.starts = [s.start for s in sessions]
        tops = [s.top_weight for s in sessions]
        self.steps = [plate_step(tops[:r], DEFAULT_INCREMENT_KG) for r in range(len(tops) + 1)]
        self._cumulative: dict[float, tuple[np.ndarray, np.ndarray]] = {}

    def _cum(self, step: float) -> tuple[np.ndarray, np.ndarray]:
        if step not in self._cumulative:
            err_m, err_b = session_errors(self.sessions, step, self.population)
            self._cumulative[step] = (np.cumsum(err_m), np.cumsum(err_b))
        return self._cumulative[step]

    def before(self, at) -> PastErrors:
        r = bisect.bisect_left(self.starts, at)  # sessions 0..r-1 happened before ``at``
        if r < 2:
            return PastErrors(0.0, 0.0, 0)
        cum_m, cum_b = self._cum(self.steps[r])
        return PastErrors(float(cum_m[r - 2]), float(cum_b[r - 2]), r - 1)


def pooled_before(errors: Sequence[ExerciseErrors], at) -> PastErrors:
    total = PastErrors(0.0, 0.0, 0)
    for e in errors:
        total = total + e.before(at)
    return total


def backtest_exercise(
    name: str,
    records: Sequence[SetRecord],
    population: PopulationModel | None,
    algorithm: str = "coach",
    retrain_every: int = 1,
    min_samples: int = 10,
    kinds: Sequence[str] = KINDS,
    lifter: Sequence[ExerciseErrors] | None = None,
) -> list[Prediction]:
    """Walk forward over one exercise. ``lifter`` are all of the lifter's exercises (for the
    gate's pooled condition); without it the exercise is judged alone."""
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
    cache: dict[float, tuple] = {}
    for k in range(max(start, 1), n):
        past = sessions[:k]
        step = plate_step([s.top_weight for s in past], DEFAULT_INCREMENT_KG)
        if trained_at is None or k - trained_at >= retrain_every or step != model_step:
            if step not in cache:
                x, y = training_rows(sessions, step)
                changes = population.predict_change(x) if population is not None else None
                errors = set_errors(sessions, step, population) if algorithm == "coach" else None
                cache[step] = (x, y, changes, errors)
            x, y, changes, errors = cache[step]
            judgement = {"set_uses_model": False}
            if errors is not None:
                err_m, err_r, session_of = errors
                seen = session_of < k
                judgement = set_gate(err_m[seen], err_r[seen])
            model = fit_coach(
                past,
                step,
                algorithm=algorithm,
                population=population,
                rows=(x[: k - 1], y[: k - 1]),
                population_changes=changes[: k - 1] if changes is not None else None,
                set_judgement=judgement,
                pooled=pooled_before(lifter, sessions[k].start) if lifter else None,
            ).model
            trained_at, model_step = k, step
        at = sessions[k].start
        n_working = sum(s.n_working for s in all_sessions if s.start < at)
        name_k = sessions[k].workout_name
        predicted, source = decide(
            past, n_working, step, at, model, population, min_samples, name_k
        )
        if "session_top" in kinds:
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
                    actual_reps=sessions[k].top_reps,
                    predicted_reps=top_reps(past, predicted),
                    baseline_reps=past[-1].top_reps,
                )
            )
        if "next_set" in kinds:
            out += _set_predictions(
                name, past, sessions[k], step, population, model, (predicted, source)
            )
    return out


def run_backtest(
    exercises: Mapping[str, Sequence[SetRecord]],
    population: PopulationModel | None,
    algorithm: str = "coach",
    retrain_every: int = 1,
    min_samples: int = 10,
    kinds: Sequence[str] = KINDS,
) -> BacktestResult:
    t0 = time.perf_counter()
    result = BacktestResult(
        algorithm=algorithm, population_lifters=population.n_lifters if population else 0
    )
    lifter = None
    if population is not None and algorithm == "coach":
        lifter = [
            ExerciseErrors(exercise_history(records)[1], population)
            for records in exercises.values()
        ]
    for name in sorted(exercises):
        preds = backtest_exercise(
            name, exercises[name], population, algorithm, retrain_every, min_samples, kinds, lifter
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
