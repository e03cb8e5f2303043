"""Dates as the apps write them: ISO, ``12 Dec 2024, 13:18`` in several languages, d/m/Y or m/d/Y.

Slash dates are ambiguous; like the normalized logs, the order is decided per file from
values above 12 (falling back to month first, Strong's US default).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from core.importers.errors import ImportFormatError

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: (
        "jan",
        "january",
        "januar",
        "jän",
        "jänner",
        "ene",
        "enero",
        "janeiro",
        "janv",
        "janvier",
        "gen",
        "gennaio",
        "oca",
        "ocak",
    ),
    2: (
        "feb",
        "february",
        "februar",
        "febrero",
        "fev",
        "fevereiro",
        "févr",
        "fevr",
        "février",
        "fevrier",
        "febbraio",
        "şub",
        "şubat",
        "sub",
        "subat",
    ),
    3: ("mar", "march", "mär", "märz", "mrz", "marz", "marzo", "março", "marco", "mars", "mart"),
    4: ("apr", "april", "abr", "abril", "avr", "avril", "aprile", "nis", "nisan"),
    5: ("may", "mai", "mayo", "maio", "mag", "maggio", "mayıs", "mayis"),
    6: ("jun", "june", "juni", "junio", "junho", "juin", "giu", "giugno", "haz", "haziran"),
    7: (
        "jul",
        "july",
        "juli",
        "julio",
        "julho",
        "juil",
        "juillet",
        "lug",
        "luglio",
        "tem",
        "temmuz",
    ),
    8: ("aug", "august", "ago", "agosto", "août", "aout", "ağu", "ağustos", "agu", "agustos"),
    9: (
        "sep",
        "sept",
        "september",
        "set",
        "septiembre",
        "setiembre",
        "setembro",
        "septembre",
        "settembre",
        "eyl",
        "eylül",
        "eylul",
    ),
    10: (
        "oct",
        "october",
        "okt",
        "oktober",
        "octubre",
        "out",
        "outubro",
        "octobre",
        "ott",
        "ottobre",
        "eki",
        "ekim",
    ),
    11: ("nov", "november", "noviembre", "novembro", "novembre", "kas", "kasım", "kasim"),
    12: (
        "dec",
        "december",
        "dez",
        "dezember",
        "dic",
        "diciembre",
        "dezembro",
        "déc",
        "decembre",
        "décembre",
        "dicembre",
        "ara",
        "aralık",
        "aralik",
    ),
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names}

_TIME = r"(?:[ t,]+(\d{1,2})[:.h](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?\s*([ap]\.?\s?m\.?)?)?"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + r"\s*(z|[+-]\d{2}:?\d{2})?$")
_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})" + _TIME + "$")
_DAY_MONTH = re.compile(
    r"^(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]+)\.?\s+(?:de\s+)?(\d{4})" + _TIME + "$"
)
_MONTH_DAY = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME + "$")


def _clean(raw: str) -> str:
    return unicodedata.normalize("NFC", raw).strip().lower().replace("\u202f", " ")


class DateReader:
    """Parses one file's dates; constructed from all its date cells to fix d/m vs m/d."""

    def __init__(self, samples: Iterable[str] = ()) -> None:
        self.day_first = False
        for sample in samples:
            match = _NUMERIC.match(_clean(sample))
            if not match:
                continue
            first, second = int(match.group(1)), int(match.group(2))
            separator = sample.strip()[len(match.group(1))]
            if first > 12 or separator == ".":
                self.day_first = True
                break
            if second > 12:
                break

    def parse(self, raw: str, line: int) -> datetime:
        value = _clean(raw)
        try:
            parsed = self._parse(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ImportFormatError(line, f"ungültiges Datum '{raw.strip()}'")
        return parsed

    def _parse(self, value: str) -> datetime | None:
        if match := _ISO.match(value):
            year, month, day, *clock, zone = match.groups()
            result = _build(int(year), int(month), int(day), *clock)
            return _with_zone(result, zone) if zone else result
        if match := _NUMERIC.match(value):
            first, second, year, *clock = match.groups()
            day, month = (first, second) if self.day_first else (second, first)
            full_year = int(year) + 2000 if len(year) == 2 else int(year)
            return _build(full_year, int(month), int(day), *clock)
        if match := _DAY_MONTH.match(value):
            day, month_name, year, *clock = match.groups()
            return _named(month_name, int(year), int(day), clock)
        if match := _MONTH_DAY.match(value):
            month_name, day, year, *clock = match.groups()
            return _named(month_name, int(year), int(day), clock)
        return None


def _named(month_name: str, year: int, day: int, clock: list[str | None]) -> datetime | None:
    month = MONTHS.get(month_name.rstrip("."))
    return _build(year, month, day, *clock) if month else None


def _build(year, month, day, hour=None, minute=None, second=None, meridiem=None) -> datetime:
    hour_value = int(hour or 0)
    if meridiem:
        pm = meridiem.startswith("p")
        hour_value = hour_value % 12 + (12 if pm else 0)
    return datetime(year, month, day, hour_value, int(minute or 0), int(second or 0))


def _with_zone(value: datetime, zone: str) -> datetime:
    return datetime.fromisoformat(value.isoformat() + ("+00:00" if zone == "z" else zone))
