"""Weights as the lifter sees them: stored in kg, shown and typed in kg or lb.

The display rounding and the decimal mark live in ``core.units`` (the API's messages name
weights too) and are re-exported here for the pages; inputs accept either mark.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.models import DisplayUnit, UserProfile
from core.plates import round_to_step
from core.units import (
    DISPLAY_PLACES,
    LB_IN_KG,
    shown_weight,
)
from core.units import decimal_mark as decimal_mark
from core.units import human as human
from core.units import human_weight as human_weight
from core.units import plain as plain

KG_PLACES = Decimal("0.001")  # Satz.gewicht has three decimal places
LB_GRID_TOLERANCE = 0.05  # lb: 3-decimal kg storage puts 135 lb at 134.9997


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


def same_weight(typed: Decimal, kg: Decimal | float | None, unit: str) -> bool:
    """Whether ``typed`` is what ``kg`` is shown as: the lifter kept a prefilled weight."""
    return kg is not None and shown_weight(kg, unit) == Decimal(typed)


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
