"""``parse_log``: detect the format of an export and read it into plain records."""

from __future__ import annotations

from core.importers.errors import ImportFormatError
from core.importers.hevy import looks_like_hevy, parse_hevy
from core.importers.normalized import looks_like_normalized, parse_normalized
from core.importers.records import ParsedLog
from core.importers.strong import looks_like_strong, parse_strong
from core.importers.text import Source, csv_records, read_source

FORMATS = ("auto", "strong", "hevy", "normalized")
UNITS = ("kg", "lb")


def parse_log(source: Source, fmt: str = "auto", unit: str | None = None) -> ParsedLog:
    """Parse a Strong, Hevy or normalized CSV log (path, bytes or text) into kg records.

    ``unit`` is the weight unit of a Strong export that does not say (default kg); exports
    that name their unit ignore it. Raises ImportFormatError naming the line.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    unit = {"lbs": "lb", "kgs": "kg"}.get(unit or "", unit)
    if unit not in (None, *UNITS):
        raise ValueError(f"unknown unit {unit!r}; expected kg or lb")
    header, records = csv_records(read_source(source))
    detected = fmt if fmt != "auto" else detect_format(header)
    if detected == "hevy":
        return parse_hevy(header, records)
    if detected == "normalized":
        return parse_normalized(header, records)
    return parse_strong(header, records, unit)


def detect_format(header: list[str]) -> str:
    if looks_like_hevy(header):
        return "hevy"
    if looks_like_normalized(header):
        return "normalized"
    if looks_like_strong(header):
        return "strong"
    shown = ", ".join(header[:6])[:120]
    raise ImportFormatError(
        1, f"Format nicht erkannt (weder Strong, Hevy noch normalisiert); Kopfzeile: {shown}"
    )
