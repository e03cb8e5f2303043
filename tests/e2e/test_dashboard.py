"""In a real browser: the ML dashboard lists the models and draws their charts."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, screenshot
from tests.factories import make_history

pytestmark = pytest.mark.django_db(transaction=True)

CANVAS_INK = """canvas => {
  const ctx = canvas.getContext('2d');
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { ink++; } }
  return ink;
}"""


@pytest.fixture
def trained(user_a, kniebeuge, bank):
    from ml_coach import ml_trainer

    user = user_a
    exercises = [kniebeuge, bank]
    make_history(user, exercises, sessions=40, start_kg=60, realistic=True)
    models = [ml_trainer.train_and_store(user.pk, u.pk) for u in exercises]
    return user, exercises, models


def test_dashboard_shows_models_and_draws_charts(page, trained):
    _user, _exercises, models = trained
    login(page, "anna", "pw-anna-123")
    page.click("#ml-card a >> nth=0")
    page.wait_for_url("**/ml/dashboard/")
    assert page.locator("#stat-trained .stat-value").inner_text() == "2"
    for model in models:
        assert page.locator(f"#model-{model.pk}").is_visible()
        canvas = page.locator(f"#ml-chart-{model.pk}")
        canvas.scroll_into_view_if_needed()
        assert page.evaluate("c => Chart.getChart(c) !== undefined", canvas.element_handle())
        datasets = page.evaluate(
            "c => Chart.getChart(c).data.datasets.map(d => d.label)", canvas.element_handle()
        )
        assert datasets == ["Ist (Top-Gewicht)", "ML-Modell", "Baseline"]
        assert canvas.evaluate(CANVAS_INK) > 1000
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "ml-dashboard")
    assert page.js_errors == []


def test_exercise_history_chart_draws(page, trained):
    _user, exercises, _models = trained
    login(page, "anna", "pw-anna-123")
    page.goto(exercises[0].get_absolute_url())
    canvas = page.locator("#history-chart")
    assert canvas.evaluate(CANVAS_INK) > 1000
    screenshot(page, "exercise-history", full_page=False)
    assert page.js_errors == []
