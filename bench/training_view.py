"""The training view of a workout with 10 exercises: warm cache (target) and cold.

Started by the web helper as a standalone script (simulated lifter, throwaway test database);
here it runs inside ``python -m bench`` on the bench database with a real lifter: the largest
replayed log (its whole exercise catalogue fills the "add an exercise" list), whose 10 busiest
exercises have trained models, and today's workout with two sets of each. Requests go through
the whole Django stack (middleware, session auth, templates) with Django's test client, no
network. Not ``setup_test_environment()``: its template instrumentation (a context copy per
rendered template) would be measured too.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from decimal import Decimal

from bench.context import Context
from bench.harness import Figure, time_calls, timed_figure
from bench.serving import serving_user

TARGET_MS = 50.0
COLD_RUNS = 5


def todays_workout(user, uebung_ids: list[int]):
    """A workout (dated in the future, so it is the newest) with two sets of each exercise."""
    from django.utils import timezone

    from core.models import Satz, Trainingseinheit

    today = Trainingseinheit.objects.create(
        user=user, datum=timezone.now() + timedelta(days=3650), name="Bench"
    )
    Satz.objects.bulk_create(
        Satz(einheit=today, uebung_id=u, satz_nr=nr, gewicht=Decimal("40"), wiederholungen=8)
        for u in uebung_ids
        for nr in (1, 2)
    )
    return today


def run(ctx: Context) -> list[Figure]:
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("web:workout", args=[1])
    except NoReverseMatch as exc:
        return [Figure("training view, 10 exercises", None, "ms", note=f"no web view: {exc}")]
    call_command("collectstatic", interactive=False, verbosity=0)
    user, ids = serving_user(ctx.sizes.view_exercises)
    today = todays_workout(user, ids)
    client = Client(raise_request_exception=True)
    client.force_login(user)
    url = reverse("web:workout", args=[today.pk])

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    try:
        cold = time_calls(get, COLD_RUNS, warmup=1, setup=cache.clear)
        for _ in range(3):
            get()
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        n_queries = len(queries.captured_queries)
        shown = html.count('class="rec rec-')
        warm, cpu = [], []
        for _ in range(ctx.sizes.view_calls):
            start, start_cpu = time.perf_counter(), time.process_time()
            get()
            warm.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    finally:
        today.delete()
    note = (
        f"{len(ids)} exercises, {shown} recommendations shown, {n_queries} queries, "
        f"test client, no network"
    )
    return [
        timed_figure(
            f"training view, {len(ids)} exercises, warm cache",
            warm,
            limit=TARGET_MS,
            note=note,
        ),
        timed_figure(
            f"training view, {len(ids)} exercises, warm: CPU time of this process",
            cpu,
            note="wall time above also waits for PostgreSQL, Redis and other processes",
        ),
        timed_figure(
            f"training view, {len(ids)} exercises, cold cache",
            cold,
            note=f"every recommendation computed; mean {statistics.fmean(cold):.1f} ms",
        ),
    ]
