"""The exercises of a workout in their stored order, and changes to that order.

``WorkoutExercise`` rows hold the order, the planned sets and the notes. Sets can also reach
the database without such a row (imports of older versions, the admin, the API, a shell);
those exercises follow the stored ones, in the order of their first set, until a change to
the order writes rows for them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from core.models import Satz, Trainingseinheit, WorkoutExercise


@dataclass(frozen=True, slots=True)
class PlannedExercise:
    """One exercise of a plan: a routine's entry or a workout to repeat."""

    uebung_id: int
    sets: int = 0
    target_reps: int | None = None


def add_exercises(einheit: Trainingseinheit, plan: Iterable[PlannedExercise]) -> int:
    """Append the plan's exercises that are not in the workout yet; returns how many were new."""
    existing = set(
        WorkoutExercise.objects.filter(einheit=einheit).values_list("uebung_id", flat=True)
    )
    position = _last_position(einheit)
    new = []
    for item in plan:
        if item.uebung_id in existing:
            continue
        existing.add(item.uebung_id)
        position += 1
        new.append(
            WorkoutExercise(
                einheit=einheit,
                uebung_id=item.uebung_id,
                position=position,
                planned_sets=item.sets,
                target_reps=item.target_reps,
            )
        )
    WorkoutExercise.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def ensure_in_workout(einheit: Trainingseinheit, uebung_id: int) -> None:
    """A set was logged: its exercise keeps its place in the workout from now on."""
    add_exercises(einheit, [PlannedExercise(uebung_id)])


def _last_position(einheit: Trainingseinheit) -> int:
    result = WorkoutExercise.objects.filter(einheit=einheit).aggregate(m=Max("position"))
    return result["m"] or 0


def ordered_uebung_ids(entries: list[WorkoutExercise], sets: Iterable[Satz]) -> list[int]:
    """Stored order first, then exercises that only have sets, by their first set."""
    order = [e.uebung_id for e in sorted(entries, key=lambda e: (e.position, e.pk or 0))]
    known = set(order)
    for satz in sorted(sets, key=lambda s: s.pk):
        if satz.uebung_id not in known:
            known.add(satz.uebung_id)
            order.append(satz.uebung_id)
    return order


@transaction.atomic
def store_order(einheit: Trainingseinheit) -> list[WorkoutExercise]:
    """Rows for every exercise of the workout, numbered 1, 2, … in the order shown."""
    entries = list(WorkoutExercise.objects.select_for_update().filter(einheit=einheit))
    sets = Satz.objects.filter(einheit=einheit).only("id", "uebung_id")
    by_uebung = {e.uebung_id: e for e in entries}
    rows = []
    for position, uebung_id in enumerate(ordered_uebung_ids(entries, sets), start=1):
        row = by_uebung.get(uebung_id)
        if row is None:
            row = WorkoutExercise.objects.create(
                einheit=einheit, uebung_id=uebung_id, position=position
            )
        elif row.position != position:
            row.position = position
            row.save(update_fields=["position"])
        rows.append(row)
    return rows


def move(einheit: Trainingseinheit, uebung_id: int, step: int) -> bool:
    """Move an exercise ``step`` places (−1 up, +1 down); False when it cannot move."""
    with transaction.atomic():
        rows = store_order(einheit)
        index = next((i for i, r in enumerate(rows) if r.uebung_id == uebung_id), None)
        if index is None or not 0 <= index + step < len(rows):
            return False
        other = rows[index + step]
        row = rows[index]
        row.position, other.position = other.position, row.position
        WorkoutExercise.objects.bulk_update([row, other], ["position"])
    return True


def remove(einheit: Trainingseinheit, uebung_id: int) -> bool:
    """Take a planned exercise out of the workout; one with sets stays (False)."""
    if Satz.objects.filter(einheit=einheit, uebung_id=uebung_id).exists():
        return False
    deleted, _ = WorkoutExercise.objects.filter(einheit=einheit, uebung_id=uebung_id).delete()
    return bool(deleted)
