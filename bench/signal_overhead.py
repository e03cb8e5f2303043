"""What the retrain signal adds to saving a ``Satz``: the same saves with and without it.

Runs inside ``python -m bench`` on the bench's PostgreSQL and Redis with a replayed real
lifter. Saves are ``Satz.objects.create`` in autocommit, as the web view does, so the hook
runs right after each save. Blocks of saves alternate between "workers' ``post_save``
receiver disconnected" and "connected", so drift hits both sides alike. Three cases:

- a workout in one web process: this process queued the retrain and its countdown has not
  run out, so the hook stops without any I/O (the usual case);
- the retrain was queued by another process: one Redis ``SET NX`` that fails;
- the first change of a workout: ``SET NX`` succeeds and the task is published (once per
  workout and exercise; informative, no target).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bench import data, env
from bench.context import Context
from bench.harness import Figure, summary

LIMIT_MS = 1.0
BLOCK = 50
SETS_PER_WORKOUT = 500


@dataclass
class Saver:
    """Saves sets of one lifter into workouts far in the future, numbered as they come (the
    number is counted here, so no save pays for looking it up)."""

    user: object
    start: datetime
    workout: object | None = None
    numbered: int = 0
    created: list[int] = field(default_factory=list)

    def new_workout(self) -> None:
        from core.models import Trainingseinheit

        self.workout = Trainingseinheit.objects.create(
            user=self.user,
            datum=self.start + timedelta(hours=len(self.created) + 1),
            name="bench signal",
        )
        self.created.append(self.workout.pk)
        self.numbered = 0

    def save(self, uebung_id: int) -> float:
        """One ``Satz.objects.create``; milliseconds."""
        from core.models import Satz

        if self.workout is None or self.numbered >= SETS_PER_WORKOUT:
            self.new_workout()
        self.numbered += 1
        t0 = time.perf_counter()
        Satz.objects.create(
            einheit=self.workout,
            uebung_id=uebung_id,
            satz_nr=self.numbered,
            gewicht=100,
            wiederholungen=5,
        )
        return (time.perf_counter() - t0) * 1000

    def delete_workouts(self) -> None:
        from core.models import Trainingseinheit

        Trainingseinheit.objects.filter(pk__in=self.created).delete()


def connect_signal(on: bool) -> None:
    """Connect or disconnect the workers' ``post_save`` receiver of ``Satz``."""
    from django.db.models.signals import post_save

    from core.models import Satz
    from workers import signals as worker_signals

    if on:
        worker_signals.connect()
    else:
        post_save.disconnect(sender=Satz, dispatch_uid="workers_satz_saved")


def alternate(
    saver: Saver,
    uebung_id: int,
    before_each: Callable[[], None] | None = None,
    block: int = BLOCK,
    n: int = 1000,
) -> tuple[list[float], list[float]]:
    """(without, with the signal): blocks of ``block`` saves each, until ``n`` with it."""
    without, with_signal = [], []
    while len(with_signal) < n:
        connect_signal(False)
        without += [saver.save(uebung_id) for _ in range(block)]
        connect_signal(True)
        for _ in range(block):
            if before_each is not None:
                before_each()
            with_signal.append(saver.save(uebung_id))
    return without, with_signal


def queued_elsewhere(user_id: int, uebung_id: int) -> Callable[[], None]:
    """Before each save: another process has queued this pair's retrain (its key is set)."""
    from django.core.cache import cache

    from workers.signals import forget_queued
    from workers.tasks import pending_key

    def arrange() -> None:
        forget_queued()
        cache.set(pending_key(user_id, uebung_id), 1, timeout=3600)

    return arrange


def never_queued(user_id: int, uebung_id: int) -> Callable[[], None]:
    """Before each save: nothing queued yet for this pair (the workout's first change)."""
    from django.core.cache import cache

    from workers.signals import forget_queued
    from workers.tasks import pending_key

    def arrange() -> None:
        cache.delete(pending_key(user_id, uebung_id))
        forget_queued()

    return arrange


def measure(saver: Saver, steady: int, other: int, first: int, runs: int) -> list[tuple]:
    """(label, without, with the signal, judged against the target) of the three cases."""
    user_id = saver.user.pk
    for _ in range(5):
        saver.save(steady)  # warm-up; the first one queues the retrain
    return [
        ("workout in one process, no I/O", *alternate(saver, steady, n=runs), True),
        (
            "queued by another process, 1× SET NX",
            *alternate(saver, other, queued_elsewhere(user_id, other), n=runs),
            True,
        ),
        (
            "first change: SET NX + publish",
            *alternate(saver, first, never_queued(user_id, first), block=10, n=max(50, runs // 10)),
            False,
        ),
    ]


def figures_of(cases: list[tuple]) -> list[Figure]:
    all_without = [ms for _, without, _, _ in cases for ms in without]
    b50, b99 = summary(all_without)
    figures = [
        Figure(
            "Satz save without the signal",
            b50,
            "ms",
            p99=b99,
            runs=len(all_without),
            note="Satz.objects.create, autocommit, PostgreSQL",
        )
    ]
    for label, without, with_signal, judged in cases:
        w50, w99 = summary(without)
        s50, s99 = summary(with_signal)
        added = s50 - w50
        figures.append(
            Figure(
                f"Satz save: added by the signal · {label}",
                added,
                "ms",
                target=f"≤ {LIMIT_MS:g} ms added at p50" if judged else "once per workout",
                passed=added <= LIMIT_MS if judged else None,
                runs=len(with_signal),
                note=f"with {s50:.2f} ms (p99 {s99:.2f}), without {w50:.2f} ms (p99 {w99:.2f})",
            )
        )
    return figures


def run(ctx: Context) -> list[Figure]:
    from django.utils import timezone

    from workers.signals import forget_queued

    lifter = data.lifters_with(3)[-1]
    user = data.replay("bench_signal", lifter.name)
    data.analyze()
    steady, other, first = data.uebung_ids(user, lifter.exercises[:3]).values()
    saver = Saver(user, start=timezone.now() + timedelta(days=3650))
    env.flush_redis()
    forget_queued()
    try:
        cases = measure(saver, steady, other, first, ctx.sizes.signal_runs)
    finally:
        connect_signal(True)
        saver.delete_workouts()
        forget_queued()
        env.flush_redis()  # nobody consumes the published tasks here
    return figures_of(cases)
