"""``manage.py seed_demo``: a demo user with months of simulated (or imported real) history.

At the end the demo user's models are trained here, synchronously (``--no-train`` leaves it
to the workers): ``make run`` starts the server only afterwards, so the first page already
shows what the models recommend.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.catalogue import seed_catalogue
from core.importers import FORMATS, UNITS
from core.importers.summary import summary_lines
from core.importers.writer import import_log
from core.management.commands.import_workouts import NO_TRAIN_HELP, import_file, train_now
from core.models import Satz
from core.simulator import simulate


class Command(BaseCommand):
    help = "Legt den Demo-Benutzer mit simulierter (oder importierter) Trainingshistorie an."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", default="demo")
        parser.add_argument("--password", default="demo1234")
        parser.add_argument("--months", type=int, default=6)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--from", dest="source", type=Path, help="echtes Log importieren")
        parser.add_argument("--format", default="auto", choices=FORMATS)
        parser.add_argument("--unit", choices=UNITS, default=None)
        parser.add_argument("--no-train", action="store_true", help=NO_TRAIN_HELP)

    def handle(self, *args, **options) -> None:
        if options["months"] < 1:
            raise CommandError("--months muss mindestens 1 sein.")
        with transaction.atomic():
            user = self._demo_user(options["user"], options["password"])
            new_catalogue = seed_catalogue()
        self.stdout.write(f"Katalogübungen neu angelegt: {new_catalogue}")
        train = not options["no_train"]
        if options["source"]:
            self._import_file(user, options, caller_trains=train)
        elif Satz.objects.filter(einheit__user=user).exists():
            self.stdout.write("Demo-Historie bereits vorhanden – nichts simuliert.")
        else:
            log = simulate(months=options["months"], seed=options["seed"])
            self.stdout.write(f"Simuliert: {options['months']} Monate (Seed {options['seed']})")
            self._write_summary(import_log(user, log, caller_trains=train))
        if train:
            # Every exercise of the demo user, not only new ones: a rerun of ``make run``
            # trains what has no model yet; up-to-date models are left alone.
            train_now(self, user, None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo-Login: Benutzer '{options['user']}', Passwort '{options['password']}'"
            )
        )

    def _demo_user(self, username: str, password: str):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(**{user_model.USERNAME_FIELD: username})
        if created or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        self.stdout.write(f"Demo-Benutzer {'angelegt' if created else 'vorhanden'}: {username}")
        return user

    def _import_file(self, user, options, *, caller_trains: bool) -> None:
        path: Path = options["source"]
        parsed, result = import_file(
            user, path, options["format"], options["unit"], caller_trains=caller_trains
        )
        self.stdout.write(f"Importiert aus {path.name} ({parsed.format}):")
        self._write_summary(result)

    def _write_summary(self, result) -> None:
        for line in summary_lines(result):
            self.stdout.write(line)
