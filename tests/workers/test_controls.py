"""Operators' controls end to end: admin actions, the API job, the management command."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import MLPredictionModel, ModelStatus, Satz, Uebung
from tests.factories import log_sets_unsaved, make_user
from tests.workers.conftest import started, wait_finished
from workers.models import TrainingJob

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("chef", password="pw-chef-123")


def _admin_action(client, url: str, action: str, pks: list[int]):
    return client.post(url, {"action": action, "_selected_action": pks}, follow=True)


def test_admin_action_retrains_selected_models(worker_env, client, staff, user_a, bank):
    Satz.objects.bulk_create(log_sets_unsaved(user_a, bank, 12))
    old = MLPredictionModel.objects.create(
        user=user_a, uebung=bank, status=ModelStatus.ACTIVE, samples_at_training=12
    )
    client.force_login(staff)
    url = reverse("admin:core_mlpredictionmodel_changelist")
    response = _admin_action(client, url, "retrain_selected", [old.pk])
    assert "1 Trainingsaufgabe eingeplant" in response.content.decode()
    wait_finished("workers.tasks.retrain_model")
    new = MLPredictionModel.objects.filter(status=ModelStatus.ACTIVE).exclude(pk=old.pk)
    assert new.get().samples_at_training == 12  # forced, although nothing changed
    old.refresh_from_db()
    assert old.status == ModelStatus.OUTDATED
    job = TrainingJob.objects.get(state="SUCCESS")
    assert job.requested_by == staff and job.result["status"] == "ACTIVE"


def test_user_admin_action_trains_all_models_of_the_user(worker_env, client, staff, user_a, bank):
    kniebeuge = Uebung.objects.create(name="Kniebeuge")
    Satz.objects.bulk_create(log_sets_unsaved(user_a, bank, 12))
    Satz.objects.bulk_create(log_sets_unsaved(user_a, kniebeuge, 11))
    client.force_login(staff)
    response = _admin_action(
        client, reverse("admin:auth_user_changelist"), "retrain_all_models", [user_a.pk]
    )
    assert response.status_code == 200
    wait_finished("workers.tasks.retrain_user_models")
    assert MLPredictionModel.objects.filter(status=ModelStatus.ACTIVE).count() == 2
    assert started("workers.tasks.retrain_user_models") == [(user_a.id,)]


def test_actions_are_for_staff_with_permission_only(worker_env, client):
    clerk = make_user("clerk", staff=True, password="pw")
    client.force_login(clerk)
    url = reverse("admin:core_mlpredictionmodel_changelist")
    assert client.get(url).status_code == 403  # no model permissions at all
    lifter = make_user("lifter", password="pw")
    client.force_login(lifter)
    assert client.get(url).status_code == 302  # to the admin login


def test_api_job_runs_on_the_worker_and_reports_success(worker_env, user_a, bank):
    Satz.objects.bulk_create(log_sets_unsaved(user_a, bank, 12))
    client = APIClient()
    client.force_authenticate(user_a)
    response = client.post("/api/ml/train/", {"uebung_id": bank.pk}, format="json")
    assert response.status_code == 202
    url = response.json()["jobs"][0]["status_url"]
    wait_finished("workers.tasks.retrain_model")
    body = client.get(url).json()
    assert body["state"] == "SUCCESS"
    assert body["result"]["status"] == "ACTIVE"
    model = MLPredictionModel.objects.get(status=ModelStatus.ACTIVE)
    assert body["result"]["model_id"] == model.pk


def test_command_trains_inline_and_prints_the_known_lines(worker_env, capsys, user_a, user_b, bank):
    Satz.objects.bulk_create(log_sets_unsaved(user_a, bank, 12))
    Satz.objects.bulk_create(log_sets_unsaved(user_b, bank, 5))
    call_command("train_ml_models")
    out = capsys.readouterr().out
    for line in (
        "ML Training Service gestartet",
        "Minimale Samples: 10",
        "Trainiere Modelle für 1 User...",
        "Training abgeschlossen!",
    ):
        assert line in out
    assert MLPredictionModel.objects.get(status=ModelStatus.ACTIVE).user == user_a
    assert not started("workers.tasks.retrain_model")  # inline, not through the broker

    call_command("train_ml_models", "--min-samples", "5", "--user", "bernd", "--async")
    out = capsys.readouterr().out
    assert "Minimale Samples: 5" in out and "eingeplant" in out
    wait_finished("workers.tasks.retrain_model")
    assert MLPredictionModel.objects.filter(user=user_b, status=ModelStatus.ACTIVE).exists()
    assert started("workers.tasks.retrain_model")[0][:2] == (user_b.id, bank.id)


def test_command_reports_nothing_to_do_and_bad_options(worker_env, capsys, user_a, bank):
    call_command("train_ml_models", "--user", "anna")
    assert "Keine Übungen mit genug Daten gefunden" in capsys.readouterr().out
    with pytest.raises(CommandError, match="nicht gefunden"):
        call_command("train_ml_models", "--user", "niemand")
    with pytest.raises(CommandError, match="nicht gefunden"):
        call_command("train_ml_models", "--exercise", "999999")
    with pytest.raises(CommandError, match="mindestens 1"):
        call_command("train_ml_models", "--min-samples", "0")


def test_periodic_tasks_admin_offers_run_now_to_staff(client, staff):
    from django_celery_beat.models import PeriodicTask

    call_command("migrate", "workers", "0001", verbosity=0)  # transactional tests flush rows
    call_command("migrate", "workers", verbosity=0)
    client.force_login(staff)
    response = client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="run_tasks"' in page and "nightly_full_retrain" in page
    nightly = PeriodicTask.objects.get(name="nightly_full_retrain")
    response = client.get(
        reverse("admin:django_celery_beat_periodictask_change", args=[nightly.pk])
    )
    assert response.status_code == 200
    lifter = make_user("lifter", password="pw")
    client.force_login(lifter)
    changelist = reverse("admin:django_celery_beat_periodictask_changelist")
    assert client.get(changelist).status_code == 302
