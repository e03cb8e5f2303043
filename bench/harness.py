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

    def verdict(self) -> str:
        if self.passed is None:
            return "info"
        return "PASS" if self.passed else "MISS"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: with few runs it reports a value that actually occurred."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def time_calls(fn: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    """Wall time of each call in milliseconds, after a few warm-up calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


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


def write_results(figures: list[Figure], path: Path, command: str, seconds: float) -> None:
    payload = {
        "command": command,
        "wall_seconds": round(seconds, 1),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine_info(),
        "figures": [asdict(f) for f in figures],
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    os.replace(tmp, path)
