"""What an import would do with the exercise names of a file, before anything is written.

The import page shows these rows (and lets the lifter change each target); the command
prints them. ``match`` is None where the import would create the lifter's own exercise.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.aliases import How, Match, resolve
from core.importers.records import ParsedLog, UnitSource

HOW_LABELS = {
    How.OWN: "eigene Übung",
    How.OWN_ALIAS: "von dir zugeordnet",
    How.CATALOGUE: "Katalog",
    How.ALIAS: "Katalog-Alias",
}
UNIT_REASONS = {
    UnitSource.COLUMN: "laut Datei (Einheit je Zeile)",
    UnitSource.HEADER: "laut Datei (Spaltenkopf)",
    UnitSource.GIVEN: "von dir angegeben",
    UnitSource.DEFAULT: "angenommen – die Datei nennt keine Einheit",
}


@dataclass(frozen=True, slots=True)
class ExerciseRow:
    name: str
    n_sets: int
    max_weight_kg: float | None
    match: Match | None


def exercise_rows(user, parsed: ParsedLog) -> list[ExerciseRow]:
    """One row per exercise name of the file, most sets first."""
    counts: dict[str, int] = {}
    heaviest: dict[str, float] = {}
    for parsed_set in parsed.sets:
        name = parsed_set.exercise[:200]
        counts[name] = counts.get(name, 0) + 1
        if parsed_set.weight_kg:
            heaviest[name] = max(heaviest.get(name, 0.0), parsed_set.weight_kg)
    matches = resolve(user, counts)
    rows = [
        ExerciseRow(name, n, heaviest.get(name), matches.get(name)) for name, n in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.n_sets, r.name.casefold()))


def mapping_lines(rows: list[ExerciseRow]) -> list[str]:
    """``Bench Press (Barbell) → Bankdrücken (Langhantel) [Katalog-Alias] (21 Sätze)``."""
    lines = []
    for row in rows:
        target = "neu anlegen"
        if row.match is not None:
            target = f"{row.match.uebung_name} [{HOW_LABELS[row.match.how]}]"
        lines.append(f"  {row.name} → {target} ({row.n_sets} Sätze)")
    return lines


def unit_line(parsed: ParsedLog) -> str:
    """``Einheit: kg (angenommen – die Datei nennt keine Einheit)``."""
    return f"Einheit: {parsed.unit} ({UNIT_REASONS[parsed.unit_source]})"
