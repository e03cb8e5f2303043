"""HomeGym's own JSON export: everything a lifter owns, to move to another instance.

Schema version 1 (``"format": "homegym"``, ``"version": 1``):

- ``profile``: display unit, language, rest times, plate unit, bar and plates.
- ``exercises``: every exercise the log refers to plus the lifter's own ones, with
  ``catalogue`` (true: from the instance's catalogue, matched by name on import).
- ``workouts``: start (ISO 8601 with offset), name, notes, duration in seconds, the exercises
  in their order (name, planned sets, target reps, note — also those without sets yet) and the
  sets in order (exercise name, set number, weight in kg as a decimal string, reps or null,
  RPE as a decimal string or null, set type).
- ``routines``: name, notes and their exercises (name, sets, target reps) in order.
- ``aliases``: the lifter's own names for exercises (from merges and imports).
- ``body_weights``: date and weight in kg (decimal string).

Weights are strings so that no float rounding touches a gram. The document is produced in
pieces (``json_chunks``) so a large log streams.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone

from core.exporters.rows import workouts_with_sets
from core.models import Koerpergewicht, Routine, Satz, Uebung, UebungAlias, UserProfile

FORMAT = "homegym"
VERSION = 1


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value).normalize():f}"


def profile_data(user) -> dict:
    profile, _ = UserProfile.objects.get_or_create(user=user)
    return {
        "display_unit": profile.display_unit,
        "language": profile.language,
        "rest_seconds_barbell": profile.rest_seconds_barbell,
        "rest_seconds_other": profile.rest_seconds_other,
        "plate_unit": profile.plate_unit,
        "bar_weight": decimal_text(profile.bar_weight),
        "plates": [[str(w), int(n)] for w, n in profile.plates or []],
    }


def exercise_data(uebung: Uebung) -> dict:
    return {
        "name": uebung.name,
        "catalogue": uebung.owner_id is None,
        "muscle_group": uebung.muscle_group,
        "equipment": uebung.equipment,
        "increment_kg": decimal_text(uebung.increment_kg),
        "is_bodyweight": uebung.is_bodyweight,
    }


def set_data(uebung: Uebung, satz: Satz) -> dict:
    return {
        "exercise": uebung.name,
        "set_nr": satz.satz_nr,
        "weight_kg": decimal_text(satz.gewicht),
        "reps": satz.wiederholungen,
        "rpe": decimal_text(satz.rpe),
        "set_type": satz.set_type,
    }


def workout_data(workout) -> dict:
    einheit = workout.einheit
    return {
        "started_at": timezone.localtime(einheit.datum).isoformat(),
        "name": einheit.name,
        "notes": einheit.notes,
        "duration_seconds": einheit.duration.total_seconds() if einheit.duration else None,
        "exercises": [
            {
                "exercise": e.uebung.name,
                "planned_sets": e.entry.planned_sets if e.entry else 0,
                "target_reps": e.entry.target_reps if e.entry else None,
                "notes": e.notes,
            }
            for e in workout.exercises
        ],
        "sets": [set_data(e.uebung, s) for e in workout.exercises for s in e.saetze],
    }


def routine_data(routine: Routine) -> dict:
    return {
        "name": routine.name,
        "notes": routine.notes,
        "exercises": [
            {"exercise": r.uebung.name, "sets": r.sets, "target_reps": r.target_reps}
            for r in routine.exercises.all()
        ],
    }


def json_chunks(user) -> Iterator[str]:
    """The JSON document in pieces: head, one piece per workout, the tail."""
    routines = Routine.objects.filter(user=user).prefetch_related("exercises__uebung")
    aliases = UebungAlias.objects.filter(owner=user).select_related("uebung").order_by("key")
    exercises = {u.pk: u for u in Uebung.objects.filter(owner=user)}
    for used in (
        Uebung.objects.filter(saetze__einheit__user=user),
        Uebung.objects.filter(workout_entries__einheit__user=user),
        Uebung.objects.filter(routine_entries__routine__user=user),
        Uebung.objects.filter(aliases__owner=user),
    ):
        exercises.update({u.pk: u for u in used.distinct()})
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.localtime().isoformat(),
        "username": user.get_username(),
        "profile": profile_data(user),
        "exercises": [exercise_data(u) for u in sorted(exercises.values(), key=lambda u: u.name)],
        "routines": [routine_data(r) for r in routines],
        "aliases": [
            {"name": a.name, "exercise": a.uebung.name, "language": a.language} for a in aliases
        ],
        "body_weights": [
            {"date": r.datum.isoformat(), "weight_kg": decimal_text(r.gewicht)}
            for r in Koerpergewicht.objects.filter(user=user).order_by("datum")
        ],
    }
    text = json.dumps(head, ensure_ascii=False, indent=1)
    yield text[: text.rindex("}")].rstrip() + ',\n "workouts": [\n'
    for index, workout in enumerate(workouts_with_sets(user)):
        piece = json.dumps(workout_data(workout), ensure_ascii=False)
        yield ("  " if index == 0 else ",\n  ") + piece
    yield "\n ]\n}\n"
