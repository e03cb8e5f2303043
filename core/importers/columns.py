"""Header names → canonical columns, for the languages the apps export in.

Headers are compared after folding case and accents and replacing punctuation with spaces,
so ``Wiederh.``, ``Workout-Name`` and ``Nom de l’exercice`` match their plain forms.
"""

from __future__ import annotations

import re
import unicodedata


def fold(header: str) -> str:
    """``Nom de l’Exercice`` → ``nom de l exercice``; ``Weight (kg)`` → ``weight kg``."""
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z#]+", " ", plain).strip()


def _names(*names: str) -> frozenset[str]:
    return frozenset(fold(name) for name in names)


# Strong's columns in its app languages (en, de, fr, es, it, pt, nl, …).
STRONG_COLUMNS: dict[str, frozenset[str]] = {
    "date": _names("Date", "Datum", "Fecha", "Data", "Datum", "Tarih", "Päivämäärä", "Дата"),
    "workout_name": _names(
        "Workout Name",
        "Workout-Name",
        "Name des Workouts",
        "Trainingsname",
        "Nom de l'entraînement",
        "Nom de la séance",
        "Nom de l'exercice d'entraînement",
        "Nombre del entrenamiento",
        "Nombre del ejercicio de entrenamiento",
        "Nome dell'allenamento",
        "Nome del workout",
        "Nome do treino",
        "Nome do exercício físico",
        "Naam training",
        "Workoutnaam",
        "Antrenman Adı",
        "Название тренировки",
    ),
    "duration": _names(
        "Duration",
        "Duration (sec)",
        "Dauer",
        "Durée",
        "Duración",
        "Durata",
        "Duração",
        "Duur",
        "Süre",
        "Длительность",
    ),
    "exercise": _names(
        "Exercise Name",
        "Exercise",
        "Name der Übung",
        "Übungsname",
        "Übung",
        "Nom de l'exercice",
        "Exercice",
        "Nombre del ejercicio",
        "Ejercicio",
        "Nome dell'esercizio",
        "Esercizio",
        "Nome do exercício",
        "Exercício",
        "Naam oefening",
        "Oefening",
        "Egzersiz Adı",
        "Название упражнения",
    ),
    "set_order": _names(
        "Set Order",
        "Reihenfolge festlegen",
        "Satzreihenfolge",
        "Satz",
        "Ordre des séries",
        "Ordre de la série",
        "Ordre de série",
        "Série",
        "Orden de la serie",
        "Orden de series",
        "Serie",
        "Ordine delle serie",
        "Ordine serie",
        "Ordem da série",
        "Ordem das séries",
        "Set-volgorde",
        "Volgorde sets",
        "Set Sırası",
        "Порядок подходов",
    ),
    "weight": _names(
        "Weight",
        "Gewicht",
        "Poids",
        "Peso",
        "Vikt",
        "Ağırlık",
        "Вес",
    ),
    "weight_unit": _names(
        "Weight Unit",
        "Gewichtseinheit",
        "Einheit",
        "Unité de poids",
        "Unidad de peso",
        "Unità di peso",
        "Unidade de peso",
        "Gewichtseenheid",
        "Ağırlık Birimi",
    ),
    "reps": _names(
        "Reps",
        "Wiederh.",
        "Wiederholungen",
        "Wdh.",
        "Répétitions",
        "Rép.",
        "Reps.",
        "Repeticiones",
        "Rep.",
        "Ripetizioni",
        "Rip.",
        "Repetições",
        "Herhalingen",
        "Tekrarlar",
        "Повторения",
    ),
    "rpe": _names("RPE"),
    "workout_notes": _names(
        "Workout Notes",
        "Workout-Notizen",
        "Notes d'entraînement",
        "Notes de la séance",
        "Notas del entrenamiento",
        "Note dell'allenamento",
        "Notas do treino",
    ),
}
# A weight header that names its unit: "Weight (kg)", "Gewicht (lbs)", or the legacy "kg"/"lb".
_WEIGHT_WORDS = "|".join(sorted(STRONG_COLUMNS["weight"], key=len, reverse=True))
WEIGHT_WITH_UNIT = re.compile(rf"^(?:(?:{_WEIGHT_WORDS}) )?(kg|kgs|lb|lbs)$")

# Modern Strong exports have these 12 columns in this order in every language; an unknown
# language is still readable by position when its header has 12 columns ending in RPE.
STRONG_POSITIONAL = (
    "date",
    "workout_name",
    "duration",
    "exercise",
    "set_order",
    "weight",
    "reps",
    "distance",
    "seconds",
    "notes",
    "workout_notes",
    "rpe",
)

# Non-set rows of Strong (rest timers, notes), in several languages. Other non-numeric
# set-order values without weight and reps are treated the same way.
STRONG_NON_SET_ROWS = _names(
    "Rest Timer",
    "Note",
    "Notes",
    "Ruhezeit",
    "Pausentimer",
    "Notiz",
    "Minuteur de repos",
    "Temps de repos",
    "Repos",
    "Remarque",
    "Temporizador de descanso",
    "Descanso",
    "Nota",
    "Timer di recupero",
    "Recupero",
    "Cronômetro de descanso",
    "Temporizador de repouso",
    "Rusttimer",
    "Dinlenme Zamanlayıcısı",
)

HEVY_COLUMNS = {
    "title",
    "start_time",
    "end_time",
    "description",
    "exercise_title",
    "superset_id",
    "exercise_notes",
    "set_index",
    "set_type",
    "weight_kg",
    "weight_lbs",
    "weight_lb",
    "reps",
    "distance_km",
    "distance_miles",
    "duration_seconds",
    "rpe",
}
NORMALIZED_COLUMNS = (
    "date",
    "workout",
    "exercise",
    "set_order",
    "weight_kg",
    "reps",
    "rpe",
    "set_type",
)


def strong_column_map(header: list[str]) -> tuple[dict[str, int], str | None]:
    """Canonical name → index for a Strong header, and the unit a weight header names."""
    found: dict[str, int] = {}
    header_unit = None
    for index, name in enumerate(header):
        key = fold(name)
        unit_match = WEIGHT_WITH_UNIT.match(key)
        if unit_match and "weight" not in found:
            found["weight"] = index
            header_unit = "lb" if unit_match.group(1).startswith("lb") else "kg"
            continue
        if key in ("duration sec", "dauer sek", "duree sec") and "duration" not in found:
            found["duration_seconds"] = index
            continue
        for column, names in STRONG_COLUMNS.items():
            if key in names and column not in found:
                found[column] = index
                break
    if _needs_positional(found, header):
        found = {name: i for i, name in enumerate(STRONG_POSITIONAL)}
    return found, header_unit


def _needs_positional(found: dict[str, int], header: list[str]) -> bool:
    required = {"date", "exercise", "set_order", "weight", "reps"}
    return (
        not required <= found.keys()
        and len(header) == len(STRONG_POSITIONAL)
        and fold(header[-1]) == "rpe"
    )
