"""Merging two exercises moves one lifter's sets, plans, routines and names, and retrains."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.aliases import resolve
from core.merge import MergeError, merge_exercises
from core.models import (
    Routine,
    RoutineExercise,
    Satz,
    Trainingseinheit,
    Uebung,
    UebungAlias,
    WorkoutExercise,
)
from core.signals import sets_imported

pytestmark = pytest.mark.django_db


def workout(user, days_ago: int, **sets_by_exercise) -> Trainingseinheit:
    einheit = Trainingseinheit.objects.create(
        user=user, datum=timezone.now() - timedelta(days=days_ago)
    )
    for position, (uebung, weights) in enumerate(sets_by_exercise.values(), start=1):
        WorkoutExercise.objects.create(einheit=einheit, uebung=uebung, position=position)
        for nr, weight in enumerate(weights, start=1):
            Satz.objects.create(
                einheit=einheit,
                uebung=uebung,
                satz_nr=nr,
                gewicht=Decimal(weight),
                wiederholungen=5,
            )
    return einheit


@pytest.fixture
def signals():
    received = []

    def receiver(sender, user_id, uebung_ids, **kwargs):
        received.append((user_id, uebung_ids))

    sets_imported.connect(receiver, dispatch_uid="test-merge-signal")
    yield received
    sets_imported.disconnect(dispatch_uid="test-merge-signal")


def test_own_exercise_merged_into_the_catalogue(
    catalogue, user_a, signals, django_capture_on_commit_callbacks
):
    bench = catalogue["Bankdrücken (Langhantel)"]
    imported = Uebung.objects.create(name="Bench Press", owner=user_a)
    UebungAlias.objects.create(uebung=imported, name="BP", owner=user_a)
    both = workout(user_a, 3, a=(bench, [60, 62.5]), b=(imported, [70, 72.5, 75]))
    only = workout(user_a, 1, b=(imported, [80]))
    WorkoutExercise.objects.filter(einheit=both, uebung=imported).update(notes="eng")
    routine = Routine.objects.create(user=user_a, name="Push")
    RoutineExercise.objects.create(routine=routine, uebung=imported, sets=4)

    with django_capture_on_commit_callbacks(execute=True):
        result = merge_exercises(user_a, imported, bench)

    assert (result.sets_moved, result.sets_renumbered, result.source_deleted) == (4, 3, True)
    assert not Uebung.objects.filter(pk=imported.pk).exists()
    rows = Satz.objects.filter(einheit=both, uebung=bench).order_by("satz_nr")
    assert [(s.satz_nr, float(s.gewicht)) for s in rows] == [
        (1, 60),
        (2, 62.5),
        (3, 70),
        (4, 72.5),
        (5, 75),
    ]
    assert Satz.objects.get(einheit=only).uebung == bench
    entries = WorkoutExercise.objects.filter(einheit=both)
    assert [(e.uebung_id, e.notes) for e in entries] == [(bench.pk, "eng")]
    assert RoutineExercise.objects.get(routine=routine).uebung == bench
    found = resolve(user_a, ["Bench Press", "BP"])
    assert {m.uebung_id for m in found.values()} == {bench.pk}
    assert signals == [(user_a.pk, [bench.pk])]  # one debounced retrain request, after commit


def test_catalogue_source_moves_only_this_lifters_sets(catalogue, user_a, user_b):
    squat = catalogue["Kniebeuge (Langhantel)"]
    mine = Uebung.objects.create(name="Kniebeuge", owner=user_a)
    workout(user_a, 2, a=(squat, [100]))
    theirs = workout(user_b, 2, a=(squat, [90]))
    result = merge_exercises(user_a, squat, mine)
    assert (result.sets_moved, result.source_deleted) == (1, False)
    assert Satz.objects.get(einheit__user=user_a).uebung == mine
    assert Satz.objects.get(einheit=theirs).uebung == squat
    assert resolve(user_a, ["Squat (Barbell)"])["Squat (Barbell)"].uebung_id == mine.pk
    assert resolve(user_b, ["Squat (Barbell)"])["Squat (Barbell)"].uebung_id == squat.pk


def test_merge_refuses_the_same_and_foreign_exercises(catalogue, user_a, user_b):
    bench = catalogue["Bankdrücken (Langhantel)"]
    foreign = Uebung.objects.create(name="Bernds", owner=user_b)
    with pytest.raises(MergeError, match="mit sich selbst"):
        merge_exercises(user_a, bench, bench)
    with pytest.raises(MergeError, match="anderen Benutzer"):
        merge_exercises(user_a, foreign, bench)
    with pytest.raises(MergeError, match="anderen Benutzer"):
        merge_exercises(user_a, bench, foreign)
