"""The pieces every benchmark shares: timing, figures with targets, the table and the JSON."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

LIBRARIES = (
    "Django",
    "celery",
    "kombu",
    "redis",
    "django-redis",
    "django-celery-beat",
    "scikit-learn",
    "numpy",
    "scipy",
    "joblib",
    "gunicorn",
    "psycopg",
)


@dataclass
class Figure:
    """One measured figure and the target it is judged against."""

    name: str
    median: float | None
    unit: str
    target: str = ""
    passed: bool | None = None  # None: informative, no target
    p99: float | None = None
    runs: int = 0
    note: str = ""
    module: str = ""

    def verdict(self) -> str:
        if self.passed is None:
            return "n/a" if self.median is None else "info"
        return "PASS" if self.passed else "MISS"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: with few runs it reports a value that actually occurred."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def time_calls(
    fn: Callable[[], object],
    runs: int,
    warmup: int = 3,
    setup: Callable[[], object] | None = None,
) -> list[float]:
    """Wall time of each call in milliseconds, after a few warm-up calls.

    ``setup`` runs before every call (warm-up included) and is not timed: for "cold"
    figures that must empty a cache before each call.
    """
    for _ in range(warmup):
        if setup is not None:
            setup()
        fn()
    samples = []
    for _ in range(runs):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def timed_figure(
    name: str,
    samples: list[float],
    unit: str = "ms",
    limit: float | None = None,
    target: str = "",
    note: str = "",
) -> Figure:
    """A figure from timing samples; passes when the median is at most ``limit``."""
    median, p99 = summary(samples)
    return Figure(
        name=name,
        median=median,
        unit=unit,
        target=target or (f"≤ {limit:g} {unit} p50" if limit is not None else ""),
        passed=None if limit is None else median <= limit,
        p99=p99,
        runs=len(samples),
        note=note,
    )


def summary(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), percentile(samples, 99)


def machine_info() -> dict:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "libraries": versions,
    }


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def render_table(figures: list[Figure]) -> str:
    rows = [("figure", "median", "p99", "unit", "target", "result", "note")]
    for f in figures:
        rows.append((f.name, _fmt(f.median), _fmt(f.p99), f.unit, f.target, f.verdict(), f.note))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        )
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def write_results(
    figures: list[Figure], path: Path, command: str, seconds: float, extra: dict | None = None
) -> None:
    payload = {
        "command": command,
        "wall_seconds": round(seconds, 1),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine_info(),
        **(extra or {}),
        "figures": [asdict(f) for f in figures],
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    os.replace(tmp, path)
