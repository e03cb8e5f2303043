"""Plain records produced by the log parsers: no database, so the backtest can use them too."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class ParsedSet:
    """One set as read from an export file, already converted to kg."""

    line: int  # 1-based line number in the source file (for error messages)
    started_at: datetime  # workout start; naive = local time of the lifter
    workout_name: str
    exercise: str
    set_order: int  # 1-based position within (workout, exercise)
    weight_kg: float | None  # None = no load logged (bodyweight)
    reps: int | None
    rpe: float | None
    set_type: str  # "normal" | "warmup" | "dropset" | "failure"
    workout_duration: timedelta | None = None
    workout_notes: str = ""


class UnitSource:
    """How the weight unit of a file was decided (shown to the lifter, who may change it)."""

    COLUMN = "column"  # a unit per row (Strong's "Weight Unit")
    HEADER = "header"  # the weight column names it: "Weight (kg)", Hevy's weight_lbs
    GIVEN = "given"  # the lifter chose it (--unit, the import page)
    DEFAULT = "default"  # the file does not say: kg assumed


@dataclass(slots=True)
class ParsedLog:
    """A whole parsed file: the sets in file order, the detected format and any warnings.

    ``unit`` is the weight unit the file was read in (``kg``, ``lb``, or ``kg+lb`` when rows
    differ) and ``unit_source`` one of ``UnitSource``: how that was decided.
    """

    format: str
    sets: list[ParsedSet] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unit: str = "kg"
    unit_source: str = UnitSource.HEADER

    @property
    def unit_changeable(self) -> bool:
        """Whether a unit given by the lifter changes how this file is read."""
        return self.unit_source in (UnitSource.GIVEN, UnitSource.DEFAULT)
