import itertools
from datetime import datetime, timedelta

import numpy as np
import pytest

from ml_coach.features import FEATURE_NAMES, N_FEATURES, row_at, target, training_rows
from ml_coach.records import SetRecord
from ml_coach.sessions import epley, group_sessions

T0 = datetime(2024, 1, 1, 18, 0)


def rec(day, weight, reps=8, set_type="normal", order=1, rpe=None):
    when = T0 + timedelta(days=day)
    return SetRecord(when, weight, reps, rpe, set_type, when.isoformat(), order)


def sessions_of(weights, days_apart=3):
    records = []
    for i, w in enumerate(weights):
        records += [
            rec(i * days_apart, w / 2, 10, "warmup", 1),
            rec(i * days_apart, w, 8, order=2),
            rec(i * days_apart, w - 5, 10, order=3),
        ]
    return group_sessions(records)


def test_session_top_is_heaviest_working_set_and_warmups_never_count():
    records = [
        rec(0, 100, 3, "warmup", 1),
        rec(0, 80, 5, order=2),
        rec(0, 80, 6, order=3),
        rec(0, 60, 12, "dropset", 4),
        rec(2, 50, 10, "warmup", 1),
    ]
    sessions = group_sessions(records)
    assert len(sessions) == 1  # the warm-up-only workout is no session
    top = sessions[0]
    assert (top.top_weight, top.top_reps, top.n_working, top.max_reps) == (80, 6, 3, 12)


def test_epley_with_rpe_counts_reps_in_reserve():
    assert epley(100, 1) == 100
    assert epley(100, 5) == pytest.approx(100 * (1 + 5 / 30))
    assert epley(100, 5, rpe=8) == pytest.approx(epley(100, 7))
    assert epley(0, 10) == 0


def test_rows_describe_the_past_and_target_the_relative_change():
    weights = [60, 60, 62.5, 62.5, 65, 60]
    sessions = sessions_of(weights)
    x, y = training_rows(sessions, 2.5)
    assert x.shape == (5, N_FEATURES) == (5, len(FEATURE_NAMES))
    assert y.tolist() == pytest.approx([w1 / w0 - 1 for w0, w1 in itertools.pairwise(weights)])
    col = FEATURE_NAMES.index
    last = x[-1]  # predicting the 60 after 65
    assert last[col("last_change")] == pytest.approx(65 / 62.5 - 1)
    assert last[col("last_was_best")] == 1.0
    assert last[col("rel_to_best")] == 0.0
    assert last[col("log_days_since")] == pytest.approx(np.log1p(3))
    assert last[col("sessions_since_change")] == 0
    assert x[3][col("sessions_since_change")] == 1  # 62.5, 62.5 → one repeat


def test_a_row_never_sees_its_own_session_or_later_ones():
    weights = [60 + 2.5 * (i // 2) for i in range(20)]
    sessions = sessions_of(weights)
    altered = sessions_of([*weights[:12], 140, 10, 130, *weights[15:]])
    for i in range(1, 12):
        assert np.array_equal(row_at(sessions, i, 2.5), row_at(altered, i, 2.5))
        assert np.array_equal(row_at(sessions, i, 2.5), row_at(sessions[: i + 1], i, 2.5))
    # ...while the target is exactly the session that the row predicts
    assert target(altered, 12) == pytest.approx(0.5)  # clipped relative jump to 140


def test_bodyweight_sessions_are_not_targets():
    sessions = sessions_of([0, 0, 0, 60, 62.5])
    _x, y = training_rows(sessions, 2.5)
    assert len(y) == 1 and y[0] == pytest.approx(62.5 / 60 - 1)
