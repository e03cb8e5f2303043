"""What the retrain signal adds to saving a ``Satz``: the same saves with and without it.

A lifter logs a workout: one ``Satz.save()`` per set in autocommit, so the signal's
``on_commit`` hook runs right after each save, as in the web view. "Without" disconnects every
``post_save``/``post_delete`` receiver registered for ``Satz`` for that one save; the two
variants alternate save by save so that background load hits both alike.
"""

from __future__ import annotations

import statistics
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from bench import data, env
from bench.context import Context
from bench.harness import Figure, summary, time_calls

LIMIT_MS = 1.0


@contextmanager
def satz_receivers_disconnected():
    """Temporarily remove the receivers bound to sender ``Satz`` (restored afterwards)."""
    from django.db.models.signals import post_delete, post_save
    from django.dispatch.dispatcher import _make_id

    from core.models import Satz

    saved = {}
    for signal in (post_save, post_delete):
        with signal.lock:
            saved[signal] = list(signal.receivers)
            signal.receivers = [r for r in signal.receivers if r[0][1] != _make_id(Satz)]
            signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in saved.items():
            with signal.lock:
                signal.receivers = receivers
                signal.sender_receivers_cache.clear()


def satz_receivers() -> list[str]:
    from django.db.models.signals import post_save

    from core.models import Satz

    return [getattr(r, "__qualname__", repr(r)) for r in post_save._live_receivers(Satz)[0]]


def run(ctx: Context) -> list[Figure]:
    from django.utils import timezone

    from core.models import Satz, Trainingseinheit
    from ml_coach.trainer import train_and_store

    sizes = ctx.sizes
    lf = data.lifters_with(1)[-1]
    user = data.replay("bench_signal", lf.name)
    data.analyze()
    ids = list(data.uebung_ids(user, lf.exercises[:1]).values())
    uebung_id = ids[0]
    train_and_store(user.pk, uebung_id)  # an ACTIVE model: the signal's usual situation
    receivers = satz_receivers()
    einheit = Trainingseinheit.objects.create(
        user=user, datum=timezone.now() + timedelta(days=3650), name="bench signal"
    )
    counter = {"n": 0}

    def save() -> None:
        counter["n"] += 1
        Satz(
            einheit=einheit,
            uebung_id=uebung_id,
            satz_nr=counter["n"],
            gewicht=Decimal("60"),
            wiederholungen=8,
        ).save()

    with_signal: list[float] = []
    without: list[float] = []
    try:
        env.flush_redis()
        save()  # the first save may queue the retrain; every later one meets the debounce
        for _ in range(sizes.signal_rounds * sizes.signal_saves):
            with_signal += time_calls(save, 1, warmup=0)
            with satz_receivers_disconnected():
                without += time_calls(save, 1, warmup=0)
    finally:
        with satz_receivers_disconnected():
            Trainingseinheit.objects.filter(pk=einheit.pk).delete()
        env.flush_redis()
    med_with, p99_with = summary(with_signal)
    med_without, p99_without = summary(without)
    added = med_with - med_without
    note = (
        f"with {med_with:.2f} ms (p99 {p99_with:.2f}), without {med_without:.2f} ms "
        f"(p99 {p99_without:.2f}); receivers: {', '.join(receivers) or 'none'}"
    )
    check = signal_check_figure(user.pk, uebung_id, sizes.signal_rounds * sizes.signal_saves)
    figures = [
        Figure(
            name="Satz save: added by the retrain signal",
            median=added,
            unit="ms",
            target=f"≤ {LIMIT_MS:g} ms added at p50",
            passed=added <= LIMIT_MS if receivers else None,
            runs=len(with_signal),
            note=note if receivers else "no Satz receivers connected (workers not installed)",
        ),
        Figure(
            name="Satz save with the signal",
            median=med_with,
            p99=p99_with,
            unit="ms",
            runs=len(with_signal),
            note=f"mean {statistics.fmean(with_signal):.2f} ms",
        ),
    ]
    return [*figures, *check]


def signal_check_figure(user_id: int, uebung_id: int, runs: int) -> list[Figure]:
    """The after-commit check alone (``workers.signals.retrain_if_due``), debounce key set."""
    try:
        from workers.signals import retrain_if_due
    except ImportError:
        return []
    from bench.harness import timed_figure

    samples = time_calls(lambda: retrain_if_due(user_id, uebung_id), runs, warmup=3)
    env.flush_redis()
    return [
        timed_figure(
            "retrain signal: after-commit check alone",
            samples,
            note="retrain_if_due: set count + model row queries, Redis SET NX (already set)",
        )
    ]
