"""What a lifter meets: a typo, a bodyweight exercise, reps that fit the weight, the next set,
and the shipped prior on a one-lifter instance."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Satz, Trainingseinheit
from ml_coach.ml_trainer import train_and_store
from ml_coach.prediction_service import MLPredictor
from ml_coach.prior import PRIOR_ID
from tests.factories import linear_progression, log_history, make_uebung

pytestmark = pytest.mark.django_db


def workout(user, days_ago: float = 0, name: str = "Beine") -> Trainingseinheit:
    return Trainingseinheit.objects.create(
        user=user, datum=timezone.now() - timedelta(days=days_ago), name=name
    )


def log(einheit, uebung, weight, reps, rpe=None, nr=None):
    return Satz.objects.create(
        einheit=einheit,
        uebung=uebung,
        gewicht=Decimal(str(weight)),
        wiederholungen=reps,
        rpe=Decimal(str(rpe)) if rpe is not None else None,
        satz_nr=nr,
    )


def test_a_confirmed_1000_kg_typo_does_not_move_the_coach(user_a):
    squat = make_uebung("Kniebeuge (Test)")
    log_history(user_a, squat, [100.0] * 6 + [102.5] * 6, reps=5, warmup=False)
    typo = workout(user_a, days_ago=0.5)
    log(typo, squat, 1000, 5)  # kept in the log: the lifter confirmed it
    rec = MLPredictor(user_id=user_a.pk).recommend(squat.pk)
    assert Satz.objects.filter(uebung=squat, gewicht=1000).exists()
    assert 95 <= rec.weight_kg <= 110
    train_and_store(user_a.pk, squat.pk)
    assert 95 <= MLPredictor(user_id=user_a.pk).recommend(squat.pk).weight_kg <= 110


def test_bodyweight_exercises_get_reps_not_zero_kg(user_a):
    pullups = make_uebung("Klimmzüge (Test)")
    log_history(user_a, pullups, [0.0] * 5, reps=10, warmup=False)
    rec = MLPredictor(user_id=user_a.pk).recommend(pullups.pk)
    assert rec.bodyweight and rec.reps == 10
    assert "0 kg" not in rec.explanation
    today = workout(user_a)
    log(today, pullups, 0, 8)
    later = MLPredictor(user_id=user_a.pk).recommend(pullups.pk, einheit=today.pk)
    assert later.bodyweight and later.set_number == 2 and later.reps == 8


@pytest.mark.parametrize(
    "tops", [[100.0] * 12, linear_progression(12, start=60, every=2), [80, 85, 80, 85] * 3]
)
def test_the_explanation_and_the_recommendation_agree(user_a, tops):
    """ "letztes Mal 3×5 → ±0 kg" above the same weight and about the same reps; heavier
    never asks for more reps than last time, lighter never for fewer."""
    bench = make_uebung("Bank (Test)")
    log_history(user_a, bench, tops, reps=5, warmup=False)
    train_and_store(user_a.pk, bench.pk)
    rec = MLPredictor(user_id=user_a.pk).recommend(bench.pk)
    delta = re.search(r"→ ([+−±])", rec.explanation).group(1)
    last = float(tops[-1])
    if delta == "±":
        assert rec.weight_kg == pytest.approx(last) and rec.reps == 5
    elif delta == "+":
        assert rec.weight_kg > last and rec.reps <= 5
    else:
        assert rec.weight_kg < last and rec.reps >= 5
    assert "3×5" in rec.explanation


def test_the_next_set_follows_what_the_lifter_just_did(user_a):
    """Weeks of 100 × 8 @ RPE 8; today set 1 is 100 × 4 @ RPE 10: set 2 is not heavier and
    asks for fewer reps or less weight. After 100 × 10 @ RPE 6 it does not ask for less."""
    bench = make_uebung("Bank (Test)")
    log_history(user_a, bench, [100.0] * 8, reps=8, rpe=Decimal("8"), warmup=False, days_apart=7)
    train_and_store(user_a.pk, bench.pk)
    hard = workout(user_a, name="Push")
    log(hard, bench, 100, 4, rpe=10)
    rec = MLPredictor(user_id=user_a.pk).recommend(bench.pk, einheit=hard.pk)
    assert rec.set_number == 2 and rec.weight_kg <= 100
    assert rec.reps < 8 or rec.weight_kg < 100
    assert rec.explanation.startswith("Satz 1: 100 × 4 @ RPE 10 →")
    hard.delete()
    good = workout(user_a, name="Push")
    log(good, bench, 100, 10, rpe=6)
    rec = MLPredictor(user_id=user_a.pk).recommend(bench.pk, einheit=good.pk)
    assert rec.set_number == 2 and rec.weight_kg >= 100


def test_warmups_do_not_count_as_set_one(user_a):
    bench = make_uebung("Bank (Test)")
    log_history(user_a, bench, [60.0] * 4, reps=8, warmup=False)
    today = workout(user_a)
    Satz.objects.create(
        einheit=today, uebung=bench, gewicht=30, wiederholungen=10, set_type=Satz.SetType.WARMUP
    )
    rec = MLPredictor(user_id=user_a.pk).recommend(bench.pk, einheit=today.pk)
    assert rec.set_number == 1 and rec.weight_kg == 60


def test_a_foreign_workout_is_ignored(user_a, user_b):
    bench = make_uebung("Bank (Test)")
    log_history(user_a, bench, [60.0] * 4, reps=8, warmup=False)
    theirs = workout(user_b)
    rec = MLPredictor(user_id=user_a.pk).recommend(bench.pk, einheit=theirs.pk)
    assert rec.set_number is None


def test_one_lifter_is_judged_with_the_shipped_prior(user_a):
    """No other lifter on the instance: the prior (which never saw this lifter) is judged on
    the lifter's own past, and the row says so."""
    squat = make_uebung("Kniebeuge (Test)")
    log_history(user_a, squat, linear_progression(30, start=60, every=2), reps=5, warmup=False)
    row = train_and_store(user_a.pk, squat.pk)
    assert row.parameters["population_id"] == PRIOR_ID
    assert row.parameters["judged_rows"] == 29 and row.parameters["past_mae"] is not None
    assert row.parameters["set_judged"] > 0


def test_a_workouts_past_is_read_again_when_a_set_outside_it_changes(user_a):
    """The past of a running workout is kept per process; a set added to or deleted from an
    earlier workout is seen at once."""
    bench = make_uebung("Bank (Test)")
    log_history(user_a, bench, [60.0] * 4, reps=8, warmup=False)
    today = workout(user_a)
    assert MLPredictor(user_id=user_a.pk).recommend(bench.pk, einheit=today.pk).weight_kg == 60
    Satz.objects.filter(uebung=bench).exclude(einheit=today).delete()
    log_history(
        user_a, bench, [80.0] * 4, reps=8, warmup=False, start=today.datum - timedelta(days=20)
    )
    assert MLPredictor(user_id=user_a.pk).recommend(bench.pk, einheit=today.pk).weight_kg == 80


def test_smoothed_reps_are_named_in_the_explanation(user_a):
    """Same weight, reps 7, 8, 6 in the last three sessions: the coach asks for the median 7
    and says so next to "letztes Mal 3×6" — a number on the card never comes from nowhere."""
    bench = make_uebung("Bank (Test)")
    for i, reps in enumerate((8, 8, 6, 7, 8, 6)):
        log_history(
            user_a,
            bench,
            [60.0],
            reps=reps,
            warmup=False,
            start=timezone.now() - timedelta(days=30 - 3 * i),
        )
    rec = MLPredictor(user_id=user_a.pk).recommend(bench.pk)
    assert rec.weight_kg == 60 and rec.reps == 7
    assert rec.explanation.startswith("letztes Mal 3×6 → ±0 kg")
    assert rec.explanation.endswith("· Wdh wie meist zuletzt: 7")


def test_a_workouts_past_is_read_again_when_an_earlier_set_is_edited(user_a):
    bench = make_uebung("Bank (Test)")
    log_history(user_a, bench, [60.0] * 4, reps=8, warmup=False)
    today = workout(user_a)
    assert MLPredictor(user_id=user_a.pk).recommend(bench.pk, einheit=today.pk).weight_kg == 60
    Satz.objects.filter(uebung=bench).exclude(einheit=today).update(gewicht=Decimal("70"))
    assert MLPredictor(user_id=user_a.pk).recommend(bench.pk, einheit=today.pk).weight_kg == 70
