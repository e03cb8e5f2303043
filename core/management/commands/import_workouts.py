"""``manage.py import_workouts --user NAME FILE``: import a Strong/Hevy/normalized log."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.importers import FORMATS, UNITS, ImportFormatError, parse_log
from core.importers.records import ParsedLog
from core.importers.summary import summary_lines
from core.importers.writer import ImportResult, import_log


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


def import_file(user, path: Path, fmt: str, unit: str | None) -> tuple[ParsedLog, ImportResult]:
    """Read, parse and import one file in one transaction; a bad file becomes a CommandError."""
    data = read_import_file(path)
    try:
        parsed = parse_log(data, fmt=fmt, unit=unit)
    except ImportFormatError as exc:
        raise CommandError(f"{path.name}: {exc} – nichts importiert.") from exc
    return parsed, import_log(user, parsed)


class Command(BaseCommand):
    help = "Importiert ein Trainingslog (Strong, Hevy oder normalisiertes CSV) für einen Benutzer."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="CSV-Datei")
        parser.add_argument("--user", required=True, help="Benutzername")
        parser.add_argument("--format", default="auto", choices=FORMATS)
        parser.add_argument(
            "--unit",
            choices=UNITS,
            default=None,
            help="Gewichtseinheit einer Strong-Datei ohne Einheitenangabe (Standard kg)",
        )

    def handle(self, *args, **options) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: options["user"]})
        except user_model.DoesNotExist:
            raise CommandError(f"Benutzer '{options['user']}' existiert nicht.") from None
        path: Path = options["file"]
        parsed, result = import_file(user, path, options["format"], options["unit"])
        self.stdout.write(f"{path.name} ({parsed.format}) für {user}:")
        for line in summary_lines(result):
            self.stdout.write(line)
