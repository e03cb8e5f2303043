"""The one kg/lb factor, and how a stored weight reads in the lifter's unit and language.

One pound is 0.45359237 kg exactly (by definition). ``LB_IN_KG`` is that factor for exact
Decimal arithmetic on stored weights; ``LB_KG`` is the same number as a float for the coach's
and the importers' float arithmetic.

The display rounding lives here (not in ``web``) because the API's and the plausibility
check's messages name weights too. A stored weight is shown at its unit's sensible precision
(kg 0.25, lb 0.5): 70 kg reads "154,5 lb", not "154,32 lb", and 135 lb stored as 61.235 kg
reads "61,25 kg". Data typed finer on purpose (22,68 kg; 137,3 lb) is shown as typed. The
decimal mark is the active language's.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format

LB_IN_KG = Decimal("0.45359237")
LB_KG = float(LB_IN_KG)

KG, LB = "kg", "lb"  # the values of ``core.models.DisplayUnit``
DISPLAY_PLACES = Decimal("0.01")
# What a lifter can load, per unit, and the finest figure a lifter plausibly types.
DISPLAY_STEP = {KG: Decimal("0.25"), LB: Decimal("0.5")}
TYPED_PLACES = {KG: Decimal("0.01"), LB: Decimal("0.1")}
# Storage keeps grams: a figure typed in lb comes back within half a gram (0.0011 lb).
TYPED_TOLERANCE = {KG: Decimal("0.0005"), LB: Decimal("0.0012")}


def shown_weight(kg: Decimal | float | None, unit: str) -> Decimal | None:
    """A stored weight as the lifter reads it: on the unit's step unless typed finer."""
    if kg is None:
        return None
    kg = Decimal(str(kg))
    value = kg / LB_IN_KG if unit == LB else kg
    typed = value.quantize(TYPED_PLACES[unit], rounding=ROUND_HALF_UP)
    if abs(value - typed) <= TYPED_TOLERANCE[unit]:
        return typed
    step = DISPLAY_STEP[unit]
    return (value / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step


def decimal_mark() -> str:
    """The active language's decimal mark: "," in German, "." in English."""
    return get_format("DECIMAL_SEPARATOR")


def plain(value: Decimal | float | None) -> str:
    """A number without trailing zeros and with a dot, for URLs and data attributes."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)).quantize(DISPLAY_PLACES, rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def human(value: Decimal | float | None) -> str:
    """A number as the lifter reads and types it: ``62,5`` in German, ``62.5`` in English."""
    return plain(value).replace(".", decimal_mark())


def human_weight(kg: Decimal | float | None, unit: str) -> str:
    """A stored kg weight in the lifter's unit and language: ``154,5``."""
    return human(shown_weight(kg, unit))
