"""The one error a parser raises: the file is not a log we can read, at a known line."""

from __future__ import annotations


class ImportFormatError(ValueError):
    """A structural problem in an export file; ``line`` is 1-based (0 = the file as a whole)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"Zeile {line}: {message}" if line else message)
