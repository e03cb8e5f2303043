"""What the coach tells a lifter before a set: the contract between the coach and the pages."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Source = Literal["model", "baseline", "not_enough_data"]


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommendation, ready to show.

    ``weight_kg`` is rounded to the exercise's plate step; ``display_weight`` and
    ``display_unit`` are the same weight in the lifter's unit. ``source`` says who decided:
    the trained model, the baseline (repeat/progress from last session), or nobody yet.
    """

    uebung_id: int
    source: Source
    weight_kg: float | None
    reps: int | None
    display_weight: float | None
    display_unit: str
    explanation: str  # one German line, e.g. "letztes Mal 3×8 @ RPE 7 → +2,5 kg"
    n_sets: int  # working sets known for this exercise
    min_samples: int
    model_version: str = ""  # "" when no model; part of the cache key
    set_number: int | None = None  # working set of today's workout this is for (1 = first)
    bodyweight: bool = False  # logged without load: recommend reps (and added weight if any)

    @property
    def label(self) -> str:
        """The source as shown to the lifter, e.g. "not enough data: 6/10 sets"."""
        if self.source == "not_enough_data":
            return f"not enough data: {self.n_sets}/{self.min_samples} sets"
        return self.source

    def to_dict(self) -> dict:
        data = asdict(self)
        data["label"] = self.label
        return data
