"""Weights a lifter can load: the plate step of a history and moves in whole steps."""

from __future__ import annotations

import numpy as np

from core.plates import infer_increment_kg


def plate_step(weights_kg: list[float], configured_kg: float = 2.5) -> float:
    """The step to round to: the configured increment when the history sits on its grid,
    otherwise the grid the lifter actually loads (e.g. 5 lb = 2.268 kg)."""
    weights = [w for w in weights_kg if w > 0]
    if weights:
        on = sum(abs(w - round(w / configured_kg) * configured_kg) <= 0.02 for w in weights)
        if on / len(weights) >= 0.9:
            return configured_kg
    return infer_increment_kg(weights, default=configured_kg)


def steps_of(last_kg, change, step_kg):
    """A predicted relative change as whole plate steps (stay = 0, +1 step, −1 step, ...)."""
    return np.round(np.asarray(last_kg) * np.asarray(change) / step_kg)


def to_weight(last_kg, change, step_kg):
    """Last weight plus whole plate steps: on the grid whenever the last weight was, and an
    off-grid last weight (a plate the lifter owns) is moved by steps, never snapped away.
    Works on numbers and on numpy arrays alike (training and serving share it)."""
    weight = np.maximum(0.0, np.asarray(last_kg) + steps_of(last_kg, change, step_kg) * step_kg)
    snapped = np.round(weight / step_kg) * step_kg
    weight = np.where(np.abs(weight - snapped) <= 1e-6, snapped, weight)
    return float(weight) if np.ndim(weight) == 0 else weight
