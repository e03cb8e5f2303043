"""The coach's recommendations as the training view shows them.

The pages only read through ``ml_coach.prediction_cache`` (the one-hour Redis cache): no model
is loaded on the request path when the cache is warm. A dead cache is handled there (the
recommendation is computed instead), an unusable model in ``ml_coach.prediction_service`` (the
baseline answers); nothing is caught a second time here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.models import Uebung
from ml_coach import prediction_cache
from ml_coach.recommendation import Recommendation
from web.lifting import is_bodyweight
from web.units import display_weight, human


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
    set_number: int | None = None
    bodyweight: bool = False

    @property
    def has_value(self) -> bool:
        """A weight and reps to show; bodyweight work needs only the reps."""
        if self.source == "not_enough_data" or not self.reps:
            return False
        return self.weight is not None or self.bodyweight

    @property
    def added_weight(self) -> bool:
        """Bodyweight work with load on top (a vest, a plate): shown as "+10 kg"."""
        return self.bodyweight and bool(self.weight)

    @property
    def text(self) -> str:
        """ "62,5 kg × 8 Wdh", bodyweight "12 Wdh" or "+10 kg × 12 Wdh" (never "0 kg"), or
        "Noch zu wenig Daten: 6/10 Sätze"."""
        if not self.has_value:
            return _("Noch zu wenig Daten: %(n)s/%(min)s Sätze") % {
                "n": self.n_sets,
                "min": self.min_samples,
            }
        if self.bodyweight and not self.weight:
            return _("%(reps)s Wdh") % {"reps": self.reps}
        values = {"weight": human(self.weight), "unit": self.unit, "reps": self.reps}
        if self.bodyweight:
            return _("+%(weight)s %(unit)s × %(reps)s Wdh") % values
        return _("%(weight)s %(unit)s × %(reps)s Wdh") % values

    @property
    def source_label(self) -> str:
        """Who decided; the baseline is what the coach compares with for that set."""
        if self.source == "model":
            return _("ML-Modell (aus deiner Historie gelernt)")
        if self.source != "baseline":
            return _("noch keine – zu wenig Sätze")
        if self.set_number is None:
            return _("Baseline (Top-Gewicht vom letzten Mal)")
        if self.set_number == 1:
            return _("Baseline (Satz 1 vom letzten Mal)")
        return _("Regel (voriger Satz heute + Änderung vom letzten Mal)")

    @property
    def weight_input(self) -> str:
        """The weight as the set form's input takes it (the language's decimal mark);
        "0" for bodyweight work without added weight (the form's "no added weight")."""
        if self.bodyweight and not self.weight:
            return "0"
        return human(self.weight)


def to_view(rec: Recommendation, uebung: Uebung, unit: str) -> RecommendationView:
    """The coach's ``Recommendation`` in the lifter's *current* unit, on a loadable grid.

    The coach rounds ``weight_kg`` to the exercise's increment (or to the grid the lifter's
    history actually sits on); its ``display_weight`` may be in a unit the lifter has since
    switched away from, so the display value is derived from ``weight_kg`` here.
    """
    weight = None
    if rec.weight_kg is not None:
        weight = display_weight(rec.weight_kg, uebung.increment_kg, unit)
    return RecommendationView(
        uebung_id=rec.uebung_id,
        source=rec.source,
        weight=weight,
        reps=rec.reps,
        unit=unit,
        explanation=rec.explanation,
        n_sets=rec.n_sets,
        min_samples=rec.min_samples,
        set_number=rec.set_number,
        bodyweight=rec.bodyweight or is_bodyweight(uebung),
    )


def recommendations_for(
    user_id: int, uebungen: Iterable[Uebung], unit: str, einheit_id: int | None = None
) -> dict[int, RecommendationView]:
    """The recommendation per exercise id; exercises the coach cannot answer for are missing.

    Warm cache: a fixed number of queries for any number of exercises. Cold cache or Redis
    down: each missing one is computed through the coach (and stored when Redis is up).
    """
    by_id = {u.pk: u for u in uebungen}
    if not by_id:
        return {}
    recs = prediction_cache.cached_recommendations(user_id, list(by_id), einheit_id)
    return {pk: to_view(rec, by_id[pk], unit) for pk, rec in recs.items()}
