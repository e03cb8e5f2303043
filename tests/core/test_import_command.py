"""``manage.py import_workouts``: German summary, clear errors, nothing written on bad files."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import Satz, Trainingseinheit, Uebung

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
