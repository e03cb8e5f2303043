"""Builders for the test data several test packages need: lifters, exercises, histories.

Histories come in four shapes, each for what a test exercises:

- ``log_history``: one workout per given top weight, saved set by set (signals run);
- ``log_sets``: ``n`` sets saved one by one, ``per_session`` per workout (the retrain path);
- ``log_sets_unsaved``: ``n`` sets for ``bulk_create`` (no signals, no retrain);
- ``make_history``: weekly workouts of several exercises, tidy or realistic (pages, browser).
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung

PASSWORD = "pw-test-1234"


def make_user(username: str, *, staff: bool = False, password: str = PASSWORD):
    return get_user_model().objects.create_user(username, password=password, is_staff=staff)


def make_uebung(name: str, **fields) -> Uebung:
    """A catalogue exercise (``owner=...`` for a lifter's own)."""
    return Uebung.objects.create(name=name, **fields)


def linear_progression(
    n_sessions: int, start: float = 60.0, step: float = 2.5, every: int = 3, deload_every: int = 0
) -> list[float]:
    """Top weights of a lifter who adds ``step`` every ``every`` sessions (optional deloads)."""
    weights, w = [], start
    for i in range(n_sessions):
        if i and i % every == 0:
            w += step
        if deload_every and i and i % deload_every == 0:
            w -= 2 * step
        weights.append(w)
    return weights


def log_history(
    user,
    uebung,
    top_weights,
    reps: int = 8,
    sets: int = 3,
    warmup: bool = True,
    start=None,
    days_apart: int = 3,
    rpe: Decimal | None = None,
):
    """Write one workout per top weight: an optional warm-up at half weight, then work sets."""
    start = start or timezone.now() - timedelta(days=days_apart * (len(top_weights) + 1))
    for i, w in enumerate(top_weights):
        einheit, _ = Trainingseinheit.objects.get_or_create(
            user=user, datum=start + timedelta(days=days_apart * i), defaults={"name": "Push"}
        )
        nr = Satz.objects.filter(einheit=einheit).count() + 1
        if warmup:
            Satz.objects.create(
                einheit=einheit,
                uebung=uebung,
                satz_nr=nr,
                gewicht=Decimal(str(w / 2)),
                wiederholungen=10,
                set_type=Satz.SetType.WARMUP,
            )
            nr += 1
        for k in range(sets):
            Satz.objects.create(
                einheit=einheit,
                uebung=uebung,
                satz_nr=nr + k,
                gewicht=Decimal(str(w)),
                wiederholungen=reps,
                rpe=rpe,
            )


def log_sets(user, uebung: Uebung, n: int, per_session: int = 3, start_kg: float = 60.0):
    """Save ``n`` sets one by one (the signal path), ``per_session`` per workout."""
    base = timezone.now() - timedelta(days=2 * (n // per_session + 2))
    saved = []
    einheit = None
    for i in range(n):
        if i % per_session == 0:
            einheit = Trainingseinheit.objects.create(
                user=user, datum=base + timedelta(days=2 * (i // per_session))
            )
        weight = Decimal(str(start_kg + 2.5 * (i // per_session)))
        saved.append(
            Satz.objects.create(
                einheit=einheit,
                uebung=uebung,
                satz_nr=i % per_session + 1,
                gewicht=weight,
                wiederholungen=8,
            )
        )
    return saved


def log_sets_unsaved(user, uebung, n):
    """Sets for bulk_create (no signals), in workouts created here."""
    sets = []
    for i in range(n):
        einheit, _ = Trainingseinheit.objects.get_or_create(
            user=user, datum=timezone.now() - timedelta(days=30 - 2 * (i // 3))
        )
        sets.append(
            Satz(
                einheit=einheit,
                uebung=uebung,
                satz_nr=i % 3 + 1,
                gewicht=Decimal(60 + 2.5 * (i // 3)),
                wiederholungen=8,
            )
        )
    return sets


def _plan(uebung: Uebung, index: int, sessions: int, start_kg: float, realistic: bool):
    """Per session: (top weight, reps of each working set, rpe) for one exercise."""
    if not realistic:
        weight = start_kg + 10 * index
        for i in range(sessions):
            yield weight + 2.5 * (i // 2), 8 if i % 2 == 0 else 6, Decimal("8")
        return
    rng = random.Random(f"{uebung.name}-{index}")
    weight = start_kg + 10 * index
    for i in range(sessions):
        if i and i % 9 == 0:
            weight = round(weight * 0.9 / 2.5) * 2.5  # deload week
        success = rng.random() < 0.65
        reps = 8 if success else rng.choice([5, 6, 6, 7, 7])
        yield weight, reps, Decimal(str(rng.choice([7, 7.5, 8, 8.5, 9])))
        if success:
            weight += 2.5


def make_history(
    user,
    uebungen: list[Uebung],
    *,
    sessions: int,
    sets_per_session: int = 3,
    start_kg: float = 60.0,
    warmup: bool = False,
    realistic: bool = False,
) -> list[Trainingseinheit]:
    """``sessions`` past workouts (about weekly), each with every exercise in ``uebungen``."""
    now = timezone.now()
    plans = [list(_plan(u, k, sessions, start_kg, realistic)) for k, u in enumerate(uebungen)]
    rng = random.Random(sessions)
    workouts = []
    day = 0
    for _ in range(sessions):
        day += 7 + (rng.choice([0, 0, 0, 7]) if realistic else 0)  # sometimes a missed week
        workouts.append(Trainingseinheit(user=user, datum=now - timedelta(days=day)))
    workouts.reverse()
    for i, einheit in enumerate(workouts, start=1):
        einheit.name = f"Woche {i}"
    Trainingseinheit.objects.bulk_create(workouts)
    workouts = list(
        Trainingseinheit.objects.filter(user=user, datum__in=[w.datum for w in workouts]).order_by(
            "datum"
        )
    )
    rows = []
    for i, einheit in enumerate(workouts):
        for uebung, plan in zip(uebungen, plans, strict=True):
            weight, reps, rpe = plan[i]
            nr = 1
            if warmup:
                rows.append(
                    Satz(
                        einheit=einheit,
                        uebung=uebung,
                        satz_nr=nr,
                        gewicht=Decimal(str(weight)) / 2,
                        wiederholungen=10,
                        set_type=Satz.SetType.WARMUP,
                    )
                )
                nr += 1
            for k in range(sets_per_session):
                last = k == sets_per_session - 1
                rows.append(
                    Satz(
                        einheit=einheit,
                        uebung=uebung,
                        satz_nr=nr,
                        gewicht=Decimal(str(weight)),
                        wiederholungen=reps if last or not realistic else max(reps, 6),
                        rpe=rpe,
                    )
                )
                nr += 1
    Satz.objects.bulk_create(rows)
    return workouts


NORMALIZED_HEADER = "date,workout,exercise,set_order,weight_kg,reps,rpe,set_type\n"


def normalized_log(sets_per_exercise: dict[str, int], first_day: int = 1) -> bytes:
    """A normalized CSV: each exercise in workouts of three sets, 2.5 kg heavier per workout.

    Days count from 2024-01-01 (at most 300 days); different ``first_day`` values give
    different workouts, so a second file adds sets instead of being skipped.
    """
    lines = [NORMALIZED_HEADER]
    for index, (name, n) in enumerate(sets_per_exercise.items()):
        for i in range(n):
            day = first_day + 2 * (i // 3)
            month, day_of_month = 1 + (day - 1) // 28, 1 + (day - 1) % 28
            weight = 40 + 10 * index + 2.5 * (i // 3)
            lines.append(
                f"2024-{month:02d}-{day_of_month:02d}T10:00:00,W,{name},{i % 3 + 1},"
                f"{weight},8,8,normal\n"
            )
    return "".join(lines).encode()
