"""The coach's recommendations as the training view shows them.

The pages only read through ``ml_coach.cache`` (the one-hour Redis cache): no model is loaded
on the request path when the cache is warm. Whatever goes wrong in the coach or the cache, the
training view still renders — without a recommendation rather than with an error page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.models import Uebung
from web.units import human, plain, round_display

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RecommendationView:
    """One recommendation in the lifter's unit, ready for the template."""

    uebung_id: int
    source: str  # "model" | "baseline" | "not_enough_data"
    weight: Decimal | None  # in ``unit``, on the exercise's plate grid
    reps: int | None
    unit: str
    explanation: str
    n_sets: int
    min_samples: int

    @property
    def has_value(self) -> bool:
        return self.source != "not_enough_data" and self.weight is not None and bool(self.reps)

    @property
    def text(self) -> str:
        """ "62,5 kg × 8 Wdh" or "Noch zu wenig Daten: 6/10 Sätze"."""
        if not self.has_value:
            return _("Noch zu wenig Daten: %(n)s/%(min)s Sätze") % {
                "n": self.n_sets,
                "min": self.min_samples,
            }
        return _("%(weight)s %(unit)s × %(reps)s Wdh") % {
            "weight": human(self.weight),
            "unit": self.unit,
            "reps": self.reps,
        }

    @property
    def source_label(self) -> str:
        return {
            "model": _("ML-Modell (aus deiner Historie gelernt)"),
            "baseline": _("Baseline (letztes Gewicht, Doppelprogression)"),
        }.get(self.source, _("noch keine – zu wenig Sätze"))

    @property
    def weight_plain(self) -> str:
        return plain(self.weight)


def _coach_lookup():
    """``ml_coach.cache.cached_recommendation``, or None while the coach is not installed."""
    try:
        from ml_coach.cache import cached_recommendation
    except ImportError:
        return None
    return cached_recommendation


def to_view(rec, uebung: Uebung, unit: str) -> RecommendationView:
    """The coach's ``Recommendation`` in the lifter's unit, rounded to the exercise's step."""
    weight = None
    if rec.weight_kg is not None:
        if rec.display_weight is not None and rec.display_unit == unit:
            weight = Decimal(str(rec.display_weight))
        else:
            weight = round_display(rec.weight_kg, uebung.increment_kg, unit)
    return RecommendationView(
        uebung_id=rec.uebung_id,
        source=rec.source,
        weight=weight,
        reps=rec.reps,
        unit=unit,
        explanation=rec.explanation,
        n_sets=rec.n_sets,
        min_samples=rec.min_samples,
    )


def recommendations_for(
    user_id: int, uebungen: Iterable[Uebung], unit: str
) -> dict[int, RecommendationView]:
    """The recommendation per exercise id; exercises the coach cannot answer for are missing."""
    lookup = _coach_lookup()
    if lookup is None:
        return {}
    result: dict[int, RecommendationView] = {}
    for uebung in uebungen:
        try:
            rec = lookup(user_id, uebung.pk)
        except Exception:
            # The page must render with the cache or the coach down: log, show nothing.
            log.exception("recommendation failed for user %s, uebung %s", user_id, uebung.pk)
            continue
        if rec is not None:
            result[uebung.pk] = to_view(rec, uebung, unit)
    return result


def invalidate(user_id: int, uebung_id: int) -> None:
    """Drop the cached recommendation after a set changed; a dead cache is not an error."""
    try:
        from ml_coach.cache import invalidate as coach_invalidate
    except ImportError:
        return
    try:
        coach_invalidate(user_id, uebung_id)
    except Exception:
        log.exception("could not invalidate recommendation for %s/%s", user_id, uebung_id)
