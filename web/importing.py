"""The upload page's glue to ``core.importers``: parse, import, and say what happened.

Parsing and importing live in ``core.importers`` (one transaction, idempotent); this module
only turns the upload into text and the importer's answer into something a page can show.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


@dataclass
class ImportOutcome:
    ok: bool
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = ""
    summary: dict[str, int] = field(default_factory=dict)


def decode_upload(raw: bytes) -> str:
    """Exports come as UTF-8 (often with BOM) or, from Excel on Windows, as cp1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _result_summary(result) -> dict[str, int]:
    """The importer's counts (whatever it reports: created, skipped …) as a plain dict."""
    if result is None:
        return {}
    if hasattr(result, "__dataclass_fields__"):
        items = {name: getattr(result, name) for name in result.__dataclass_fields__}
    else:
        items = dict(vars(result))
    return {k: v for k, v in items.items() if isinstance(v, int) and not isinstance(v, bool)}


def run_import(user, data: dict) -> ImportOutcome:
    """Parse and import one uploaded file for ``user``; errors name the file's line."""
    try:
        from core.importers import ImportFormatError, import_log, parse_log
    except ImportError:
        return ImportOutcome(ok=False, errors=[(None, _("Der Import ist noch nicht verfügbar."))])

    upload = data["datei"]
    text = decode_upload(upload.read())
    unit = data.get("unit") or None
    try:
        parsed = parse_log(text, fmt=data.get("format") or "auto", unit=unit)
        result = import_log(user, parsed)
    except ImportFormatError as exc:
        return ImportOutcome(ok=False, errors=[(getattr(exc, "line", None), str(exc))])
    except (ValueError, UnicodeError) as exc:
        log.warning("import of %s failed: %s", upload.name, exc)
        return ImportOutcome(ok=False, errors=[(getattr(exc, "line", None), str(exc))])
    return ImportOutcome(
        ok=True,
        warnings=list(getattr(parsed, "warnings", []) or []),
        format=getattr(parsed, "format", ""),
        summary=_result_summary(result),
    )
