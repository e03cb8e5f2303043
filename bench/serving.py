"""Serving figures: artifact size, memory per loaded model, predict, warm and cold
recommendations.

The models are trained here by the product's ``train_and_store`` on bench users that replay
the largest real logs (every exercise with enough sets), so the sizes and times are those of
real lifters' models.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from contextlib import suppress
from dataclasses import dataclass
from itertools import cycle

from threadpoolctl import threadpool_limits

from bench import coach, data, env
from bench.context import Context
from bench.harness import Figure, percentile, time_calls, timed_figure

SIZE_LIMIT_KB = 200.0
MEMORY_LIMIT_MB = 5.0
PREDICT_LIMIT_MS = 2.0
WARM_LIMIT_MS = 1.0
COLD_LIMIT_MS = 20.0


@dataclass(frozen=True)
class Served:
    user_id: int
    uebung_id: int
    artifact_path: str
    sha256: str
    size_bytes: int
    uses_model: bool


def memory_probe(payload: dict) -> dict:
    """One fresh process (``bench.memory_probe``) measuring RSS around what ``payload`` asks."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.memory_probe"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=env.REPO_ROOT,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def memory_figure(name: str, values_mb: list[float], note: str) -> Figure:
    """Resident memory (MB, median of the runs) against the per-process memory target."""
    median = statistics.median(values_mb)
    return Figure(
        name=name,
        median=median,
        p99=max(values_mb),
        unit="MB",
        target=f"≤ {MEMORY_LIMIT_MB:g} MB",
        passed=median <= MEMORY_LIMIT_MB,
        runs=len(values_mb),
        note=note,
    )


def train_serving_models(ctx: Context) -> list[Served]:
    """Replay the largest lifters and train every exercise with enough sets."""
    from core.models import MLPredictionModel, ModelStatus
    from ml_coach.artifact_store import model_root
    from ml_coach.ml_trainer import NotEnoughDataError, exercises_with_enough_data, train_and_store

    served: list[Served] = []
    lifters = data.lifters_with(1)[: ctx.sizes.serve_lifters]
    with threadpool_limits(limits=1):
        for k, lf in enumerate(lifters):
            user = data.replay(f"bench_serve_{k:02d}", lf.name)
            MLPredictionModel.objects.filter(user=user).delete()
            for uebung_id in exercises_with_enough_data(user.pk, 10):
                try:
                    row = train_and_store(user.pk, uebung_id)
                except NotEnoughDataError:
                    continue
                if row.status != ModelStatus.ACTIVE:
                    continue
                size = (model_root() / row.artifact_path).stat().st_size
                served.append(
                    Served(
                        user.pk,
                        uebung_id,
                        row.artifact_path,
                        row.artifact_sha256,
                        size,
                        row.uses_model,
                    )
                )
    data.analyze()
    return served


def serving_user(n: int = 10) -> tuple[object, list[int]]:
    """The largest replayed lifter with ACTIVE models for their ``n`` busiest exercises
    (trained when missing): what the view and the API load figures read."""
    from core.models import MLPredictionModel, ModelStatus
    from ml_coach.ml_trainer import NotEnoughDataError, train_and_store

    lf = data.lifters_with(1)[0]
    user = data.replay("bench_serve_00", lf.name)
    data.analyze()
    ids = list(data.uebung_ids(user, lf.exercises[:n]).values())
    active = set(
        MLPredictionModel.objects.filter(
            user=user, uebung_id__in=ids, status=ModelStatus.ACTIVE
        ).values_list("uebung_id", flat=True)
    )
    with threadpool_limits(limits=1):
        for uebung_id in ids:
            if uebung_id not in active:
                with suppress(NotEnoughDataError):
                    train_and_store(user.pk, uebung_id)
    return user, ids


def artifact_figures(served: list[Served]) -> list[Figure]:
    used = [s.size_bytes / 1024 for s in served if s.uses_model]
    unused = [s.size_bytes / 1024 for s in served if not s.uses_model]
    if not used:
        return [Figure("artifact size per model", None, "KB", note="no model beat its baseline")]
    return [
        Figure(
            name="artifact size per model (models in use)",
            median=statistics.median(used),
            p99=percentile(used, 99),
            unit="KB",
            target=f"≤ {SIZE_LIMIT_KB:g} KB (largest)",
            passed=max(used) <= SIZE_LIMIT_KB,
            runs=len(used),
            note=f"largest {max(used):.1f} KB; {len(unused)} baseline-only artifacts "
            f"≈ {statistics.median(unused) if unused else 0:.1f} KB",
        )
    ]


def memory_figures(served: list[Served], ctx: Context, population_row) -> list[Figure]:
    """RSS added per loaded model, in a fresh subprocess (``bench.memory_probe``), and the RSS
    the population model adds once per process."""
    models = [s for s in served if s.uses_model][: ctx.sizes.memory_models + 1]
    if len(models) < 3:
        return [Figure("resident memory per loaded model", None, "MB", note="too few models")]
    from ml_coach.prediction_service import population_ref

    payload = {
        "models": [[s.artifact_path, s.sha256] for s in models],
        "population": population_ref(population_row),
    }
    per_model, population_mb = [], []
    for _ in range(ctx.sizes.memory_runs):
        result = memory_probe(payload)
        per_model.append((result["rss_after"] - result["rss_before"]) / result["n"] / 2**20)
        population_mb.append((result["rss_population"] - result["rss_after"]) / 2**20)
    figures = [
        memory_figure(
            "resident memory added per loaded model",
            per_model,
            f"RSS after − before loading {len(models) - 1} distinct models, fresh process",
        ),
        memory_figure(
            "resident memory of the population model (once per process)",
            population_mb,
            "shared by every (user, exercise) model that uses it",
        ),
    ]
    return figures


def population_artifact_figures(population_row, trained_seconds, served) -> list[Figure]:
    from bench.coach import population_file_kb

    served_kb = population_file_kb(population_row)
    users = len({s.user_id for s in served})
    figures = [
        Figure(
            name="population model artifact (served file)",
            median=served_kb,
            unit="KB",
            target=f"≤ {SIZE_LIMIT_KB:g} KB",
            passed=served_kb <= SIZE_LIMIT_KB,
            runs=1,
            note="one per instance, used by all users; "
            "includes the fold models used to judge lifters at training time",
        )
    ]
    if trained_seconds is not None:
        figures.append(
            Figure(
                name="population model, trained on the bench database (1 core)",
                median=trained_seconds,
                unit="s",
                runs=1,
                note=f"{population_row.n_users} users, {population_row.n_samples:,} rows "
                f"(train_population_model, as the nightly job); serving users here: {users}",
            )
        )
    return figures


def prior_figures(ctx: Context) -> list[Figure]:
    """The shipped prior (``ml_coach/prior/prior.npz``): file size, load time (sha256 check
    and arrays, the in-process cache emptied before each call) and the RSS it adds."""
    from ml_coach import prior

    kb = prior.PRIOR_PATH.stat().st_size / 1024

    def load() -> None:
        assert prior.load_prior() is not None, "shipped prior unusable"

    samples = time_calls(
        load, max(10, ctx.sizes.cold_calls), warmup=2, setup=prior._load.cache_clear
    )
    added = []
    for _ in range(ctx.sizes.memory_runs):
        result = memory_probe({"prior": True})
        assert result["loaded"], "shipped prior unusable in a fresh process"
        added.append((result["rss_after"] - result["rss_before"]) / 2**20)
    model = prior.load_prior()
    heads = ", ".join(sorted(["session", *model.set_heads]))
    return [
        Figure(
            name="shipped prior: file size",
            median=kb,
            unit="KB",
            target=f"≤ {SIZE_LIMIT_KB:g} KB",
            passed=kb <= SIZE_LIMIT_KB,
            runs=1,
            note=f"ml_coach/prior/prior.npz; {model.n_lifters} lifters, {model.n_rows:,} rows; "
            f"heads {heads}",
        ),
        timed_figure(
            "shipped prior: load (sha256 check + arrays)",
            samples,
            note="ml_coach.prior.load_prior with its process cache emptied; once per process",
        ),
        memory_figure(
            "shipped prior: resident memory added",
            added,
            "fresh process (bench.memory_probe), RSS after − before load_prior",
        ),
    ]


def run(ctx: Context) -> list[Figure]:
    from django.core.cache import cache

    from ml_coach.artifact_store import model_cache
    from ml_coach.prediction_cache import cached_recommendation
    from ml_coach.prediction_service import MLPredictor

    sizes = ctx.sizes
    population_row, trained_seconds = coach.ensure_db_population()
    served = train_serving_models(ctx)
    figures = artifact_figures(served)
    figures += population_artifact_figures(population_row, trained_seconds, served)
    figures += memory_figures(served, ctx, population_row)
    figures += prior_figures(ctx)
    in_use = [s for s in served if s.uses_model]
    if not in_use:
        return [*figures, Figure("predict_next_weight", None, "ms", note="no model in use")]
    pairs = cycle(in_use[:20])
    predictors = {s.user_id: MLPredictor(user_id=s.user_id) for s in in_use[:20]}
    last = {}
    for s in in_use[:20]:
        sessions, _ = predictors[s.user_id].history(s.uebung_id)
        last[s] = sessions[-1]

    def predict() -> None:
        s = next(pairs)
        top = last[s]
        predictors[s.user_id].predict_next_weight(
            uebung_id=s.uebung_id,
            last_weight=top.top_weight,
            last_reps=top.top_reps,
            rpe=top.top_rpe,
        )

    with threadpool_limits(limits=1):
        samples = time_calls(predict, sizes.calls, warmup=40)
        figures.append(
            timed_figure(
                "predict_next_weight, model in memory",
                samples,
                limit=PREDICT_LIMIT_MS,
                note="one MLPredictor per lifter, reused; model already loaded",
            )
        )

        def warm() -> None:
            s = next(pairs)
            cached_recommendation(s.user_id, s.uebung_id)

        samples = time_calls(warm, sizes.calls, warmup=40)
        figures.append(
            timed_figure(
                "recommendation, Redis cache warm",
                samples,
                limit=WARM_LIMIT_MS,
                note="cached_recommendation: cache key (DB queries) + Redis get",
            )
        )

        from ml_coach.prediction_cache import cache_key

        def key_only() -> None:
            s = next(pairs)
            cache_key(s.user_id, s.uebung_id)

        samples = time_calls(key_only, sizes.calls, warmup=20)
        figures.append(
            timed_figure(
                "recommendation, warm: of which building the cache key",
                samples,
                note="ml_coach.prediction_cache.cache_key: set count/max + model row queries, "
                "version get",
            )
        )

        cold_pair = {"s": in_use[0]}

        def empty() -> None:
            model_cache.clear()
            cache.clear()
            cold_pair["s"] = next(pairs)

        def cold() -> None:
            s = cold_pair["s"]
            rec = cached_recommendation(s.user_id, s.uebung_id)
            assert rec.source == "model", rec.source

        samples = time_calls(cold, sizes.cold_calls, warmup=3, setup=empty)
        figures.append(
            timed_figure(
                "recommendation, cold (load + verify + predict)",
                samples,
                limit=COLD_LIMIT_MS,
                note="LRU and Redis emptied before each call (the population model is reloaded "
                "too)",
            )
        )
    return figures
