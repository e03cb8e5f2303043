"""Weights as the lifter sees them: stored in kg, shown and typed in kg or lb."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.models import LB_IN_KG, DisplayUnit, UserProfile
from core.plates import round_to_step

KG_PLACES = Decimal("0.001")  # Satz.gewicht has three decimal places
DISPLAY_PLACES = Decimal("0.01")


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
    """A stored kg weight in the lifter's unit, two decimals (trailing zeros are for humans)."""
    if kg is None:
        return None
    kg = Decimal(str(kg))
    value = kg / LB_IN_KG if unit == DisplayUnit.LB else kg
    return value.quantize(DISPLAY_PLACES, rounding=ROUND_HALF_UP)


def plain(value: Decimal | float | None) -> str:
    """A number without trailing zeros and with a dot, for inputs and data attributes."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)).quantize(DISPLAY_PLACES, rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def human(value: Decimal | float | None) -> str:
    """A number as a German lifter reads it: ``62,5`` / ``135``."""
    return plain(value).replace(".", ",")


def display_increment(increment_kg: Decimal | float, unit: str) -> Decimal:
    """The exercise's plate step in the lifter's unit (2.5 kg → 5 lb for lb lifters)."""
    if unit == DisplayUnit.LB:
        # A kg step has no exact lb equivalent: lb lifters load 5-lb (or 2.5-lb) steps.
        return Decimal("5") if Decimal(str(increment_kg)) >= Decimal("2") else Decimal("2.5")
    return Decimal(str(increment_kg))


def round_display(kg: float, increment_kg: Decimal | float, unit: str) -> Decimal:
    """A recommended kg weight in the lifter's unit, on the exercise's plate grid."""
    value = float(from_kg(kg, unit))
    step = float(display_increment(increment_kg, unit))
    return Decimal(str(round_to_step(value, step))).quantize(DISPLAY_PLACES)
