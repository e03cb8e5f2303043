"""Plate steps: which weights a lifter can actually load, in kg, whatever unit they think in.

Real logs come in kg or lb; a lifter on a 5-lb grid loads 2.268 kg steps, one on 2-kg
dumbbells loads 2 kg steps. Recommendations are only useful on the grid the lifter uses.
"""

from __future__ import annotations

from collections.abc import Iterable

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
