"""Collects parsed rows into a ParsedLog: set positions, unit conversion and range checks.

Every format parser reads its columns, then hands each set row to ``LogBuilder.add`` so
that the rules of the normalized logs (see ../shared/data/workouts/PROVENANCE.md) hold for
all formats alike.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from core.importers.records import ParsedLog, ParsedSet
from core.units import LB_KG

MAX_WEIGHT_KG = 1000.0
MAX_REPS = 200
RPE_RANGE = (1.0, 10.0)


def to_kg(weight: float | None, unit: str) -> float | None:
    """Weight in kg; ``unit`` is ``kg`` or ``lb``."""
    if weight is None:
        return None
    return weight * LB_KG if unit == "lb" else weight


def fmt_number(value: float) -> str:
    return f"{value:g}"


class LogBuilder:
    """Appends sets in file order, numbering them 1, 2, … within (workout start, exercise)."""

    def __init__(self, fmt: str) -> None:
        self.log = ParsedLog(format=fmt)
        self._positions: dict[tuple[datetime, str], int] = defaultdict(int)

    def warn(self, line: int, message: str) -> None:
        self.log.warnings.append(f"Zeile {line}: {message}")

    def next_position(self, started_at: datetime, exercise: str) -> int:
        key = (started_at, exercise)
        self._positions[key] += 1
        return self._positions[key]

    def add(
        self,
        *,
        line: int,
        started_at: datetime,
        workout_name: str,
        exercise: str,
        weight_kg: float | None,
        reps: float | None,
        rpe: float | None,
        set_type: str,
        set_order: int | None = None,
        workout_duration: timedelta | None = None,
        workout_notes: str = "",
    ) -> None:
        """One set row; weight/reps/RPE already mean "not logged" when None.

        The position is taken before the range checks, so a skipped typo leaves a gap
        instead of renumbering the following sets (positions stay those of the source).
        """
        exercise = exercise.strip()
        position = set_order if set_order is not None else self.next_position(started_at, exercise)
        if not exercise:
            self.warn(line, "Satz ohne Übungsnamen übersprungen")
            return
        if weight_kg is not None and not 0 <= weight_kg <= MAX_WEIGHT_KG:
            self.warn(
                line,
                f"Gewicht {fmt_number(weight_kg)} kg außerhalb 0–1000 kg, Satz übersprungen",
            )
            return
        reps_value = None if reps is None else int(reps)
        if reps is not None and reps != reps_value:
            self.warn(
                line, f"Wiederholungen {fmt_number(reps)} keine ganze Zahl, Satz übersprungen"
            )
            return
        if reps_value is not None and not 0 <= reps_value <= MAX_REPS:
            self.warn(line, f"Wiederholungen {fmt_number(reps)} außerhalb 0–200, Satz übersprungen")
            return
        if rpe is not None and not RPE_RANGE[0] <= rpe <= RPE_RANGE[1]:
            self.warn(line, f"RPE {fmt_number(rpe)} außerhalb 1–10 verworfen, Satz behalten")
            rpe = None
        self.log.sets.append(
            ParsedSet(
                line=line,
                started_at=started_at,
                workout_name=workout_name.strip(),
                exercise=exercise,
                set_order=position,
                weight_kg=weight_kg,
                reps=reps_value,
                rpe=rpe,
                set_type=set_type,
                workout_duration=workout_duration,
                workout_notes=workout_notes.strip(),
            )
        )
