"""Parsers for real training logs (Strong, Hevy, normalized CSV) into plain records, no DB."""

from core.importers.errors import ImportFormatError
from core.importers.parse import FORMATS, UNITS, detect_format, parse_log
from core.importers.records import ParsedLog, ParsedSet

__all__ = [
    "FORMATS",
    "UNITS",
    "ImportFormatError",
    "ParsedLog",
    "ParsedSet",
    "detect_format",
    "parse_log",
]
