"""The German summary an import prints (command) or shows (upload page)."""

from __future__ import annotations

from core.importers.writer import ImportResult

MAX_WARNINGS_SHOWN = 20


def summary_lines(result: ImportResult, max_warnings: int = MAX_WARNINGS_SHOWN) -> list[str]:
    lines = [
        f"Einheiten importiert: {result.workouts_created}",
        f"Sätze importiert: {result.sets_created}",
        f"Sätze übersprungen (schon vorhanden): {result.sets_skipped_existing}",
        f"Übungen zugeordnet: {result.exercises_mapped}, neu angelegt: {result.exercises_created}",
        f"Warnungen: {len(result.warnings)}",
    ]
    lines += [f"  {warning}" for warning in result.warnings[:max_warnings]]
    if len(result.warnings) > max_warnings:
        lines.append(f"  … und {len(result.warnings) - max_warnings} weitere")
    return lines
