"""An exercise's history: per workout the top weight and the estimated 1RM.

Warm-up sets are left out: they say nothing about strength. The 1RM estimate is Epley's
formula (weight × (1 + reps / 30)), the usual one in training apps, and exact at one rep: the
coach's own ``ml_coach.sessions.epley``, without its RPE adjustment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import WORKING_SETS, Satz, Uebung
from ml_coach.sessions import epley
from web.units import shown_weight

HISTORY_TABLE_ROWS = 30  # per page of the table; the chart shows every workout


def epley_1rm(gewicht_kg: Decimal, reps: int) -> float | None:
    """Estimated one-rep max; None for sets without reps or load."""
    if reps < 1 or gewicht_kg <= 0:
        return None
    return epley(float(gewicht_kg), reps)


@dataclass
class SessionSummary:
    einheit_id: int
    datum: datetime
    name: str
    n_saetze: int
    top_kg: Decimal
    top_reps: int
    e1rm_kg: float | None


def exercise_history_data(user, uebung: Uebung, unit: str) -> dict:
    """Per-workout summaries (all of them, newest first, for the paginated table) and the
    chart series (oldest first)."""
    rows = (
        Satz.objects.filter(WORKING_SETS, einheit__user=user, uebung=uebung)
        .order_by("einheit__datum", "satz_nr")
        .values_list("einheit_id", "einheit__datum", "einheit__name", "gewicht", "wiederholungen")
    )
    sessions: dict[int, SessionSummary] = {}
    for einheit_id, datum, name, gewicht, logged_reps in rows:
        reps = logged_reps or 0  # not logged (an imported hold) counts as no reps
        summary = sessions.get(einheit_id)
        if summary is None:
            summary = sessions[einheit_id] = SessionSummary(
                einheit_id, datum, name, 0, gewicht, reps, None
            )
        summary.n_saetze += 1
        if (gewicht, reps) > (summary.top_kg, summary.top_reps):
            summary.top_kg, summary.top_reps = gewicht, reps
        e1rm = epley_1rm(gewicht, reps)
        if e1rm is not None and (summary.e1rm_kg is None or e1rm > summary.e1rm_kg):
            summary.e1rm_kg = e1rm
    ordered = list(sessions.values())
    chart = {
        "labels": [timezone.localtime(s.datum).strftime("%Y-%m-%d") for s in ordered],
        "unit": unit,
        "stepped": True,  # a top weight holds until the next workout
        "datasets": [
            {
                "key": "top",
                "label": _("Top-Gewicht (%(unit)s)") % {"unit": unit},
                "data": [float(shown_weight(s.top_kg, unit)) for s in ordered],
            },
            {
                "key": "e1rm",
                "label": _("Geschätztes 1RM (%(unit)s)") % {"unit": unit},
                "data": [
                    float(shown_weight(s.e1rm_kg, unit)) if s.e1rm_kg is not None else None
                    for s in ordered
                ],
            },
        ],
    }
    table = []
    for s in reversed(ordered):
        table.append(
            {
                "einheit_id": s.einheit_id,
                "datum": s.datum,
                "name": s.name,
                "n_saetze": s.n_saetze,
                "top": shown_weight(s.top_kg, unit),
                "top_reps": s.top_reps,
                "e1rm": shown_weight(s.e1rm_kg, unit),
            }
        )
    return {"sessions": table, "n_sessions": len(ordered), "chart": chart}
