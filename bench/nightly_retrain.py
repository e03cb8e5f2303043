"""Nightly full retrain with 1 and with 2 worker processes: models per second, speed-up.

Real ``celery worker`` subprocesses (prefork, ``--concurrency`` 1 and 2) consume the bench
Redis; PostgreSQL is the database. The work is what beat's ``nightly_full_retrain`` queues
(``workers.tasks.nightly_signature``: the population model first — its rows read once, its
independent fits as parallel tasks, one assembly — then one task per user) for
``nightly_users`` replayed real lifters × their ``nightly_exercises`` busiest exercises.
The clock runs from queueing to the last model row written; worker start-up is not counted.
The lifters are real logs replayed, the database is the bench's PostgreSQL, and the note says
how many cores the workers actually kept busy (the machine may be shared).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from contextlib import contextmanager

from bench import data, env
from bench.context import Context
from bench.harness import Figure

SPEEDUP_TARGET = 1.7


def build_users(ctx: Context) -> list[int]:
    sizes = ctx.sizes
    lifters = data.lifters_with(sizes.nightly_exercises)
    user_ids = []
    for i in range(sizes.nightly_users):
        lf = lifters[i % len(lifters)]
        user = data.replay(f"bench_night_{i:03d}", lf.name, lf.exercises[: sizes.nightly_exercises])
        user_ids.append(user.pk)
    data.analyze()
    return user_ids


def reset_models(user_ids: list[int]) -> None:
    """No model rows or files for these users: every run trains everything from scratch."""
    from core.models import MLPredictionModel
    from ml_coach.artifact_store import delete_artifact

    rows = MLPredictionModel.objects.filter(user_id__in=user_ids)
    for path in rows.exclude(artifact_path="").values_list("artifact_path", flat=True):
        delete_artifact(path)
    rows.delete()


def backlog() -> int:
    """Messages waiting or being worked on in the bench broker (lists + unacknowledged)."""
    import redis

    r = redis.Redis.from_url(env.redis_db(env.redis_url(), 0))
    waiting = sum(r.llen(k) for k in r.scan_iter() if r.type(k) == b"list")
    return waiting + r.hlen("unacked")


@contextmanager
def celery_worker(concurrency: int):
    """A real worker process group, ready to consume; stopped (by its own pid) afterwards."""
    from homegym.celery import app

    node = f"bench-c{concurrency}-{os.getpid()}@bench"
    log = open(env.VAR / f"worker-c{concurrency}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "homegym",
            "worker",
            "-Q",
            "ml,default",
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "-n",
            node,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=env.REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not app.control.ping(destination=[node], timeout=1.0):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"celery worker did not start; see {log.name}")
        yield proc
    finally:
        env.stop_process_group(proc, grace=60)
        log.close()


def trained_rows(user_ids: list[int]) -> int:
    from core.models import MLPredictionModel, ModelStatus

    return MLPredictionModel.objects.filter(
        user_id__in=user_ids, status__in=[ModelStatus.ACTIVE, ModelStatus.FAILED]
    ).count()


def one_run(user_ids: list[int], expected: int, concurrency: int, timeout: float) -> dict:
    from django.utils import timezone

    from workers.tasks import nightly_signature

    reset_models(user_ids)
    env.flush_redis()
    cpu_before = children_cpu_seconds()
    wall_start = timezone.now()
    with celery_worker(concurrency) as proc:
        started = time.perf_counter()
        nightly_signature(user_ids, force=True).apply_async()
        idle = 0
        done = 0
        while time.perf_counter() - started < timeout:
            time.sleep(0.2)
            if proc.poll() is not None:
                raise RuntimeError(f"celery worker died; see {env.VAR}/worker-c{concurrency}.log")
            done = trained_rows(user_ids)
            if done >= expected:
                break
            idle = idle + 1 if backlog() == 0 else 0
            if idle >= 5:  # nothing queued or running for a second: whatever is done is all
                break
        seconds = time.perf_counter() - started
    # The worker tree has been reaped by now: its CPU time is in our children's usage.
    # Includes start-up and shutdown, so it slightly overstates the busy cores.
    cpu = children_cpu_seconds() - cpu_before
    from django.db.models import Avg

    from core.models import MLPredictionModel

    fit = MLPredictionModel.objects.filter(user_id__in=user_ids).aggregate(
        s=Avg("training_seconds")
    )["s"]
    from core.models import MLPopulationModel

    population = (
        MLPopulationModel.objects.filter(created_at__gte=wall_start)
        .order_by("-created_at")
        .values_list("training_seconds", "n_users", "n_samples")
        .first()
    )
    return {
        "population_seconds": population[0] if population else None,
        "population_size": population[1:] if population else None,
        "fit_seconds": fit or 0.0,
        "cpu_seconds": cpu,
        "models": done,
        "seconds": seconds,
        "timed_out": seconds >= timeout,
        "failed": trained_rows(user_ids) - active_rows(user_ids),
    }


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def active_rows(user_ids: list[int]) -> int:
    from core.models import MLPredictionModel, ModelStatus

    return MLPredictionModel.objects.filter(user_id__in=user_ids, status=ModelStatus.ACTIVE).count()


def run(ctx: Context) -> list[Figure]:
    from ml_coach.ml_trainer import exercises_with_enough_data

    sizes = ctx.sizes
    user_ids = build_users(ctx)
    expected = sum(len(exercises_with_enough_data(user_id)) for user_id in user_ids)
    figures: list[Figure] = []
    rates: dict[int, float] = {}
    fan_out_rates: dict[int, float] = {}
    for concurrency in sizes.nightly_concurrency:
        result = one_run(user_ids, expected, concurrency, sizes.nightly_timeout_s)
        rate = result["models"] / result["seconds"]
        rates[concurrency] = rate
        note = (
            f"{result['models']}/{expected} models ({result['failed']} FAILED) "
            f"from {len(user_ids)} users in {result['seconds']:.1f} s; workers used "
            f"{result['cpu_seconds']:.0f} CPU-s (≈ {result['cpu_seconds'] / result['seconds']:.2f}"
            f" cores busy); {result['fit_seconds']:.3f} s/model training; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        if result["population_seconds"] is not None:
            fan_out = result["seconds"] - result["population_seconds"]
            fan_out_rates[concurrency] = result["models"] / fan_out
            users, rows = result["population_size"]
            note += (
                f"; population model first (in parallel pieces, all {users} bench users, "
                f"{rows:,} rows): {result['population_seconds']:.1f} s, then "
                f"{fan_out_rates[concurrency]:.1f} models/s"
            )
        if result["timed_out"] or result["models"] < expected:
            note += "; INCOMPLETE"
        figures.append(
            Figure(
                name=f"nightly retrain, {concurrency} worker process(es)",
                median=rate,
                unit="models/s",
                passed=None if result["models"] >= expected else False,
                runs=1,
                note=note,
            )
        )
    if 1 in rates and 2 in rates:
        speedup = rates[2] / rates[1]
        figures.append(
            Figure(
                name="nightly retrain speed-up, 2 vs 1 worker processes",
                median=speedup,
                unit="×",
                target=f"≥ {SPEEDUP_TARGET}×",
                passed=speedup >= SPEEDUP_TARGET,
                runs=1,
                note=f"{os.cpu_count()} cores, shared with other processes",
            )
        )
    if 1 in fan_out_rates and 2 in fan_out_rates:
        figures.append(
            Figure(
                name="nightly retrain speed-up, fan-out alone (after the population model)",
                median=fan_out_rates[2] / fan_out_rates[1],
                unit="×",
                runs=1,
                note="the population model's rows are read once, sequentially, before its pieces",
            )
        )
    reset_models(user_ids)
    return figures
