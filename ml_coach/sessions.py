"""Sessions: one lifter's sets of one exercise in one workout, summarised by the top set.

The coach predicts the next session's *top working set* (the heaviest non-warm-up set):
that is what a lifter means by "what did I lift last time". Before it learns from a history,
sets that break the lifter's own pattern so badly that they are almost surely typos are
left out (``plausible``); they stay in the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ml_coach.records import SetRecord, sort_records

# A working set heavier than OUTLIER_HIGH × (best top set of the last RECENT kept sessions),
# or lighter than OUTLIER_LOW × it, is ignored unless the session before it was already at
# that level (a new level confirmed twice is real). Causal: a decision never looks ahead, so
# the backtest and the product filter a history the same way at every point in time.
OUTLIER_HIGH = 2.0
OUTLIER_LOW = 0.1
RECENT = 5


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
    workout_name: str = ""
    sets: tuple[SetRecord, ...] = field(default=(), repr=False)  # working sets, in order


def epley(weight_kg: float, reps: int | None, rpe: float | None = None) -> float:
    """Estimated one-rep max; RPE adds the reps left in reserve (RPE 8 → 2 more reps)."""
    if not weight_kg or weight_kg <= 0:
        return 0.0
    r = reps or 1
    if rpe is not None and 5 <= rpe <= 10:
        r += 10 - rpe
    return weight_kg * (1 + r / 30) if r > 1 else weight_kg


def make_session(key: str, recs: list[SetRecord]) -> Session | None:
    """One session from its sets (any order); None when it has no working set."""
    recs = sorted(recs, key=lambda r: r.set_order)
    work = [r for r in recs if not r.is_warmup]
    if not work:
        return None
    top = max(work, key=lambda r: (r.weight_kg, r.reps or 0))
    reps = [r.reps for r in work if r.reps]
    return Session(
        key=key,
        start=recs[0].performed_at,
        top_weight=top.weight_kg,
        top_reps=top.reps,
        top_rpe=top.rpe,
        n_working=len(work),
        max_reps=max(reps) if reps else None,
        e1rm=max(epley(r.weight_kg, r.reps, r.rpe) for r in work),
        workout_name=recs[0].workout_name,
        sets=tuple(work),
    )


def _grouped(records: Iterable[SetRecord]) -> list[tuple[str, list[SetRecord]]]:
    grouped: dict[str, list[SetRecord]] = {}
    for r in sort_records(records):
        grouped.setdefault(r.session_key, []).append(r)
    return sorted(grouped.items(), key=lambda kv: (kv[1][0].performed_at, kv[0]))


def _tops(recs: list[SetRecord]) -> float:
    return max((r.weight_kg for r in recs if not r.is_warmup), default=0.0)


def implausible(weight_kg: float, reference_kg: float) -> bool:
    """Whether a working weight breaks a lifter's pattern (reference: recent best top set)."""
    if weight_kg <= 0 or reference_kg <= 0:
        return False
    return weight_kg > OUTLIER_HIGH * reference_kg or weight_kg < OUTLIER_LOW * reference_kg


def plausible(records: Iterable[SetRecord]) -> list[SetRecord]:
    """The records without working sets that break the lifter's own pattern (typos such as
    1000 kg in a 100 kg history), unless the previous session was already at that level."""
    kept: list[SetRecord] = []
    recent: list[float] = []
    before = 0.0  # the previous session's top, as logged
    for _, recs in _grouped(records):
        reference = max(recent[-RECENT:], default=0.0)
        session = []
        for r in recs:
            confirmed = before > 0 and 0.8 <= before / max(r.weight_kg, 1e-9) <= 1.25
            if not r.is_warmup and implausible(r.weight_kg, reference) and not confirmed:
                continue
            session.append(r)
        kept += session
        before = _tops(recs)
        top = _tops(session)
        if top > 0:
            recent.append(top)
    return kept


def group_sessions(records: Iterable[SetRecord]) -> list[Session]:
    """Time-ordered sessions that contain at least one working set, typos left out."""
    sessions = []
    for key, recs in _grouped(plausible(records)):
        session = make_session(key, recs)
        if session is not None:
            sessions.append(session)
    return sessions
