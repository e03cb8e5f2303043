"""``manage.py seed_demo``: demo user with months of history through the real import path."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from core.models import MLPredictionModel, ModelStatus, Satz, Trainingseinheit, Uebung
from ml_coach.ml_trainer import exercises_with_enough_data
from ml_coach.prediction_cache import cache_key
from workers.tasks import pending_key

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def history(username: str) -> list[tuple]:
    return list(
        Satz.objects.filter(einheit__user__username=username)
        .order_by("einheit__datum", "uebung__name", "satz_nr")
        .values_list("einheit__datum", "uebung__name", "satz_nr", "gewicht", "wiederholungen")
    )


def test_seed_demo_creates_months_of_history_once():
    output = seed()
    assert "Demo-Login: Benutzer 'demo', Passwort 'demo1234'" in output
    demo = get_user_model().objects.get(username="demo")
    assert demo.check_password("demo1234")
    dates = Trainingseinheit.objects.filter(user=demo).order_by("datum")
    assert (dates.last().datum - dates.first().datum).days >= 150
    assert dates.count() >= 60
    sets = Satz.objects.filter(einheit__user=demo)
    assert sets.count() > 800
    assert not sets.exclude(uebung__owner__isnull=True).exists()  # the catalogue exercises
    assert Uebung.objects.filter(owner__isnull=True).count() >= 6
    before = (dates.count(), sets.count(), Uebung.objects.count())

    again = seed()
    assert "bereits vorhanden" in again
    assert (dates.count(), sets.count(), Uebung.objects.count()) == before
    assert get_user_model().objects.filter(username="demo").count() == 1


def test_seed_demo_is_deterministic_for_a_seed():
    seed("--user", "eins", "--seed", "7", "--months", "3")
    seed("--user", "zwei", "--seed", "7", "--months", "3")
    seed("--user", "drei", "--seed", "8", "--months", "3")
    assert history("eins") == history("zwei")
    assert history("eins") != history("drei")


def test_seed_demo_from_a_real_log(shared_data):
    output = seed("--from", str(shared_data / "exports" / "strong_de.csv"))
    assert "Sätze importiert: 171" in output
    assert Satz.objects.filter(einheit__user__username="demo").count() == 171
    assert "Sätze importiert: 0" in seed("--from", str(shared_data / "exports" / "strong_de.csv"))


def test_seed_demo_trains_the_demo_models_itself(settings, tmp_path):
    """No worker runs here: the models exist when the command returns, and the first page's
    recommendations are already in the cache (model or baseline, as each model's gate says)."""
    settings.ML_MODEL_ROOT = tmp_path / "models"
    cache.clear()
    output = seed("--months", "3")
    demo = get_user_model().objects.get(username="demo")
    due = exercises_with_enough_data(demo.id)
    assert len(due) >= 5
    assert f"Training: {len(due)} Übungen …" in output
    assert f"(ACTIVE: {len(due)})" in output
    rows = MLPredictionModel.objects.filter(user=demo, status=ModelStatus.ACTIVE)
    assert sorted(rows.values_list("uebung_id", flat=True)) == due
    for row in rows:
        assert row.trained_at is not None
        cached = cache.get(cache_key(demo.id, row.uebung_id))
        assert cached["source"] == ("model" if row.uses_model else "baseline")
        assert cache.get(pending_key(demo.id, row.uebung_id)) is None  # nothing queued

    again = seed("--months", "3")
    assert f"(up_to_date: {len(due)})" in again
    assert MLPredictionModel.objects.filter(user=demo).count() == len(due)


def test_seed_demo_without_training_trains_nothing(settings, tmp_path):
    settings.ML_MODEL_ROOT = tmp_path / "models"
    output = seed("--months", "2", "--no-train")
    assert "Training" not in output
    assert not MLPredictionModel.objects.exists()


def test_the_demo_shows_the_model_on_day_one(settings, tmp_path):
    """A fresh instance (no other lifter, no nightly run yet): `make run`'s demo already shows
    "Modell" on the heavy/light squat, judged with the shipped prior."""
    from ml_coach.prediction_service import MLPredictor

    settings.ML_MODEL_ROOT = tmp_path / "models"
    cache.clear()
    seed()
    demo = get_user_model().objects.get(username="demo")
    squat = Uebung.objects.get(name="Kniebeuge (Langhantel)")
    row = MLPredictionModel.objects.get(user=demo, uebung=squat, status=ModelStatus.ACTIVE)
    assert row.uses_model and row.parameters["population_id"] == "prior"
    assert MLPredictor(user_id=demo.id).recommend(squat.pk).source == "model"
