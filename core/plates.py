"""Plate steps: which weights a lifter can actually load, in kg, whatever unit they think in.

Real logs come in kg or lb; a lifter on a 5-lb grid loads 2.268 kg steps, one on 2-kg
dumbbells loads 2 kg steps. Recommendations are only useful on the grid the lifter uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from math import gcd

from core.units import LB_KG

# Candidate plate steps in kg, coarsest first: the kg grid and the lb grid.
_KG_STEPS = [2.5, 2.0, 1.25, 1.0, 0.5]
_LB_STEPS = [5 * LB_KG, 2.5 * LB_KG, 1 * LB_KG]
ON_GRID_SHARE = 0.9
TOLERANCE_KG = 0.02


def _on_grid_share(weights: list[float], step_kg: float) -> float:
    hits = sum(1 for w in weights if abs(w - round(w / step_kg) * step_kg) <= TOLERANCE_KG)
    return hits / len(weights)


def _coarsest_fit(weights: list[float], steps: list[float]) -> float | None:
    return next((s for s in steps if _on_grid_share(weights, s) >= ON_GRID_SHARE), None)


def infer_increment_kg(weights_kg: Iterable[float], default: float = 2.5) -> float:
    """The coarsest plate step, on the kg or the lb grid, that ≥ 90 % of the weights sit on.

    Steps are capped at 2.5 kg / 5 lb: a lifter who happened to jump in 5-kg steps can still
    load 2.5 kg more. With fewer than three loaded sets the exercise's default applies.
    """
    weights = [float(w) for w in weights_kg if w and w > 0]
    if len(weights) < 3:
        return default
    fits = [s for s in (_coarsest_fit(weights, _KG_STEPS), _coarsest_fit(weights, _LB_STEPS)) if s]
    return max(fits) if fits else default


def round_to_step(weight_kg: float, step_kg: float) -> float:
    """Nearest loadable weight on the lifter's grid (never negative)."""
    if step_kg <= 0:
        return max(0.0, weight_kg)
    return max(0.0, round(weight_kg / step_kg) * step_kg)


def step_unit(step_kg: float) -> str:
    """ "lb" when the step is a whole number of pounds but not of half-kilograms."""
    in_lb = step_kg / LB_KG
    on_lb = abs(in_lb - round(in_lb * 2) / 2) < 1e-6
    on_kg = abs(step_kg * 4 - round(step_kg * 4)) < 1e-6
    return "lb" if on_lb and not on_kg else "kg"


# --- the plate calculator: which plates go on each side of the bar --------------------------

Plate = tuple[Decimal, int]  # (weight of one plate, how many plates of it the lifter owns)

DEFAULT_BAR = {"kg": Decimal("20"), "lb": Decimal("45")}
_KG_PLATES = (("25", 4), ("20", 4), ("15", 2), ("10", 4), ("5", 4), ("2.5", 4), ("1.25", 4))
_LB_PLATES = (("45", 8), ("35", 2), ("25", 4), ("10", 4), ("5", 4), ("2.5", 4))
DEFAULT_PLATES: dict[str, tuple[Plate, ...]] = {
    "kg": tuple((Decimal(w), n) for w, n in _KG_PLATES),
    "lb": tuple((Decimal(w), n) for w, n in _LB_PLATES),
}


@dataclass(frozen=True, slots=True)
class PlateLoad:
    """The plates for one side of the bar, heaviest first, and what the bar then weighs.

    ``total`` is the heaviest load not above ``target`` the plates allow (the bar alone when
    the target is lighter than the bar); ``short_by`` says how far it is from the target.
    """

    target: Decimal
    bar: Decimal
    per_side: tuple[Decimal, ...]
    total: Decimal

    @property
    def short_by(self) -> Decimal:
        return max(Decimal("0"), self.target - self.total)

    @property
    def exact(self) -> bool:
        return self.short_by == 0

    @property
    def below_bar(self) -> bool:
        return self.target < self.bar


def _quantum(values: Iterable[Decimal]) -> Decimal:
    """The largest step every value is a whole multiple of (0.25 for 25/2.5/1.25 kg plates)."""
    scale = Decimal("0.001")
    ints = [int((v / scale).to_integral_value()) for v in values]
    return Decimal(reduce(gcd, ints, 0) or 1) * scale


def plates_per_side(target: Decimal, bar: Decimal, plates: Iterable[Plate]) -> PlateLoad:
    """Plates per side for ``target`` on a ``bar``; everything in the same unit.

    Plates go on in pairs, so a lifter with 3 plates of a kind can put one on each side. Of all
    loads reachable with the plates owned, the heaviest not above the target wins, then the
    one with the fewest plates (then heavier plates first): 2×20 rather than 4×10 per side.
    Exact search over reachable sums (a few thousand at most), not a greedy guess that fails
    when a plate kind runs out.
    """
    target, bar = Decimal(target), Decimal(bar)
    pairs = sorted(
        ((Decimal(w), n // 2) for w, n in plates if Decimal(w) > 0 and n >= 2), reverse=True
    )
    side_target = (target - bar) / 2
    if side_target <= 0 or not pairs:
        return PlateLoad(target, bar, (), bar)
    quantum = _quantum([w for w, _ in pairs])
    limit = int(side_target / quantum)
    # reachable sum (in quanta) → plates per side; fewer plates first, then heavier ones.
    best: dict[int, tuple[Decimal, ...]] = {0: ()}
    for weight, available in pairs:
        units = int(weight / quantum)
        for reached, used in list(best.items()):
            for k in range(1, available + 1):
                total = reached + k * units
                if total > limit:
                    break
                candidate = used + (weight,) * k
                known = best.get(total)
                if known is None or _better(candidate, known):
                    best[total] = candidate
    reached = max(best)
    per_side = best[reached]
    return PlateLoad(target, bar, per_side, bar + 2 * sum(per_side, Decimal("0")))


def _better(candidate: tuple[Decimal, ...], known: tuple[Decimal, ...]) -> bool:
    if len(candidate) != len(known):
        return len(candidate) < len(known)
    return sorted(candidate, reverse=True) > sorted(known, reverse=True)
