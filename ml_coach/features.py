"""Training rows from a lifter's sessions of one exercise.

Row ``i`` describes the situation just before session ``i`` using only sessions ``0..i-1``
(plus the time elapsed since the last one), and its target is the *relative change* of the top
weight: ``top[i] / top[i-1] - 1``. Relative change transfers between lifters and exercises;
absolute weights do not (the old guide's absolute-weight forest was 27 % worse than naive).
"""

from __future__ import annotations

import itertools
import math
from datetime import datetime
from statistics import median

import numpy as np

from ml_coach.sessions import Session

FEATURE_VERSION = 3
FEATURE_NAMES = [
    "log_last_top",
    "step_rel",
    "last_change",
    "mean_change_3",
    "rel_to_best",
    "log_days_since",
    "up_share",
    "down_share",
    "e1rm_trend",
    "last_reps",
    "reps_vs_typical",
    "has_rpe",
    "last_rpe",
    "log_n_sessions",
    "sessions_since_change",
    "last_was_best",
    "last_n_working",
    "rel_prev2",
    "rel_prev3",
    "rel_max3",
    "rel_median5",
    "rel_max10",
    "rel_same_weekday",
    "log_reps_ratio",
    "alternating",
    "log_gap_vs_usual",
    "reps_change",
    "same_name_as_last",
    "rel_last_same_name",
    "log_days_since_same_name",
    "same_name_share",
]
# Columns that are themselves a candidate next weight relative to the last one ("experts").
EXPERT_COLUMNS = {
    "prev2": "rel_prev2",
    "prev3": "rel_prev3",
    "max3": "rel_max3",
    "median5": "rel_median5",
    "max10": "rel_max10",
    "same_weekday": "rel_same_weekday",
}
N_FEATURES = len(FEATURE_NAMES)
TARGET_CLIP = 0.5
HISTORY = 10  # sessions looked back for shares and typical reps


def _rel(a: float, b: float) -> float:
    return a / b - 1.0 if b > 0 else 0.0


def _name_features(recent: list[Session], name: str, lw: float, at: datetime) -> list[float]:
    """What the workout's name says before its first set: heavy/light days and routines
    ("Beine schwer" vs "Beine leicht") repeat their own weights, not the last session's."""
    same = [s for s in recent if name and s.workout_name == name]
    if not same:
        return [0.0, 0.0, 0.0, 0.0]
    days = max(0.0, (at - same[-1].start).total_seconds() / 86400.0)
    return [
        1.0 if recent[-1].workout_name == name else 0.0,
        _rel(same[-1].top_weight, lw),
        math.log1p(days),
        len(same) / len(recent),
    ]


def _row(
    sessions: list[Session], i: int, step_kg: float, at: datetime, name: str = ""
) -> list[float]:
    """Features for predicting session ``i`` from ``sessions[:i]`` (requires ``i >= 1``)."""
    last = sessions[i - 1]
    tops = [s.top_weight for s in sessions[max(0, i - HISTORY - 1) : i]]
    changes = [_rel(b, a) for a, b in itertools.pairwise(tops)]
    best = max(s.top_weight for s in sessions[:i])
    days = max(0.0, (at - last.start).total_seconds() / 86400.0)
    prev_e1 = [s.e1rm for s in sessions[max(0, i - 4) : i - 1] if s.e1rm > 0]
    reps_hist = [s.top_reps for s in sessions[max(0, i - 5) : i] if s.top_reps]
    typical = median(reps_hist) if reps_hist else 0.0
    since = 0
    for a, b in zip(reversed(tops[:-1]), reversed(tops[1:]), strict=False):
        if abs(b - a) > 1e-6:
            break
        since += 1
    prev_best = max((s.top_weight for s in sessions[: i - 1]), default=0.0)
    lw = last.top_weight
    recent = sessions[max(0, i - HISTORY) : i]
    gaps = [(b.start - a.start).total_seconds() / 86400.0 for a, b in itertools.pairwise(recent)]
    same_weekday = next((s for s in reversed(recent) if s.start.weekday() == at.weekday()), None)
    prev_reps = sessions[i - 2].top_reps if i >= 2 else None
    c1 = _rel(tops[-1], tops[-2]) if len(tops) >= 2 else 0.0
    c2 = _rel(tops[-2], tops[-3]) if len(tops) >= 3 else 0.0
    extra = [
        _rel(tops[-2], lw) if len(tops) >= 2 else 0.0,
        _rel(tops[-3], lw) if len(tops) >= 3 else 0.0,
        _rel(max(tops[-3:]), lw),
        _rel(median(tops[-5:]), lw),
        _rel(max(tops[-HISTORY:]), lw),
        _rel(same_weekday.top_weight, lw) if same_weekday else 0.0,
        math.log((last.top_reps or 1) / (prev_reps or last.top_reps or 1)),
        1.0 if c1 * c2 < 0 else 0.0,
        math.log1p(days) - math.log1p(median(gaps)) if gaps else 0.0,
        float((last.top_reps or 0) - (prev_reps or 0)),
        *_name_features(recent, name, lw, at),
    ]
    return [
        math.log1p(last.top_weight),
        step_kg / last.top_weight if last.top_weight > 0 else 1.0,
        changes[-1] if changes else 0.0,
        sum(changes[-3:]) / len(changes[-3:]) if changes else 0.0,
        _rel(last.top_weight, best),
        math.log1p(days),
        sum(c > 1e-6 for c in changes) / len(changes) if changes else 0.0,
        sum(c < -1e-6 for c in changes) / len(changes) if changes else 0.0,
        _rel(last.e1rm, sum(prev_e1) / len(prev_e1)) if prev_e1 else 0.0,
        float(last.top_reps or 0),
        float(last.top_reps or 0) - typical,
        1.0 if last.top_rpe is not None else 0.0,
        float(last.top_rpe or 0.0),
        math.log1p(i),
        float(min(since, HISTORY)),
        1.0 if last.top_weight >= prev_best and i > 1 else 0.0,
        float(last.n_working),
        *extra,
    ]


def target(sessions: list[Session], i: int) -> float:
    """Relative change of the top weight from session ``i-1`` to ``i``, clipped."""
    change = _rel(sessions[i].top_weight, sessions[i - 1].top_weight)
    return max(-TARGET_CLIP, min(TARGET_CLIP, change))


def training_rows(sessions: list[Session], step_kg: float) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) for sessions 1..n-1, each row seeing only the sessions before it.

    Sessions without load (bodyweight) carry no weight signal and are skipped as targets.
    """
    xs, ys = [], []
    for i in range(1, len(sessions)):
        if sessions[i - 1].top_weight <= 0 or sessions[i].top_weight <= 0:
            continue
        xs.append(_row(sessions, i, step_kg, sessions[i].start, sessions[i].workout_name))
        ys.append(target(sessions, i))
    x = np.asarray(xs, dtype=np.float64).reshape(-1, N_FEATURES)
    return x, np.asarray(ys, dtype=np.float64)


def next_row(sessions: list[Session], step_kg: float, at: datetime, name: str = "") -> np.ndarray:
    """The row for the session about to happen at ``at`` (after all of ``sessions``) in a
    workout called ``name``."""
    return np.asarray([_row(sessions, len(sessions), step_kg, at, name)], dtype=np.float64)


def row_at(sessions: list[Session], i: int, step_kg: float) -> np.ndarray:
    """The row for session ``i`` of a known history (what the backtest asks)."""
    row = _row(sessions, i, step_kg, sessions[i].start, sessions[i].workout_name)
    return np.asarray([row], dtype=np.float64)
