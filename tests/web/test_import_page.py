"""The upload page drives the real importer: a real export imports, a broken one names its line."""

from __future__ import annotations

import pytest

from core.models import Satz, Trainingseinheit
from tests.web.conftest import import_file

pytestmark = pytest.mark.django_db


def _upload(client, name: str, content: bytes, **fields):
    """The whole import: upload, preview, confirm as proposed."""
    return import_file(client, content, name, **fields)


@pytest.mark.shared_data
def test_real_strong_export_imports_once(client_a, user_a, shared_data):
    content = (shared_data / "exports" / "strong_de.csv").read_bytes()
    first = _upload(client_a, "strong_de.csv", content)
    assert first.status_code == 200
    html = first.content.decode()
    assert "Import abgeschlossen." in html
    assert "Format: strong" in html
    n_sets = Satz.objects.filter(einheit__user=user_a).count()
    assert n_sets > 0
    assert f"Sätze importiert: {n_sets}" in html
    again = _upload(client_a, "strong_de.csv", content, format="strong")
    assert "Sätze importiert: 0" in again.content.decode()
    assert Satz.objects.filter(einheit__user=user_a).count() == n_sets


def test_malformed_file_names_the_line_and_imports_nothing(client_a, user_a):
    content = (
        b"date,workout,exercise,set_order,weight_kg,reps,rpe,set_type\n"
        b"2024-01-02T18:00:00,Push,Bench Press,1,60,8,,normal\n"
        b"2024-01-02T18:00:00,Push,Bench Press,2,sechzig,8,,normal\n"
    )
    response = _upload(client_a, "broken.csv", content)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert "Zeile 3:" in html
    assert "Zeile 3: Zeile 3" not in html  # the line is named once
    assert not Trainingseinheit.objects.filter(user=user_a).exists()


def test_unrecognised_file_is_a_clear_error(client_a, user_a):
    response = _upload(client_a, "notes.csv", b"hello,world\n1,2\n")
    assert response.status_code == 400
    assert "Format nicht erkannt" in response.content.decode()
    assert not Satz.objects.exists()


def test_import_goes_to_the_requesters_account_only(client_b, user_a, user_b):
    content = (
        b"date,workout,exercise,set_order,weight_kg,reps,rpe,set_type\n"
        b"2024-01-02T18:00:00,Push,Bench Press,1,60,8,,normal\n"
    )
    assert _upload(client_b, "ok.csv", content).status_code == 200
    assert Satz.objects.filter(einheit__user=user_b).count() == 1
    assert not Satz.objects.filter(einheit__user=user_a).exists()
