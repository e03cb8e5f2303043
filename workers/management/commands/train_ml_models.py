"""``python manage.py train_ml_models``: train the coach's models inline or queue them.

The output lines are the ones existing deployments' scripts look for.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.models import Uebung
from ml_coach.ml_trainer import exercises_with_enough_data, users_with_enough_data
from workers import training
from workers.dispatch import BrokerUnavailable, send
from workers.tasks import retrain_model

PROGRESS_FROM = 20  # pairs; below that every model gets its own line only


class Command(BaseCommand):
    help = "Trainiert die ML-Modelle (pro Lifter und Übung) – direkt oder über Celery (--async)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-samples",
            type=int,
            default=None,
            help="Mindestanzahl Sätze pro Übung (Standard: ML_MIN_SAMPLES).",
        )
        parser.add_argument("--user", metavar="NAME", help="Nur diesen Benutzer (Benutzername).")
        parser.add_argument(
            "--exercise", dest="uebung_id", type=int, metavar="ID", help="Nur diese Übung (ID)."
        )
        parser.add_argument(
            "--async",
            action="store_true",
            dest="run_async",
            help="Nicht hier trainieren, sondern je Benutzer eine Celery-Aufgabe einplanen.",
        )

    def handle(self, *args, **options) -> None:
        min_samples = options["min_samples"]
        if min_samples is None:
            min_samples = settings.ML_MIN_SAMPLES
        if min_samples < 1:
            raise CommandError("--min-samples muss mindestens 1 sein.")
        self.stdout.write("ML Training Service gestartet")
        self.stdout.write(f"Minimale Samples: {min_samples}")

        user_ids = self._user_ids(options["user"], min_samples)
        only = options["uebung_id"]
        if only is not None and not Uebung.objects.filter(pk=only).exists():
            raise CommandError(f"Übung mit ID {only} nicht gefunden.")
        pairs = [
            (user_id, uebung_id)
            for user_id in user_ids
            for uebung_id in exercises_with_enough_data(user_id, min_samples)
            if only is None or uebung_id == only
        ]
        if not pairs:
            self.stdout.write(self.style.WARNING("Keine Übungen mit genug Daten gefunden"))
            return
        users = sorted({user_id for user_id, _ in pairs})
        self.stdout.write(f"Trainiere Modelle für {len(users)} User...")
        if options["run_async"]:
            self._enqueue(pairs, min_samples)
        else:
            self._train(pairs, min_samples)
        self.stdout.write(self.style.SUCCESS("Training abgeschlossen!"))

    def _user_ids(self, username: str | None, min_samples: int) -> list[int]:
        if username is None:
            return users_with_enough_data(min_samples)
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Benutzer '{username}' nicht gefunden.")
        return [user.pk]

    def _enqueue(self, pairs: list[tuple[int, int]], min_samples: int) -> None:
        try:
            for user_id, uebung_id in pairs:
                result = send(
                    retrain_model,
                    (user_id, uebung_id),
                    {"force": True, "min_samples": min_samples},
                )
                self.stdout.write(f"  eingeplant: User {user_id}, Übung {uebung_id} → {result.id}")
        except BrokerUnavailable as exc:
            raise CommandError(
                f"Celery/Redis nicht erreichbar ({exc}); ohne --async direkt trainieren."
            ) from exc
        self.stdout.write(f"{len(pairs)} Trainingsaufgaben eingeplant (Queue 'ml').")

    def _train(self, pairs: list[tuple[int, int]], min_samples: int) -> None:
        names = dict(Uebung.objects.values_list("pk", "name"))
        usernames = dict(get_user_model().objects.values_list("pk", "username"))
        progress = len(pairs) >= PROGRESS_FROM
        started = time.monotonic()
        counts: dict[str, int] = {}
        for index, (user_id, uebung_id) in enumerate(pairs, start=1):
            label = f"{usernames.get(user_id, user_id)} · {names.get(uebung_id, uebung_id)}"
            try:
                result = training.retrain(
                    user_id,
                    uebung_id,
                    owner=f"command:{uuid.uuid4()}",
                    force=True,
                    min_samples=min_samples,
                )
                status = str(result["status"])
                line = training.describe(label, result)
            except Exception as exc:
                status = "FAILED"
                line = f"  ✗ {label}: {exc.__class__.__name__}: {exc}"
            counts[status] = counts.get(status, 0) + 1
            if progress:
                self._progress(index, len(pairs), started)
                if status != "ACTIVE":
                    self.stdout.write(("\n" if self.stdout.isatty() else "") + line)
            else:
                self.stdout.write(line)
        if progress and self.stdout.isatty():
            self.stdout.write("")
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        self.stdout.write(f"{len(pairs)} Modelle in {time.monotonic() - started:.1f} s ({summary})")

    def _progress(self, done: int, total: int, started: float) -> None:
        width = 30
        filled = int(width * done / total)
        bar = "█" * filled + "░" * (width - filled)
        rate = done / max(time.monotonic() - started, 1e-6)
        text = f"[{bar}] {done}/{total} ({rate:.1f} Modelle/s)"
        if self.stdout.isatty():
            self.stdout.write("\r" + text, ending="")
        elif done == total or done % max(1, total // 10) == 0:
            self.stdout.write(text)
