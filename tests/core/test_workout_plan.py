"""A workout's exercise order lives in the database: stored rows first, then sets' order."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung, WorkoutExercise
from core.workout_plan import PlannedExercise, add_exercises, move, ordered_uebung_ids, remove

pytestmark = pytest.mark.django_db


@pytest.fixture
def einheit(user_a):
    return Trainingseinheit.objects.create(user=user_a, datum=timezone.now())


def exercises(n: int) -> list[Uebung]:
    return [Uebung.objects.create(name=f"Ü{i}") for i in range(n)]


def current(einheit) -> list[int]:
    entries = list(WorkoutExercise.objects.filter(einheit=einheit))
    return ordered_uebung_ids(entries, Satz.objects.filter(einheit=einheit))


def test_sets_without_rows_follow_in_order_of_their_first_set(einheit):
    a, b, c = exercises(3)
    add_exercises(einheit, [PlannedExercise(c.pk)])
    Satz.objects.create(einheit=einheit, uebung=b, satz_nr=1, wiederholungen=5)
    Satz.objects.create(einheit=einheit, uebung=a, satz_nr=1, wiederholungen=5)
    Satz.objects.create(einheit=einheit, uebung=b, satz_nr=2, wiederholungen=5)
    assert current(einheit) == [c.pk, b.pk, a.pk]


def test_add_is_idempotent_and_appends(einheit):
    a, b = exercises(2)
    assert add_exercises(einheit, [PlannedExercise(a.pk, 3, 8)]) == 1
    assert add_exercises(einheit, [PlannedExercise(a.pk), PlannedExercise(b.pk)]) == 1
    rows = list(WorkoutExercise.objects.filter(einheit=einheit).order_by("position"))
    assert [(r.uebung_id, r.position, r.planned_sets) for r in rows] == [(a.pk, 1, 3), (b.pk, 2, 0)]


def test_move_stores_the_whole_order(einheit):
    a, b, c = exercises(3)
    add_exercises(einheit, [PlannedExercise(a.pk)])
    Satz.objects.create(einheit=einheit, uebung=b, satz_nr=1, wiederholungen=5)
    Satz.objects.create(einheit=einheit, uebung=c, satz_nr=1, wiederholungen=5)
    assert move(einheit, c.pk, -1)
    assert current(einheit) == [a.pk, c.pk, b.pk]
    assert WorkoutExercise.objects.filter(einheit=einheit).count() == 3
    assert not move(einheit, a.pk, -1)  # already first
    assert not move(einheit, b.pk, +1)  # already last


def test_remove_only_exercises_without_sets(einheit):
    a, b = exercises(2)
    add_exercises(einheit, [PlannedExercise(a.pk), PlannedExercise(b.pk)])
    Satz.objects.create(einheit=einheit, uebung=b, satz_nr=1, wiederholungen=5)
    assert remove(einheit, a.pk)
    assert not remove(einheit, b.pk)
    assert current(einheit) == [b.pk]
