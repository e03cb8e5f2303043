"""Benchmark: the training view of a workout with 10 exercises, recommendations cache warm.

Target (issue 5): p50 under 50 ms. A throwaway test database is created (never the real one),
filled through the real import path with months of simulated history for 10 exercises, the
coach's models are trained, and the page is requested many times with Django's test client
(full middleware, session, templates; no network). Cache and broker are the test settings'
Redis databases (``TEST_REDIS_URL``, default the local Redis).

    .venv/bin/python -m bench.training_view [--runs 300] [--no-train]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

TARGET_MS = 50.0
N_EXERCISES = 10

EXTRA_PLANS = (
    # Three more exercises so the workout has ten; same shape as core.simulator's plan.
    ("Beinpresse (Maschine)", 160, 5.0, (8, 12), 3),
    ("Dips", 10, 0, (6, 12), 3),
    ("Seitheben (Kurzhantel)", 10, 1.0, (12, 15), 3),
)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegym.test_settings")
    import django

    django.setup()


def _seed(months: int, train: bool):
    """A lifter with simulated history for 10 exercises and today's workout with all of them."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from core.importers.writer import import_log
    from core.models import Satz, Trainingseinheit, Uebung
    from core.simulator import DEFAULT_PLAN, ExercisePlan, simulate

    plans = DEFAULT_PLAN + tuple(
        ExercisePlan(name, start, inc, reps, sets, bodyweight=inc == 0)
        for name, start, inc, reps, sets in EXTRA_PLANS
    )
    names = [p.name for p in plans][:N_EXERCISES]
    templates = (("Ganzkörper A", tuple(names[0::2])), ("Ganzkörper B", tuple(names[1::2])))
    user = get_user_model().objects.create_user("bench", password="bench-pw-123")
    log = simulate(months=months, seed=7, plan=plans, templates=templates)
    result = import_log(user, log)
    uebungen = list(Uebung.objects.filter(name__in=names).order_by("name"))
    assert len(uebungen) == N_EXERCISES, [u.name for u in uebungen]
    trained = 0
    if train:
        from ml_coach.trainer import NotEnoughDataError, train_and_store

        for uebung in uebungen:
            try:
                train_and_store(user.pk, uebung.pk)
                trained += 1
            except NotEnoughDataError:
                continue
    today = Trainingseinheit.objects.create(
        user=user, datum=timezone.now() + timedelta(minutes=5), name="Bench"
    )
    Satz.objects.bulk_create(
        Satz(einheit=today, uebung=u, satz_nr=nr, gewicht=Decimal("40"), wiederholungen=8)
        for u in uebungen
        for nr in (1, 2)
    )
    return user, today, result.sets_created, trained


def measure(runs: int = 300, train: bool = True, months: int = 6) -> dict:
    """Render the training view ``runs`` times with a warm cache; timings in milliseconds."""
    _setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # Not setup_test_environment(): its template instrumentation (a context copy per rendered
    # template for the test client) would be measured too. The test client's host is enough.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        cache.clear()
        user, today, n_sets, trained = _seed(months, train)
        client = Client()
        client.force_login(user)
        url = today.get_absolute_url()
        cold = []
        for _ in range(5):
            cache.clear()
            start = time.perf_counter()
            response = client.get(url)
            cold.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        for _ in range(3):
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        n_queries = len(queries.captured_queries)  # lazy: the next request resets the log
        shown = html.count('class="rec rec-')
        samples, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200
        ordered = sorted(samples)
        return {
            "runs": runs,
            "p50_ms": statistics.median(samples),
            "p90_ms": ordered[int(0.9 * (runs - 1))],
            "p99_ms": ordered[int(0.99 * (runs - 1))],
            "cpu_p50_ms": statistics.median(cpu),
            "cold_p50_ms": statistics.median(cold),
            "load_average": os.getloadavg()[0],
            "queries_warm": n_queries,
            "recommendations_shown": shown,
            "history_sets": n_sets,
            "models_trained": trained,
            "database": connection.vendor,
        }
    finally:
        cache.clear()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def figures(runs: int = 300) -> list:
    """The figures for ``bench``'s table (``bench.harness.Figure``)."""
    from bench.harness import Figure

    r = measure(runs)
    note = (
        f"{N_EXERCISES} exercises, {r['recommendations_shown']} recommendations, "
        f"{r['queries_warm']} queries, {r['history_sets']} history sets, {r['database']}"
    )
    return [
        Figure(
            name="training view, 10 exercises, warm cache",
            median=round(r["p50_ms"], 2),
            p99=round(r["p99_ms"], 2),
            unit="ms",
            target=f"p50 < {TARGET_MS:g} ms",
            passed=r["p50_ms"] < TARGET_MS,
            runs=r["runs"],
            note=note,
        ),
        Figure(
            name="training view, 10 exercises, cold cache",
            median=round(r["cold_p50_ms"], 2),
            unit="ms",
            runs=5,
            note="every recommendation computed (informative)",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--no-train", action="store_true", help="no coach models (baseline)")
    args = parser.parse_args(argv)
    r = measure(args.runs, train=not args.no_train, months=args.months)
    verdict = "PASS" if r["p50_ms"] < TARGET_MS else "MISS"
    print(
        f"training view ({N_EXERCISES} exercises, warm cache, {r['database']}): "
        f"p50 {r['p50_ms']:.2f} ms, p90 {r['p90_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms "
        f"over {r['runs']} requests — target p50 < {TARGET_MS:g} ms: {verdict}"
    )
    print(
        f"CPU time of this process per request p50 {r['cpu_p50_ms']:.2f} ms "
        f"(wall time includes waiting for Redis and for other processes; load average "
        f"{r['load_average']:.2f} on {os.cpu_count()} cores)"
    )
    print(
        f"queries per render (warm): {r['queries_warm']}; recommendations shown: "
        f"{r['recommendations_shown']}/{N_EXERCISES}; models trained: {r['models_trained']}; "
        f"history sets: {r['history_sets']}; cold cache p50: {r['cold_p50_ms']:.1f} ms"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
