"""Rows for the set-level coach: the next working set of an exercise inside today's workout.

Row for set ``j`` (0-based, ``j >= 1``) of a session sees the sets ``0..j-1`` of that session
and the earlier sessions only. The best simple rule, "previous set today plus last session's
change between these two set numbers", is the starting point: the weight target is the
relative correction of that rule (learning the rule's error beat learning the change from the
previous set: 0.94 vs 1.03 × the rule's MAE, leave-one-lifter-out); the reps target is the
change in reps from the previous set. The rule is also the baseline the gate compares against.
"""

from __future__ import annotations

import math
from datetime import datetime
from statistics import median

import numpy as np

from ml_coach.records import SetRecord
from ml_coach.sessions import Session

SET_FEATURE_VERSION = 1
SET_FEATURE_NAMES = [
    "log_prev_kg",
    "step_rel",
    "set_index",
    "rule_rel",
    "last_change_rel",
    "has_last_pair",
    "prev_reps",
    "prev_rpe",
    "last_prev_reps",
    "last_this_reps",
    "reps_vs_last",
    "prev_vs_last_rel",
    "sets_left_last_time",
    "n_last",
    "prev_vs_first_rel",
    "prev_vs_before_rel",
    "reps_vs_before",
    "prev_vs_last_top_rel",
    "prev_vs_best_rel",
    "log_days_since",
    "typical_reps",
    "first_reps",
    "first_rpe",
    "prev_is_drop",
    "prev_is_failure",
    "last_this_rel_top",
]
N_SET_FEATURES = len(SET_FEATURE_NAMES)
TARGET_CLIP = 0.5
REPS_CLIP = 10.0
NAN = float("nan")


def _rel(a: float, b: float) -> float:
    return a / b - 1.0 if b > 0 else 0.0


def loaded_sets(session: Session) -> list[SetRecord]:
    """A session's working sets with a load: the sets the weight coach speaks about."""
    return [r for r in session.sets if r.weight_kg > 0]


def rule_weight(today: list[SetRecord], last: list[SetRecord]) -> float:
    """Previous set today + last session's change between these two set numbers."""
    j = len(today)
    prev = today[-1].weight_kg
    if last and j < len(last):
        return max(0.0, prev + last[j].weight_kg - last[j - 1].weight_kg)
    return prev


def strong_previous(j: int, last: list[SetRecord]) -> float | None:
    """Strong's "previous" column: the same set number last session (else its last set)."""
    if not last:
        return None
    return last[min(j, len(last) - 1)].weight_kg


def set_row(
    today: list[SetRecord], history: list[Session], step_kg: float, at_days: float
) -> list[float]:
    """Features for the next set after ``today`` (loaded working sets so far, ``len >= 1``);
    ``history`` are the earlier loaded sessions, ``at_days`` the days since the last one."""
    j = len(today)
    prev, first = today[-1], today[0]
    last_session = history[-1] if history else None
    last = loaded_sets(last_session) if last_session else []
    lp = last[j - 1] if j - 1 < len(last) else None
    lt = last[j] if j < len(last) else None
    before = today[-2] if j >= 2 else None
    tops = [s.top_weight for s in history[-10:]]
    reps = [s.top_reps for s in history[-5:] if s.top_reps]
    pw = prev.weight_kg

    def num(v) -> float:
        return float(v) if v is not None else NAN

    return [
        math.log1p(pw),
        step_kg / pw if pw > 0 else 1.0,
        float(min(j, 10)),
        _rel(rule_weight(today, last), pw),
        _rel(lt.weight_kg, lp.weight_kg) if lt and lp else 0.0,
        1.0 if lt and lp else 0.0,
        num(prev.reps),
        num(prev.rpe),
        num(lp.reps) if lp else NAN,
        num(lt.reps) if lt else NAN,
        float(prev.reps - lp.reps) if lp and prev.reps and lp.reps else NAN,
        _rel(pw, lp.weight_kg) if lp else NAN,
        float(len(last) - j),
        float(len(last)),
        _rel(pw, first.weight_kg),
        _rel(pw, before.weight_kg) if before else NAN,
        float(prev.reps - before.reps) if before and prev.reps and before.reps else NAN,
        _rel(pw, tops[-1]) if tops else NAN,
        _rel(pw, max(tops)) if tops else NAN,
        math.log1p(max(0.0, at_days)),
        float(median(reps)) if reps else NAN,
        num(first.reps),
        num(first.rpe),
        1.0 if prev.set_type == "dropset" else 0.0,
        1.0 if prev.set_type == "failure" else 0.0,
        _rel(lt.weight_kg, last_session.top_weight) if lt and last_session else NAN,
    ]


def days_since(history: list[Session], at: datetime) -> float:
    """Days from the last session of ``history`` to ``at`` (0 without one)."""
    if not history:
        return 0.0
    return max(0.0, (at - history[-1].start).total_seconds() / 86400.0)


def set_rows(
    sessions: list[Session], step_kg: float, first: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """(X, weight target (correction of the rule), reps target, (session index, set index))
    for every later set of sessions ``first..``; each row sees only what preceded that set."""
    xs, yw, yr, where = [], [], [], []
    for i in range(max(1, first), len(sessions)):
        history = sessions[:i]
        sets = loaded_sets(sessions[i])
        days = days_since(history, sessions[i].start)
        last = loaded_sets(history[-1])
        for j in range(1, len(sets)):
            today = sets[:j]
            xs.append(set_row(today, history, step_kg, days))
            rule = rule_weight(today, last)
            yw.append(max(-TARGET_CLIP, min(TARGET_CLIP, _rel(sets[j].weight_kg, rule))))
            if sets[j].reps and today[-1].reps:
                yr.append(max(-REPS_CLIP, min(REPS_CLIP, sets[j].reps - today[-1].reps)))
            else:
                yr.append(NAN)
            where.append((i, j))
    x = np.asarray(xs, dtype=np.float64).reshape(-1, N_SET_FEATURES)
    return x, np.asarray(yw, dtype=np.float64), np.asarray(yr, dtype=np.float64), where


def set_actuals(sessions: list[Session], where: list[tuple[int, int]]) -> np.ndarray:
    """The logged weights of the sets ``set_rows`` described (its targets are clipped)."""
    return np.array([loaded_sets(sessions[i])[j].weight_kg for i, j in where], dtype=np.float64)


def rule_weights(x: np.ndarray) -> np.ndarray:
    """The rule's weight for each row of ``set_rows`` (it is in the row)."""
    return np.expm1(x[:, 0]) * (1 + x[:, 3])
