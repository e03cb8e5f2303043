"""A lifter's workouts with their exercises and sets, in chunks: what both exports walk through.

Workouts are read in chunks of ``CHUNK`` (oldest first) with one query for their plan rows and
one for their sets each, so an export of 600 workouts and 20,000 sets streams in bounded
memory. Exercises come in the workout's own order (``core.workout_plan.ordered_uebung_ids``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from core.models import Satz, Trainingseinheit, Uebung, WorkoutExercise
from core.workout_plan import ordered_uebung_ids

CHUNK = 200


@dataclass
class ExerciseSets:
    uebung: Uebung
    entry: WorkoutExercise | None  # position, planned sets, target reps, note
    saetze: list[Satz] = field(default_factory=list)

    @property
    def notes(self) -> str:
        return self.entry.notes if self.entry else ""


@dataclass
class WorkoutSets:
    einheit: Trainingseinheit
    exercises: list[ExerciseSets] = field(default_factory=list)


def workouts_with_sets(user) -> Iterator[WorkoutSets]:
    """The user's workouts, oldest first, each with its exercises (in order) and their sets."""
    workouts = Trainingseinheit.objects.filter(user=user).order_by("datum", "pk")
    ids = list(workouts.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        entries: dict[int, list[WorkoutExercise]] = {pk: [] for pk in chunk}
        sets: dict[int, list[Satz]] = {pk: [] for pk in chunk}
        rows = WorkoutExercise.objects.filter(einheit_id__in=chunk).select_related("uebung")
        for entry in rows:
            entries[entry.einheit_id].append(entry)
        for satz in Satz.objects.filter(einheit_id__in=chunk).select_related("uebung"):
            sets[satz.einheit_id].append(satz)
        for einheit in workouts.filter(pk__in=chunk):
            yield _workout(einheit, entries[einheit.pk], sets[einheit.pk])


def _workout(einheit, entries: list[WorkoutExercise], saetze: list[Satz]) -> WorkoutSets:
    by_uebung = {e.uebung_id: ExerciseSets(e.uebung, e) for e in entries}
    for satz in saetze:
        by_uebung.setdefault(satz.uebung_id, ExerciseSets(satz.uebung, None)).saetze.append(satz)
    workout = WorkoutSets(einheit)
    for uebung_id in ordered_uebung_ids(entries, saetze):
        exercise = by_uebung[uebung_id]
        exercise.saetze.sort(key=lambda s: s.satz_nr)
        workout.exercises.append(exercise)
    return workout
