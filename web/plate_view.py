"""The plate calculator as the pages show it: the lifter's plate set, any weight, both units.

The calculation is ``core.plates.plates_per_side``; this module only picks the lifter's bar
and plates from the profile and converts between the unit a weight is typed in and the unit
the plates are in (a kg reader may own pound plates).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.models import DisplayUnit, UserProfile
from core.plates import DEFAULT_BAR, DEFAULT_PLATES, Plate, PlateLoad, plates_per_side
from core.units import LB_IN_KG
from web.units import human

ONE_DECIMAL = Decimal("0.1")


def plate_set(profile: UserProfile) -> tuple[str, Decimal, tuple[Plate, ...]]:
    """(unit, bar, plates) of the lifter; unset parts are the standard set of the unit."""
    unit = profile.plate_unit or DisplayUnit.KG
    bar = profile.bar_weight if profile.bar_weight is not None else DEFAULT_BAR[unit]
    plates = (
        tuple((Decimal(str(w)), int(n)) for w, n in profile.plates)
        if profile.plates
        else DEFAULT_PLATES[unit]
    )
    return unit, Decimal(bar), plates


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """A weight from one unit into the other (exact; rounding is the caller's)."""
    if from_unit == to_unit:
        return value
    return value * LB_IN_KG if to_unit == DisplayUnit.KG else value / LB_IN_KG


@dataclass(frozen=True)
class PlateView:
    load: PlateLoad
    unit: str  # the plates' unit

    @property
    def other_unit(self) -> str:
        return DisplayUnit.LB if self.unit == DisplayUnit.KG else DisplayUnit.KG

    @property
    def per_side(self) -> list[str]:
        return [human(p) for p in self.load.per_side]

    @property
    def total(self) -> str:
        return human(self.load.total)

    @property
    def total_other(self) -> str:
        """The loaded bar in the other unit, one decimal (it is a conversion)."""
        other = convert(self.load.total, self.unit, self.other_unit)
        return human(other.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))

    @property
    def bar(self) -> str:
        return human(self.load.bar)

    @property
    def short_by(self) -> str:
        return human(self.load.short_by)


def plates_for(weight: Decimal | None, weight_unit: str, profile: UserProfile) -> PlateView | None:
    """Plates per side for ``weight`` (typed or recommended in ``weight_unit``)."""
    if weight is None or weight <= 0:
        return None
    unit, bar, plates = plate_set(profile)
    target = convert(Decimal(weight), weight_unit, unit).quantize(Decimal("0.001"))
    return PlateView(plates_per_side(target, bar, plates), unit)
