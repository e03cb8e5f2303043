"""Sessions: one lifter's sets of one exercise in one workout, summarised by the top set.

The coach predicts the next session's *top working set* (the heaviest non-warm-up set):
that is what a lifter means by "what did I lift last time".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ml_coach.records import SetRecord, sort_records


@dataclass(frozen=True, slots=True)
class Session:
    key: str
    start: datetime
    top_weight: float  # kg, heaviest working set
    top_reps: int | None  # reps of that set (most reps among equally heavy sets)
    top_rpe: float | None
    n_working: int  # working sets in this session
    max_reps: int | None  # most reps of any working set
    e1rm: float  # best Epley estimate over the working sets (RPE-adjusted where logged)


def epley(weight_kg: float, reps: int | None, rpe: float | None = None) -> float:
    """Estimated one-rep max; RPE adds the reps left in reserve (RPE 8 → 2 more reps)."""
    if not weight_kg or weight_kg <= 0:
        return 0.0
    r = reps or 1
    if rpe is not None and 5 <= rpe <= 10:
        r += 10 - rpe
    return weight_kg * (1 + r / 30) if r > 1 else weight_kg


def group_sessions(records: Iterable[SetRecord]) -> list[Session]:
    """Time-ordered sessions that contain at least one working set."""
    grouped: dict[str, list[SetRecord]] = {}
    for r in sort_records(records):
        grouped.setdefault(r.session_key, []).append(r)
    sessions = []
    for key, recs in grouped.items():
        work = [r for r in recs if not r.is_warmup]
        if not work:
            continue
        top = max(work, key=lambda r: (r.weight_kg, r.reps or 0))
        reps = [r.reps for r in work if r.reps]
        sessions.append(
            Session(
                key=key,
                start=recs[0].performed_at,
                top_weight=top.weight_kg,
                top_reps=top.reps,
                top_rpe=top.rpe,
                n_working=len(work),
                max_reps=max(reps) if reps else None,
                e1rm=max(epley(r.weight_kg, r.reps, r.rpe) for r in work),
            )
        )
    sessions.sort(key=lambda s: (s.start, s.key))
    return sessions
