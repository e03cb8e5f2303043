"""Raw exports and their normalized twins in ../shared/data, for the import tests.

The twin of an export is the normalized log taken from the same source repository (both
PROVENANCE.md files name it): its rows are the expected sets of the export, except rows
whose values the database refuses (reps > 200, weight > 1000 kg, negative weight), which
the importer skips with a warning.
"""

from __future__ import annotations

import csv
from pathlib import Path

# export file → (normalized twin, source repository named in both PROVENANCE.md files)
TWINS = {
    "strong_en.csv": ("p81.csv", "LinusJacobsson/Strong-Data-Visualization"),
    "strong_semicolon_unit_column.csv": ("p27.csv", "dstanek/lifting"),
    "strong_quoted_weight_kg.csv": ("p15.csv", "cmccorkle21/fitness-pipeline"),
    "strong_legacy_kg_column.csv": ("p29.csv", "James-A-Allison/gym_dash"),
    "hevy_kg.csv": ("p23.csv", "GuTory/workout-analysis"),
    "hevy_lbs.csv": ("p11.csv", "NathanN-275/Lifting-stats"),
    "hevy_semicolon.csv": ("p71.csv", "PabloSGomez50/api_hevy_data"),
}
# Eliah3/sports-tracking (strong_de.csv) has no normalized twin: counted from the raw rows.
NO_TWIN = {"strong_de.csv": "Eliah3/sports-tracking"}


def twin_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def out_of_db_range(row: dict[str, str]) -> bool:
    weight = float(row["weight_kg"]) if row["weight_kg"] else 0.0
    reps = int(row["reps"]) if row["reps"] else 0
    rpe = float(row["rpe"]) if row["rpe"] else None
    return not 0 <= weight <= 1000 or reps > 200 or (rpe is not None and not 1 <= rpe <= 10)


def twin_key(row: dict[str, str]) -> tuple:
    """A normalized row as comparable values (weights rounded to 4 places, as normalized)."""
    return (
        row["date"],
        row["exercise"].strip(),
        int(row["set_order"]),
        float(row["weight_kg"]) if row["weight_kg"] else None,
        int(row["reps"]) if row["reps"] else None,
        float(row["rpe"]) if row["rpe"] else None,
        row["set_type"] or "normal",
    )


def parsed_key(parsed_set) -> tuple:
    return (
        parsed_set.started_at.isoformat(),
        parsed_set.exercise,
        parsed_set.set_order,
        round(parsed_set.weight_kg, 4) if parsed_set.weight_kg is not None else None,
        parsed_set.reps,
        parsed_set.rpe,
        parsed_set.set_type,
    )
