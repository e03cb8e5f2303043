"""``manage.py import_workouts --user NAME FILE``: import a Strong/Hevy/normalized log or a
HomeGym JSON export (recognised by its content, or ``--format homegym``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.importers import FORMATS, UNITS, ImportFormatError, parse_log
from core.importers.homegym_json import import_homegym, looks_like_homegym_json
from core.importers.mapping import exercise_rows, mapping_lines, unit_line
from core.importers.records import ParsedLog
from core.importers.summary import summary_lines
from core.importers.writer import ImportResult, import_log
from core.signals import request_training


def read_import_file(path: Path) -> bytes:
    """The file's bytes, refusing missing, unreadable and oversized files with German errors."""
    if not path.is_file():
        raise CommandError(f"Datei nicht gefunden: {path}")
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_BYTES:
        limit_mb = settings.IMPORT_MAX_BYTES / 1024 / 1024
        raise CommandError(f"Datei zu groß: {size} Bytes (höchstens {limit_mb:.0f} MB).")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Datei nicht lesbar: {path} ({exc.strerror})") from exc


def parse_file(path: Path, fmt: str, unit: str | None) -> ParsedLog:
    """Read and parse one file; a bad file becomes a CommandError naming the line."""
    data = read_import_file(path)
    try:
        return parse_log(data, fmt=fmt, unit=unit)
    except ImportFormatError as exc:
        raise CommandError(f"{path.name}: {exc} – nichts importiert.") from exc


def import_file(
    user, path: Path, fmt: str, unit: str | None, *, caller_trains: bool = False
) -> tuple[ParsedLog, ImportResult]:
    """Read, parse and import one file in one transaction; a bad file becomes a CommandError."""
    parsed = parse_file(path, fmt, unit)
    return parsed, import_log(user, parsed, caller_trains=caller_trains)


NO_TRAIN_HELP = (
    "Nicht gleich hier trainieren: die Worker trainieren nach etwa zwei Minuten, "
    "spätestens der nächtliche Lauf."
)


def train_now(command: BaseCommand, user, uebung_ids: list[int] | None) -> None:
    """Train ``user``'s models in this process, printing progress; no broker, no worker.

    The first page after an import (or after ``seed_demo``) then already shows what the
    models recommend. Failures are printed, not raised: the import itself has committed.
    """
    if not request_training(user.pk, uebung_ids, progress=command.stdout.write):
        command.stdout.write("Training: kein Trainer installiert – nichts trainiert.")


HOMEGYM = "homegym"


def is_homegym_json(path: Path, fmt: str) -> bool:
    if fmt == HOMEGYM:
        return True
    if fmt != "auto" or not path.is_file():
        return False
    with path.open("rb") as handle:
        return looks_like_homegym_json(handle.read(64).decode("utf-8", "replace"))


class Command(BaseCommand):
    help = "Importiert ein Trainingslog (Strong, Hevy oder normalisiertes CSV) für einen Benutzer."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="CSV-Datei")
        parser.add_argument("--user", required=True, help="Benutzername")
        parser.add_argument("--format", default="auto", choices=(*FORMATS, HOMEGYM))
        parser.add_argument(
            "--unit",
            choices=UNITS,
            default=None,
            help="Gewichtseinheit einer Strong-Datei ohne Einheitenangabe (Standard kg)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Nur Einheit und Zuordnung der Übungen zeigen, nichts speichern",
        )
        parser.add_argument("--no-train", action="store_true", help=NO_TRAIN_HELP)

    def handle(self, *args, **options) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: options["user"]})
        except user_model.DoesNotExist:
            raise CommandError(f"Benutzer '{options['user']}' existiert nicht.") from None
        path: Path = options["file"]
        train = not options["no_train"]
        if is_homegym_json(path, options["format"]):
            self._import_json(user, path, dry_run=options["dry_run"], train=train)
            return
        parsed = parse_file(path, options["format"], options["unit"])
        self.stdout.write(f"{path.name} ({parsed.format}) für {user}:")
        self.stdout.write(unit_line(parsed))
        if parsed.unit_changeable:
            other = "lb" if parsed.unit == "kg" else "kg"
            self.stdout.write(f"  (andere Einheit: --unit {other})")
        self.stdout.write("Übungen:")
        for line in mapping_lines(exercise_rows(user, parsed)):
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("Probelauf (--dry-run): nichts gespeichert.")
            return
        result = import_log(user, parsed, caller_trains=train)
        for line in summary_lines(result):
            self.stdout.write(line)
        if train and result.uebung_ids:
            train_now(self, user, result.uebung_ids)

    def _import_json(self, user, path: Path, *, dry_run: bool, train: bool) -> None:
        """All of a HomeGym JSON export; ``dry_run`` imports and rolls back (what would come)."""
        try:
            with transaction.atomic():
                outcome = import_homegym(user, read_import_file(path), caller_trains=train)
                transaction.set_rollback(dry_run)
        except ImportFormatError as exc:
            raise CommandError(f"{path.name}: {exc} – nichts importiert.") from exc
        self.stdout.write(f"{path.name} (homegym) für {user}:")
        for line in [*summary_lines(outcome.result), *outcome.lines()]:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Probelauf (--dry-run): nichts gespeichert.")
        elif train and outcome.result.uebung_ids:
            train_now(self, user, outcome.result.uebung_ids)
