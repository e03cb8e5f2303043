"""The headline: the deployment guide's model against ours, on the same real logs.

The guide's configuration is ``RandomForestRegressor(n_estimators=50, max_depth=10)`` per
(user, exercise) on *absolute* weights; ours is what ``ml_coach.coach_model.fit_coach``
trains. Both see the same feature rows (``ml_coach.features.row_at``) and the same split: for
every exercise with at least 10 sessions, both train on the sessions before the 60 % point
and then predict every later session's top weight from the history before it (the model is
not retrained inside the test part, so no prediction can see its own session). The guide's
forest predicts the weight itself, unrounded, as the guide does; ours goes through
``CoachModel.predict_weight`` (what a lifter sees). Baseline: repeat the last session.
"""

from __future__ import annotations

import math
import pickle
import statistics
import time
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from bench import coach, data
from bench.context import Context
from bench.harness import Figure, summary, time_calls

MIN_SESSIONS = 10
TEST_FROM = 0.6
SEED = 42


def guide_forest():
    from sklearn.ensemble import RandomForestRegressor

    return RandomForestRegressor(n_estimators=50, max_depth=10, random_state=SEED, n_jobs=1)


@dataclass
class Comparison:
    ours_fit_s: list[float] = field(default_factory=list)
    guide_fit_s: list[float] = field(default_factory=list)
    ours_bytes: list[int] = field(default_factory=list)
    ours_bytes_in_use: list[int] = field(default_factory=list)
    guide_bytes: list[int] = field(default_factory=list)
    ours_err: list[float] = field(default_factory=list)
    guide_err: list[float] = field(default_factory=list)
    base_err: list[float] = field(default_factory=list)
    exercises: int = 0
    samples: list = field(default_factory=list)  # (sessions, step, ours model, forest)


def exercise_sessions(name: str):
    """(exercise, loaded sessions) of one log with at least ``MIN_SESSIONS`` sessions."""
    from ml_coach.coach_model import loaded
    from ml_coach.records import records_from_parsed
    from ml_coach.sessions import group_sessions

    for exercise, records in records_from_parsed(data.parsed(name).sets).items():
        sessions = loaded(group_sessions(records))
        if len(sessions) >= MIN_SESSIONS:
            yield exercise, sessions


def compare_file(name: str, result: Comparison, population: coach.SharedPopulation) -> Comparison:
    """Train both on each exercise's first 60 % and predict the rest; errors in kg.

    ``population``: the coach's population model (``bench.coach.shared_population``), fitted
    without this lifter."""
    from core.plates import infer_increment_kg
    from ml_coach.coach_model import MIN_TRAIN_ROWS, baseline_weight, fit_coach
    from ml_coach.features import row_at
    from ml_coach.steps import plate_step

    for _, sessions in exercise_sessions(name):
        split = math.ceil(TEST_FROM * len(sessions))
        train = sessions[:split]
        weights = [s.top_weight for s in train if s.top_weight > 0]
        if not weights:
            continue
        step = plate_step(weights, infer_increment_kg(weights))
        start = time.perf_counter()
        ours = fit_coach(train, step, **coach.fit_kwargs(population, f"bench-{name}")).model
        result.ours_fit_s.append(time.perf_counter() - start)
        size = len(pickle.dumps(ours, protocol=pickle.HIGHEST_PROTOCOL))
        result.ours_bytes.append(size)
        if ours.uses_model:
            result.ours_bytes_in_use.append(size)
        tests = [
            i
            for i in range(split, len(sessions))
            if sessions[i - 1].top_weight > 0 and sessions[i].top_weight > 0
        ]
        if not tests:
            continue
        result.exercises += 1
        forest = None
        rows = [
            i
            for i in range(1, split)
            if sessions[i - 1].top_weight > 0 and sessions[i].top_weight > 0
        ]
        if len(rows) >= MIN_TRAIN_ROWS:
            x = np.vstack([row_at(sessions, i, step) for i in rows])
            y = np.asarray([sessions[i].top_weight for i in rows])
            start = time.perf_counter()
            forest = guide_forest().fit(x, y)
            result.guide_fit_s.append(time.perf_counter() - start)
            result.guide_bytes.append(len(pickle.dumps(forest, protocol=pickle.HIGHEST_PROTOCOL)))
        x_test = np.vstack([row_at(sessions, i, step) for i in tests])
        guide_pred = (
            forest.predict(x_test)
            if forest is not None
            else np.asarray([sessions[i - 1].top_weight for i in tests])
        )
        for k, i in enumerate(tests):
            past = sessions[:i]
            actual = sessions[i].top_weight
            predicted = ours.predict_weight(
                past, step, sessions[i].start, **coach.predict_kwargs(population)
            )
            result.ours_err.append(abs(predicted - actual))
            result.base_err.append(abs(baseline_weight(past) - actual))
            result.guide_err.append(abs(float(guide_pred[k]) - actual))
        if forest is not None and ours.uses_model and len(result.samples) < 20:
            result.samples.append((sessions, step, ours, forest, population))
    return result


def predict_times(samples: list, calls: int) -> tuple[list[float], list[float]]:
    """Single-row predict, feature row included, for both models of the same exercise."""
    from ml_coach.features import next_row

    ours_ms, guide_ms = [], []
    for sessions, step, ours, forest, population in samples:
        at = sessions[-1].start
        n = max(5, calls // len(samples))
        kw = coach.predict_kwargs(population)
        ours_ms += time_calls(
            lambda s=sessions, m=ours, k=step, t=at, w=kw: m.predict_weight(s, k, t, **w), n
        )
        guide_ms += time_calls(
            lambda s=sessions, f=forest, k=step, t=at: f.predict(next_row(s, k, t))[0], n
        )
    return ours_ms, guide_ms


def mae(errors: list[float]) -> float:
    return statistics.fmean(errors) if errors else float("nan")


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def ratio_figure(name: str, guide: float, ours: float, unit: str, what: str) -> Figure:
    return Figure(
        name=f"guide ÷ ours: {name}",
        median=guide / ours if ours else None,
        unit="×",
        note=f"guide {_num(guide)} {unit} vs ours {_num(ours)} {unit} ({what})",
    )


def population_bytes(population: coach.SharedPopulation) -> int:
    """Stored size of the population model (served model and fold models: one artifact)."""
    return len(pickle.dumps(population.model, protocol=pickle.HIGHEST_PROTOCOL))


def run(ctx: Context) -> list[Figure]:
    names = list(coach.test_files(ctx.sizes.guide_files))
    population = coach.shared_population(tuple(names))
    result = Comparison()
    with threadpool_limits(limits=1):
        for name in names:
            compare_file(name, result, population)
        ours_ms, guide_ms = predict_times(result.samples, ctx.sizes.guide_predict_calls)
    scope = f"{result.exercises} exercises of the {len(names)} largest logs ({', '.join(names)})"
    n_ours, n_guide = len(result.ours_fit_s), len(result.guide_fit_s)
    fit_ours = statistics.median(result.ours_fit_s) * 1000
    fit_guide = statistics.median(result.guide_fit_s) * 1000
    pop_s = population.fit_seconds
    total_ours_s = sum(result.ours_fit_s) + pop_s
    total_guide_s = sum(result.guide_fit_s)
    kb_ours = statistics.median(result.ours_bytes_in_use or result.ours_bytes) / 1024
    kb_guide = statistics.median(result.guide_bytes) / 1024
    pop_kb = population_bytes(population) / 1024
    total_ours_kb = sum(result.ours_bytes) / 1024 + pop_kb
    total_guide_kb = sum(result.guide_bytes) / 1024
    p_ours, p99_ours = summary(ours_ms)
    p_guide, p99_guide = summary(guide_ms)
    m_ours, m_guide, m_base = mae(result.ours_err), mae(result.guide_err), mae(result.base_err)
    in_use = len(result.ours_bytes_in_use)
    pop_note = (
        f"; plus the population model (once, {len(population.lifters)} other lifters, "
        f"{population.n_rows:,} rows): {pop_s:.1f} s, {pop_kb:.0f} KB"
    )
    figures = [
        Figure("guide RF: train one model", fit_guide, "ms", runs=n_guide, note=scope),
        Figure("ours: train one model", fit_ours, "ms", runs=n_ours, note=scope + pop_note),
        Figure("guide RF: artifact size", kb_guide, "KB", runs=n_guide, note="pickle"),
        Figure(
            "ours: artifact size (models in use)",
            kb_ours,
            "KB",
            runs=in_use,
            note=f"{in_use}/{n_ours} models serve (beat repeating the last weight); "
            f"the others answer with the baseline{pop_note}",
        ),
        Figure("guide RF: predict one", p_guide, "ms", p99=p99_guide, runs=len(guide_ms)),
        Figure("ours: predict one", p_ours, "ms", p99=p99_ours, runs=len(ours_ms)),
        Figure("guide RF: backtest MAE", m_guide, "kg", runs=len(result.guide_err), note=scope),
        Figure("ours: backtest MAE", m_ours, "kg", runs=len(result.ours_err), note=scope),
        Figure("repeat last session: backtest MAE", m_base, "kg", runs=len(result.base_err)),
        ratio_figure(
            "training time per model",
            fit_guide,
            fit_ours,
            "ms",
            "median; without the nightly population fit",
        ),
        ratio_figure(
            "training time, all models",
            total_guide_s,
            total_ours_s,
            "s",
            f"all models of these lifters: {n_guide} forests vs {n_ours} coach models"
            " + population model",
        ),
        ratio_figure(
            "artifact storage",
            total_guide_kb,
            total_ours_kb,
            "KB",
            "all models of these lifters incl. population",
        ),
        ratio_figure("predict time", p_guide, p_ours, "ms", "p50, one row incl. features"),
        ratio_figure("backtest MAE", m_guide, m_ours, "kg", "same predictions"),
        Figure(
            "ours ÷ repeat last session: backtest MAE",
            m_ours / m_base,
            "×",
            note=f"{m_ours:.2f} vs {m_base:.2f} kg; frozen-at-60 % protocol, not the "
            "walk-forward backtest's",
        ),
    ]
    return figures
