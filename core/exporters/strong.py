"""Strong's CSV export format, so a HomeGym log opens in tools made for Strong exports.

Written as the Strong app writes it (English app language): the same twelve columns, the
workout start in local time, weights in kg with at least one decimal (``110.0``, ``61.235``:
grams are kept), ``W``/``D``/``F`` in *Set Order* for warm-up, drop and failure sets and the
working sets numbered 1, 2, 3 …, durations like ``1h 6m``, text columns quoted, the notes
quoted (``""`` when empty) on the first row of a workout or an exercise and empty below.
Reps that were not logged are written as 0, as Strong does; the note on an exercise of the
workout goes into *Notes*. HomeGym's importer reads the file back to the same sets
(tests/core/test_export_roundtrip.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.exporters.rows import workouts_with_sets
from core.models import Satz

HEADER = (
    "Date",
    "Workout Name",
    "Duration",
    "Exercise Name",
    "Set Order",
    "Weight",
    "Reps",
    "Distance",
    "Seconds",
    "Notes",
    "Workout Notes",
    "RPE",
)
MARKERS = {
    Satz.SetType.WARMUP: "W",
    Satz.SetType.DROPSET: "D",
    Satz.SetType.FAILURE: "F",
}


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def strong_weight(kg: Decimal) -> str:
    """``110.0``, ``12.25``, ``61.235``: at least one decimal, never a rounded gram."""
    text = f"{Decimal(kg).normalize():f}"
    return text if "." in text else f"{text}.0"


def strong_duration(duration: timedelta | None) -> str:
    """``7m``, ``1h``, ``1h 6m`` (whole minutes, as Strong writes them)."""
    minutes = round(duration.total_seconds() / 60) if duration else 0
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours}h {minutes}m"
    return f"{hours}h" if hours else f"{minutes}m"


def strong_number(value: Decimal | None) -> str:
    return "" if value is None else f"{Decimal(value).normalize():f}"


def strong_lines(user) -> Iterator[str]:
    """The header and one line per set (``\\n``-terminated), oldest workout first."""
    yield ",".join(HEADER) + "\n"
    for workout in workouts_with_sets(user):
        einheit = workout.einheit
        start = timezone.localtime(einheit.datum).strftime("%Y-%m-%d %H:%M:%S")
        fixed = f"{start},{quoted(einheit.name)},{strong_duration(einheit.duration)}"
        first_of_workout = True
        for exercise in workout.exercises:
            working = 0
            for index, satz in enumerate(exercise.saetze):
                marker = MARKERS.get(satz.set_type)
                if marker is None:
                    working += 1
                    marker = str(working)
                notes = quoted(exercise.notes) if index == 0 else ""
                workout_notes = quoted(einheit.notes) if first_of_workout else ""
                first_of_workout = False
                yield (
                    f"{fixed},{quoted(exercise.uebung.name)},{marker},{strong_weight(satz.gewicht)},"
                    f"{satz.wiederholungen or 0},0,0,{notes},{workout_notes},"
                    f"{strong_number(satz.rpe)}\n"
                )
