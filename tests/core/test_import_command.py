"""``manage.py import_workouts``: German summary, clear errors, nothing written on bad files."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError

from core.exporters.homegym_json import json_chunks
from core.models import MLPredictionModel, ModelStatus, Satz, Trainingseinheit, Uebung
from ml_coach.ml_trainer import exercises_with_enough_data
from tests.factories import normalized_log
from workers.tasks import pending_key

pytestmark = pytest.mark.django_db

HEAD = "Date,Workout Name,Exercise Name,Set Order,Weight,Reps,RPE\n"
GOOD = (
    "2024-01-02 10:00:00,A,Squat (Barbell),W,135,5,\n"
    "2024-01-02 10:00:00,A,Squat (Barbell),1,225,5,8\n"
    "2024-01-02 10:00:00,A,Squat (Barbell),2,225,300,\n"
)


def run(*args) -> str:
    out = StringIO()
    call_command("import_workouts", *args, stdout=out)
    return out.getvalue()


def db_counts() -> tuple[int, int, int]:
    """Workouts, sets and the lifters' own exercises (the catalogue is there from the start)."""
    own = Uebung.objects.filter(owner__isnull=False)
    return Trainingseinheit.objects.count(), Satz.objects.count(), own.count()


def test_imports_and_prints_german_summary(tmp_path, user_a):
    log = tmp_path / "strong.csv"
    log.write_text(HEAD + GOOD, encoding="utf-8")
    output = run("--user", "anna", "--unit", "lb", str(log))
    assert "Einheiten importiert: 1" in output
    assert "Sätze importiert: 2" in output
    assert "Warnungen: 1" in output and "Zeile 4: Wiederholungen 300" in output
    assert str(Satz.objects.get(set_type="warmup").gewicht) == "61.235"  # 135 lb
    again = run("--user", "anna", "--unit", "lb", str(log))
    assert "Sätze importiert: 0" in again and "übersprungen (schon vorhanden): 2" in again


def test_malformed_file_names_the_line_and_writes_nothing(tmp_path, user_a):
    run_before = tmp_path / "ok.csv"
    run_before.write_text(HEAD + GOOD, encoding="utf-8")
    run("--user", "anna", str(run_before))
    before = db_counts()
    broken = tmp_path / "broken.csv"
    broken.write_text(HEAD + GOOD.replace("2024", "2025") + "kaputt,A,Squat,3,100,5,\n")
    with pytest.raises(CommandError, match=r"broken\.csv: Zeile 5: ungültiges Datum 'kaputt'"):
        run("--user", "anna", str(broken))
    assert db_counts() == before


def test_errors_for_user_file_and_size(tmp_path, user_a, settings):
    log = tmp_path / "strong.csv"
    log.write_text(HEAD + GOOD, encoding="utf-8")
    with pytest.raises(CommandError, match="Benutzer 'niemand' existiert nicht"):
        run("--user", "niemand", str(log))
    with pytest.raises(CommandError, match="Datei nicht gefunden"):
        run("--user", "anna", str(tmp_path / "fehlt.csv"))
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(CommandError, match="Datei zu groß"):
        run("--user", "anna", str(log))
    assert db_counts() == (0, 0, 0)


def test_format_option_is_respected(tmp_path, user_a):
    log = tmp_path / "strong.csv"
    log.write_text(HEAD + GOOD, encoding="utf-8")
    with pytest.raises(CommandError, match="Zeile 1: Pflichtspalte"):
        run("--user", "anna", "--format", "hevy", str(log))


def test_real_export_through_the_command(shared_data, user_a):
    output = run("--user", "anna", str(shared_data / "exports" / "strong_de.csv"))
    assert "Sätze importiert: 171" in output


def _trained(user) -> list[int]:
    rows = MLPredictionModel.objects.filter(user=user, status=ModelStatus.ACTIVE)
    assert all(row.trained_at is not None for row in rows)
    return sorted(rows.values_list("uebung_id", flat=True))


def test_import_trains_the_imported_exercises_at_the_end(tmp_path, user_a, user_b, settings):
    """No worker runs here: the models exist when the command returns; nothing is queued."""
    settings.ML_MODEL_ROOT = tmp_path / "models"
    cache.clear()
    log = tmp_path / "log.csv"
    log.write_bytes(normalized_log({"Kniebeuge Import": 12, "Seitheben Import": 4}))
    output = run("--user", "anna", str(log))
    squat = Uebung.objects.get(name="Kniebeuge Import")
    assert "Training: 1 Übung …" in output and "Kniebeuge Import" in output
    assert _trained(user_a) == [squat.pk] == exercises_with_enough_data(user_a.id)
    assert cache.get(pending_key(user_a.id, squat.pk)) is None
    assert "Training" not in run("--user", "anna", str(log))  # nothing new, nothing to train

    # A HomeGym JSON export read back into another lifter trains the same way.
    export = tmp_path / "anna.json"
    export.write_text("".join(json_chunks(user_a)), encoding="utf-8")
    output = run("--user", "bernd", str(export))
    assert "Training: 1 Übung …" in output
    assert _trained(user_b) == exercises_with_enough_data(user_b.id) != []


def test_dry_run_and_no_train_train_nothing(tmp_path, user_a, settings):
    settings.ML_MODEL_ROOT = tmp_path / "models"
    log = tmp_path / "log.csv"
    log.write_bytes(normalized_log({"Kniebeuge Import": 12}))
    assert "Training" not in run("--dry-run", "--user", "anna", str(log))
    assert "Training" not in run("--no-train", "--user", "anna", str(log))
    assert Satz.objects.count() == 12
    assert not MLPredictionModel.objects.exists()
