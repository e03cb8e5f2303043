"""Charts without JavaScript: the same series Chart.js draws, as a small inline SVG.

Every chart of the pages renders this first; app.js replaces it with the interactive chart
when Chart.js runs. Lines are stepped (a value holds until the next one): what a logged
weight means, and no smoothing invents values between two workouts.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from web.units import human

WIDTH, HEIGHT = 600, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 12, 12, 28
COLORS = {
    "top": "#1a5fb4",
    "e1rm": "#26a269",
    "actual": "#1a5fb4",
    "model": "#e66100",
    "baseline": "#77767b",
    "bodyweight": "#1a5fb4",
}
DASHED = {"e1rm": "6 4", "baseline": "5 5"}


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def stepped_points(xs: Sequence[float], ys: Sequence[float | None]) -> list[list[tuple]]:
    """Runs of points with the steps drawn in: each value holds until the next x."""
    runs: list[list[tuple]] = []
    run: list[tuple] = []
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            if run:
                runs.append(run)
            run = []
            continue
        if run:
            run.append((x, run[-1][1]))
        run.append((x, y))
    if run:
        runs.append(run)
    return runs


def stepped_svg(spec: dict, *, title: str) -> SafeString:
    """``spec`` as the templates' json_script gets it: labels, unit and datasets (key, label,
    data). Returns an accessible SVG (role img, a title) with a legend below the plot."""
    labels: list[str] = list(spec.get("labels") or [])
    datasets = [ds for ds in spec.get("datasets") or [] if any(v is not None for v in ds["data"])]
    values = [v for ds in datasets for v in ds["data"] if v is not None]
    if not labels or not values:
        return mark_safe("")
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    n = len(labels)

    def x(i: int) -> float:
        return PAD_LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return PAD_TOP + plot_h * (high - v) / (high - low)

    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - PAD_RIGHT}" '
        f'y2="{PAD_TOP + plot_h}" class="axis"/>',
    ]
    for value in (high, (high + low) / 2, low):
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{_fmt(y(value) + 4)}" text-anchor="end" '
            f'class="tick">{escape(human(round(value, 1)))}</text>'
        )
    parts.append(
        f'<text x="{PAD_LEFT}" y="{HEIGHT - 8}" class="tick">{escape(labels[0])}</text>'
        f'<text x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 8}" text-anchor="end" '
        f'class="tick">{escape(labels[-1])}</text>'
    )
    xs = [x(i) for i in range(n)]
    for ds in datasets:
        color = COLORS.get(ds.get("key"), "#444")
        dash = DASHED.get(ds.get("key"))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in stepped_points(xs, ds["data"]):
            points = " ".join(f"{_fmt(px)},{_fmt(y(py))}" for px, py in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{color}" '
                f'stroke-width="2"{dash_attr} vector-effect="non-scaling-stroke"/>'
            )
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="swatch" style="background:{COLORS.get(ds.get("key"), "#444")}">'
        f"</span>{escape(ds['label'])}</li>"
        for ds in datasets
    )
    return mark_safe(f'{"".join(parts)}<ul class="chart-legend">{legend}</ul>')
