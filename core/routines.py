"""Routines: a workout saved as a plan, and new workouts started from a plan.

A plan is a list of ``PlannedExercise`` (exercise, set count, target reps). It comes from a
routine or from the last workout of a name ("wie letztes Mal"); starting from it creates the
workout with every exercise in place and its planned set count, before the first set.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db import transaction

from core.models import (
    PLANNED_SETS_MAX,
    Routine,
    RoutineExercise,
    Satz,
    Trainingseinheit,
    WorkoutExercise,
)
from core.workout_plan import PlannedExercise, add_exercises, ordered_uebung_ids

REPEAT_CANDIDATES = 6


def plan_of_workout(einheit: Trainingseinheit) -> list[PlannedExercise]:
    """What the workout did, as a plan: exercises in order, work sets, most frequent reps.

    Warm-up sets are not counted: "3 sets" in a routine means work sets. An exercise that was
    planned but has fewer sets keeps its planned count.
    """
    entries = list(WorkoutExercise.objects.filter(einheit=einheit))
    sets = list(
        Satz.objects.filter(einheit=einheit).only("id", "uebung_id", "wiederholungen", "set_type")
    )
    planned = {e.uebung_id: e for e in entries}
    work: dict[int, list[int]] = {}
    for satz in sets:
        if satz.set_type != Satz.SetType.WARMUP:
            work.setdefault(satz.uebung_id, []).append(satz.wiederholungen)
    plan = []
    for uebung_id in ordered_uebung_ids(entries, sets):
        reps = [r for r in work.get(uebung_id, []) if r > 0]
        entry = planned.get(uebung_id)
        n_sets = max(len(work.get(uebung_id, [])), entry.planned_sets if entry else 0)
        target = Counter(reps).most_common(1)[0][0] if reps else None
        if target is None and entry is not None:
            target = entry.target_reps
        plan.append(PlannedExercise(uebung_id, min(max(n_sets, 1), PLANNED_SETS_MAX), target))
    return plan


def plan_of_routine(routine: Routine) -> list[PlannedExercise]:
    return [
        PlannedExercise(e.uebung_id, e.sets, e.target_reps)
        for e in routine.exercises.order_by("position", "id")
    ]


@transaction.atomic
def save_routine(user, name: str, plan: list[PlannedExercise], notes: str = "") -> Routine:
    """A new routine of ``name`` with the plan's exercises (IntegrityError if the name exists)."""
    routine = Routine.objects.create(user=user, name=name, notes=notes)
    RoutineExercise.objects.bulk_create(
        RoutineExercise(
            routine=routine,
            uebung_id=item.uebung_id,
            position=position,
            sets=min(max(item.sets, 1), PLANNED_SETS_MAX),
            target_reps=item.target_reps,
        )
        for position, item in enumerate(plan, start=1)
    )
    return routine


@transaction.atomic
def start_workout(
    user, datum: datetime, name: str, plan: list[PlannedExercise]
) -> Trainingseinheit:
    """A new workout with the plan's exercises in order (IntegrityError if ``datum`` is taken)."""
    einheit = Trainingseinheit.objects.create(user=user, datum=datum, name=name)
    add_exercises(einheit, plan)
    return einheit


def repeat_candidates(user, limit: int = REPEAT_CANDIDATES) -> list[Trainingseinheit]:
    """The latest workout of each of the lifter's most recent workout names."""
    latest: dict[str, Trainingseinheit] = {}
    recent = Trainingseinheit.objects.filter(user=user).exclude(name="").order_by("-datum")
    for einheit in recent.only("id", "name", "datum")[: limit * 20]:
        latest.setdefault(einheit.name, einheit)
        if len(latest) == limit:
            break
    return list(latest.values())
