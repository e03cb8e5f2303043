"""core.importers.parse_log on the real exports, the normalized logs and synthetic samples."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from core.importers import ImportFormatError, parse_log
from tests.core.twins import NO_TWIN, TWINS, out_of_db_range, parsed_key, twin_key, twin_rows

LB = 0.45359237


def provenance_repos(shared: Path) -> tuple[str, str]:
    return (
        (shared / "exports" / "PROVENANCE.md").read_text(encoding="utf-8"),
        (shared / "workouts" / "PROVENANCE.md").read_text(encoding="utf-8"),
    )


def test_twin_mapping_follows_both_provenance_files(shared_data):
    exports_md, workouts_md = provenance_repos(shared_data)
    for export, (twin, repo) in TWINS.items():
        assert f"| {export} |" in exports_md and repo in exports_md.split(f"| {export} |")[1][:200]
        assert f"| {twin} | {repo} |" in workouts_md
    for repo in NO_TWIN.values():
        assert repo in exports_md and repo not in workouts_md


@pytest.mark.parametrize("export", sorted(TWINS))
def test_export_yields_exactly_its_normalized_twin(shared_data, export):
    """Same sets (date, exercise, position, kg, reps, RPE, type) as the normalized twin,
    minus the twin's rows the database would refuse — those come back as line warnings."""
    twin, _repo = TWINS[export]
    rows = twin_rows(shared_data / "workouts" / twin)
    refused = [row for row in rows if out_of_db_range(row)]
    log = parse_log(shared_data / "exports" / export)

    assert len(log.sets) == len(rows) - len(refused)
    expected = Counter(twin_key(row) for row in rows if not out_of_db_range(row))
    assert Counter(parsed_key(s) for s in log.sets) == expected
    assert len(log.warnings) == len(refused)
    assert all(w.startswith("Zeile ") for w in log.warnings)


def test_german_strong_export_without_twin(shared_data):
    """strong_de.csv has no twin: expected = raw rows − Ruhezeit rows − rows with neither
    weight nor reps, counted here with the csv module alone."""
    path = shared_data / "exports" / "strong_de.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        raw = list(csv.DictReader(handle))
    sets = [r for r in raw if r["Reihenfolge festlegen"] != "Ruhezeit"]
    expected = [r for r in sets if float(r["Gewicht"] or 0) or float(r["Wiederh."] or 0)]
    assert 0 < len(expected) < len(sets) < len(raw)

    log = parse_log(path)
    assert log.format == "strong"
    assert len(log.sets) == len(expected) == 171
    assert log.sets[0].exercise == "Pull Up" and log.sets[0].weight_kg is None
    assert log.sets[0].reps == 3 and log.sets[1].set_order == 2


def test_every_normalized_log_parses(shared_data):
    files = sorted((shared_data / "workouts").glob("p*.csv"))
    assert len(files) >= 40
    for path in files:
        rows = twin_rows(path)
        log = parse_log(path)
        assert log.format == "normalized"
        assert len(log.sets) == len(rows) - sum(map(out_of_db_range, rows)), path.name


def test_lbs_converted_to_kg_on_known_rows(shared_data):
    strong = parse_log(shared_data / "exports" / "strong_semicolon_unit_column.csv")
    first = strong.sets[0]  # "2018-12-10 10:33:55;Chest A;Incline Bench Press (Barbell);1;90;lbs"
    assert first.exercise == "Incline Bench Press (Barbell)"
    assert first.weight_kg == pytest.approx(90 * LB) == pytest.approx(40.8233, abs=1e-4)
    hevy = parse_log(shared_data / "exports" / "hevy_lbs.csv")
    assert (hevy.sets[0].exercise, hevy.sets[0].reps) == ("Clean", 3)
    assert hevy.sets[0].weight_kg == pytest.approx(195 * LB)
    assert hevy.sets[0].started_at == datetime(2026, 1, 13, 6, 53)


FRENCH = (
    "Date;Nom de l'entraînement;Durée;Nom de l'exercice;Ordre des séries;Poids;Répétitions;"
    "Distance;Secondes;Notes;Notes d'entraînement;RPE\n"
    "2024-03-05 18:02:11;Push;1h 5m;Développé couché (Barre);W;40;10;0;0;;;\n"
    "2024-03-05 18:02:11;Push;1h 5m;Développé couché (Barre);Minuteur de repos;0;0;0;90;;;\n"
    "2024-03-05 18:02:11;Push;1h 5m;Développé couché (Barre);1;62,5;8;0;0;;;8\n"
    "2024-03-05 18:02:11;Push;1h 5m;Course à pied;1;0;0;5;1800;;;\n"
    "2024-03-05 18:02:11;Push;1h 5m;Développé couché (Barre);2;62,5;7;0;0;;;9,5\n"
)
SPANISH = (
    "Fecha,Nombre del entrenamiento,Nombre del ejercicio,Orden de la serie,Peso,Unidad de peso,"
    "Repeticiones,RPE,Distancia,Unidad de distancia,Segundos,Notas,Notas del entrenamiento\n"
    '2023-11-20 07:15:00,"Pierna","Sentadilla (Barra)",1,135,lbs,5,,,,0,"",""\n'
    '2023-11-20 07:15:00,"Pierna","Sentadilla (Barra)",D,100,kg,12,,,,0,,\n'
    '2023-11-20 07:15:00,"Pierna","Sentadilla (Barra)",F,60,kg,20,,,,0,,\n'
    '2023-11-20 07:15:00,"Pierna","Dominadas",1,,,8,,,,0,,\n'
)


def test_french_strong_sample():
    log = parse_log(FRENCH.encode("utf-8"))
    assert log.format == "strong" and not log.warnings
    assert [(s.set_type, s.set_order, s.weight_kg, s.reps, s.rpe) for s in log.sets] == [
        ("warmup", 1, 40.0, 10, None),
        ("normal", 2, 62.5, 8, 8.0),
        ("normal", 3, 62.5, 7, 9.5),
    ]
    assert log.sets[0].workout_duration.total_seconds() == 65 * 60


def test_spanish_strong_sample_with_unit_column():
    log = parse_log(SPANISH)
    squat = [s for s in log.sets if s.exercise == "Sentadilla (Barra)"]
    assert squat[0].weight_kg == pytest.approx(135 * LB)
    assert [s.set_type for s in squat] == ["normal", "dropset", "failure"]
    assert [s.weight_kg for s in squat[1:]] == [100.0, 60.0]
    pullups = [s for s in log.sets if s.exercise == "Dominadas"]
    assert pullups[0].weight_kg is None and pullups[0].reps == 8


def test_unknown_language_read_by_strong_column_positions():
    sample = (
        "Data,Nazwa treningu,Czas trwania,Nazwa ćwiczenia,Kolejność serii,Ciężar,Powtórzenia,"
        "Dystans,Sekundy,Notatki,Notatki treningu,RPE\n"
        "2024-01-02 10:00:00,A,30m,Przysiad,1,80,5,0,0,,,\n"
    )
    log = parse_log(sample)
    assert (log.sets[0].exercise, log.sets[0].weight_kg, log.sets[0].reps) == ("Przysiad", 80, 5)


def test_strong_without_unit_uses_given_unit_and_header_units_win():
    plain = (
        "Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n2024-01-02 10:00:00,A,Row,1,100,5\n"
    )
    assert parse_log(plain).sets[0].weight_kg == 100
    assert parse_log(plain, unit="lb").sets[0].weight_kg == pytest.approx(100 * LB)
    in_lbs = plain.replace("Weight,", "Weight (lbs),")
    assert parse_log(in_lbs, unit="kg").sets[0].weight_kg == pytest.approx(100 * LB)
    legacy = plain.replace("Weight,", "kg,")
    assert parse_log(legacy, unit="lb").sets[0].weight_kg == 100


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("12 Dec 2024, 13:18", datetime(2024, 12, 12, 13, 18)),
        ("3 Mär 2024, 07:05", datetime(2024, 3, 3, 7, 5)),
        ("3 Okt. 2024, 07:05", datetime(2024, 10, 3, 7, 5)),
        ("5 dic 2023, 19:00", datetime(2023, 12, 5, 19, 0)),
        ("5 ago 2023, 19:00", datetime(2023, 8, 5, 19, 0)),
        ("21 set 2023, 06:30", datetime(2023, 9, 21, 6, 30)),
        ("14 Şub 2025, 18:45", datetime(2025, 2, 14, 18, 45)),
        ("1 Ağu 2025, 18:45", datetime(2025, 8, 1, 18, 45)),
    ],
)
def test_hevy_localized_month_names(start, expected):
    sample = (
        "title;start_time;end_time;exercise_title;set_index;set_type;weight_kg;reps;rpe\n"
        f"Push;{start};;Bench Press (Barbell);0;warmup;40;10;\n"
    )
    log = parse_log(sample)
    assert log.format == "hevy"
    assert log.sets[0].started_at == expected and log.sets[0].set_type == "warmup"


def test_hevy_skips_cardio_and_keeps_rpe():
    sample = (
        '"title","start_time","end_time","description","exercise_title","superset_id",'
        '"exercise_notes","set_index","set_type","weight_lbs","reps","distance_miles",'
        '"duration_seconds","rpe"\n'
        '"Legs","7 Apr 2026, 10:14","7 Apr 2026, 11:02","","Treadmill",,"",0,"normal",,,1.5,900,\n'
        '"Legs","7 Apr 2026, 10:14","7 Apr 2026, 11:02","","Squat (Barbell)",,"",0,"normal",'
        "225,5,,,8.5\n"
    )
    log = parse_log(sample)
    assert len(log.sets) == 1
    only = log.sets[0]
    assert (only.exercise, only.rpe, only.set_order) == ("Squat (Barbell)", 8.5, 1)
    assert only.weight_kg == pytest.approx(225 * LB)
    assert only.workout_duration.total_seconds() == 48 * 60


STRONG_HEAD = "Date,Workout Name,Exercise Name,Set Order,Weight,Reps,RPE\n"


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ("2024-01-02 10:00:00,A,Row,1,100,5,\n2024-13-45 10:00:00,A,Row,2,100,5,\n", 3, "Datum"),
        ("2024-01-02 10:00:00,A,Row,1,100,5,\n\n2024-01-02 10:00:00,A,Row,2,1OO,5,\n", 4, "Zahl"),
        ("2024-01-02 10:00:00,A,Row,1,100,fünf,\n", 2, "Zahl"),
    ],
)
def test_structural_errors_name_the_line(body, line, fragment):
    with pytest.raises(ImportFormatError) as caught:
        parse_log(STRONG_HEAD + body)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"Zeile {line}: ") and fragment in str(caught.value)


def test_bad_date_message_quotes_the_value():
    with pytest.raises(ImportFormatError, match=r"^Zeile 2: ungültiges Datum 'gestern'$"):
        parse_log(STRONG_HEAD + "gestern,A,Row,1,100,5,\n")


def test_missing_columns_and_unknown_format_and_binary():
    with pytest.raises(ImportFormatError, match=r"Zeile 1: Pflichtspalte.*Wiederholungen"):
        parse_log("Date,Workout Name,Exercise Name,Set Order,Weight\n2024-01-02,A,Row,1,100\n")
    with pytest.raises(ImportFormatError, match="Zeile 1: Format nicht erkannt"):
        parse_log("name,email\nanna,a@example.org\n")
    with pytest.raises(ImportFormatError, match="Binärdaten"):
        parse_log(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" * 20)
    with pytest.raises(ImportFormatError, match="leer"):
        parse_log(b"")


def test_encodings_bom_and_cp1252():
    text = "Datum,Workout-Name,Name der Übung,Reihenfolge festlegen,Gewicht,Wiederh.\n"
    text += "2025-08-01 09:46:59,Zug,Klimmzug (Übergriff),1,0,3\n"
    for data in (text.encode("utf-8-sig"), text.encode("cp1252"), text.encode("utf-16")):
        log = parse_log(data)
        assert log.sets[0].exercise == "Klimmzug (Übergriff)"


def test_out_of_range_values_are_skipped_with_line_warnings():
    body = (
        "2024-01-02 10:00:00,A,Squat,1,2956,1,\n"  # a 2956 lb typo = 1340.82 kg
        "2024-01-02 10:00:00,A,Squat,2,315,300,\n"
        "2024-01-02 10:00:00,A,Squat,3,315,5,11\n"
        "2024-01-02 10:00:00,A,Squat,4,315,5,8\n"
    )
    log = parse_log(STRONG_HEAD + body, unit="lb")
    assert [s.set_order for s in log.sets] == [3, 4]
    assert [s.rpe for s in log.sets] == [None, 8.0]
    assert [w.split(":")[0] for w in log.warnings] == ["Zeile 2", "Zeile 3", "Zeile 4"]
    assert "1340.82 kg" in log.warnings[0]


def test_formula_like_names_stay_plain_text():
    log = parse_log(STRONG_HEAD + '2024-01-02 10:00:00,"=HYPERLINK(""x"")",=1+2,1,50,5,\n')
    assert log.sets[0].exercise == "=1+2"
    assert log.sets[0].workout_name == '=HYPERLINK("x")'


def test_explicit_format_and_day_first_dates():
    sample = (
        "date,workout,exercise,set_order,weight_kg,reps,rpe,set_type\n"
        "2024-02-03T10:00:00,A,Row,1,60.5,8,,warmup\n"
    )
    log = parse_log(sample, fmt="normalized")
    assert (log.sets[0].weight_kg, log.sets[0].set_type) == (60.5, "warmup")
    with pytest.raises(ImportFormatError):
        parse_log(sample, fmt="hevy")
    day_first = STRONG_HEAD + "03/02/2024 10:00,A,Row,1,100,5,\n25/02/2024 10:00,A,Row,1,100,5,\n"
    assert parse_log(day_first).sets[0].started_at == datetime(2024, 2, 3, 10, 0)


def test_text_is_never_opened_as_a_path(shared_data):
    path = shared_data / "exports" / "strong_en.csv"
    with pytest.raises(ImportFormatError, match="Dateipfad"):
        parse_log(str(path))
    assert len(parse_log(path).sets) == len(parse_log(path.read_bytes()).sets) == 507


def test_fractional_reps_are_skipped_with_a_warning():
    log = parse_log(STRONG_HEAD + "2024-01-02 10:00:00,A,Row,1,100,2.5,\n")
    assert not log.sets and log.warnings == [
        "Zeile 2: Wiederholungen 2.5 keine ganze Zahl, Satz übersprungen"
    ]
