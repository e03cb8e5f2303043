"""Bytes → rows: decoding, delimiter sniffing and line numbers for every CSV record."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from core.importers.errors import ImportFormatError

# Fallbacks after UTF-8: Excel on Windows saves exports as cp1252; latin-1 decodes anything.
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_DELIMITERS = (",", ";", "\t")
# More than this share of control characters means the "text" is binary garbage.
_MAX_CONTROL_SHARE = 0.01

Source = bytes | str | Path


def read_source(source: Source) -> str:
    """The file's text, from a path, raw bytes or an already decoded string."""
    if isinstance(source, Path):
        try:
            source = source.read_bytes()
        except OSError as exc:
            raise ImportFormatError(0, f"Datei nicht lesbar: {exc.strerror or exc}") from exc
    elif _looks_like_a_path(source):
        raise ImportFormatError(1, "Text sieht wie ein Dateipfad aus; Dateien als Path übergeben.")
    text = decode(source) if isinstance(source, bytes) else source
    if text.startswith("\ufeff"):
        text = text[1:]
    _reject_binary(text)
    return text


def _looks_like_a_path(source: bytes | str) -> bool:
    """A ``str`` is CSV text, never opened as a file (uploads must not read server files)."""
    return (
        isinstance(source, str) and "\n" not in source.strip() and source.strip().endswith(".csv")
    )


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252, else latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFormatError(1, "Datei ist kein lesbarer UTF-16-Text.") from exc
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ImportFormatError(line, "Datei enthält Binärdaten (keine CSV-Textdatei).")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFormatError(1, "Zeichenkodierung nicht erkannt (erwartet UTF-8 oder Windows-1252).")


def _reject_binary(text: str) -> None:
    if not text.strip():
        raise ImportFormatError(1, "Datei ist leer.")
    sample = text[:65536]
    control = [i for i, ch in enumerate(sample) if ord(ch) < 32 and ch not in "\r\n\t"]
    control += [i for i, ch in enumerate(sample) if 0x7F <= ord(ch) < 0xA0]
    if len(control) > max(2, _MAX_CONTROL_SHARE * len(sample)):
        line = sample[: min(control)].count("\n") + 1
        raise ImportFormatError(line, "Datei enthält Binärdaten (keine CSV-Textdatei).")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most columns (`,` wins ties)."""
    best, best_count = ",", 0
    for delimiter in _DELIMITERS:
        fields = next(csv.reader([header_line], delimiter=delimiter), [])
        if len(fields) > best_count:
            best, best_count = delimiter, len(fields)
    return best


def csv_records(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and an iterator of (first line number, fields) for every non-blank record."""
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = sniff_delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
    except StopIteration as exc:
        raise ImportFormatError(1, "Datei ist leer.") from exc
    except csv.Error as exc:
        raise ImportFormatError(1, f"Kopfzeile nicht lesbar ({exc}).") from exc
    header_end = reader.line_num
    return [cell.strip() for cell in header], _records(reader, header_end)


def _records(reader, previous_end: int) -> Iterator[tuple[int, list[str]]]:
    while True:
        start = previous_end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(start, f"CSV-Zeile nicht lesbar ({exc}).") from exc
        previous_end = reader.line_num
        if any(cell.strip() for cell in row):
            yield start, row
