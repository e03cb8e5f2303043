"""Training histories for page and browser tests, deterministic (fixed seeds).

``make_history`` writes a tidy double progression (3×8 then +2.5 kg); ``realistic=True``
adds what real logs have: missed reps, stalls, deloads, skipped weeks and varying RPE.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung


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
