"""Training one model at 100 / 1,000 / 10,000 sets on one core, and how the time grows.

Two views of the same work: the coach's fit alone (``fit_coach`` on sessions, what the
algorithm costs) and ``train_and_store`` (database read, fit, artifact write, rows), what a
worker pays per model. The histories are real lifters' sets replayed one after another.
"""

from __future__ import annotations

import itertools
import math
import time

from threadpoolctl import threadpool_limits

from bench import coach, data
from bench.context import Context
from bench.harness import Figure, timed_figure

LIMIT_S = 0.3
LINEAR_EXPONENT = 1.2  # "close to linear": time grows at most like n^1.2


def fit_seconds(sets: list, runs: int, population=None) -> list[float]:
    """Seconds per fit of the coach on these parsed sets (one exercise), one thread; with
    the coach's population model when it has one (judging it on this history is the fit)."""
    from ml_coach.coach_model import fit_coach
    from ml_coach.records import records_from_parsed
    from ml_coach.sessions import group_sessions
    from ml_coach.steps import plate_step

    (records,) = records_from_parsed(sets).values()
    samples = []
    with threadpool_limits(limits=1):
        for i in range(runs + 1):  # the first run pays for imports: not counted
            start = time.perf_counter()
            sessions = group_sessions(records)
            step = plate_step([s.top_weight for s in sessions], 2.5)
            fit_coach(sessions, step, **coach.fit_kwargs(population, "bench-chain"))
            if i:
                samples.append(time.perf_counter() - start)
    return samples


def store_seconds(n_sets: int, sets: list, runs: int) -> list[float]:
    """Seconds per ``train_and_store`` for a bench user holding exactly these sets."""
    from core.models import MLPredictionModel
    from ml_coach.artifact_store import delete_artifact
    from ml_coach.ml_trainer import train_and_store

    user = data.import_sets(f"bench_scale_{n_sets}", sets, f"bench:chain:{n_sets}:v1")
    (uebung_id,) = data.uebung_ids(user).values()
    samples = []
    with threadpool_limits(limits=1):
        for _ in range(runs):
            start = time.perf_counter()
            train_and_store(user.pk, uebung_id, min_samples=1)
            samples.append(time.perf_counter() - start)
    for row in MLPredictionModel.objects.filter(user=user).exclude(status="ACTIVE"):
        delete_artifact(row.artifact_path)
        row.delete()
    return samples


def growth_figure(label: str, times: dict[int, float]) -> list[Figure]:
    sizes = sorted(times)
    out = []
    for small, big in itertools.pairwise(sizes):
        ratio = times[big] / times[small]
        exponent = math.log(ratio) / math.log(big / small)
        out.append(
            Figure(
                name=f"{label}: growth {small:,} → {big:,} sets (log-log slope)",
                median=exponent,
                unit="exp",
                target=f"≤ {LINEAR_EXPONENT} (close to linear)",
                passed=exponent <= LINEAR_EXPONENT,
                note=f"time ×{ratio:.1f} for ×{big // small} sets",
            )
        )
    return out


def fit_figures(sizes: tuple[int, ...], runs: int, population=None) -> list[Figure]:
    """The coach's fit alone at each size, and the growth between sizes (no database)."""
    figures: list[Figure] = []
    medians: dict[int, float] = {}
    for n in sizes:
        history = data.chained_history(n)
        samples = [s * 1000 for s in fit_seconds(history, runs_for(n, runs), population)]
        limit = LIMIT_S * 1000 if n == 1_000 else None
        fig = timed_figure(f"train one model, fit only, {n:,} sets (1 core)", samples, "ms", limit)
        figures.append(fig)
        medians[n] = fig.median
    return figures + growth_figure("train fit only", medians)


def store_figures(sizes: tuple[int, ...], runs: int) -> list[Figure]:
    """``train_and_store`` at each size on the bench database, and the growth."""
    figures: list[Figure] = []
    medians: dict[int, float] = {}
    for n in sizes:
        samples = [s * 1000 for s in store_seconds(n, data.chained_history(n), runs_for(n, runs))]
        limit = LIMIT_S * 1000 if n == 1_000 else None
        fig = timed_figure(
            f"train one model, train_and_store, {n:,} sets (1 core)",
            samples,
            "ms",
            limit,
            note="DB read + fit + artifact write",
        )
        figures.append(fig)
        medians[n] = fig.median
    return figures + growth_figure("train_and_store", medians)


def runs_for(n_sets: int, runs: int) -> int:
    return runs if n_sets <= 1_000 else max(2, runs // 2)


def population_figures(population: coach.SharedPopulation) -> list[Figure]:
    return [
        Figure(
            name="population model fit, full + folds (1 core)",
            median=population.fit_seconds * 1000,
            unit="ms",
            runs=1,
            note=f"{len(population.lifters)} shared lifters, {population.n_rows:,} rows; "
            "once per night, shared by every (user, exercise) model",
        )
    ]


def run(ctx: Context) -> list[Figure]:
    sizes = ctx.sizes
    population = coach.shared_population(coach.test_files(sizes.guide_files))
    figures = population_figures(population)
    figures += fit_figures(sizes.train_sets, sizes.train_runs, population)
    coach.ensure_db_population()
    return figures + store_figures(sizes.train_sets, sizes.train_runs)
