"""Routines and "wie letztes Mal": plans from workouts and routines, workouts from plans."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung, WorkoutExercise
from core.routines import (
    plan_of_routine,
    plan_of_workout,
    repeat_candidates,
    save_routine,
    start_workout,
)
from core.workout_plan import PlannedExercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def push(user_a):
    bench = Uebung.objects.create(name="Bank")
    press = Uebung.objects.create(name="Presse")
    dips = Uebung.objects.create(name="Dips ohne Sätze")
    einheit = Trainingseinheit.objects.create(
        user=user_a, datum=timezone.now() - timedelta(days=2), name="Push"
    )
    rows = [
        (press, 1, 8, "normal"),
        (bench, 1, 10, "warmup"),
        (bench, 2, 5, "normal"),
        (bench, 3, 5, "normal"),
        (bench, 4, 4, "normal"),
        (press, 2, 8, "normal"),
    ]
    for uebung, nr, reps, kind in rows:
        Satz.objects.create(
            einheit=einheit,
            uebung=uebung,
            satz_nr=nr,
            gewicht=50,
            wiederholungen=reps,
            set_type=kind,
        )
    WorkoutExercise.objects.create(
        einheit=einheit, uebung=dips, position=9, planned_sets=3, target_reps=12
    )
    return einheit, bench, press, dips


def test_plan_of_a_workout_counts_work_sets_and_takes_the_usual_reps(push):
    einheit, bench, press, dips = push
    assert plan_of_workout(einheit) == [
        PlannedExercise(dips.pk, 3, 12),  # stored order first
        PlannedExercise(press.pk, 2, 8),  # then by first set
        PlannedExercise(bench.pk, 3, 5),  # the warm-up does not count
    ]


def test_routine_round_trip_and_start(push, user_a):
    einheit, *_ = push
    plan = plan_of_workout(einheit)
    routine = save_routine(user_a, "Push", plan)
    assert plan_of_routine(routine) == plan
    with pytest.raises(IntegrityError):
        save_routine(user_a, "Push", plan)
    started = start_workout(user_a, timezone.now(), "Push", plan_of_routine(routine))
    rows = list(started.workout_exercises.order_by("position"))
    assert [(r.uebung_id, r.planned_sets, r.target_reps) for r in rows] == [
        (p.uebung_id, p.sets, p.target_reps) for p in plan
    ]
    assert not started.saetze.exists()


def test_repeat_candidates_are_the_latest_workout_per_name(user_a, user_b):
    now = timezone.now()
    for days, name in ((9, "Push"), (7, "Pull"), (5, "Push"), (3, ""), (1, "Beine")):
        Trainingseinheit.objects.create(user=user_a, datum=now - timedelta(days=days), name=name)
    Trainingseinheit.objects.create(user=user_b, datum=now, name="Bernds")
    found = [(e.name, (now - e.datum).days) for e in repeat_candidates(user_a)]
    assert found == [("Beine", 1), ("Push", 5), ("Pull", 7)]
