"""Strong app exports: localized headers, unit column / unit header / none, set markers."""

from __future__ import annotations

from collections.abc import Iterable

from core.importers.builder import LogBuilder, to_kg
from core.importers.columns import STRONG_NON_SET_ROWS, fold, strong_column_map
from core.importers.dates import DateReader
from core.importers.errors import ImportFormatError
from core.importers.records import ParsedLog, UnitSource
from core.importers.values import duration, number, positive_or_none, strong_set_type

REQUIRED = {
    "date": "Datum",
    "exercise": "Übungsname",
    "set_order": "Satzreihenfolge",
    "weight": "Gewicht",
    "reps": "Wiederholungen",
}


def looks_like_strong(header: list[str]) -> bool:
    columns, _ = strong_column_map(header)
    return {"date", "exercise", "set_order"} <= columns.keys()


def parse_strong(
    header: list[str], records: Iterable[tuple[int, list[str]]], unit: str | None
) -> ParsedLog:
    """Strong writes weights in the unit the app showed: per-row column, header, or ``unit``."""
    columns, header_unit = strong_column_map(header)
    missing = [label for key, label in REQUIRED.items() if key not in columns]
    if missing:
        raise ImportFormatError(1, f"Pflichtspalte(n) fehlen: {', '.join(missing)}")
    rows = list(records)
    dates = DateReader(_cell(row, columns["date"]) for _, row in rows)
    default_unit = header_unit or unit or "kg"
    builder = LogBuilder("strong")
    units: set[str] = set()
    for line, row in rows:
        _parse_row(builder, dates, columns, default_unit, line, row, len(header), units)
    log = builder.log
    log.unit, log.unit_source = _unit_decision(header_unit, unit, units, "weight_unit" in columns)
    return log


def _unit_decision(
    header_unit: str | None, given: str | None, row_units: set[str], has_column: bool
) -> tuple[str, str]:
    """The unit the file was read in and how it was decided (see ``UnitSource``)."""
    if header_unit:
        return header_unit, UnitSource.HEADER
    if has_column and row_units:
        return "+".join(sorted(row_units)), UnitSource.COLUMN
    if given:
        return given, UnitSource.GIVEN
    return "kg", UnitSource.DEFAULT


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _parse_row(builder, dates, columns, default_unit, line, row, width, units) -> None:
    if len(row) < width and len(row) <= max(columns.values()):
        raise ImportFormatError(line, f"{len(row)} statt {width} Spalten")
    order = _cell(row, columns["set_order"])
    set_type = strong_set_type(order)
    weight = number(_cell(row, columns["weight"]), line, "Gewicht")
    reps = number(_cell(row, columns["reps"]), line, "Wiederholungen")
    if set_type is None:
        if fold(order) in STRONG_NON_SET_ROWS or not (weight or reps):
            return  # rest timer or note row
        raise ImportFormatError(line, f"unbekannte Satzreihenfolge '{order.strip()}'")
    if not (weight or reps):
        return  # cardio / timing row: neither load nor repetitions
    started_at = dates.parse(_cell(row, columns["date"]), line)
    raw_unit = _cell(row, columns.get("weight_unit"))
    row_unit = _row_unit(raw_unit, default_unit, line)
    if raw_unit.strip():
        units.add(row_unit)
    seconds = "duration_seconds" in columns
    builder.add(
        line=line,
        started_at=started_at,
        workout_name=_cell(row, columns.get("workout_name")),
        exercise=_cell(row, columns["exercise"]),
        weight_kg=to_kg(positive_or_none(weight), row_unit),
        reps=positive_or_none(reps),
        rpe=positive_or_none(number(_cell(row, columns.get("rpe")), line, "RPE")),
        set_type=set_type,
        workout_duration=duration(
            _cell(row, columns.get("duration_seconds" if seconds else "duration")), seconds
        ),
        workout_notes=_cell(row, columns.get("workout_notes")),
    )


def _row_unit(raw: str, default_unit: str, line: int) -> str:
    value = raw.strip().lower()
    if not value:
        return default_unit
    if value in ("kg", "kgs"):
        return "kg"
    if value in ("lb", "lbs"):
        return "lb"
    raise ImportFormatError(line, f"unbekannte Gewichtseinheit '{raw.strip()}'")
