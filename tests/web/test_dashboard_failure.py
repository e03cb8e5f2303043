"""A failed retraining is visible on the dashboard while the previous model keeps serving."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import MLPredictionModel, ModelStatus, Uebung

pytestmark = pytest.mark.django_db


def _model(user, uebung, status, minutes_ago: int, error: str = "") -> MLPredictionModel:
    model = MLPredictionModel.objects.create(
        user=user, uebung=uebung, status=status, error_text=error
    )
    when = timezone.now() - timedelta(minutes=minutes_ago)
    MLPredictionModel.objects.filter(pk=model.pk).update(created_at=when, trained_at=when)
    return model


def test_newer_failure_is_shown_next_to_the_active_model(client, user_a):
    uebung = Uebung.objects.create(name="Kniebeuge")
    _model(user_a, uebung, ModelStatus.FAILED, 60, "PermissionError: alt, längst behoben")
    active = _model(user_a, uebung, ModelStatus.ACTIVE, 30)
    _model(user_a, uebung, ModelStatus.FAILED, 5, "OSError: [Errno 28] No space left on device")
    client.force_login(user_a)
    page = client.get("/ml/dashboard/").content.decode()
    assert f'id="model-{active.pk}"' in page
    assert "Letztes Training fehlgeschlagen" in page
    assert "No space left on device" in page
    assert "längst behoben" not in page  # a failure older than the active model is history


def test_no_failure_note_without_a_newer_failure(client, user_a):
    uebung = Uebung.objects.create(name="Bankdrücken")
    _model(user_a, uebung, ModelStatus.FAILED, 60, "OSError: alt")
    _model(user_a, uebung, ModelStatus.ACTIVE, 30)
    client.force_login(user_a)
    page = client.get("/ml/dashboard/").content.decode()
    assert "Letztes Training fehlgeschlagen" not in page
