"""The import page's glue to ``core.importers``: upload → preview with mapping → import.

Parsing and importing live in ``core.importers`` (one transaction, idempotent). The upload is
kept as an ``ImportDraft`` between the preview and the lifter's confirmation; this module
parses it, proposes each file name's exercise and imports with what the lifter confirmed.
After an import one task trains the imported exercises at once (not the debounced retrain
per exercise two minutes later), so the coach recommends from the models right away.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from core.importers import ImportFormatError, ParsedLog, parse_log
from core.importers.mapping import ExerciseRow, exercise_rows
from core.importers.summary import summary_lines
from core.importers.writer import import_log
from core.models import ImportDraft
from web.units import from_kg
from workers.dispatch import BrokerUnavailable, queue_job
from workers.tasks import retrain_user_models

logger = logging.getLogger(__name__)
DRAFT_MAX_AGE = timedelta(days=1)


@dataclass
class ImportOutcome:
    ok: bool
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    format: str = ""
    training: str = ""  # what happens to the models now, for the lifter


class ImportFailed(Exception):
    """The file cannot be read; ``errors`` are (line, German message) pairs."""

    def __init__(self, errors: list[tuple[int | None, str]]):
        super().__init__(errors)
        self.errors = errors


def parse_upload(raw: bytes, fmt: str, unit: str | None) -> ParsedLog:
    """Parse the bytes of an export; any problem becomes ``ImportFailed`` naming the line."""
    try:
        return parse_log(raw, fmt=fmt or "auto", unit=unit or None)
    except ImportFormatError as exc:
        line = getattr(exc, "line", None) or None
        raise ImportFailed([(line, getattr(exc, "message", str(exc)))]) from exc
    except (ValueError, UnicodeError) as exc:
        raise ImportFailed([(getattr(exc, "line", None), str(exc))]) from exc


def stage_upload(user, data: dict) -> tuple[ImportDraft, ParsedLog]:
    """Check that the upload parses, then keep it as a draft for the preview."""
    upload = data["datei"]
    raw = upload.read()  # bytes: the importer detects the encoding (UTF-8, BOM, cp1252 …)
    parsed = parse_upload(raw, data.get("format"), data.get("unit"))
    # Abandoned previews (anyone's) go after a day: one cheap delete per upload.
    ImportDraft.objects.filter(created_at__lt=timezone.now() - DRAFT_MAX_AGE).delete()
    draft = ImportDraft.objects.create(
        user=user, filename=upload.name[:255], data=raw, format=data.get("format") or "auto"
    )
    return draft, parsed


@dataclass
class PreviewRow:
    index: int
    row: ExerciseRow
    max_weight: object  # in the unit the file is read in


@dataclass
class Preview:
    parsed: ParsedLog
    rows: list[PreviewRow]
    n_workouts: int
    first: object
    last: object


def preview(user, draft: ImportDraft, unit: str | None) -> Preview:
    parsed = parse_upload(bytes(draft.data), draft.format, unit)
    shown_unit = parsed.unit if parsed.unit in ("kg", "lb") else "kg"
    rows = [
        PreviewRow(i, row, from_kg(row.max_weight_kg, shown_unit))
        for i, row in enumerate(exercise_rows(user, parsed))
    ]
    starts = sorted({s.started_at for s in parsed.sets})
    return Preview(
        parsed,
        rows,
        len(starts),
        starts[0] if starts else None,
        starts[-1] if starts else None,
    )


def confirm(user, draft: ImportDraft, unit: str | None, mapping: dict) -> ImportOutcome:
    """Import the draft with the confirmed mapping and unit; the draft is gone afterwards."""
    parsed = parse_upload(bytes(draft.data), draft.format, unit)
    try:
        result = import_log(user, parsed, mapping=mapping, caller_trains=True)
    except ValueError as exc:
        logger.warning("import of draft %s failed: %s", draft.pk, exc)
        return ImportOutcome(ok=False, errors=[(None, str(exc))])
    draft.delete()
    training = queue_training(user, result.uebung_ids) if result.uebung_ids else ""
    return ImportOutcome(
        ok=True, lines=summary_lines(result), format=parsed.format, training=training
    )


def queue_training(user, uebung_ids: list[int]) -> str:
    """Queue one task, without countdown, training the imported exercises; the lifter's note.

    A dead broker does not undo the import: the models are trained later (the next retrain
    after a logged set, at the latest the nightly run), and the note says so.
    """
    try:
        queue_job(
            user,
            retrain_user_models,
            (user.pk,),
            user_id=user.pk,
            force=False,
            uebung_ids=sorted(uebung_ids),
        )
    except BrokerUnavailable:  # logged where it happened (workers.dispatch)
        return _(
            "Die Modelle können gerade nicht trainiert werden (Hintergrunddienst nicht "
            "erreichbar); das geschieht später, spätestens in der Nacht. Bis dahin empfiehlt "
            "die Baseline."
        )
    return _("Die Modelle werden jetzt trainiert; die Empfehlungen folgen in wenigen Sekunden.")
