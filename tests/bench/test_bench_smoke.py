"""Smoke test of the benchmark harness: one cheap figure function end to end, tiny sizes.

Not a timing assertion: it checks that the bench produces sane, renderable figures from the
real logs, and that a missing ../shared stops it with a clear message.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict

import pytest

from bench import data
from bench.harness import Figure, render_table
from bench.training import fit_figures


@pytest.fixture
def bench_shared(shared_data, monkeypatch):
    monkeypatch.setenv("BENCH_SHARED_DIR", str(shared_data))
    data.log_files.cache_clear()
    yield shared_data
    data.log_files.cache_clear()


def test_fit_figures_are_sane(bench_shared):
    figures = fit_figures((100, 300), runs=1)

    assert [f.name for f in figures] == [
        "train one model, fit only, 100 sets (1 core)",
        "train one model, fit only, 300 sets (1 core)",
        "train fit only: growth 100 → 300 sets (log-log slope)",
    ]
    assert all(isinstance(f, Figure) for f in figures)
    for timed in figures[:2]:
        assert timed.unit == "ms"
        assert timed.runs == 1
        assert 0 < timed.median < 60_000
        assert timed.p99 >= timed.median
        assert timed.passed is None  # only the 1,000-set figure has a target
    growth = figures[2]
    assert math.isfinite(growth.median)
    assert growth.passed is (growth.median <= 1.2)
    assert growth.verdict() in {"PASS", "MISS"}
    table = render_table(figures)
    assert all(f.name in table for f in figures)
    json.dumps([asdict(f) for f in figures])


def test_chained_history_has_exactly_the_asked_sets(bench_shared):
    sets = data.chained_history(250)

    assert len(sets) == 250
    assert len({s.exercise for s in sets}) == 1
    starts = [s.started_at for s in sets]
    assert starts == sorted(starts)


def test_missing_shared_data_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_SHARED_DIR", str(tmp_path))

    with pytest.raises(data.SharedDataMissing, match="real logs are missing"):
        data.shared_dir()
