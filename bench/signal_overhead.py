"""Set-save latency with and without the retrain signal (target: < 1 ms added at p50).

    REDIS_URL=redis://127.0.0.1:6379/5 python -m bench.signal_overhead [--runs 2000]

Self-contained: a fresh SQLite file (or ``DATABASE_URL``), migrated here; Redis from
``REDIS_URL`` (use a spare database number: the script flushes the cache database it uses).
Saves alternate in blocks between "receivers disconnected" and "connected", so drift hits
both sides alike. Connected cases: the steady state of a workout when this process queued
the retrain (no I/O), when another process did (one Redis SET NX that fails), and the first
change of a workout (SET NX succeeds, the task is published; once per workout and exercise).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def setup_django(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegym.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.setdefault("HOMEGYM_VAR_DIR", str(tmp))
    os.environ.setdefault("ML_RETRAIN_DEBOUNCE_SECONDS", "3600")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="saves per case (default 2000)")
    parser.add_argument("--block", type=int, default=50, help="saves per alternating block")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="hg-bench-signal-"))
    setup_django(tmp)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.db.models.signals import post_save
    from django.utils import timezone

    from bench.harness import Figure, render_table, summary
    from core.models import Satz, Trainingseinheit, Uebung
    from homegym.celery import app as celery_app
    from workers import signals as worker_signals
    from workers.tasks import pending_key

    cache.clear()
    user = get_user_model().objects.create_user("bench")
    start = timezone.now() - timedelta(days=3000)
    counter = {"einheit": 0, "nr": 0, "current": None}

    def new_einheit():
        counter["einheit"] += 1
        counter["nr"] = 0
        counter["current"] = Trainingseinheit.objects.create(
            user=user, datum=start + timedelta(hours=counter["einheit"])
        )

    def save(uebung) -> float:
        if counter["current"] is None or counter["nr"] >= 500:
            new_einheit()
        counter["nr"] += 1
        t0 = time.perf_counter()
        Satz.objects.create(
            einheit=counter["current"],
            uebung=uebung,
            satz_nr=counter["nr"],
            gewicht=100,
            wiederholungen=5,
        )
        return (time.perf_counter() - t0) * 1000

    def connected(on: bool) -> None:
        if on:
            worker_signals.connect()
        else:
            post_save.disconnect(sender=Satz, dispatch_uid="workers_satz_saved")

    def measure(uebung, prepare=None) -> tuple[list[float], list[float]]:
        """Alternating blocks: receivers off, then on (``prepare`` runs before each on-block)."""
        without, with_signal = [], []
        for _ in range(5):  # warm-up
            save(uebung)
        while len(with_signal) < args.runs:
            connected(False)
            without += [save(uebung) for _ in range(args.block)]
            connected(True)
            if prepare:
                prepare()
            with_signal += [save(uebung) for _ in range(args.block)]
        return without, with_signal

    # Steady state of a workout in one web process: this process queued the retrain, its
    # countdown has not run out, the hook stops without any I/O.
    steady = Uebung.objects.create(name="bench: Workout, gleicher Prozess")
    save(steady)  # the first change queues the retrain (and is measured separately below)
    base_local, sig_local = measure(steady)

    # Steady state when another process queued it: the hook's Redis SET NX fails.
    other = Uebung.objects.create(name="bench: Workout, anderer Prozess")

    def pending_elsewhere():
        worker_signals.forget_queued()
        cache.set(pending_key(user.pk, other.pk), 1, timeout=3600)

    base_pending, sig_pending = [], []
    while len(sig_pending) < args.runs:
        connected(False)
        base_pending += [save(other) for _ in range(args.block)]
        connected(True)
        for _ in range(args.block):
            pending_elsewhere()
            sig_pending.append(save(other))

    # First change of a workout: SET NX succeeds and the task is published to the broker.
    first = Uebung.objects.create(name="bench: erste Änderung")
    key = pending_key(user.pk, first.pk)
    saved_runs = args.runs
    args.runs = max(50, args.runs // 10)

    def measure_first():
        without, with_signal = [], []
        while len(with_signal) < args.runs:
            connected(False)
            without += [save(first) for _ in range(10)]
            connected(True)
            for _ in range(10):
                cache.delete(key)
                worker_signals.forget_queued()
                with_signal.append(save(first))
        return without, with_signal

    base_first, sig_first = measure_first()
    args.runs = saved_runs
    celery_app.control.purge()  # nobody consumes the published tasks here
    cache.clear()

    figures = []
    for label, base, sig, target in (
        ("Workout, gleicher Prozess (keine I/O)", base_local, sig_local, True),
        ("Workout, anderer Prozess (1× SET NX)", base_pending, sig_pending, True),
        ("erste Änderung (SET NX + Publish)", base_first, sig_first, False),
    ):
        b50, b99 = summary(base)
        s50, s99 = summary(sig)
        figures.append(Figure(f"save ohne Signal · {label}", b50, "ms", p99=b99, runs=len(base)))
        figures.append(Figure(f"save mit Signal · {label}", s50, "ms", p99=s99, runs=len(sig)))
        figures.append(
            Figure(
                f"Zusatz durch Signal · {label}",
                s50 - b50,
                "ms",
                target="< 1 ms (p50)" if target else "einmal je Workout und Übung",
                passed=(s50 - b50) < 1.0 if target else None,
                p99=s99 - b99,
                runs=len(sig),
            )
        )
    print(f"DB: {connection.vendor}  Redis: {settings.CACHES['default']['LOCATION']}")
    print(render_table(figures))
    sys.exit(0 if all(f.passed is not False for f in figures) else 1)


if __name__ == "__main__":
    main()
