"""Cell values → Python values: numbers with either decimal mark, durations, set markers."""

from __future__ import annotations

import math
import re
from datetime import timedelta

from core.importers.errors import ImportFormatError

_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def number(raw: str, line: int, column: str) -> float | None:
    """A number cell; empty → None. ``62,5`` (decimal comma) is read as 62.5."""
    value = raw.strip()
    if not value:
        return None
    if _DECIMAL_COMMA.match(value):
        value = value.replace(",", ".")
    try:
        result = float(value)
    except ValueError:
        raise ImportFormatError(
            line, f"ungültige Zahl '{raw.strip()}' in Spalte {column}"
        ) from None
    if not math.isfinite(result):
        raise ImportFormatError(line, f"ungültige Zahl '{raw.strip()}' in Spalte {column}")
    return result


def positive_or_none(value: float | None) -> float | None:
    """Exports write 0 for "not logged": weight 0 = bodyweight, reps 0 / RPE 0 = unknown."""
    return None if value is None or value == 0 else value


_DURATION_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*(h|std|hr|hrs|m|min|mins|s|sec|sek)\b", re.I)
_CLOCK = re.compile(r"^(\d+):(\d{2})(?::(\d{2}))?$")


def duration(raw: str, seconds_column: bool = False) -> timedelta | None:
    """Workout duration as exports write it (``31min``, ``1h 5m``, ``01:05:00``, seconds).

    Durations are informational: anything unreadable is None rather than an error.
    """
    value = raw.strip()
    if not value:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", value):
        amount = float(value)
        return timedelta(seconds=amount) if seconds_column else timedelta(minutes=amount)
    clock = _CLOCK.match(value)
    if clock:
        hours, minutes, seconds = (int(part or 0) for part in clock.groups())
        if clock.group(3) is None:
            hours, minutes, seconds = 0, hours, minutes
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    total = 0.0
    for amount, unit in _DURATION_PART.findall(value):
        factor = {"h": 3600, "s": 1}.get(unit[0].lower(), 60)
        total += float(amount.replace(",", ".")) * factor
    return timedelta(seconds=total) if total else None


# Strong writes a number for a working set, a letter for a marked set.
_MARKERS = {
    "W": "warmup",
    "WARM_UP": "warmup",
    "WARMUP": "warmup",
    "WARM UP": "warmup",
    "D": "dropset",
    "DROP_SET": "dropset",
    "DROPSET": "dropset",
    "DROP": "dropset",
    "F": "failure",
    "FAILURE": "failure",
}
SET_TYPES = ("normal", "warmup", "dropset", "failure")


def strong_set_type(raw: str) -> str | None:
    """``1`` → normal, ``W``/``D``/``F``/``WARM_UP`` … → its type, anything else → None."""
    value = raw.strip()
    if re.fullmatch(r"\d+(\.0+)?", value):
        return "normal"
    return _MARKERS.get(value.upper())


def named_set_type(raw: str, line: int) -> str:
    """Hevy's and the normalized logs' ``set_type`` column; empty = normal (unknown)."""
    value = raw.strip().lower()
    if not value:
        return "normal"
    value = {
        "warm_up": "warmup",
        "warm-up": "warmup",
        "drop": "dropset",
        "drop_set": "dropset",
    }.get(value, value)
    if value not in SET_TYPES:
        raise ImportFormatError(line, f"unbekannte Satzart '{raw.strip()}'")
    return value
