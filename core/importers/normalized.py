"""The normalized logs of ../shared/data/workouts: one row per set, weights in kg."""

from __future__ import annotations

from collections.abc import Iterable

from core.importers.builder import LogBuilder
from core.importers.columns import NORMALIZED_COLUMNS
from core.importers.dates import DateReader
from core.importers.errors import ImportFormatError
from core.importers.records import ParsedLog
from core.importers.values import named_set_type, number, positive_or_none

REQUIRED = ("date", "exercise", "weight_kg", "reps")


def looks_like_normalized(header: list[str]) -> bool:
    names = {name.strip().lower() for name in header}
    return set(REQUIRED) <= names and "workout" in names


def parse_normalized(header: list[str], records: Iterable[tuple[int, list[str]]]) -> ParsedLog:
    columns = {name.strip().lower(): i for i, name in reversed(list(enumerate(header)))}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportFormatError(1, f"Pflichtspalte(n) fehlen: {', '.join(missing)}")
    known = [c for c in NORMALIZED_COLUMNS if c in columns]
    width = max(columns[c] for c in known) + 1
    dates = DateReader()
    builder = LogBuilder("normalized")
    for line, row in records:
        if len(row) < width:
            raise ImportFormatError(line, f"{len(row)} statt {len(header)} Spalten")
        order = (
            number(row[columns["set_order"]], line, "set_order") if "set_order" in columns else None
        )
        if order is not None and (order != int(order) or order < 1):
            raise ImportFormatError(line, f"ungültige Satznummer '{row[columns['set_order']]}'")
        builder.add(
            line=line,
            started_at=dates.parse(row[columns["date"]], line),
            workout_name=row[columns["workout"]] if "workout" in columns else "",
            exercise=row[columns["exercise"]],
            weight_kg=positive_or_none(number(row[columns["weight_kg"]], line, "weight_kg")),
            reps=positive_or_none(number(row[columns["reps"]], line, "reps")),
            rpe=_rpe(row, columns, line),
            set_type=named_set_type(row[columns["set_type"]], line)
            if "set_type" in columns
            else "normal",
            set_order=int(order) if order is not None else None,
        )
    return builder.log


def _rpe(row: list[str], columns: dict[str, int], line: int) -> float | None:
    if "rpe" not in columns:
        return None
    return positive_or_none(number(row[columns["rpe"]], line, "rpe"))
