"""The ML dashboard: own models for lifters, everyone's for staff, retrain through Celery."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.models import MLPredictionModel, ModelStatus, UserProfile
from tests.factories import make_history, make_user
from workers.models import TrainingJob

pytestmark = pytest.mark.django_db

VALIDATION = {
    "dates": ["2026-10-01", "2026-10-08", "2026-10-15"],
    "actual": [60.0, 62.5, 62.5],
    "model": [60.0, 62.5, 65.0],
    "baseline": [57.5, 60.0, 62.5],
}


def _model(user, uebung, **fields):
    values = {
        "status": ModelStatus.ACTIVE,
        "n_samples": 30,
        "samples_at_training": 30,
        "r2": 0.8,
        "mae": 1.0,
        "baseline_mae": 2.0,
        "trained_at": timezone.now() - timedelta(days=1),
        "training_seconds": 0.42,
        "validation": VALIDATION,
    }
    values.update(fields)
    return MLPredictionModel.objects.create(user=user, uebung=uebung, **values)


def _chart_json(html: str) -> list[dict]:
    start = html.index('<script id="ml-charts-data" type="application/json">')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def test_dashboard_figures_for_a_lifter(client_a, user_a, user_b, bank, kniebeuge):
    make_history(user_a, [bank, kniebeuge], sessions=4)  # 12 sets each
    fresh = _model(user_a, bank, samples_at_training=12, r2=0.9, mae=1.5, baseline_mae=2.5)
    stale = _model(user_a, kniebeuge, samples_at_training=9, r2=0.5, mae=3.5, baseline_mae=3.0)
    _model(user_a, kniebeuge, status=ModelStatus.OUTDATED, r2=0.1)  # superseded: not a row
    foreign = _model(user_b, bank, r2=-5.0, mae=99.0)

    response = client_a.get(reverse("web:ml_dashboard"))
    assert response.status_code == 200
    ctx = response.context
    assert ctx["n_trained"] == 2
    assert ctx["n_needs_retraining"] == 1
    assert ctx["avg_r2"] == pytest.approx(0.7)
    assert float(ctx["avg_mae"]) == pytest.approx(2.5)
    html = response.content.decode()
    assert f'id="model-{fresh.pk}"' in html and f'id="model-{stale.pk}"' in html
    assert f'id="model-{foreign.pk}"' not in html
    assert "+3" in html  # 3 new sets since the stale model was trained
    assert "besser" in html and "nicht besser" in html
    assert "Neu trainieren" not in html  # no retrain button for lifters
    charts = {c["id"]: c for c in _chart_json(html)}
    assert set(charts) == {f"ml-chart-{fresh.pk}", f"ml-chart-{stale.pk}"}
    chart = charts[f"ml-chart-{fresh.pk}"]
    assert chart["labels"] == VALIDATION["dates"]
    assert [d["key"] for d in chart["datasets"]] == ["actual", "model", "baseline"]
    assert chart["datasets"][1]["data"] == VALIDATION["model"]


def test_dashboard_in_pounds(client_a, user_a, bank):
    UserProfile.objects.filter(user=user_a).update(display_unit="lb")
    _model(user_a, bank)
    html = client_a.get(reverse("web:ml_dashboard")).content.decode()
    chart = _chart_json(html)[0]
    assert chart["unit"] == "lb"
    assert chart["datasets"][0]["data"][0] == pytest.approx(132.28)


def test_failed_and_orphaned_models_render(client_a, user_a, bank):
    _model(user_a, None, status=ModelStatus.FAILED, error_text="ValueError: kaputt", r2=None)
    _model(user_a, bank, status=ModelStatus.TRAINING, validation={}, mae=None, r2=None)
    html = client_a.get(reverse("web:ml_dashboard")).content.decode()
    assert "ValueError: kaputt" in html
    assert "gelöschte Übung" in html


def test_empty_dashboard(client_a):
    response = client_a.get(reverse("web:ml_dashboard"))
    assert response.status_code == 200
    assert "Noch keine Modelle" in response.content.decode()
    assert response.context["avg_r2"] is None


def test_staff_sees_everyone_and_can_filter(client, user_a, user_b, bank):
    staff = make_user("chef", staff=True, password="x")
    client.force_login(staff)
    a = _model(user_a, bank)
    b = _model(user_b, bank)
    html = client.get(reverse("web:ml_dashboard")).content.decode()
    assert f'id="model-{a.pk}"' in html and f'id="model-{b.pk}"' in html
    assert "Neu trainieren" in html
    assert 'name="user"' in html
    filtered = client.get(reverse("web:ml_dashboard"), {"user": user_b.pk}).content.decode()
    assert f'id="model-{a.pk}"' not in filtered and f'id="model-{b.pk}"' in filtered
    assert client.get(reverse("web:ml_dashboard"), {"user": "x"}).status_code == 200


def test_retrain_is_staff_only_and_post_only(client_a, user_a, bank):
    model = _model(user_a, bank)
    url = reverse("web:ml_retrain", args=[model.pk])
    assert client_a.post(url).status_code == 403  # even for the model's own lifter
    client_a.logout()
    assert client_a.post(url).status_code == 302  # anonymous → login


def test_staff_retrain_goes_through_the_celery_broker(client, user_a, bank):
    import redis

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("ml")
    staff = make_user("chef", staff=True, password="x")
    client.force_login(staff)
    model = _model(user_a, bank)
    url = reverse("web:ml_retrain", args=[model.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"user": user_a.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:ml_dashboard')}?user={user_a.pk}"
    messages = [json.loads(m) for m in broker.lrange("ml", 0, -1)]
    broker.delete("ml")
    assert len(messages) == 1
    assert messages[0]["headers"]["task"] == "workers.tasks.retrain_model"
    args, kwargs, _embed = json.loads(base64.b64decode(messages[0]["body"]))
    assert args == [user_a.pk, bank.pk]
    assert kwargs == {"force": True}
    job = TrainingJob.objects.get(task_id=messages[0]["headers"]["id"])
    assert (job.requested_by, job.user_id, job.uebung_id) == (staff, user_a.pk, bank.pk)
