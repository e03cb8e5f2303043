"""Exports: Strong's CSV format and HomeGym's JSON, and back into a new lifter unchanged."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.aliases import remember, resolve
from core.exporters.homegym_json import json_chunks
from core.exporters.strong import HEADER, strong_duration, strong_lines, strong_weight
from core.importers import ImportFormatError, parse_log
from core.importers.homegym_json import import_homegym
from core.importers.writer import import_log
from core.models import (
    Koerpergewicht,
    Routine,
    RoutineExercise,
    Satz,
    Trainingseinheit,
    Uebung,
    UserProfile,
    WorkoutExercise,
)
from core.workout_plan import PlannedExercise, add_exercises, store_order

pytestmark = pytest.mark.django_db

SetRow = tuple  # (start, workout name, exercise, set nr, kg, reps, rpe, set type)


def set_rows(user) -> list[SetRow]:
    """Every set of ``user`` as comparable values, in workout and set order."""
    return [
        (
            s.einheit.datum.replace(microsecond=0),
            s.einheit.name,
            s.uebung.name,
            s.satz_nr,
            s.gewicht,
            s.wiederholungen,
            s.rpe,
            s.set_type,
        )
        for s in Satz.objects.filter(einheit__user=user)
        .select_related("einheit", "uebung")
        .order_by("einheit__datum", "uebung__name", "satz_nr")
    ]


@pytest.fixture
def lifter(user_a):
    """A log with what a round trip can lose: grams, half RPEs, set types, a bodyweight
    exercise with and without added weight, an own exercise, unlogged reps, notes."""
    bank, _ = Uebung.objects.get_or_create(
        name="Bankdrücken (Langhantel)", owner=None, defaults={"equipment": "barbell"}
    )
    klimmzug, _ = Uebung.objects.get_or_create(
        name="Klimmzug",
        owner=None,
        defaults={"equipment": "bodyweight", "is_bodyweight": True, "increment_kg": 1.25},
    )
    eigene = Uebung.objects.create(
        name="Annas Spezialcurl", owner=user_a, equipment="cable", muscle_group="arms"
    )
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(days=20)
    one = Trainingseinheit.objects.create(
        user=user_a,
        datum=start,
        name='Push, "schwer"',
        notes="Schulter zwickt",
        duration=timedelta(hours=1, minutes=6),
    )
    two = Trainingseinheit.objects.create(
        user=user_a,
        datum=start + timedelta(days=3, hours=1, seconds=17),
        name="",
        duration=timedelta(minutes=7),
    )
    rows = [
        (one, bank, 1, "20", 10, None, "warmup"),
        (one, bank, 2, "61.235", 8, "8.5", "normal"),
        (one, bank, 3, "61.235", 7, "9", "failure"),
        (one, bank, 4, "40.5", 12, None, "dropset"),
        (one, klimmzug, 1, "0", 8, None, "normal"),
        (one, klimmzug, 2, "10", 5, "10", "normal"),
        (two, eigene, 1, "12.75", 15, "7.5", "normal"),
        (two, eigene, 2, "12.75", None, None, "normal"),  # reps not logged
        (two, bank, 1, "100", 1, "10", "normal"),
    ]
    for einheit, uebung, nr, kg, reps, rpe, set_type in rows:
        Satz.objects.create(
            einheit=einheit,
            uebung=uebung,
            satz_nr=nr,
            gewicht=Decimal(kg),
            wiederholungen=reps,
            rpe=Decimal(rpe) if rpe else None,
            set_type=set_type,
        )
    store_order(one)  # the sets' exercises get their rows (order, note) as in the app
    store_order(two)
    WorkoutExercise.objects.filter(einheit=one, uebung=bank).update(notes="Griff eng")
    kniebeuge = Uebung.objects.get(name="Kniebeuge (Langhantel)", owner=None)
    add_exercises(two, [PlannedExercise(kniebeuge.pk, sets=3, target_reps=5)])  # no sets yet
    routine = Routine.objects.create(user=user_a, name="Push", notes="montags")
    RoutineExercise.objects.create(routine=routine, uebung=bank, position=1, sets=4, target_reps=6)
    RoutineExercise.objects.create(routine=routine, uebung=eigene, position=2, sets=3)
    remember(user_a, "Annas Curl", eigene)
    Koerpergewicht.objects.create(user=user_a, datum=start.date(), gewicht=Decimal("81.4"))
    Koerpergewicht.objects.create(user=user_a, datum=start.date() + timedelta(days=7), gewicht=80)
    profile = UserProfile.objects.get(user=user_a)
    profile.display_unit = "lb"
    profile.plate_unit = "lb"
    profile.bar_weight = Decimal("35")
    profile.plates = [["45", 4], ["2.5", 2]]
    profile.rest_seconds_barbell = 150
    profile.save()
    return user_a


def strong_text(user) -> str:
    return "".join(strong_lines(user))


def test_strong_header_is_exactly_strongs(shared_data):
    real = (shared_data / "exports" / "strong_en.csv").read_text(encoding="utf-8")
    assert real.splitlines()[0] == ",".join(HEADER)


def test_strong_conventions(lifter):
    lines = strong_text(lifter).splitlines()
    assert lines[0] == ",".join(HEADER)
    first, second = lines[1], lines[2]
    # Start in local time, quoted text, Strong's duration, W marker, kg with a decimal,
    # notes quoted on the first row of the workout and of the exercise, empty below.
    local = timezone.localtime(Trainingseinheit.objects.order_by("datum")[0].datum)
    assert first == (
        f'{local:%Y-%m-%d %H:%M:%S},"Push, ""schwer""",1h 6m,"Bankdrücken (Langhantel)",'
        'W,20.0,10,0,0,"Griff eng","Schulter zwickt",'
    )
    assert second.endswith(',"Bankdrücken (Langhantel)",1,61.235,8,0,0,,,8.5')
    orders = [row["Set Order"] for row in csv.DictReader(io.StringIO("\n".join(lines)))]
    assert orders[:4] == ["W", "1", "F", "D"]
    assert "\r" not in strong_text(lifter)


@pytest.mark.parametrize(
    ("kg", "text"), [("110", "110.0"), ("12.25", "12.25"), ("61.235", "61.235"), ("0", "0.0")]
)
def test_strong_weights_keep_every_gram(kg, text):
    assert strong_weight(Decimal(kg)) == text


@pytest.mark.parametrize(("minutes", "text"), [(7, "7m"), (60, "1h"), (66, "1h 6m"), (None, "0m")])
def test_strong_durations(minutes, text):
    assert strong_duration(timedelta(minutes=minutes) if minutes is not None else None) == text


def test_strong_csv_round_trip_through_the_import_command(lifter, user_b, tmp_path):
    path = tmp_path / "strong.csv"
    path.write_text(strong_text(lifter), encoding="utf-8")
    out = io.StringIO()
    call_command("import_workouts", str(path), user=user_b.username, stdout=out)
    assert "Sätze importiert: 9" in out.getvalue()
    assert set_rows(user_b) == set_rows(lifter)
    first = Trainingseinheit.objects.filter(user=user_b).order_by("datum")[0]
    assert (first.notes, first.duration) == ("Schulter zwickt", timedelta(hours=1, minutes=6))
    # The catalogue exercise is the same row; the own one becomes the new lifter's own.
    assert Satz.objects.filter(einheit__user=user_b, uebung__owner=user_b).count() == 2


def test_real_strong_export_survives_a_round_trip(shared_data, user_a, user_b):
    """A real lifter's Strong log → HomeGym → Strong CSV → another lifter: the same sets."""
    import_log(user_a, parse_log(shared_data / "exports" / "strong_en.csv"))
    exported = strong_text(user_a)
    import_log(user_b, parse_log(exported, fmt="strong", unit="kg"))
    assert len(set_rows(user_a)) > 400
    assert set_rows(user_b) == set_rows(user_a)


def json_text(user) -> str:
    return "".join(json_chunks(user))


def test_json_is_valid_versioned_and_complete(lifter):
    data = json.loads(json_text(lifter))
    assert (data["format"], data["version"]) == ("homegym", 1)
    assert data["profile"]["plates"] == [["45", 4], ["2.5", 2]]
    assert {e["name"]: e["catalogue"] for e in data["exercises"]} == {
        "Annas Spezialcurl": False,
        "Bankdrücken (Langhantel)": True,
        "Klimmzug": True,
        "Kniebeuge (Langhantel)": True,  # planned in a workout, no sets yet
    }
    assert [b["weight_kg"] for b in data["body_weights"]] == ["81.4", "80"]
    assert data["routines"] == [
        {
            "name": "Push",
            "notes": "montags",
            "exercises": [
                {"exercise": "Bankdrücken (Langhantel)", "sets": 4, "target_reps": 6},
                {"exercise": "Annas Spezialcurl", "sets": 3, "target_reps": None},
            ],
        }
    ]
    assert data["aliases"] == [
        {"name": "Annas Curl", "exercise": "Annas Spezialcurl", "language": ""}
    ]
    two = data["workouts"][1]["exercises"]
    assert [e["exercise"] for e in two] == [
        "Annas Spezialcurl",
        "Bankdrücken (Langhantel)",
        "Kniebeuge (Langhantel)",
    ]
    assert two[2] == {
        "exercise": "Kniebeuge (Langhantel)",
        "planned_sets": 3,
        "target_reps": 5,
        "notes": "",
    }
    assert data["workouts"][0]["exercises"][0]["notes"] == "Griff eng"
    sets = data["workouts"][0]["sets"]
    assert sets[1] == {
        "exercise": "Bankdrücken (Langhantel)",
        "set_nr": 2,
        "weight_kg": "61.235",
        "reps": 8,
        "rpe": "8.5",
        "set_type": "normal",
    }


def test_json_round_trip_into_a_new_lifter(lifter, user_b, tmp_path):
    Trainingseinheit.objects.create(  # a workout without sets travels too
        user=lifter, datum=timezone.now().replace(microsecond=0), name="Nur geplant"
    )
    path = tmp_path / "homegym.json"
    path.write_text(json_text(lifter), encoding="utf-8")
    out = io.StringIO()
    call_command("import_workouts", str(path), user=user_b.username, stdout=out)
    assert "Sätze importiert: 9" in out.getvalue()
    assert set_rows(user_b) == set_rows(lifter)

    def workouts(user):
        return list(
            Trainingseinheit.objects.filter(user=user)
            .order_by("datum")
            .values_list("datum", "name", "notes", "duration")
        )

    assert workouts(user_b) == workouts(lifter)
    assert list(
        Koerpergewicht.objects.filter(user=user_b).order_by("datum").values_list("datum", "gewicht")
    ) == list(
        Koerpergewicht.objects.filter(user=lifter).order_by("datum").values_list("datum", "gewicht")
    )

    def plans(user):
        return list(
            WorkoutExercise.objects.filter(einheit__user=user)
            .order_by("einheit__datum", "position")
            .values_list(
                "einheit__datum", "uebung__name", "position", "planned_sets", "target_reps", "notes"
            )
        )

    assert plans(user_b) == plans(lifter)
    routine = Routine.objects.get(user=user_b)
    assert (routine.name, routine.notes) == ("Push", "montags")
    assert list(
        routine.exercises.values_list("uebung__name", "position", "sets", "target_reps")
    ) == [
        ("Bankdrücken (Langhantel)", 1, 4, 6),
        ("Annas Spezialcurl", 2, 3, None),
    ]
    assert resolve(user_b, ["Annas Curl"])["Annas Curl"].uebung_name == "Annas Spezialcurl"
    own = Uebung.objects.get(owner=user_b, name="Annas Spezialcurl")
    assert (own.equipment, own.muscle_group) == ("cable", "arms")
    profile = UserProfile.objects.get(user=user_b)
    assert (profile.display_unit, profile.plate_unit, profile.bar_weight) == ("lb", "lb", 35)
    assert (profile.plates, profile.rest_seconds_barbell) == ([["45", 4], ["2.5", 2]], 150)

    again = io.StringIO()
    call_command("import_workouts", str(path), user=user_b.username, stdout=again)
    assert "Sätze importiert: 0" in again.getvalue()
    assert len(set_rows(user_b)) == 9


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{nicht json", "kein gültiges JSON"),
        ('{"format": "anders"}', "keine HomeGym-JSON-Datei"),
        ('{"format": "homegym", "version": 99}', "Version 99"),
        (
            '{"format": "homegym", "version": 1, "workouts": [{"started_at": "gestern"}]}',
            "Training 1: Beginn 'gestern' ist kein ISO-Datum",
        ),
        (
            '{"format": "homegym", "version": 1, "workouts": [{"started_at": '
            '"2024-01-02T10:00:00+01:00", "sets": [{"exercise": "X", "set_nr": 1, '
            '"weight_kg": "60", "reps": 0}]}]}',
            "Wiederholungen 0 nicht zwischen 1 und 200",
        ),
        (
            '{"format": "homegym", "version": 1, "body_weights": [{"date": "2024-01-02", '
            '"weight_kg": "5"}]}',
            "Körpergewicht 1: 5 liegt nicht zwischen",
        ),
    ],
)
def test_bad_json_is_refused_with_a_message_and_nothing_written(user_b, document, message):
    with pytest.raises(ImportFormatError, match=message):
        import_homegym(user_b, document.encode())
    assert not Trainingseinheit.objects.filter(user=user_b).exists()
    assert not Koerpergewicht.objects.filter(user=user_b).exists()


def test_bad_json_file_is_a_command_error(user_b, tmp_path):
    path = tmp_path / "kaputt.json"
    path.write_text('{"format": "homegym", "version": 2}', encoding="utf-8")
    with pytest.raises(CommandError, match="Version 2 wird nicht unterstützt"):
        call_command("import_workouts", str(path), user=user_b.username)


def test_exports_of_an_empty_log_are_valid(user_b):
    assert strong_text(user_b) == ",".join(HEADER) + "\n"
    data = json.loads(json_text(user_b))
    assert (data["workouts"], data["body_weights"], data["exercises"]) == ([], [], [])
