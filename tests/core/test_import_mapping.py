"""Imports map known names onto the catalogue and say which weight unit they assumed."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.importers import ParsedLog, ParsedSet, parse_log
from core.importers.mapping import exercise_rows
from core.importers.records import UnitSource
from core.importers.writer import import_log
from core.models import Satz, Trainingseinheit, Uebung, WorkoutExercise
from tests.core.test_import_command import run

pytestmark = pytest.mark.django_db

STRONG_NO_UNIT = (
    "Date,Workout Name,Exercise Name,Set Order,Weight,Reps,RPE\n"
    "2024-01-02 10:00:00,A,Bench Press (Barbell),1,100,5,\n"
    "2024-01-02 10:00:00,A,Leg Press,1,200,10,\n"
)


@pytest.mark.shared_data
def test_strong_english_export_lands_on_the_german_catalogue(shared_data, catalogue, user_a):
    """The issue's case: a German catalogue, Strong's English names, one history per exercise."""
    parsed = parse_log(shared_data / "exports" / "strong_en.csv")
    result = import_log(user_a, parsed)
    sets = Satz.objects.filter(einheit__user=user_a)
    assert result.sets_created == len(parsed.sets) == sets.count()
    per_exercise = {
        name: sets.filter(uebung__name=name).count()
        for name in (
            "Bankdrücken (Langhantel)",
            "Kniebeuge (Langhantel)",
            "Kreuzheben (Langhantel)",
            "Latziehen (Kabel)",
            "Schulterdrücken (Langhantel)",
            "Klimmzüge",
        )
    }
    in_file = {
        "Bankdrücken (Langhantel)": ["Bench Press (Barbell)"],
        "Kniebeuge (Langhantel)": ["Squat (Barbell)"],
        "Kreuzheben (Langhantel)": ["Deadlift (Barbell)"],
        "Latziehen (Kabel)": ["Lat Pulldown (Cable)"],
        "Schulterdrücken (Langhantel)": [
            "Overhead Press (Barbell)",
            "Strict Military Press (Barbell)",
        ],
        "Klimmzüge": ["Pull Up"],
    }
    for target, names in in_file.items():
        expected = sum(1 for s in parsed.sets if s.exercise in names)
        assert per_exercise[target] == expected > 0, target
        assert Uebung.objects.get(name=target).owner is None
    own = set(Uebung.objects.filter(owner=user_a).values_list("name", flat=True))
    assert "Bench Press (Barbell)" not in own and "Squat (Barbell)" not in own
    assert "Unilateral Cable Curl" in own  # no catalogue entry: created, not guessed
    again = import_log(user_a, parse_log(shared_data / "exports" / "strong_en.csv"))
    assert again.sets_created == 0 and again.sets_skipped_existing == len(parsed.sets)


def _parsed(*rows) -> ParsedLog:
    return ParsedLog(
        format="strong",
        sets=[
            ParsedSet(
                line=i + 2,
                started_at=datetime(2024, 3, 4, 18, 0),
                workout_name="Push",
                exercise=name,
                set_order=order,
                weight_kg=weight,
                reps=5,
                rpe=None,
                set_type="normal",
            )
            for i, (name, order, weight) in enumerate(rows)
        ],
    )


def test_two_names_for_one_exercise_in_one_workout_keep_all_sets(catalogue, user_a):
    log = _parsed(
        ("Overhead Press (Barbell)", 1, 50.0),
        ("Overhead Press (Barbell)", 2, 50.0),
        ("Military Press", 1, 40.0),
        ("Military Press", 2, 42.5),
    )
    assert import_log(user_a, log).sets_created == 4
    press = catalogue["Schulterdrücken (Langhantel)"]
    rows = list(Satz.objects.filter(uebung=press).order_by("satz_nr"))
    assert [(s.satz_nr, float(s.gewicht)) for s in rows] == [(1, 50), (2, 50), (3, 40), (4, 42.5)]
    assert import_log(user_a, log).sets_created == 0


def test_confirmed_mapping_overrides_the_suggestion(catalogue, user_a, user_b):
    mine = Uebung.objects.create(name="Meine Presse", owner=user_a)
    log = _parsed(("Bench Press (Barbell)", 1, 60.0), ("Leg Press", 1, 100.0))
    import_log(user_a, log, mapping={"Bench Press (Barbell)": mine.pk, "Leg Press": None})
    assert Satz.objects.get(gewicht=60).uebung == mine
    leg = Satz.objects.get(gewicht=100).uebung
    assert (leg.name, leg.owner) == ("Leg Press", user_a)
    theirs = Uebung.objects.create(name="Bernds", owner=user_b)
    with pytest.raises(ValueError, match="für dich nicht gibt"):
        import_log(user_a, _parsed(("X", 1, 1.0)), mapping={"X": theirs.pk})


def test_import_orders_each_workouts_exercises_as_in_the_file(catalogue, user_a):
    log = _parsed(("Leg Press", 1, 100.0), ("Pull Up", 1, 0.0), ("Leg Press", 2, 100.0))
    import_log(user_a, log)
    einheit = Trainingseinheit.objects.get(user=user_a)
    order = list(
        WorkoutExercise.objects.filter(einheit=einheit)
        .order_by("position")
        .values_list("uebung__name", flat=True)
    )
    assert order == ["Beinpresse (Maschine)", "Klimmzüge"]


def test_unit_decision_is_recorded():
    assert (parse_log(STRONG_NO_UNIT).unit, parse_log(STRONG_NO_UNIT).unit_source) == (
        "kg",
        UnitSource.DEFAULT,
    )
    given = parse_log(STRONG_NO_UNIT, unit="lb")
    assert (given.unit, given.unit_source, given.unit_changeable) == ("lb", "given", True)
    header = parse_log(STRONG_NO_UNIT.replace(",Weight,", ",Weight (lbs),"), unit="kg")
    assert (header.unit, header.unit_source, header.unit_changeable) == ("lb", "header", False)
    column = parse_log(
        "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps\n"
        "2024-01-02 10:00:00;A;Squat;1;100;lbs;5\n"
    )
    assert (column.unit, column.unit_source) == ("lb", UnitSource.COLUMN)
    hevy = parse_log(
        "title,start_time,end_time,exercise_title,set_type,weight_lbs,reps\n"
        'A,"7 Apr 2024, 10:14","7 Apr 2024, 11:00",Squat,normal,100,5\n'
    )
    assert (hevy.unit, hevy.unit_source) == ("lb", UnitSource.HEADER)


def test_command_says_which_unit_it_assumed_and_unit_overrides(tmp_path, catalogue, user_a):
    """Bug: a Strong export without a unit column was read as kg without a word."""
    log = tmp_path / "strong.csv"
    log.write_text(STRONG_NO_UNIT, encoding="utf-8")
    dry = run("--user", "anna", "--dry-run", str(log))
    assert "Einheit: kg (angenommen – die Datei nennt keine Einheit)" in dry
    assert "--unit lb" in dry
    assert "Bench Press (Barbell) → Bankdrücken (Langhantel) [Katalog-Alias] (1 Sätze)" in dry
    assert "Leg Press → Beinpresse (Maschine) [Katalog-Alias] (1 Sätze)" in dry
    assert "nichts gespeichert" in dry and not Satz.objects.exists()
    output = run("--user", "anna", "--unit", "lb", str(log))
    assert "Einheit: lb (von dir angegeben)" in output
    assert float(Satz.objects.get(uebung__name="Bankdrücken (Langhantel)").gewicht) == (
        pytest.approx(45.359, abs=0.001)
    )


def test_preview_rows_count_sets_and_heaviest_weight(catalogue, user_a):
    rows = exercise_rows(user_a, parse_log(STRONG_NO_UNIT + STRONG_NO_UNIT.splitlines()[1] + "\n"))
    assert [(r.name, r.n_sets, r.max_weight_kg) for r in rows] == [
        ("Bench Press (Barbell)", 2, 100.0),
        ("Leg Press", 1, 200.0),
    ]
    assert rows[0].match.uebung_name == "Bankdrücken (Langhantel)"
