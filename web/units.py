"""Weights as the lifter sees them: stored in kg, shown and typed in kg or lb.

The one home of display rounding and of the decimal mark. A stored weight is shown at its
unit's sensible precision (kg 0.25, lb 0.5): 70 kg reads "154,5 lb", not "154,32 lb", and
135 lb stored as 61.235 kg reads "61,25 kg". Data typed finer on purpose (22,68 kg; 137,3 lb)
is shown as typed. The decimal mark is the active language's, in tables and inputs alike;
inputs accept either mark.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format

from core.models import DisplayUnit, UserProfile
from core.plates import round_to_step
from core.units import LB_IN_KG

KG_PLACES = Decimal("0.001")  # Satz.gewicht has three decimal places
DISPLAY_PLACES = Decimal("0.01")
LB_GRID_TOLERANCE = 0.05  # lb: 3-decimal kg storage puts 135 lb at 134.9997

# What a lifter can load, per unit, and the finest figure a lifter plausibly types.
DISPLAY_STEP = {DisplayUnit.KG: Decimal("0.25"), DisplayUnit.LB: Decimal("0.5")}
TYPED_PLACES = {DisplayUnit.KG: Decimal("0.01"), DisplayUnit.LB: Decimal("0.1")}
# Storage keeps grams: a figure typed in lb comes back within half a gram (0.0011 lb).
TYPED_TOLERANCE = {DisplayUnit.KG: Decimal("0.0005"), DisplayUnit.LB: Decimal("0.0012")}


def user_unit(user) -> str:
    """The requester's display unit ("kg" or "lb"); users without a profile see kg."""
    try:
        return user.profile.display_unit
    except UserProfile.DoesNotExist:
        return DisplayUnit.KG


def to_kg(value: Decimal, unit: str) -> Decimal:
    """A weight typed in ``unit``, as stored (kg, three decimals)."""
    value = Decimal(value)
    kg = value * LB_IN_KG if unit == DisplayUnit.LB else value
    return kg.quantize(KG_PLACES, rounding=ROUND_HALF_UP)


def from_kg(kg: Decimal | float | None, unit: str) -> Decimal | None:
    """A kg figure in ``unit``, two decimals: for errors and limits, not for logged weights."""
    if kg is None:
        return None
    kg = Decimal(str(kg))
    value = kg / LB_IN_KG if unit == DisplayUnit.LB else kg
    return value.quantize(DISPLAY_PLACES, rounding=ROUND_HALF_UP)


def shown_weight(kg: Decimal | float | None, unit: str) -> Decimal | None:
    """A stored weight as the lifter reads it: on the unit's step unless typed finer."""
    if kg is None:
        return None
    kg = Decimal(str(kg))
    value = kg / LB_IN_KG if unit == DisplayUnit.LB else kg
    typed = value.quantize(TYPED_PLACES[unit], rounding=ROUND_HALF_UP)
    if abs(value - typed) <= TYPED_TOLERANCE[unit]:
        return typed
    step = DISPLAY_STEP[unit]
    return (value / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step


def same_weight(typed: Decimal, kg: Decimal | float | None, unit: str) -> bool:
    """Whether ``typed`` is what ``kg`` is shown as: the lifter kept a prefilled weight."""
    return kg is not None and shown_weight(kg, unit) == Decimal(typed)


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


def display_increment(increment_kg: Decimal | float, unit: str) -> Decimal:
    """The exercise's plate step in the lifter's unit (2.5 kg → 5 lb for lb lifters)."""
    if unit == DisplayUnit.LB:
        # A kg step has no exact lb equivalent: lb lifters load 5-lb (or 2.5-lb) steps.
        return Decimal("5") if Decimal(str(increment_kg)) >= Decimal("2") else Decimal("2.5")
    return Decimal(str(increment_kg))


def display_weight(weight_kg: float, increment_kg: Decimal | float, unit: str) -> Decimal:
    """A recommended weight (kg, already on the coach's plate grid) in the lifter's unit.

    kg: shown as is. lb: a weight from an lb history sits on the 2.5-lb grid and is shown as
    that whole figure (61.235 kg → 135 lb); a kg-grid weight is rounded to the exercise's
    step in lb (62.5 kg → 137.79 lb → 140 lb with 5-lb steps), what an lb lifter can load.
    """
    if unit != DisplayUnit.LB:
        return from_kg(weight_kg, unit)
    value = float(from_kg(weight_kg, unit))
    on_lb_grid = round_to_step(value, 2.5)
    if abs(value - on_lb_grid) <= LB_GRID_TOLERANCE:
        return Decimal(str(on_lb_grid)).quantize(DISPLAY_PLACES)
    step = float(display_increment(increment_kg, unit))
    return Decimal(str(round_to_step(value, step))).quantize(DISPLAY_PLACES)
