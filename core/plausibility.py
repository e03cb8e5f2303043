"""Is a typed weight plausible for this lifter and exercise? The one home of the rule.

A set far outside the lifter's history is usually a typo (1000 for 100, 10 for 100): the set
form and the API ask once before saving it, and a confirmed outlier is kept as typed.

The rule: once the lifter has logged at least one working set (not a warm-up) of the exercise
with a weight above 0, a weight is suspicious when it is more than 1.5 times the best such
weight, or less than a tenth of it. Weight 0 (no added load) is never questioned, and a
warm-up only when it is too heavy: warm-ups are light on purpose.

This is the question asked while logging. What the coach leaves out of what it learns is a
looser rule of its own over the lifter's recent sessions (``ml_coach.sessions.plausible``):
it sees the history afterwards and can wait for a second session to confirm a new level.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext as _

from core.models import WORKING_SETS, Satz
from core.units import human_weight

UPPER_FACTOR = Decimal("1.5")
LOWER_FACTOR = Decimal("0.1")
CONFIRM_CODE = "confirm_required"  # the API's machine-readable answer: send confirm=true

WARMUP = Satz.SetType.WARMUP


@dataclass(frozen=True)
class Implausible:
    """A weight the lifter is asked about, and the best earlier weight it was compared to."""

    gewicht_kg: Decimal
    best_kg: Decimal

    @property
    def too_heavy(self) -> bool:
        return self.gewicht_kg > self.best_kg

    def question(self, unit: str) -> str:
        """ "Wirklich 1000 kg? Bisheriges Maximum 110 kg", in the lifter's unit and language."""
        return _("Wirklich %(weight)s %(unit)s? Bisheriges Maximum %(best)s %(unit)s") % {
            "weight": human_weight(self.gewicht_kg, unit),
            "best": human_weight(self.best_kg, unit),
            "unit": unit,
        }


def _decimal(value: Decimal | float | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def check_weight(
    gewicht_kg: Decimal | float | None,
    best_kg: Decimal | float | None,
    set_type: str = Satz.SetType.NORMAL,
) -> Implausible | None:
    """The rule itself: an ``Implausible`` to ask about, or None when the weight is fine."""
    weight, best = _decimal(gewicht_kg), _decimal(best_kg)
    if weight is None or best is None or weight <= 0 or best <= 0:
        return None
    too_heavy = weight > best * UPPER_FACTOR
    too_light = weight < best * LOWER_FACTOR and set_type != WARMUP
    return Implausible(weight, best) if too_heavy or too_light else None


def logged_best(user_id: int, uebung_id: int, exclude_satz_id: int | None = None) -> Decimal | None:
    """The lifter's heaviest working set of the exercise so far (``exclude_satz_id``: the set
    being edited, which is not its own history)."""
    sets = Satz.objects.filter(
        WORKING_SETS, einheit__user_id=user_id, uebung_id=uebung_id, gewicht__gt=0
    )
    if exclude_satz_id is not None:
        sets = sets.exclude(pk=exclude_satz_id)
    return sets.aggregate(best=Max("gewicht"))["best"]


def implausible_weight(
    user_id: int,
    uebung_id: int,
    gewicht_kg: Decimal,
    set_type: str = Satz.SetType.NORMAL,
    exclude_satz_id: int | None = None,
) -> Implausible | None:
    """The rule against the lifter's logged history: what the set form and the API ask."""
    if gewicht_kg is None or gewicht_kg <= 0:
        return None
    return check_weight(gewicht_kg, logged_best(user_id, uebung_id, exclude_satz_id), set_type)
