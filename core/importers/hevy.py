"""Hevy exports: ``weight_kg``/``weight_lbs``, localized month names, set types, RPE."""

from __future__ import annotations

from collections.abc import Iterable

from core.importers.builder import LogBuilder, to_kg
from core.importers.dates import DateReader
from core.importers.errors import ImportFormatError
from core.importers.records import ParsedLog, UnitSource
from core.importers.values import named_set_type, number, positive_or_none

_WEIGHT_COLUMNS = {"weight_kg": "kg", "weight_lbs": "lb", "weight_lb": "lb"}


def looks_like_hevy(header: list[str]) -> bool:
    names = {name.strip().lower() for name in header}
    return {"start_time", "exercise_title"} <= names


def parse_hevy(header: list[str], records: Iterable[tuple[int, list[str]]]) -> ParsedLog:
    columns = {name.strip().lower(): i for i, name in reversed(list(enumerate(header)))}
    weight_column = next((name for name in _WEIGHT_COLUMNS if name in columns), None)
    missing = [c for c in ("start_time", "exercise_title", "reps") if c not in columns]
    if weight_column is None:
        missing.append("weight_kg/weight_lbs")
    if missing:
        raise ImportFormatError(1, f"Pflichtspalte(n) fehlen: {', '.join(missing)}")
    unit = _WEIGHT_COLUMNS[weight_column]
    rows = list(records)

    def cell(row: list[str], name: str) -> str:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else ""

    dates = DateReader(cell(row, "start_time") for _, row in rows)
    builder = LogBuilder("hevy")
    for line, row in rows:
        if len(row) <= max(columns[c] for c in ("start_time", "exercise_title", "reps")):
            raise ImportFormatError(line, f"{len(row)} statt {len(header)} Spalten")
        weight = number(cell(row, weight_column), line, weight_column)
        reps = number(cell(row, "reps"), line, "reps")
        if not (weight or reps):
            continue  # cardio / timed set (distance or seconds only), or a broken note line
        started_at = dates.parse(cell(row, "start_time"), line)
        set_type = named_set_type(cell(row, "set_type"), line)
        ended_at = cell(row, "end_time").strip()
        builder.add(
            line=line,
            started_at=started_at,
            workout_name=cell(row, "title"),
            exercise=cell(row, "exercise_title"),
            weight_kg=to_kg(positive_or_none(weight), unit),
            reps=positive_or_none(reps),
            rpe=positive_or_none(number(cell(row, "rpe"), line, "rpe")),
            set_type=set_type,
            workout_duration=_duration(dates, started_at, ended_at, line),
            workout_notes=cell(row, "description"),
        )
    builder.log.unit, builder.log.unit_source = unit, UnitSource.HEADER
    return builder.log


def _duration(dates: DateReader, started_at, ended_at: str, line: int):
    if not ended_at:
        return None
    try:
        end = dates.parse(ended_at, line)
    except ImportFormatError:
        return None
    if end.tzinfo != started_at.tzinfo or end < started_at:
        return None
    return end - started_at
