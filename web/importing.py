"""The upload page's glue to ``core.importers``: parse, import, and say what happened.

Parsing and importing live in ``core.importers`` (one transaction, idempotent); this module
only hands the uploaded bytes over and turns the importer's answer into lines a page can show.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from core.importers import ImportFormatError, parse_log
from core.importers.summary import summary_lines
from core.importers.writer import import_log

logger = logging.getLogger(__name__)


@dataclass
class ImportOutcome:
    ok: bool
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    format: str = ""


def run_import(user, data: dict) -> ImportOutcome:
    """Parse and import one uploaded file for ``user``; errors name the file's line."""
    upload = data["datei"]
    raw = upload.read()  # bytes: the importer detects the encoding (UTF-8, BOM, cp1252 …)
    try:
        parsed = parse_log(raw, fmt=data.get("format") or "auto", unit=data.get("unit") or None)
        result = import_log(user, parsed)
    except ImportFormatError as exc:
        line = getattr(exc, "line", None) or None
        return ImportOutcome(ok=False, errors=[(line, getattr(exc, "message", str(exc)))])
    except (ValueError, UnicodeError) as exc:
        logger.warning("import of %s failed: %s", upload.name, exc)
        return ImportOutcome(ok=False, errors=[(getattr(exc, "line", None), str(exc))])
    return ImportOutcome(ok=True, lines=summary_lines(result), format=parsed.format)
