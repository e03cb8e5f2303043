"""Bad input on every form: wrong types, out-of-range values, missing fields, huge bodies,
unknown ids. Always a 4xx with a readable German message, never a 500, nothing stored.

Uploads: malformed, wrongly encoded and oversized files are refused as a whole; names with
HTML or spreadsheet formulas are stored as plain text and rendered escaped on every page.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from core.models import MLPredictionModel, ModelStatus, Satz, Trainingseinheit, Uebung
from tests.web.conftest import import_file

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
XSS = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(2)>'
FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)"]  # fmt: skip


@pytest.fixture
def lifter(user_a):
    client = Client(raise_request_exception=False)
    client.force_login(user_a)
    client.user = user_a
    return client


@pytest.fixture
def einheit(user_a):
    return Trainingseinheit.objects.create(
        user=user_a, datum=timezone.now() - timedelta(hours=1), name="Push"
    )


@pytest.fixture
def uebung(db):
    return Uebung.objects.create(name="Bankdrücken", equipment="barbell")


@pytest.fixture
def satz(einheit, uebung):
    return Satz.objects.create(
        einheit=einheit, uebung=uebung, satz_nr=1, gewicht=Decimal("60"), wiederholungen=8
    )


def _body(response) -> str:
    return response.content.decode(errors="replace")


VALID_SET = {"gewicht": "70", "wiederholungen": "5", "rpe": "8", "set_type": "normal"}
BAD_SETS = [
    # (field changes, words the message must contain)
    ({"gewicht": "abc"}, "Zahl"),
    ({"gewicht": "-5"}, "zwischen 0 und"),
    ({"gewicht": "1001"}, "zwischen 0 und"),
    ({"gewicht": "99999999999999999999"}, "Gewicht"),
    ({"gewicht": "1e309"}, "Gewicht"),
    ({"gewicht": "NaN"}, "Gewicht"),
    ({"gewicht": "Infinity"}, "Gewicht"),
    ({"gewicht": ""}, "Gewicht eingeben"),
    ({"wiederholungen": "10000"}, "zwischen 1 und 200"),
    ({"wiederholungen": "-1"}, "zwischen 1 und 200"),
    ({"wiederholungen": "0"}, "0 Wiederholungen sind kein Satz"),
    ({"wiederholungen": "3.5"}, "ganze Zahl"),
    ({"wiederholungen": "99999999999999999999999"}, "zwischen 1 und 200"),
    ({"wiederholungen": ""}, "Wiederholungen eingeben"),
    ({"rpe": "11"}, "RPE"),
    ({"rpe": "0"}, "RPE"),
    ({"rpe": "7.3"}, "halben Schritten"),
    ({"rpe": "NaN"}, "RPE"),
    ({"rpe": "acht"}, "RPE"),
    ({"set_type": "bogus"}, "gültige Auswahl"),
]


@pytest.mark.parametrize(("change", "message"), BAD_SETS)
def test_bad_set_is_refused_with_a_message(lifter, einheit, uebung, satz, change, message):
    data = {**VALID_SET, **change}
    add = f"/training/{einheit.pk}/uebung/{uebung.pk}/satz/"
    for url, extra, expected in [
        (add, {}, 400),
        (add, HTMX, 422),
        (f"/satz/{satz.pk}/bearbeiten/", {}, 400),
    ]:
        response = lifter.post(url, data, **extra)
        assert response.status_code == expected, (url, change, response.status_code)
        assert message in _body(response), (url, change)
    satz.refresh_from_db()
    assert Satz.objects.count() == 1 and satz.gewicht == 60 and satz.wiederholungen == 8


def test_missing_fields_name_every_field(lifter, einheit, uebung):
    response = lifter.post(f"/training/{einheit.pk}/uebung/{uebung.pk}/satz/", {})
    assert response.status_code == 400
    body = _body(response)
    assert "Gewicht eingeben" in body and "Wiederholungen eingeben" in body
    assert not Satz.objects.exists()


def test_valid_set_still_works(lifter, einheit, uebung):
    """The refusals above are about the values, not the route."""
    response = lifter.post(f"/training/{einheit.pk}/uebung/{uebung.pk}/satz/", VALID_SET)
    assert response.status_code == 302
    assert Satz.objects.get().gewicht == 70


@pytest.mark.parametrize(
    "url",
    [
        "/training/999999/",
        "/training/999999/uebung/1/satz/",
        "/satz/999999/bearbeiten/",
        "/satz/999999/loeschen/",
        "/uebungen/999999/",
        "/training/99999999999999999999999/",
        "/satz/99999999999999999999999/bearbeiten/",
        "/ml/modelle/999999/neu-trainieren/",
    ],
)
def test_unknown_ids_are_404(lifter, user_a, url):
    user_a.is_staff = True  # also the staff action: 404 for a model that does not exist
    user_a.save()
    method = lifter.post if url.endswith(("satz/", "loeschen/", "neu-trainieren/")) else lifter.get
    response = method(url, VALID_SET)
    assert response.status_code == 404, (url, response.status_code)


def test_unknown_exercise_in_own_workout_is_404(lifter, einheit):
    response = lifter.post(f"/training/{einheit.pk}/uebung/999999/satz/", VALID_SET)
    assert response.status_code == 404
    assert not Satz.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"datum": "gestern"}, "Datum und Uhrzeit"),
        ({"datum": ""}, "Datum und Uhrzeit"),
        ({"datum": "2024-13-45T99:99"}, "Datum und Uhrzeit"),
        ({"datum": "2024-01-01T10:00", "uebung": ["Gibt es nicht"]}, "nicht gefunden"),
        ({"datum": "2024-01-01T10:00", "routine": "999999"}, "Routine gibt es nicht"),
        ({"datum": "2024-01-01T10:00", "routine": "abc"}, "Routine gibt es nicht"),
        ({"datum": "2024-01-01T10:00", "name": "x" * 201}, "höchstens 200"),
    ],
)
def test_workout_start_refuses_bad_input(lifter, data, message):
    response = lifter.post("/training/neu/", data)
    assert response.status_code == 400
    assert message in _body(response)
    assert not Trainingseinheit.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Übung wählen oder einen Namen"),
        ({"uebung": "999999"}, "gültige Auswahl"),
        ({"uebung": "abc"}, "gültige Auswahl"),
        ({"uebung_name": "Gibt es nicht"}, "nicht gefunden"),
        ({"uebung_name": "x" * 201}, "höchstens 200"),
        ({"neue_uebung": "x" * 201}, "höchstens 200"),
    ],
)
def test_exercise_add_refuses_bad_input(lifter, einheit, data, message):
    before = Uebung.objects.count()
    response = lifter.post(f"/training/{einheit.pk}/uebung/", data)
    assert response.status_code == 400
    assert message in _body(response)
    assert Uebung.objects.count() == before


def test_settings_refuse_unknown_unit(lifter, user_a):
    response = lifter.post("/einstellungen/", {"display_unit": "stone"})
    assert response.status_code == 400
    assert "gültige Auswahl" in _body(response)
    user_a.profile.refresh_from_db()
    assert user_a.profile.display_unit == "kg"


def test_dashboard_ignores_garbage_filters(lifter, user_a):
    user_a.is_staff = True
    user_a.save()
    for query in ("?user=abc", "?user=-1", "?user=99999999999999999999999", "?user=%00",
                  "?user=%C2%B2", "?user=%D9%A3"):  # fmt: skip
        assert lifter.get(f"/ml/dashboard/{query}").status_code == 200, query


def test_body_larger_than_the_upload_limit_is_400(lifter, einheit, uebung):
    huge = "7" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = lifter.post(
        f"/training/{einheit.pk}/uebung/{uebung.pk}/satz/", {**VALID_SET, "notes": huge}
    )
    assert response.status_code == 400
    too_many = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = lifter.post("/einstellungen/", too_many)
    assert response.status_code == 400
    assert not Satz.objects.exists()


def test_login_with_garbage_is_a_form_error(db):
    client = Client(raise_request_exception=False)
    for data in ({}, {"username": "x" * 10_000, "password": "y"}, {"username": "\x00"}):
        response = client.post("/login/", data)
        assert response.status_code == 200  # the login form again, with its error
        assert "_auth_user_id" not in client.session


# --- uploads ----------------------------------------------------------------------------------

HEADER = b"date,workout,exercise,set_order,weight_kg,reps,rpe,set_type\n"


def _upload(client, content: bytes, name: str = "log.csv", fmt: str = "auto"):
    """Upload, and confirm the preview as proposed (a refused file stops at the upload)."""
    return import_file(client, content, name, format=fmt)


def _rows(n: int, exercise: str = "Kniebeuge", workout: str = "W", start_day: int = 0) -> bytes:
    lines = []
    for i in range(n):
        day = start_day + i // 3
        lines.append(
            f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}T10:00:00,{workout},{exercise},"
            f"{i % 3 + 1},{60 + i % 10},5,,normal\n"
        )
    return "".join(lines).encode()


def _nothing_stored() -> bool:
    return not (Satz.objects.exists() or Trainingseinheit.objects.exists()) and not (
        Uebung.objects.filter(owner__isnull=False).exists()
    )


def test_malformed_row_late_in_the_file_imports_nothing_and_names_the_line(lifter):
    content = HEADER + _rows(300) + b"2024-05-01T10:00:00,W,Kniebeuge,1,kaputt,5,,normal\n"
    content += _rows(30, start_day=200)
    response = _upload(lifter, content, fmt="normalized")
    assert response.status_code == 400
    assert "302" in _body(response)  # header + 300 good rows: the bad row is line 302
    assert _nothing_stored()


@pytest.mark.parametrize(
    ("content", "fmt", "message"),
    [
        (b"", "auto", "leer"),
        (b"\x00\x01\x02binary\xff" * 100, "auto", "Binärdaten"),
        (b"just one line without columns\n", "auto", "Format"),
        ("ÄÖÜ;".encode("utf-16-le") * 50, "auto", "Binärdaten"),
        (HEADER.replace(b"reps", b"wdh") + b"2024-01-01T10:00:00,W,K,1,60,5,,normal\n",
         "normalized", "Pflichtspalte"),
        (HEADER + b"2024-01-01T10:00:00,W,K\n", "normalized", "Spalten"),
        (HEADER + b"2024-01-01T10:00:00,W,K,1,60,5,,normal\n", "hevy", "Hevy"),
    ],
)  # fmt: skip
def test_malformed_uploads_are_refused(lifter, content, fmt, message):
    response = _upload(lifter, content, fmt=fmt)
    assert response.status_code == 400, _body(response)[-500:]
    assert message.lower() in _body(response).lower()
    assert _nothing_stored()


def test_cp1252_upload_keeps_umlauts(lifter):
    content = HEADER + "2024-01-02T10:00:00,Beine,Kniebeuge mit Pause ä,1,100,5,,normal\n".encode(
        "cp1252"
    )
    response = _upload(lifter, content, fmt="normalized")
    assert response.status_code == 200, _body(response)[-800:]
    assert Uebung.objects.filter(name="Kniebeuge mit Pause ä").exists()


def test_upload_above_the_import_limit_is_refused_before_parsing(lifter, tmp_path):
    """A 50 MB file (generated here): refused with the limit named, nothing stored."""
    path = tmp_path / "huge.csv"
    row = b"2024-01-02T10:00:00,W,Kniebeuge,1,100,5,,normal\n"
    with open(path, "wb") as fh:
        fh.write(HEADER)
        fh.write(row * (50 * 1024 * 1024 // len(row) + 1))
    assert path.stat().st_size > 50 * 1024 * 1024
    with open(path, "rb") as fh:
        response = lifter.post("/import/", {"datei": fh, "format": "auto"})
    assert response.status_code == 400
    assert "zu groß" in _body(response)
    assert _nothing_stored()


def _import_names(lifter, exercise: str, workout: str) -> None:
    line = f'2024-01-02T10:00:00,"{workout}","{exercise}",1,100,5,,normal\n'
    content = HEADER + line.encode() + line.replace(",1,100", ",2,100").encode()
    response = _upload(lifter, content, fmt="normalized")
    assert response.status_code == 200, _body(response)[-800:]


@pytest.mark.parametrize("name", FORMULAS)
def test_formula_strings_are_stored_as_plain_text(lifter, name):
    _import_names(lifter, name, name)
    uebung = Uebung.objects.get(owner=lifter.user)
    assert uebung.name == name  # verbatim: no formula evaluation, no silent mangling
    assert Trainingseinheit.objects.get().name == name
    assert Satz.objects.count() == 2


def test_imported_html_in_names_is_escaped_on_every_page(lifter, user_a):
    _import_names(lifter, XSS, XSS_IMG.replace('"', "'"))
    uebung = Uebung.objects.get(name=XSS)
    einheit = Trainingseinheit.objects.get()
    satz = Satz.objects.first()
    MLPredictionModel.objects.create(
        user=user_a, uebung=uebung, status=ModelStatus.FAILED, error_text=XSS
    )
    user_a.is_staff = user_a.is_superuser = True
    user_a.save()
    pages = [
        "/",
        einheit.get_absolute_url(),
        f"/satz/{satz.pk}/bearbeiten/",
        f"/uebungen/{uebung.pk}/",
        "/ml/dashboard/",
        "/training/neu/",
        "/admin/core/uebung/",
        f"/admin/core/uebung/{uebung.pk}/change/",
        "/admin/core/mlpredictionmodel/",
    ]
    for url in pages:
        response = lifter.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        assert XSS not in body, url
        assert "<img src=x" not in body, url
    history = _body(lifter.get(f"/uebungen/{uebung.pk}/"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in history  # shown, as text
    api = lifter.get(f"/api/ml/predict/{uebung.pk}/")
    assert api.status_code == 200 and api["Content-Type"].startswith("application/json")
