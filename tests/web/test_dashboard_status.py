"""The dashboard never calls a model "Aktiv" that learned no weight: a bodyweight exercise
(every set 0 kg) or a model trained on 0 samples says what it is instead."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import MLPredictionModel, ModelStatus, Satz, Trainingseinheit
from tests.factories import make_uebung

pytestmark = pytest.mark.django_db


def _log(user, uebung, weights):
    einheit = Trainingseinheit.objects.create(
        user=user, datum=timezone.now() - timedelta(days=len(weights))
    )
    for w in weights:
        Satz.objects.create(einheit=einheit, uebung=uebung, gewicht=Decimal(w), wiederholungen=8)


def _model(user, uebung, n_samples):
    return MLPredictionModel.objects.create(
        user=user, uebung=uebung, status=ModelStatus.ACTIVE, n_samples=n_samples,
        samples_at_training=n_samples, r2=0.5, mae=1.0, baseline_mae=2.0,
        trained_at=timezone.now(),
    )  # fmt: skip


def _status_cell(html: str, model) -> str:
    row = html[html.index(f'id="model-{model.pk}"') :]
    row = row[: row.index("</tr>")]
    return row[row.index('data-label="Status"') :]


def test_bodyweight_zero_samples_and_real_models(client_a, user_a, bank):
    klimmzuege = make_uebung("Klimmzüge Q", equipment="bodyweight", owner=user_a)
    _log(user_a, klimmzuege, ["0", "0", "0"])
    bodyweight = _model(user_a, klimmzuege, n_samples=0)
    dips = make_uebung("Dips Q", equipment="bodyweight", owner=user_a)
    _log(user_a, dips, ["0", "10", "10"])  # weighted dips: weights learned
    weighted = _model(user_a, dips, n_samples=12)
    _log(user_a, bank, ["60", "62.5"])
    empty = _model(user_a, bank, n_samples=0)

    response = client_a.get(reverse("web:ml_dashboard"))
    html = response.content.decode()
    cell = _status_cell(html, bodyweight)
    assert "nur Wiederholungen" in cell and "keine Gewichte – Wdh-Empfehlung" in cell
    assert "Aktiv" not in cell
    cell = _status_cell(html, empty)
    assert "keine Beispiele" in cell and "Aktiv" not in cell
    assert '<span class="status">Aktiv</span>' in _status_cell(html, weighted)
    # Only the model that learned weights counts as trained (and in the averages).
    assert response.context["n_trained"] == 1
    assert response.context["avg_r2"] == pytest.approx(0.5)


def test_in_english_too(client_a, user_a):
    klimmzuege = make_uebung("Klimmzüge Q", equipment="bodyweight", owner=user_a)
    _log(user_a, klimmzuege, ["0"])
    model = _model(user_a, klimmzuege, n_samples=0)
    html = client_a.get(reverse("web:ml_dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = html[html.index(f'id="model-{model.pk}"') :]
    assert "reps only" in row[: row.index("</tr>")]


@pytest.mark.parametrize(
    ("uses_model", "parameters", "hint"),
    [
        (True, {"judged_rows": 20, "past_mae": 1.0, "past_baseline_mae": 2.0}, "Modell im Einsatz"),
        (False, {"judged_rows": 6, "past_mae": 1.0, "past_baseline_mae": 2.0}, "noch keine zehn"),
        (False, {"judged_rows": 20, "past_mae": 2.5, "past_baseline_mae": 2.0}, "ganze Historie"),
        (
            False,
            {"judged_rows": 20, "past_mae": 1.0, "past_baseline_mae": 2.0},
            "alle deine Übungen",
        ),
    ],
)
def test_the_status_says_who_recommends_and_why(
    client_a, user_a, bank, uses_model, parameters, hint
):
    """Validation MAE 1.0 vs 2.0 ("besser") and still the baseline: the status says why."""
    _log(user_a, bank, ["60", "62.5"])
    model = _model(user_a, bank, n_samples=12)
    MLPredictionModel.objects.filter(pk=model.pk).update(
        uses_model=uses_model, parameters=parameters
    )
    html = client_a.get(reverse("web:ml_dashboard")).content.decode()
    assert hint in _status_cell(html, model)
