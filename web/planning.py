"""What a planned set is pre-filled with.

One function on purpose: the coach answers per exercise today; when it answers per set,
only ``planned_set_values`` changes, not the pages that show planned sets.
"""

from __future__ import annotations

from web.recommendations import RecommendationView


def planned_set_values(rec: RecommendationView | None, target_reps: int | None) -> dict:
    """Initial values (``gewicht`` in the lifter's unit, ``wiederholungen``) of a planned set.

    The coach's weight with the coach's reps: its reps belong to its weight. Without a
    recommendation the routine's target reps fill in and the weight stays for the lifter.
    """
    if rec is not None and rec.has_value:
        return {"gewicht": rec.weight_input, "wiederholungen": rec.reps, "set_type": "normal"}
    return {"gewicht": "", "wiederholungen": target_reps or "", "set_type": "normal"}
