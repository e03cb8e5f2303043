"""Body weight: the lifter's readings as a table and a stepped chart, in the lifter's unit."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.models import Koerpergewicht
from web.units import shown_weight


def chart_spec(readings: list[Koerpergewicht], unit: str) -> dict:
    """Oldest first, one point per reading; stepped (a weight holds until the next one)."""
    ordered = sorted(readings, key=lambda r: r.datum)
    return {
        "labels": [r.datum.isoformat() for r in ordered],
        "unit": unit,
        "stepped": True,
        "datasets": [
            {
                "key": "bodyweight",
                "label": _("Körpergewicht (%(unit)s)") % {"unit": unit},
                "data": [float(shown_weight(r.gewicht, unit)) for r in ordered],
            }
        ],
    }
