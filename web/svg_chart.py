"""Charts without JavaScript: the same series Chart.js draws, as a small inline SVG.

Every chart of the pages renders this first; app.js replaces it with the interactive chart
when Chart.js runs. Lines are stepped (a value holds until the next one): what a logged
weight means, and no smoothing invents values between two workouts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from web.units import human

WIDTH, HEIGHT = 600, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 12, 12, 28
MARKERS_UP_TO = 60  # points: a marker per logged value while they fit


@dataclass(frozen=True)
class SeriesStyle:
    """How one series is drawn. Where series coincide (the model predicted exactly what was
    lifted) each stays visible: the actual line is the widest and drawn first, the model's
    dashed over it, the baseline's thin dots on top; markers tell them apart too."""

    color: str
    width: float = 2
    dash: str | None = None
    marker: str = "none"  # circle | triangle | square | none


STYLES = {
    "top": SeriesStyle("#1a5fb4", 3.5, marker="circle"),
    "actual": SeriesStyle("#1a5fb4", 4, marker="circle"),
    "bodyweight": SeriesStyle("#1a5fb4", 3, marker="circle"),
    "e1rm": SeriesStyle("#26a269", 2, "6 4", marker="square"),
    "model": SeriesStyle("#e66100", 2.5, "9 4", marker="triangle"),
    "baseline": SeriesStyle("#3d3846", 1.5, "2 3", marker="square"),
}
DEFAULT_STYLE = SeriesStyle("#444")
# Drawn in this order (later on top): the widest first, the thinnest last.
DRAW_ORDER = {"actual": 0, "top": 0, "bodyweight": 0, "e1rm": 1, "model": 1, "baseline": 2}


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
    markers = n <= MARKERS_UP_TO
    for ds in sorted(datasets, key=lambda ds: DRAW_ORDER.get(ds.get("key"), 1)):
        key = ds.get("key") or ""
        style = STYLES.get(key, DEFAULT_STYLE)
        parts.append(f'<g class="series series-{escape(key)}" data-series="{escape(key)}">')
        for run in stepped_points(xs, ds["data"]):
            points = " ".join(f"{_fmt(px)},{_fmt(y(py))}" for px, py in run)
            parts.append(f'<polyline points="{points}" fill="none"{_stroke(style)}/>')
        if markers:
            parts.extend(
                _marker(style, px, y(py))
                for px, py in zip(xs, ds["data"], strict=True)
                if py is not None
            )
        parts.append("</g>")
    parts.append("</svg>")
    legend = "".join(
        f'<li data-series="{escape(ds.get("key") or "")}">{_legend_sample(ds.get("key"))}'
        f"{escape(ds['label'])}</li>"
        for ds in datasets
    )
    return mark_safe(f'{"".join(parts)}<ul class="chart-legend">{legend}</ul>')


def _stroke(style: SeriesStyle) -> str:
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    return (
        f' stroke="{style.color}" stroke-width="{style.width}"{dash}'
        ' stroke-linejoin="miter" vector-effect="non-scaling-stroke"'
    )


def _marker(style: SeriesStyle, px: float, py: float) -> str:
    """A logged (or predicted) value: the step's corner where the new value starts."""
    fill = f'fill="{style.color}"'
    if style.marker == "circle":
        return f'<circle cx="{_fmt(px)}" cy="{_fmt(py)}" r="3.5" {fill}/>'
    if style.marker == "triangle":
        return (
            f'<path d="M{_fmt(px)},{_fmt(py - 4)} L{_fmt(px + 4)},{_fmt(py + 3)} '
            f'L{_fmt(px - 4)},{_fmt(py + 3)} Z" {fill}/>'
        )
    if style.marker == "square":
        return f'<rect x="{_fmt(px - 2.5)}" y="{_fmt(py - 2.5)}" width="5" height="5" {fill}/>'
    return ""


def _legend_sample(key: str | None) -> str:
    """The legend shows each line as drawn: colour, width, dashes and marker."""
    style = STYLES.get(key or "", DEFAULT_STYLE)
    return (
        '<svg class="swatch" viewBox="0 0 28 10" width="28" height="10" aria-hidden="true">'
        f'<line x1="0" y1="5" x2="28" y2="5"{_stroke(style)}/>{_marker(style, 14, 5)}</svg>'
    )
