"""Charts honest to the data: weights are discrete steps, and the dashboard's three series
(actual, model, baseline) all stay visible where they coincide."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import MLPredictionModel, ModelStatus
from tests.factories import make_history
from web.svg_chart import STYLES, stepped_svg

pytestmark = pytest.mark.django_db

APP_JS = Path(__file__).resolve().parents[2] / "web" / "static" / "web" / "app.js"

# The model predicted exactly what was lifted at first: all three series coincide there.
VALIDATION = {
    "dates": ["2026-10-01", "2026-10-08", "2026-10-15", "2026-10-22"],
    "actual": [60.0, 62.5, 62.5, 65.0],
    "model": [60.0, 62.5, 65.0, 65.0],
    "baseline": [60.0, 62.5, 62.5, 62.5],
}


def _points(polyline: str) -> list[tuple[float, float]]:
    raw = re.search(r'points="([^"]+)"', polyline).group(1)
    return [tuple(float(v) for v in p.split(",")) for p in raw.split()]


def _series(svg: str) -> dict[str, list[str]]:
    """key → the polylines of that series' group."""
    groups = re.findall(r'<g class="series series-(\w+)" data-series="\w+">(.*?)</g>', svg, re.S)
    return {key: re.findall(r"<polyline [^>]+>", body) for key, body in groups}


def _assert_stepped_after(points: list[tuple[float, float]]) -> None:
    """Every change is a horizontal run at the old value, then a vertical jump: no slopes."""
    assert len(points) >= 3
    for (x0, y0), (x1, y1) in pairwise(points):
        assert x0 == x1 or y0 == y1, (points, (x0, y0), (x1, y1))
    # Step "after": from each value the line goes right first (the value holds).
    for i in range(0, len(points) - 1, 2):
        assert points[i][1] == points[i + 1][1] and points[i + 1][0] > points[i][0]


def _dashboard_svg(client, user, uebung) -> str:
    MLPredictionModel.objects.create(
        user=user, uebung=uebung, status=ModelStatus.ACTIVE, n_samples=30,
        samples_at_training=30, mae=1.0, baseline_mae=2.0, validation=VALIDATION,
        trained_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    html = client.get(reverse("web:ml_dashboard")).content.decode()
    start = html.index('<svg class="chart-svg"')
    return html[start : html.index("</ul>", start)]


def test_dashboard_svg_draws_all_three_series_stepped(client_a, user_a, bank):
    svg = _dashboard_svg(client_a, user_a, bank)
    series = _series(svg)
    assert set(series) == {"actual", "model", "baseline"}
    for key, polylines in series.items():
        assert len(polylines) == 1, key
        _assert_stepped_after(_points(polylines[0]))
    actual = _points(series["actual"][0])
    # 4 values → 4 corners plus 3 steps; the first value holds until the second date.
    assert len(actual) == 7
    assert actual[0][1] == actual[1][1] and actual[1][0] == actual[2][0]
    assert not re.search(r'<path d="[^"]*[CQSA]', svg)  # no curves anywhere


def test_the_three_series_look_different_and_the_legend_shows_how(client_a, user_a, bank):
    svg = _dashboard_svg(client_a, user_a, bank)
    looks = {
        (STYLES[k].width, STYLES[k].dash, STYLES[k].marker) for k in ("actual", "model", "baseline")
    }
    assert len(looks) == 3
    # Where they coincide the widest is drawn first and the thinnest last: all stay visible.
    order = [m.group(1) for m in re.finditer(r'<g class="series series-(\w+)"', svg)]
    assert order == ["actual", "model", "baseline"]
    assert STYLES["actual"].width > STYLES["model"].width > STYLES["baseline"].width
    for key in ("model", "baseline"):
        assert f'stroke-dasharray="{STYLES[key].dash}"' in svg
    legend = svg[svg.index('<ul class="chart-legend">') :]
    for key, label in (
        ("actual", "Ist (Top-Gewicht)"),
        ("model", "ML-Modell"),
        ("baseline", "Baseline"),
    ):
        item = re.search(rf'<li data-series="{key}">(.*?)</li>', legend, re.S).group(1)
        assert label in item and f'stroke-width="{STYLES[key].width}"' in item
    plot = svg[: svg.index('<ul class="chart-legend">')]
    assert plot.count("<circle") == 4 and plot.count("<rect") == 4  # markers: actual, baseline


def test_a_gap_breaks_the_line_instead_of_inventing_a_value():
    spec = {
        "labels": ["a", "b", "c", "d"],
        "datasets": [{"key": "e1rm", "label": "1RM", "data": [100.0, None, 110.0, 112.0]}],
    }
    series = _series(stepped_svg(spec, title="t"))
    assert [len(_points(p)) for p in series["e1rm"]] == [1, 3]


def test_exercise_history_chart_is_stepped(client_a, user_a, bank):
    make_history(user_a, [bank], sessions=4)
    response = client_a.get(reverse("web:exercise_history", args=[bank.pk]))
    assert response.context["chart"]["stepped"] is True
    svg = response.content.decode()
    (top,) = _series(svg)["top"]
    _assert_stepped_after(_points(top))


def test_chart_js_steps_after_and_never_smooths():
    js = APP_JS.read_text(encoding="utf-8")
    assert 'stepped: "after"' in js and "tension: 0" in js
    assert "tension: 0." not in js and "cubicInterpolationMode" not in js
