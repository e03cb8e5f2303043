"""Strong's "previous" column: what the lifter did in this set the last time.

"Previous" of working set *n* is working set *n* of the lifter's most recent *earlier*
workout containing the exercise (warm-ups do not count when numbering working sets). A
warm-up is matched by its own order among the warm-ups: the second warm-up shows the second
warm-up of last time. Drop sets and failure sets are working sets.

One query for all exercises of a workout, whatever their number or their sets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext as _

from core.models import Satz, Trainingseinheit
from web.units import human, shown_weight


@dataclass(frozen=True, slots=True)
class PreviousSet:
    """One set of last time, in the lifter's unit."""

    weight: Decimal | None
    reps: int | None
    bodyweight: bool = False

    @property
    def text(self) -> str:
        """ "100 × 8"; bodyweight: "12 Wdh" or "+10 × 12"."""
        reps = "–" if self.reps is None else str(self.reps)
        if self.bodyweight:
            if not self.weight:
                return _("%(reps)s Wdh") % {"reps": reps}
            return f"+{human(self.weight)} × {reps}"
        return f"{human(self.weight)} × {reps}"


@dataclass
class PreviousSets:
    """Last time's sets of one exercise, working sets and warm-ups each in their order."""

    working: list[PreviousSet] = field(default_factory=list)
    warmup: list[PreviousSet] = field(default_factory=list)

    def get(self, number: int, warmup: bool = False) -> PreviousSet | None:
        """The ``number``-th (1-based) working set (or warm-up) of last time, if there was one."""
        sets = self.warmup if warmup else self.working
        return sets[number - 1] if 0 < number <= len(sets) else None


def previous_sets(
    einheit: Trainingseinheit,
    uebung_ids: Iterable[int],
    unit: str,
    bodyweight_ids: Iterable[int] = (),
) -> dict[int, PreviousSets]:
    """Per exercise id, its sets in the lifter's latest workout before ``einheit`` (one query).

    The subquery yields each exercise's latest earlier workout start; a start that is one
    exercise's latest may be older than another's, so the rows of each exercise are then
    narrowed to its own newest start here. A start names one workout (unique per lifter).
    """
    ids = list(uebung_ids)
    if not ids:
        return {}
    bodyweight = set(bodyweight_ids)
    earlier = Satz.objects.filter(
        einheit__user_id=einheit.user_id, einheit__datum__lt=einheit.datum, uebung_id__in=ids
    )
    latest = earlier.values("uebung_id").annotate(last=Max("einheit__datum")).values("last")
    rows = (
        earlier.filter(einheit__datum__in=latest)
        .order_by("uebung_id", "-einheit__datum", "satz_nr")
        .values_list("uebung_id", "einheit__datum", "set_type", "gewicht", "wiederholungen")
    )
    result: dict[int, PreviousSets] = {}
    newest: dict[int, object] = {}
    for uebung_id, datum, set_type, gewicht, reps in rows:
        if newest.setdefault(uebung_id, datum) != datum:
            continue  # an older workout that is another exercise's latest
        prev = PreviousSet(shown_weight(gewicht, unit), reps, uebung_id in bodyweight)
        sets = result.setdefault(uebung_id, PreviousSets())
        (sets.warmup if set_type == Satz.SetType.WARMUP else sets.working).append(prev)
    return result
