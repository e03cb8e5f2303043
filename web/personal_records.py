"""Personal records: which sets beat everything the lifter did before in that exercise.

A set is a record when, against the lifter's *earlier* working sets of the exercise (earlier
workouts, and earlier sets of the same workout), it has

- the heaviest weight (``weight``),
- more reps than ever at this weight or heavier (``reps``; needs an earlier set that heavy,
  else it is a weight record),
- the best estimated 1RM (``e1rm``, Epley from ``ml_coach.sessions`` — the coach's formula).

Warm-up sets neither count nor score. The first set ever of an exercise has nothing to beat.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max

from core.models import WORKING_SETS, Satz, Trainingseinheit
from ml_coach.sessions import epley

WEIGHT = "weight"
REPS = "reps"
E1RM = "e1rm"
KINDS = (WEIGHT, REPS, E1RM)


@dataclass
class Bests:
    """The best reps per weight done so far; every record question is answered from it."""

    reps_at: dict[Decimal, int] = field(default_factory=dict)

    def add(self, weight: Decimal, reps: int) -> None:
        if reps > self.reps_at.get(weight, 0):
            self.reps_at[weight] = reps

    @property
    def weight(self) -> Decimal | None:
        return max(self.reps_at, default=None)

    @property
    def e1rm(self) -> float:
        # Epley grows with reps: the best reps per weight hold the best estimate.
        return max((epley(float(w), r) for w, r in self.reps_at.items()), default=0.0)

    def reps_at_least(self, weight: Decimal) -> int | None:
        """Most reps done at ``weight`` or heavier; None when never that heavy."""
        reps = [r for w, r in self.reps_at.items() if w >= weight]
        return max(reps) if reps else None


def records(bests: Bests, weight: Decimal, reps: int) -> list[str]:
    """The records one working set sets against ``bests`` (not yet updated with it)."""
    if not bests.reps_at or not reps:
        return []
    found = []
    best_weight = bests.weight
    if weight > 0 and best_weight is not None and weight > best_weight:
        found.append(WEIGHT)
    heavier_reps = bests.reps_at_least(weight)
    if heavier_reps is not None and reps > heavier_reps:
        found.append(REPS)
    e1rm = epley(float(weight), reps)
    if e1rm > 0 and e1rm > bests.e1rm + 1e-9:
        found.append(E1RM)
    return found


def mark_records(bests: Bests, saetze: Sequence[Satz]) -> dict[int, list[str]]:
    """Records per set id for one exercise's sets of a workout, in their order."""
    marked: dict[int, list[str]] = {}
    for satz in saetze:
        if satz.set_type == Satz.SetType.WARMUP or not satz.wiederholungen:
            continue
        found = records(bests, satz.gewicht, satz.wiederholungen)
        if found:
            marked[satz.pk] = found
        bests.add(satz.gewicht, satz.wiederholungen)
    return marked


def earlier_bests(user, einheit: Trainingseinheit, uebung_ids: Iterable[int]) -> dict[int, Bests]:
    """Per exercise, the bests of the lifter's workouts before ``einheit`` (one query).

    Grouped by weight in the database: a lifter with 20,000 sets has a few hundred distinct
    weights per exercise, and that is all the record questions need.
    """
    rows = (
        Satz.objects.filter(
            WORKING_SETS,
            einheit__user=user,
            einheit__datum__lt=einheit.datum,
            uebung_id__in=list(uebung_ids),
            wiederholungen__isnull=False,
        )
        .values("uebung_id", "gewicht")
        .annotate(reps=Max("wiederholungen"))
        .order_by()
    )
    bests: dict[int, Bests] = {}
    for row in rows:
        bests.setdefault(row["uebung_id"], Bests()).add(row["gewicht"], row["reps"])
    return bests
