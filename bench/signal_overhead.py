"""What the retrain signal adds to saving a ``Satz``: the same saves with and without it.

Started by the workers helper as a standalone script (SQLite, synthetic exercises); here it
runs inside ``python -m bench`` on the bench's PostgreSQL and Redis with a replayed real
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

from datetime import timedelta

from bench import data, env
from bench.context import Context
from bench.harness import Figure, missing, summary

LIMIT_MS = 1.0
BLOCK = 50
SETS_PER_WORKOUT = 500


def run(ctx: Context) -> list[Figure]:
    try:
        from workers import signals as worker_signals
        from workers.tasks import pending_key

        worker_signals.forget_queued  # noqa: B018 - the save-path design this measures
    except (ImportError, AttributeError) as exc:
        return [missing("Satz save: added by the retrain signal", f"workers not installed: {exc}")]
    import time

    from django.core.cache import cache
    from django.db.models.signals import post_save
    from django.utils import timezone

    from core.models import Satz, Trainingseinheit

    runs = ctx.sizes.signal_runs
    lf = data.lifters_with(3)[-1]
    user = data.replay("bench_signal", lf.name)
    data.analyze()
    steady, other, first = data.uebung_ids(user, lf.exercises[:3]).values()
    start = timezone.now() + timedelta(days=3650)
    state = {"einheit": 0, "nr": 0, "current": None}
    created: list[int] = []

    def new_einheit() -> None:
        state["einheit"] += 1
        state["nr"] = 0
        state["current"] = Trainingseinheit.objects.create(
            user=user, datum=start + timedelta(hours=state["einheit"]), name="bench signal"
        )
        created.append(state["current"].pk)

    def save(uebung_id: int) -> float:
        if state["current"] is None or state["nr"] >= SETS_PER_WORKOUT:
            new_einheit()
        state["nr"] += 1
        t0 = time.perf_counter()
        Satz.objects.create(
            einheit=state["current"],
            uebung_id=uebung_id,
            satz_nr=state["nr"],
            gewicht=100,
            wiederholungen=5,
        )
        return (time.perf_counter() - t0) * 1000

    def connected(on: bool) -> None:
        if on:
            worker_signals.connect()
        else:
            post_save.disconnect(sender=Satz, dispatch_uid="workers_satz_saved")

    def alternate(uebung_id: int, before_each=None, block: int = BLOCK, n: int = runs):
        without, with_signal = [], []
        while len(with_signal) < n:
            connected(False)
            without += [save(uebung_id) for _ in range(block)]
            connected(True)
            for _ in range(block):
                if before_each is not None:
                    before_each()
                with_signal.append(save(uebung_id))
        return without, with_signal

    def pending_elsewhere() -> None:
        worker_signals.forget_queued()
        cache.set(pending_key(user.pk, other), 1, timeout=3600)

    def first_change() -> None:
        cache.delete(pending_key(user.pk, first))
        worker_signals.forget_queued()

    env.flush_redis()
    worker_signals.forget_queued()
    try:
        for _ in range(5):
            save(steady)  # warm-up; the first one queues the retrain
        cases = [
            ("workout in one process, no I/O", *alternate(steady), True),
            ("queued by another process, 1× SET NX", *alternate(other, pending_elsewhere), True),
            (
                "first change: SET NX + publish",
                *alternate(first, first_change, block=10, n=max(50, runs // 10)),
                False,
            ),
        ]
    finally:
        connected(True)
        Trainingseinheit.objects.filter(pk__in=created).delete()
        worker_signals.forget_queued()
        env.flush_redis()  # nobody consumes the published tasks here
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
