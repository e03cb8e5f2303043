"""HomeGym's own JSON export (``core.exporters.homegym_json``) back into a lifter's log.

Sets go through the same writer as every CSV import (``import_log``: one transaction,
idempotent, set numbers kept as exported); what only this format carries comes on top: the
exercises' own attributes, each workout's exercise order, plan and notes (also for exercises
without sets), routines, the lifter's own aliases, body weights and profile settings.
Exercise names are resolved like an import's (``core.aliases.resolve``).
Anything malformed is an ``ImportFormatError`` with a German message; nothing is written then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from core.aliases import remember, resolve
from core.exporters.homegym_json import FORMAT, VERSION
from core.importers.errors import ImportFormatError
from core.importers.records import ParsedLog, ParsedSet
from core.importers.text import Source, read_source
from core.importers.values import SET_TYPES
from core.importers.writer import NAME_MAX, ImportResult, import_log, local_to_utc
from core.models import (
    BAR_MAX,
    GEWICHT_MAX_KG,
    KOERPERGEWICHT_MAX_KG,
    KOERPERGEWICHT_MIN_KG,
    PLANNED_SETS_MAX,
    REST_MAX_SECONDS,
    WIEDERHOLUNGEN_MAX,
    DisplayUnit,
    Koerpergewicht,
    Routine,
    RoutineExercise,
    Trainingseinheit,
    Uebung,
    UserProfile,
    WorkoutExercise,
)

PROFILE_FIELDS = ("display_unit", "language", "plate_unit")


def looks_like_homegym_json(text: str) -> bool:
    return text.lstrip().startswith("{")


@dataclass
class HomegymImport:
    """What a JSON import changed beyond the sets."""

    result: ImportResult
    exercises_created: int = 0
    body_weights_created: int = 0
    empty_workouts_created: int = 0
    routines_created: int = 0

    def lines(self) -> list[str]:
        return [
            f"Eigene Übungen angelegt: {self.exercises_created}",
            f"Körpergewichte importiert: {self.body_weights_created}",
            f"Trainings ohne Sätze angelegt: {self.empty_workouts_created}",
            f"Routinen angelegt: {self.routines_created}",
        ]


def _fail(where: str, message: str) -> ImportFormatError:
    return ImportFormatError(0, f"{where}: {message}")


def _decimal(value, where: str, low: Decimal, high: Decimal, *, optional=False) -> Decimal | None:
    if value is None and optional:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _fail(where, f"'{value}' ist keine Zahl") from None
    if not number.is_finite() or not low <= number <= high:
        raise _fail(where, f"{value} liegt nicht zwischen {low} und {high}")
    return number


def _load(source: Source) -> dict:
    text = read_source(source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(exc.lineno, f"kein gültiges JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportFormatError(0, 'keine HomeGym-JSON-Datei ("format": "homegym" fehlt)')
    if data.get("version") != VERSION:
        raise ImportFormatError(
            0, f"Version {data.get('version')!r} wird nicht unterstützt (erwartet {VERSION})"
        )
    return data


def _small_int(value, where: str, low: int, high: int, *, optional=False) -> int | None:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _fail(where, f"{value!r} ist keine ganze Zahl von {low} bis {high}")
    return value


def _plan_items(items: list, where: str) -> list[dict]:
    """A workout's or a routine's exercises: name, set count, target reps, note."""
    plan = []
    for index, item in enumerate(items, start=1):
        at = f"{where}, Übung {index}"
        if not isinstance(item, dict) or not str(item.get("exercise") or "").strip():
            raise _fail(at, "Übung fehlt")
        sets = item.get("planned_sets", item.get("sets", 0))
        plan.append(
            {
                "exercise": str(item["exercise"]).strip()[:NAME_MAX],
                "sets": _small_int(sets, at, 0, PLANNED_SETS_MAX),
                "target_reps": _small_int(
                    item.get("target_reps"), at, 1, WIEDERHOLUNGEN_MAX, optional=True
                ),
                "notes": str(item.get("notes") or ""),
            }
        )
    return plan


Plans = list[tuple[datetime, list[dict]]]


def _parsed_sets(workouts: list) -> tuple[list[ParsedSet], list[tuple[datetime, dict]], Plans]:
    parsed: list[ParsedSet] = []
    heads: list[tuple[datetime, dict]] = []
    plans: Plans = []
    for w_index, workout in enumerate(workouts, start=1):
        where = f"Training {w_index}"
        if not isinstance(workout, dict):
            raise _fail(where, "kein Objekt")
        try:
            started = datetime.fromisoformat(str(workout.get("started_at")))
        except ValueError:
            raise _fail(where, f"Beginn '{workout.get('started_at')}' ist kein ISO-Datum") from None
        seconds = workout.get("duration_seconds")
        duration = None
        if seconds is not None:
            duration = timedelta(
                seconds=float(_decimal(seconds, where, Decimal(0), Decimal(10**6)))
            )
        name = str(workout.get("name") or "")[:NAME_MAX]
        notes = str(workout.get("notes") or "")
        heads.append((started, {"name": name, "notes": notes, "duration": duration}))
        plans.append((started, _plan_items(workout.get("exercises") or [], where)))
        for s_index, item in enumerate(workout.get("sets") or [], start=1):
            at = f"{where}, Satz {s_index}"
            if not isinstance(item, dict) or not str(item.get("exercise") or "").strip():
                raise _fail(at, "Übung fehlt")
            reps = item.get("reps")
            if reps is not None and (
                not isinstance(reps, int) or not 1 <= reps <= WIEDERHOLUNGEN_MAX
            ):
                raise _fail(at, f"Wiederholungen {reps!r} nicht zwischen 1 und 200")
            set_nr = item.get("set_nr")
            if not isinstance(set_nr, int) or not 1 <= set_nr <= 32767:
                raise _fail(at, f"Satz-Nr. {set_nr!r} ungültig")
            set_type = item.get("set_type") or "normal"
            if set_type not in SET_TYPES:
                raise _fail(at, f"unbekannte Satzart '{set_type}'")
            weight = _decimal(item.get("weight_kg"), at, Decimal(0), GEWICHT_MAX_KG)
            rpe = _decimal(item.get("rpe"), at, Decimal(1), Decimal(10), optional=True)
            parsed.append(
                ParsedSet(
                    line=0,
                    started_at=started,
                    workout_name=name,
                    exercise=str(item["exercise"]).strip()[:NAME_MAX],
                    set_order=set_nr,
                    weight_kg=float(weight),
                    reps=reps,
                    rpe=float(rpe) if rpe is not None else None,
                    set_type=set_type,
                    workout_duration=duration,
                    workout_notes=notes,
                )
            )
    return parsed, heads, plans


def _own_exercises(user, exercises: list) -> int:
    """Creates the lifter's own exercises (and catalogue ones this instance lacks)."""
    catalogue = set(Uebung.objects.filter(owner__isnull=True).values_list("name", flat=True))
    own = set(Uebung.objects.filter(owner=user).values_list("name", flat=True))
    created = 0
    for index, item in enumerate(exercises, start=1):
        where = f"Übung {index}"
        name = str((item or {}).get("name") or "").strip()[:NAME_MAX]
        if not name:
            raise _fail(where, "Name fehlt")
        if name in own or (item.get("catalogue") and name in catalogue):
            continue
        equipment = item.get("equipment") or Uebung.Equipment.OTHER
        muscle = item.get("muscle_group") or Uebung.MuscleGroup.OTHER
        if equipment not in Uebung.Equipment.values or muscle not in Uebung.MuscleGroup.values:
            raise _fail(where, f"Ausrüstung/Muskelgruppe von '{name}' unbekannt")
        increment = _decimal(item.get("increment_kg", "2.5"), where, Decimal("0.1"), Decimal(50))
        Uebung.objects.create(
            owner=user,
            name=name,
            equipment=equipment,
            muscle_group=muscle,
            increment_kg=increment,
            is_bodyweight=bool(item.get("is_bodyweight")),
        )
        own.add(name)
        created += 1
    return created


def _profile(user, data: dict) -> None:
    if not isinstance(data, dict):
        return
    profile, _ = UserProfile.objects.get_or_create(user=user)
    for name in PROFILE_FIELDS:
        value = data.get(name)
        choices = {c for c, _ in profile._meta.get_field(name).choices}
        if value is not None and value in choices:
            setattr(profile, name, value)
    for name in ("rest_seconds_barbell", "rest_seconds_other"):
        if data.get(name) is not None:
            value = _decimal(data[name], "Profil", Decimal(0), Decimal(REST_MAX_SECONDS))
            setattr(profile, name, int(value))
    profile.bar_weight = _decimal(
        data.get("bar_weight"), "Profil", Decimal(0), BAR_MAX, optional=True
    )
    plates = []
    for item in data.get("plates") or []:
        weight = _decimal(item[0], "Profil, Scheiben", Decimal("0.001"), Decimal(100))
        plates.append([f"{weight.normalize():f}", int(item[1])])
    profile.plates = plates
    if profile.plate_unit not in DisplayUnit.values:
        profile.plate_unit = DisplayUnit.KG
    try:
        profile.full_clean(exclude=["user"])
    except ValidationError as exc:
        raise _fail("Profil", "; ".join(exc.messages)) from None
    profile.save()


def _body_weights(user, readings: list) -> int:
    existing = set(Koerpergewicht.objects.filter(user=user).values_list("datum", flat=True))
    new = []
    for index, item in enumerate(readings, start=1):
        where = f"Körpergewicht {index}"
        try:
            day = date.fromisoformat(str(item.get("date")))
        except (ValueError, AttributeError):
            raise _fail(where, "Datum fehlt oder ist kein ISO-Datum") from None
        kg = _decimal(item.get("weight_kg"), where, KOERPERGEWICHT_MIN_KG, KOERPERGEWICHT_MAX_KG)
        if day not in existing:
            existing.add(day)
            new.append(Koerpergewicht(user=user, datum=day, gewicht=kg))
    Koerpergewicht.objects.bulk_create(new)
    return len(new)


def _empty_workouts(user, heads: list[tuple[datetime, dict]]) -> int:
    existing = set(Trainingseinheit.objects.filter(user=user).values_list("datum", flat=True))
    new = [
        Trainingseinheit(user=user, datum=local_to_utc(start), **fields)
        for start, fields in heads
        if local_to_utc(start) not in existing
    ]
    Trainingseinheit.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _exercise_ids(user, names) -> dict[str, int]:
    """Name → exercise id, as an import resolves names; an unknown name is an error."""
    names = set(names)
    found = {name: match.uebung_id for name, match in resolve(user, names).items()}
    unknown = sorted(names - found.keys())
    if unknown:
        raise _fail("Übungen", f"unbekannt: {', '.join(unknown[:5])}")
    return found


def _workout_plans(user, plans: Plans) -> None:
    """Each workout's exercises in the exported order, with their plan and note."""
    ids = _exercise_ids(user, [item["exercise"] for _, items in plans for item in items])
    starts = {local_to_utc(start): items for start, items in plans if items}
    einheiten = dict(
        Trainingseinheit.objects.filter(user=user, datum__in=list(starts)).values_list(
            "datum", "pk"
        )
    )
    existing = {
        (e.einheit_id, e.uebung_id): e
        for e in WorkoutExercise.objects.filter(einheit_id__in=einheiten.values())
    }
    changed, new = [], []
    for datum, pk in einheiten.items():
        for position, item in enumerate(starts[datum], start=1):
            entry = existing.get((pk, ids[item["exercise"]]))
            if entry is None:
                entry = WorkoutExercise(einheit_id=pk, uebung_id=ids[item["exercise"]])
                new.append(entry)
            else:
                changed.append(entry)
            entry.position = position
            entry.planned_sets = item["sets"]
            entry.target_reps = item["target_reps"]
            entry.notes = item["notes"]
    fields = ["position", "planned_sets", "target_reps", "notes"]
    WorkoutExercise.objects.bulk_update(changed, fields, batch_size=1000)
    WorkoutExercise.objects.bulk_create(new, batch_size=1000)


def _routines(user, routines: list) -> int:
    """Routines the lifter does not have yet (by name), with their exercises."""
    have = set(Routine.objects.filter(user=user).values_list("name", flat=True))
    items = []
    for index, routine in enumerate(routines, start=1):
        where = f"Routine {index}"
        name = str((routine or {}).get("name") or "").strip()[:NAME_MAX]
        if not name:
            raise _fail(where, "Name fehlt")
        items.append(
            (
                name,
                str(routine.get("notes") or ""),
                _plan_items(routine.get("exercises") or [], where),
            )
        )
    ids = _exercise_ids(user, [i["exercise"] for _, _, plan in items for i in plan])
    created = 0
    for name, notes, plan in items:
        if name in have:
            continue
        have.add(name)
        new = Routine.objects.create(user=user, name=name, notes=notes)
        RoutineExercise.objects.bulk_create(
            RoutineExercise(
                routine=new,
                uebung_id=ids[item["exercise"]],
                position=position,
                sets=max(item["sets"], 1),
                target_reps=item["target_reps"],
            )
            for position, item in enumerate(plan, start=1)
        )
        created += 1
    return created


def _aliases(user, aliases: list) -> None:
    for index, item in enumerate(aliases, start=1):
        name = str((item or {}).get("name") or "").strip()
        target = str((item or {}).get("exercise") or "").strip()
        if not name or not target:
            raise _fail(f"Alias {index}", "Name oder Übung fehlt")
        uebung_id = _exercise_ids(user, [target])[target]
        remember(user, name, Uebung.objects.get(pk=uebung_id))


def import_homegym(user, source: Source, *, caller_trains: bool = False) -> HomegymImport:
    """Import a HomeGym JSON export for ``user``: all of it or, on any error, nothing.

    ``caller_trains``: as for ``import_log`` (the caller has the models trained itself).
    """
    data = _load(source)
    parsed, heads, plans = _parsed_sets(data.get("workouts") or [])
    with transaction.atomic():
        exercises_created = _own_exercises(user, data.get("exercises") or [])
        result = import_log(
            user, ParsedLog(format="homegym", sets=parsed), caller_trains=caller_trains
        )
        empty = _empty_workouts(user, heads)
        _workout_plans(user, plans)
        routines = _routines(user, data.get("routines") or [])
        _aliases(user, data.get("aliases") or [])
        body_weights = _body_weights(user, data.get("body_weights") or [])
        _profile(user, data.get("profile") or {})
    return HomegymImport(result, exercises_created, body_weights, empty, routines)
