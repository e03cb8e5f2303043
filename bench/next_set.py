"""The next-set recommendation on the htmx request path, and what logging a set queues.

After every logged set the training view swaps the exercise's block (``POST .../satz/`` with
``HX-Request``), and the block shows the recommendation for the set after it: computed on that
request, because the new set changed the cache key. Measured on the largest real lifter
(``bench_serve_00``, the largest shared log) in its busiest exercise (2,000+ sets), with the
ACTIVE model trained by the product's ``train_and_store``:

- the recommendation computed in process (``MLPredictor(user).recommend(uebung,
  einheit=today)``, a new predictor per call as the cache does it) with two sets logged today;
- the same through ``prediction_cache.cached_recommendations`` with Redis emptied before each
  call (the cache key's query and the store included);
- the htmx swap after logging a set, through the whole Django stack (test client, no network);
- the Celery messages those logged sets publish: the retrain is debounced to one per workout
  and exercise (the bench plays the worker between workouts: the pending key is dropped, as
  ``retrain_model`` does when it starts).
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from decimal import Decimal

from threadpoolctl import threadpool_limits

from bench import data, env
from bench.context import Context
from bench.harness import Figure, time_calls, timed_figure

COMPUTE_LIMIT_MS = 5.0
SWAP_LIMIT_MS = 50.0
SETS_PER_WORKOUT = 6  # logged through the view per workout (the first two are "today's two")


def lifter_and_exercise():
    """(user, uebung id, its number of sets) of the largest lifter's busiest exercise, with its
    ACTIVE model trained when missing."""
    from contextlib import suppress

    from core.models import MLPredictionModel, Satz
    from ml_coach.ml_trainer import NotEnoughDataError, train_and_store

    lf = data.lifters_with(1)[0]
    user = data.replay("bench_serve_00", lf.name)
    data.analyze()
    uebung_id = next(iter(data.uebung_ids(user, lf.exercises[:1]).values()))
    if not MLPredictionModel.objects.filter(
        user=user, uebung_id=uebung_id, status="ACTIVE"
    ).exists():
        with threadpool_limits(limits=1), suppress(NotEnoughDataError):
            train_and_store(user.pk, uebung_id)
    n = Satz.objects.filter(einheit__user=user, uebung_id=uebung_id).count()
    return user, uebung_id, n


def model_note(user_id: int, uebung_id: int) -> str:
    from ml_coach.prediction_service import MLPredictor

    model, population, version = MLPredictor(user_id).model_for(uebung_id)
    if model is None:
        return "no model serves (baseline and rule)"
    parts = [f"model {version}"]
    parts.append("set head serves" if model.set_uses_model else "set head gated off (rule)")
    parts.append("top set: model" if model.uses_model else "top set: baseline")
    if population is not None:
        parts.append(f"population {model.population_ref.get('id')}")
    return ", ".join(parts)


def last_working_sets(user, uebung_id: int, n: int = 2) -> list[tuple[Decimal, int]]:
    """Weight and reps of the first ``n`` working sets of the lifter's last session."""
    from core.models import Satz, Trainingseinheit

    last = (
        Trainingseinheit.objects.filter(user=user, saetze__uebung_id=uebung_id)
        .order_by("-datum")
        .first()
    )
    rows = (
        Satz.objects.filter(einheit=last, uebung_id=uebung_id)
        .exclude(set_type="warmup")
        .exclude(gewicht__lte=0)
        .order_by("satz_nr")
        .values_list("gewicht", "wiederholungen")
    )
    found = [(w, r or 5) for w, r in rows[:n]]
    return found + [found[-1] if found else (Decimal("60"), 5)] * (n - len(found))


def new_workout(user, offset_days: float):
    """A workout dated in the future (so it is the newest), as the lifter starts one."""
    from django.utils import timezone

    from core.models import Trainingseinheit

    return Trainingseinheit.objects.create(
        user=user,
        datum=timezone.now() + timedelta(days=3650 + offset_days),
        name="Bench next set",
    )


def compute_figures(ctx: Context, user, uebung_id: int, n_sets: int) -> list[Figure]:
    """(a) The next-set recommendation with two sets logged today, computed in process."""
    from django.core.cache import cache

    from core.models import Satz
    from ml_coach.prediction_cache import cached_recommendations
    from ml_coach.prediction_service import MLPredictor

    today = new_workout(user, 0)
    try:
        for nr, (weight, reps) in enumerate(last_working_sets(user, uebung_id), start=1):
            Satz.objects.create(
                einheit=today, uebung_id=uebung_id, satz_nr=nr, gewicht=weight, wiederholungen=reps
            )
        rec = MLPredictor(user.pk).recommend(uebung_id, einheit=today.pk)
        assert rec.set_number == 3, rec.set_number

        def compute() -> None:
            MLPredictor(user.pk).recommend(uebung_id, einheit=today.pk)

        def through_cache() -> None:
            cached_recommendations(user.pk, [uebung_id], today.pk)

        with threadpool_limits(limits=1):
            direct = time_calls(compute, ctx.sizes.calls, warmup=10)
            cached = time_calls(through_cache, ctx.sizes.cold_calls, warmup=3, setup=cache.clear)
    finally:
        today.delete()
    what = (
        f"{n_sets:,} sets of this exercise, 2 logged today, set 3 → {rec.source} "
        f"{rec.display_weight} × {rec.reps}; {model_note(user.pk, uebung_id)}"
    )
    return [
        timed_figure(
            "next-set recommendation, computed in process",
            direct,
            limit=COMPUTE_LIMIT_MS,
            note=f"MLPredictor(user).recommend(uebung, einheit=today), new predictor per call, "
            f"model LRU warm; {what}",
        ),
        timed_figure(
            "next-set recommendation, cold Redis cache (key + compute + store)",
            cached,
            note="prediction_cache.cached_recommendations(user, [uebung], einheit) after "
            "cache.clear()",
        ),
    ]


class PublishCounter:
    """Celery messages this process publishes (``after_task_publish``), by task name."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, sender=None, headers=None, **kwargs) -> None:
        self.names.append((headers or {}).get("task") or str(sender))

    def __enter__(self) -> PublishCounter:
        from celery.signals import after_task_publish

        after_task_publish.connect(self, weak=False, dispatch_uid="bench_publish_counter")
        return self

    def __exit__(self, *exc) -> None:
        from celery.signals import after_task_publish

        after_task_publish.disconnect(dispatch_uid="bench_publish_counter")


def broker_messages() -> int:
    """Messages waiting in the bench broker's queues (nobody consumes them here)."""
    import redis
    from django.conf import settings

    r = redis.Redis.from_url(env.redis_db(env.redis_url(), 0))
    queues = {settings.CELERY_TASK_DEFAULT_QUEUE, "ml", "celery"}
    return sum(r.llen(q) for q in queues)


def swap_figures(ctx: Context, user, uebung_id: int, n_sets: int) -> list[Figure]:
    """(b) The htmx swap after logging a set; (c) the Celery messages those sets publish."""
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from workers.signals import forget_queued
    from workers.tasks import pending_key

    client = Client(raise_request_exception=True)
    client.force_login(user)
    (weight, reps), _ = last_working_sets(user, uebung_id)
    workouts, samples, cpu, sources = [], [], [], []
    n_workouts = max(3, ctx.sizes.view_calls // SETS_PER_WORKOUT)
    env.flush_redis()
    forget_queued()
    queued_before = broker_messages()
    try:
        with PublishCounter() as published:
            for w in range(n_workouts):
                # The worker ran the last workout's retrain: its pending key is gone.
                cache.delete(pending_key(user.pk, uebung_id))
                forget_queued()
                workout = new_workout(user, w / 24)
                workouts.append(workout.pk)
                url = reverse("web:set_add", args=[workout.pk, uebung_id])
                for _ in range(SETS_PER_WORKOUT):
                    body = {"gewicht": str(weight), "wiederholungen": reps, "set_type": "normal"}
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = client.post(url, body, HTTP_HX_REQUEST="true")
                    samples.append((time.perf_counter() - start) * 1000)
                    cpu.append((time.process_time() - start_cpu) * 1000)
                    assert response.status_code == 200, response.status_code
                    html = response.content.decode()
                    sources.append(source_shown(html))
        in_broker = broker_messages() - queued_before
    finally:
        from core.models import Trainingseinheit

        Trainingseinheit.objects.filter(pk__in=workouts).delete()
        forget_queued()
        env.flush_redis()  # nobody consumes the published retrains here
    n_logged = len(samples)
    shown = {s: sources.count(s) for s in sorted(set(sources))}
    note = (
        f"POST …/satz/ with HX-Request (test client, whole stack, no network), sets 1–"
        f"{SETS_PER_WORKOUT} of {n_workouts} workouts; {n_sets:,} sets of history; "
        f"recommendation shown: {shown}; {model_note(user.pk, uebung_id)}"
    )
    per_set = len(published.names) / n_logged
    return [
        timed_figure(
            "training view htmx swap after logging a set", samples, limit=SWAP_LIMIT_MS, note=note
        ),
        timed_figure(
            "training view htmx swap: CPU time of this process",
            cpu,
            note="the wall time above also waits for PostgreSQL and Redis; "
            f"mean wall {statistics.fmean(samples):.1f} ms",
        ),
        Figure(
            name="Celery messages per logged set",
            median=per_set,
            unit="msg/set",
            target="≤ 1 per workout and exercise (debounced retrain)",
            passed=len(published.names) <= n_workouts,
            runs=n_logged,
            note=f"{len(published.names)} published ({', '.join(sorted(set(published.names)))}"
            f"), {in_broker} in the broker's queues, for {n_logged} sets in {n_workouts} "
            f"workouts of {SETS_PER_WORKOUT} sets",
        ),
    ]


def source_shown(html: str) -> str:
    """The recommendation's source class in the swapped block ("rec rec-model" …)."""
    marker = 'class="rec rec-'
    at = html.find(marker)
    if at < 0:
        return "none"
    rest = html[at + len(marker) :]
    return rest[: min(i for i in (rest.find('"'), rest.find(" ")) if i >= 0)]


def run(ctx: Context) -> list[Figure]:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    user, uebung_id, n_sets = lifter_and_exercise()
    figures = compute_figures(ctx, user, uebung_id, n_sets)
    return figures + swap_figures(ctx, user, uebung_id, n_sets)
