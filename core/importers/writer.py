"""ParsedLog → database, in one transaction, idempotently and in bulk.

A workout is identified by (user, start) and a set by (workout, exercise, position): the
database's unique constraints. Re-importing a file therefore finds every key already there
and adds nothing. Naive start times are the lifter's local wall-clock time in
``settings.TIME_ZONE``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from core.aliases import resolve
from core.exercise_traits import guess_equipment, guess_muscle_group
from core.importers.records import ParsedLog, ParsedSet
from core.models import Satz, Trainingseinheit, Uebung, WorkoutExercise
from core.plates import infer_increment_kg
from core.signals import sets_imported

BATCH_SIZE = 1000
NAME_MAX = 200
_GRAM = Decimal("0.001")


@dataclass
class ImportResult:
    """What an import changed. ``uebung_ids``: the exercises that received new sets."""

    workouts_created: int = 0
    sets_created: int = 0
    sets_skipped_existing: int = 0
    exercises_created: int = 0
    exercises_mapped: int = 0
    uebung_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def local_to_utc(value: datetime) -> datetime:
    """A naive local time → aware UTC, deterministically across DST changes.

    ``fold=0`` picks the first of the two readings of an ambiguous autumn hour, and a time
    skipped in spring is read with the offset before the change (02:30 → 03:30 summer time).
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE), fold=0)
    return value.astimezone(UTC)


def import_log(
    user,
    parsed: ParsedLog,
    mapping: Mapping[str, int | None] | None = None,
    *,
    caller_trains: bool = False,
) -> ImportResult:
    """Write a parsed log for ``user``; nothing is written if anything fails.

    ``mapping`` (file name → exercise id, or None for "create as the lifter's own") is what
    the lifter confirmed on the import page; names it does not cover are mapped through
    ``core.aliases.resolve`` (own exercise, own alias, catalogue name, catalogue alias).
    After commit, ``core.signals.sets_imported`` is sent once (when sets were added) so the
    workers can queue one retrain per exercise instead of one per set; with
    ``caller_trains`` they queue none, because the caller has the models trained itself
    (one import, at most one training).
    """
    result = ImportResult(warnings=list(parsed.warnings))
    if not parsed.sets:
        return result
    with transaction.atomic():
        einheiten = _workouts(user, parsed.sets, result)
        uebungen = _exercises(user, parsed.sets, result, mapping or {})
        _sets(user, parsed.sets, einheiten, uebungen, result)
        if result.sets_created:
            payload = {
                "user_id": user.pk,
                "uebung_ids": list(result.uebung_ids),
                "caller_trains": caller_trains,
            }
            transaction.on_commit(lambda: sets_imported.send(sender=Satz, **payload))
    return result


def _by_start(sets: list[ParsedSet]) -> dict[datetime, ParsedSet]:
    first: dict[datetime, ParsedSet] = {}
    for parsed_set in sets:
        first.setdefault(local_to_utc(parsed_set.started_at), parsed_set)
    return first


def _workouts(user, sets: list[ParsedSet], result: ImportResult) -> dict[datetime, int]:
    """Start (UTC) → Trainingseinheit id, creating the workouts that are not there yet."""
    first = _by_start(sets)
    window = (min(first), max(first))
    existing = _workout_ids(user, window)
    new = [
        Trainingseinheit(
            user=user,
            datum=start,
            name=parsed.workout_name[:NAME_MAX],
            notes=parsed.workout_notes,
            duration=parsed.workout_duration,
        )
        for start, parsed in first.items()
        if start not in existing
    ]
    Trainingseinheit.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
    ids = _workout_ids(user, window)
    result.workouts_created = len(ids) - len(existing)
    return ids


def _workout_ids(user, window: tuple[datetime, datetime]) -> dict[datetime, int]:
    rows = Trainingseinheit.objects.filter(user=user, datum__range=window)
    return {datum.astimezone(UTC): pk for datum, pk in rows.values_list("datum", "pk")}


def _exercises(
    user, sets: list[ParsedSet], result: ImportResult, mapping: Mapping[str, int | None]
) -> dict[str, int]:
    """Exercise name → Uebung id: as confirmed, else as resolved, else a new own exercise."""
    weights: dict[str, list[float]] = defaultdict(list)
    for parsed_set in sets:
        name = parsed_set.exercise[:NAME_MAX]
        weights[name].extend([parsed_set.weight_kg] if parsed_set.weight_kg else [])
    names = list(weights)
    found = {name: m.uebung_id for name, m in resolve(user, names).items()}
    confirmed = {name: mapping[name] for name in names if name in mapping}
    _check_visible(user, {pk for pk in confirmed.values() if pk is not None})
    found.update(confirmed)
    create = [name for name in names if found.get(name) is None]
    found = {name: pk for name, pk in found.items() if pk is not None}
    result.exercises_mapped = len(found)
    new = [_new_exercise(user, name, weights[name]) for name in create]
    Uebung.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
    if new:
        created = Uebung.objects.filter(owner=user, name__in=[u.name for u in new])
        found.update(created.values_list("name", "pk"))
        result.exercises_created = len(new)
    return found


def _check_visible(user, ids: set[int]) -> None:
    """A confirmed mapping may only name the catalogue's or the lifter's own exercises."""
    visible = Uebung.objects.visible_to(user).filter(pk__in=ids)
    if len(ids) != visible.count():
        raise ValueError("Zuordnung nennt eine Übung, die es für dich nicht gibt.")


def _new_exercise(user, name: str, weights: list[float]) -> Uebung:
    equipment = guess_equipment(name)
    default = 2.0 if equipment == Uebung.Equipment.DUMBBELL else 2.5
    increment = infer_increment_kg(weights, default=default)
    return Uebung(
        owner=user,
        name=name,
        equipment=Uebung.Equipment.BODYWEIGHT if not weights else equipment,
        muscle_group=guess_muscle_group(name),
        increment_kg=Decimal(str(increment)).quantize(_GRAM),
        is_bodyweight=not weights,
    )


def _sets(user, sets, einheiten, uebungen, result: ImportResult) -> None:
    window = (min(einheiten), max(einheiten))
    existing = set(
        Satz.objects.filter(einheit__user=user, einheit__datum__range=window).values_list(
            "einheit_id", "uebung_id", "satz_nr"
        )
    )
    new: list[Satz] = []
    touched: set[int] = set()
    offsets = _position_offsets(sets, einheiten, uebungen)
    for parsed_set in sets:
        name = parsed_set.exercise[:NAME_MAX]
        einheit_id = einheiten[local_to_utc(parsed_set.started_at)]
        uebung_id = uebungen[name]
        key = (
            einheit_id,
            uebung_id,
            parsed_set.set_order + offsets.get((einheit_id, uebung_id, name), 0),
        )
        if key in existing:
            result.sets_skipped_existing += 1
            continue
        existing.add(key)
        touched.add(key[1])
        new.append(_satz(key, parsed_set))
    Satz.objects.bulk_create(new, batch_size=BATCH_SIZE)
    _workout_exercises([(s.einheit_id, s.uebung_id) for s in new])
    result.sets_created = len(new)
    result.uebung_ids = sorted(touched)


def _position_offsets(sets, einheiten, uebungen) -> dict[tuple[int, int, str], int]:
    """Where two names of a file mean one exercise ("Overhead Press" and "Military Press"),
    the second name's sets follow the first's in that workout instead of colliding with them.

    Offsets depend only on the file and the mapping, so a re-import finds the same positions.
    """
    highest: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for parsed_set in sets:
        name = parsed_set.exercise[:NAME_MAX]
        pair = (einheiten[local_to_utc(parsed_set.started_at)], uebungen[name])
        names = highest[pair]
        names[name] = max(names.get(name, 0), parsed_set.set_order)
    offsets: dict[tuple[int, int, str], int] = {}
    for pair, names in highest.items():
        if len(names) < 2:
            continue
        total = 0
        for name, top in names.items():  # file order: dicts keep insertion order
            offsets[(*pair, name)] = total
            total += top
    return offsets


def _workout_exercises(pairs: list[tuple[int, int]]) -> None:
    """Each workout's exercises get their place in file order, after any already there."""
    einheit_ids = {einheit_id for einheit_id, _ in pairs}
    existing = set(
        WorkoutExercise.objects.filter(einheit_id__in=einheit_ids).values_list(
            "einheit_id", "uebung_id"
        )
    )
    last = dict(
        WorkoutExercise.objects.filter(einheit_id__in=einheit_ids)
        .values("einheit_id")
        .annotate(m=Max("position"))
        .values_list("einheit_id", "m")
    )
    rows = []
    for pair in pairs:
        if pair in existing:
            continue
        existing.add(pair)
        last[pair[0]] = last.get(pair[0], 0) + 1
        rows.append(WorkoutExercise(einheit_id=pair[0], uebung_id=pair[1], position=last[pair[0]]))
    WorkoutExercise.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)


def _satz(key: tuple[int, int, int], parsed_set: ParsedSet) -> Satz:
    einheit_id, uebung_id, satz_nr = key
    weight = Decimal(str(parsed_set.weight_kg or 0)).quantize(_GRAM, ROUND_HALF_UP)
    rpe = None
    if parsed_set.rpe is not None:
        rpe = (Decimal(str(parsed_set.rpe)) * 2).quantize(Decimal("1"), ROUND_HALF_UP) / 2
    return Satz(
        einheit_id=einheit_id,
        uebung_id=uebung_id,
        satz_nr=satz_nr,
        gewicht=weight,
        wiederholungen=parsed_set.reps or None,  # 0 in an export: not logged
        rpe=rpe,
        set_type=parsed_set.set_type,
    )
