"""Nightly full retrain: N lifters × 8 exercises with 1 and with 2 worker processes.

    REDIS_URL=redis://127.0.0.1:6379/5 python -m bench.nightly_retrain [--users 200]

Self-contained: generates deterministic training logs (``--sessions`` workouts per lifter,
every workout 3 sets of each of the 8 exercises, double progression with noise) in a fresh
SQLite file or ``DATABASE_URL`` (PostgreSQL recommended for more than one process), then for
each ``--concurrency`` value starts a real ``celery worker`` subprocess, sends the nightly
chain (population model → group of per-user tasks) through the broker and times it until
every (user, exercise) has its new row. Use a spare Redis database: queues are purged.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXERCISES = [
    ("Bankdrücken", 60.0),
    ("Kniebeuge", 80.0),
    ("Kreuzheben", 100.0),
    ("Schulterdrücken", 35.0),
    ("Langhantelrudern", 50.0),
    ("Klimmzüge", 0.0),
    ("Beinpresse", 120.0),
    ("Bizepscurls", 12.5),
]


def setup_django(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegym.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.setdefault("HOMEGYM_VAR_DIR", str(tmp))
    os.environ["ML_MODEL_ROOT"] = str(tmp / "ml_models")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(users: int, sessions: int, seed: int = 7) -> list[int]:
    """Deterministic logs: every lifter trains all 8 exercises, 3 working sets each."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from core.models import Satz, Trainingseinheit, Uebung

    rng = random.Random(seed)
    exercises = [Uebung.objects.get_or_create(name=name)[0] for name, _ in EXERCISES]
    user_model = get_user_model()
    user_model.objects.filter(username__startswith="lifter").delete()  # an earlier run's data
    start = timezone.now() - timedelta(days=3 * sessions + 10)
    ids = []
    for u in range(users):
        user = user_model.objects.create_user(f"lifter{u:04d}")
        ids.append(user.pk)
        einheiten = Trainingseinheit.objects.bulk_create(
            Trainingseinheit(user=user, datum=start + timedelta(days=3 * s, hours=rng.random()))
            for s in range(sessions)
        )
        sets = []
        for (_, base), uebung in zip(EXERCISES, exercises, strict=True):
            weight = base * rng.uniform(0.7, 1.3)
            reps = 8
            for einheit in einheiten:
                for nr in range(1, 4):
                    got = max(3, reps - rng.choice([0, 0, 0, 1, 2]))
                    sets.append(
                        Satz(
                            einheit=einheit,
                            uebung=uebung,
                            satz_nr=nr,
                            gewicht=Decimal(f"{round(weight * 2) / 2:.1f}"),
                            wiederholungen=got,
                        )
                    )
                if reps >= 12:
                    weight, reps = weight + 2.5, 8
                elif rng.random() < 0.7:
                    reps += 1
        Satz.objects.bulk_create(sets, batch_size=2000)
    return ids


def run(concurrency: int, user_ids: list[int], expected: int, tmp: Path) -> float:
    """Seconds from sending the nightly chain until every model row is written."""
    from core.models import MLPredictionModel, ModelStatus
    from homegym.celery import app
    from workers.tasks import nightly_signature

    MLPredictionModel.objects.all().delete()
    shutil.rmtree(tmp / "ml_models", ignore_errors=True)
    app.control.purge()
    log = open(tmp / f"worker-{concurrency}.log", "wb")  # noqa: SIM115
    node = f"bench{concurrency}-{os.getpid()}@%h"
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "homegym", "worker", "-Q", "ml,default",
            "-c", str(concurrency), "-P", "prefork", "-n", node,
            "--without-mingle", "--without-gossip", "--loglevel=WARNING",
        ],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit(f"worker did not start, see {log.name}")
        started = time.perf_counter()
        nightly_signature(user_ids).apply_async()
        done = MLPredictionModel.objects.filter(status__in=[ModelStatus.ACTIVE, ModelStatus.FAILED])
        while done.count() < expected:
            if proc.poll() is not None:
                raise SystemExit(f"worker died, see {log.name}")
            time.sleep(0.25)
        return time.perf_counter() - started
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=30, help="workouts per lifter")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="hg-bench-nightly-"))
    setup_django(tmp)
    from django.db import connection
    from django.db.models import Avg

    from bench.harness import Figure, render_table
    from core.models import MLPredictionModel, ModelStatus

    t0 = time.perf_counter()
    user_ids = generate(args.users, args.sessions)
    expected = args.users * len(EXERCISES)
    print(
        f"{args.users} Lifter × {len(EXERCISES)} Übungen = {expected} Modelle, "
        f"{args.sessions * 3} Sätze je Modell; Daten in {time.perf_counter() - t0:.1f} s "
        f"({connection.vendor}, {os.cpu_count()} Kerne)"
    )
    figures, rates = [], {}
    for concurrency in args.concurrency:
        seconds = run(concurrency, user_ids, expected, tmp)
        failed = MLPredictionModel.objects.filter(status=ModelStatus.FAILED).count()
        fit = MLPredictionModel.objects.filter(status=ModelStatus.ACTIVE).aggregate(
            s=Avg("training_seconds")
        )["s"]
        rates[concurrency] = expected / seconds
        figures.append(
            Figure(
                f"Nachtlauf, {concurrency} Worker-Prozess(e)",
                rates[concurrency],
                "Modelle/s",
                runs=expected,
                note=f"{seconds:.1f} s gesamt, {fit or 0:.3f} s/Modell Training, {failed} FAILED",
            )
        )
    if 1 in rates:
        for concurrency, rate in rates.items():
            if concurrency != 1:
                figures.append(
                    Figure(f"Speed-up {concurrency} vs. 1 Prozess", rate / rates[1], "×")
                )
    print(render_table(figures))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
