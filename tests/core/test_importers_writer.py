"""core.importers.writer.import_log: real logs into the database, idempotent, atomic."""

from __future__ import annotations

import csv
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError

from core.aliases import resolve
from core.importers import ParsedLog, ParsedSet, parse_log
from core.importers.writer import import_log, local_to_utc
from core.models import Satz, Trainingseinheit, Uebung
from core.signals import sets_imported
from tests.core.twins import TWINS, out_of_db_range, twin_rows

pytestmark = pytest.mark.django_db


def expected_counts(shared, export: str) -> tuple[int, int]:
    """(workouts, sets) expected from an export, derived without the importer."""
    if export in TWINS:
        rows = [
            r for r in twin_rows(shared / "workouts" / TWINS[export][0]) if not out_of_db_range(r)
        ]
        return len({r["date"] for r in rows}), len(rows)
    with (shared / "exports" / export).open(encoding="utf-8", newline="") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["Reihenfolge festlegen"] != "Ruhezeit"
            and (float(r["Gewicht"] or 0) or float(r["Wiederh."] or 0))
        ]
    return len({r["Datum"] for r in rows}), len(rows)


def user_counts(user) -> tuple[int, int]:
    return (
        Trainingseinheit.objects.filter(user=user).count(),
        Satz.objects.filter(einheit__user=user).count(),
    )


@pytest.mark.parametrize(
    "export",
    [*sorted(TWINS), "strong_de.csv"],
)
def test_every_export_imports_its_sets_once(shared_data, user_a, export):
    workouts, sets = expected_counts(shared_data, export)
    parsed = parse_log(shared_data / "exports" / export)

    first = import_log(user_a, parsed)
    assert (first.workouts_created, first.sets_created) == (workouts, sets)
    assert user_counts(user_a) == (workouts, sets)

    again = import_log(user_a, parse_log(shared_data / "exports" / export))
    assert (again.workouts_created, again.sets_created) == (0, 0)
    assert again.sets_skipped_existing == sets
    assert user_counts(user_a) == (workouts, sets)


def test_largest_log_imports_in_bulk_and_idempotently(shared_data, user_a):
    path = shared_data / "workouts" / "p01.csv"
    rows = [r for r in twin_rows(path) if not out_of_db_range(r)]
    started = time.perf_counter()
    result = import_log(user_a, parse_log(path))
    seconds = time.perf_counter() - started
    print(f"\np01.csv: {result.sets_created} Sätze in {seconds:.2f} s importiert")
    assert result.sets_created == len(rows) > 20000
    assert result.workouts_created == len({r["date"] for r in rows})
    names = {r["exercise"] for r in rows}
    mapped = Uebung.objects.filter(owner__isnull=True, saetze__einheit__user=user_a).distinct()
    assert 0 < mapped.count() < len(names)  # Strong's English names onto catalogue entries
    assert Uebung.objects.filter(owner=user_a).count() == len(names - set(resolve_names(names)))
    again = import_log(user_a, parse_log(path))
    assert again.sets_created == 0 and again.sets_skipped_existing == len(rows)


def test_lbs_row_stored_in_kg(shared_data, user_a):
    import_log(user_a, parse_log(shared_data / "exports" / "strong_semicolon_unit_column.csv"))
    first = Satz.objects.get(
        einheit__user=user_a,
        einheit__datum=local_to_utc(datetime(2018, 12, 10, 10, 33, 55)),
        uebung__aliases__name="Incline Bench Press (Barbell)",
        satz_nr=1,
    )
    assert first.gewicht == Decimal("40.823")  # 90 lbs × 0.45359237
    assert first.wiederholungen == 15


def resolve_names(names: set[str]) -> dict:
    """The names a fresh lifter's import maps onto the catalogue (through its aliases)."""
    from django.contrib.auth import get_user_model

    nobody = get_user_model()(pk=0)
    return resolve(nobody, names)


def parsed(*rows: tuple, fmt: str = "strong") -> ParsedLog:
    sets = [
        ParsedSet(
            line=i + 2,
            started_at=start,
            workout_name="Push",
            exercise=exercise,
            set_order=order,
            weight_kg=weight,
            reps=reps,
            rpe=rpe,
            set_type=kind,
        )
        for i, (start, exercise, order, weight, reps, rpe, kind) in enumerate(rows)
    ]
    return ParsedLog(format=fmt, sets=sets)


MONDAY = datetime(2024, 3, 4, 18, 0)


def test_failure_inside_the_transaction_writes_nothing(user_a):
    bad = parsed(
        (MONDAY, "Bench Press (Barbell)", 1, 60.0, 8, None, "normal"),
        (MONDAY, "Bench Press (Barbell)", 2, 5000.0, 8, None, "normal"),  # refused by the DB
    )
    with pytest.raises(IntegrityError):
        import_log(user_a, bad)
    assert user_counts(user_a) == (0, 0)
    assert not Uebung.objects.filter(owner=user_a).exists()


def test_exercises_matched_own_then_catalogue_then_created(user_a, user_b):
    own = Uebung.objects.create(name="Kniebeuge", owner=user_a)
    catalogue = Uebung.objects.create(name="Bench Press (Barbell)")
    Uebung.objects.create(name="Curl (Dumbbell)", owner=user_b)
    log = parsed(
        (MONDAY, "Kniebeuge", 1, 100.0, 5, None, "normal"),
        (MONDAY, "Bench Press (Barbell)", 1, 60.0, 8, 8.0, "warmup"),
        *[(MONDAY, "Curl (Dumbbell)", i, 10.0 + 2 * i, 10, None, "normal") for i in (1, 2, 3)],
        (MONDAY, "Negative Chin-Up", 1, None, 8, None, "normal"),
        *[
            (MONDAY, "Row (Cable)", i, w * 0.45359237, 10, None, "normal")
            for i, w in ((1, 100), (2, 105), (3, 110), (4, 115))
        ],
    )
    result = import_log(user_a, log)
    by_name = {s.uebung.name: s.uebung for s in Satz.objects.select_related("uebung")}
    assert by_name["Kniebeuge"] == own and by_name["Bench Press (Barbell)"] == catalogue
    curl = by_name["Curl (Dumbbell)"]
    assert curl.owner == user_a and curl.equipment == "dumbbell" and curl.muscle_group == "arms"
    assert curl.increment_kg == Decimal("2.000") and not curl.is_bodyweight
    pull = by_name["Negative Chin-Up"]
    assert pull.is_bodyweight and pull.muscle_group == "back"
    row = by_name["Row (Cable)"]
    assert row.equipment == "cable" and row.increment_kg == Decimal("2.268")  # 5-lb steps
    assert sorted(result.uebung_ids) == sorted(u.pk for u in by_name.values())
    bench = Satz.objects.get(uebung=catalogue)
    assert (bench.set_type, bench.rpe) == ("warmup", Decimal("8.0"))
    assert Satz.objects.get(uebung=pull).gewicht == 0


def test_signal_sent_once_after_commit(user_a, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    sets_imported.connect(receiver, dispatch_uid="test-import-signal")
    try:
        log = parsed(
            (MONDAY, "Squat (Barbell)", 1, 100.0, 5, None, "normal"),
            (MONDAY, "Squat (Barbell)", 2, 100.0, 5, None, "normal"),
            (MONDAY, "Dip", 1, None, 10, None, "normal"),
        )
        with django_capture_on_commit_callbacks(execute=True):
            result = import_log(user_a, log)
            assert received == []  # not before the commit
        assert len(received) == 1
        assert received[0]["user_id"] == user_a.pk
        assert sorted(received[0]["uebung_ids"]) == sorted(result.uebung_ids)
        assert len(result.uebung_ids) == 2
        with django_capture_on_commit_callbacks(execute=True):
            import_log(user_a, log)
        assert len(received) == 1  # nothing new, no retrain
    finally:
        sets_imported.disconnect(dispatch_uid="test-import-signal")


def test_local_times_across_dst_are_deterministic(user_a, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    ambiguous = datetime(2024, 10, 27, 2, 30)  # occurs twice
    skipped = datetime(2024, 3, 31, 2, 30)  # does not exist
    assert local_to_utc(ambiguous) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert local_to_utc(skipped) == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    log = parsed(
        (ambiguous, "Squat", 1, 100.0, 5, None, "normal"),
        (skipped, "Squat", 1, 100.0, 5, None, "normal"),
    )
    assert import_log(user_a, log).workouts_created == 2
    assert import_log(user_a, log).sets_created == 0
    stored = sorted(Trainingseinheit.objects.values_list("datum", flat=True))
    assert stored == [local_to_utc(skipped), local_to_utc(ambiguous)]


def test_imports_are_per_user(user_a, user_b):
    log = parsed((MONDAY, "Squat", 1, 100.0, 5, None, "normal"))
    import_log(user_a, log)
    assert import_log(user_b, log).sets_created == 1
    assert user_counts(user_a) == user_counts(user_b) == (1, 1)


def test_sets_without_reps_are_stored_as_not_logged(user_a):
    import_log(user_a, parsed((MONDAY, "Plank", 1, 20.0, None, None, "normal")))
    assert Satz.objects.get(einheit__user=user_a).wiederholungen is None
