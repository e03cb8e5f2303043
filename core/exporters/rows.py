"""A lifter's workouts with their sets, in chunks: what both exports walk through.

Workouts are read in chunks of ``CHUNK`` (oldest first) with one query for their sets each,
so an export of 600 workouts and 20,000 sets streams in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from core.models import Satz, Trainingseinheit

CHUNK = 200


@dataclass
class WorkoutSets:
    einheit: Trainingseinheit
    # Exercises in the order they were first logged in the workout, each with its sets.
    exercises: list[tuple[object, list[Satz]]] = field(default_factory=list)


def workouts_with_sets(user) -> Iterator[WorkoutSets]:
    """The user's workouts, oldest first, each with its sets grouped by exercise."""
    workouts = Trainingseinheit.objects.filter(user=user).order_by("datum", "pk")
    ids = list(workouts.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        by_id = {w.pk: WorkoutSets(w) for w in workouts.filter(pk__in=chunk)}
        groups: dict[int, dict[int, tuple[object, list[Satz]]]] = {pk: {} for pk in chunk}
        sets = Satz.objects.filter(einheit_id__in=chunk).select_related("uebung").order_by("pk")
        for satz in sets:
            groups[satz.einheit_id].setdefault(satz.uebung_id, (satz.uebung, []))[1].append(satz)
        for pk in chunk:
            for uebung, saetze in groups[pk].values():
                saetze.sort(key=lambda s: s.satz_nr)
                by_id[pk].exercises.append((uebung, saetze))
            yield by_id[pk]
