"""The import in two steps: upload → preview (unit, mapping; both changeable) → import."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ImportDraft, Satz, Uebung

pytestmark = pytest.mark.django_db

STRONG = (
    b"Date,Workout Name,Exercise Name,Set Order,Weight,Reps,RPE\n"
    b"2024-01-02 10:00:00,A,Bench Press (Barbell),1,225,5,\n"
    b"2024-01-02 10:00:00,A,Bench Press (Barbell),2,225,5,\n"
    b"2024-01-02 10:00:00,A,Cable Kickback,1,30,12,\n"
)


def upload(client, content: bytes = STRONG, **fields) -> str:
    data = {"datei": SimpleUploadedFile("strong.csv", content), "format": "auto", **fields}
    response = client.post(reverse("web:import"), data)
    assert response.status_code == 302, response.content.decode()[-500:]
    return response["Location"]


def field_for(html: str, name: str) -> tuple[str, str]:
    row = html[html.index(f'data-name="{name}"') :]
    row = row[: row.index("</li>")]
    return re.search(r'name="(ziel_\d+)"', row).group(1), re.search(r'value="([^"]*)"', row).group(
        1
    )


def test_preview_shows_mapping_and_unit_and_stores_nothing(client_a, user_a, catalogue):
    url = upload(client_a)
    html = client_a.get(url).content.decode()
    assert "2 Sätze" in html and "1 Training" in html
    assert field_for(html, "Bench Press (Barbell)")[1] == "Bankdrücken (Langhantel)"
    assert field_for(html, "Cable Kickback")[1] == ""  # neu anlegen
    assert "angenommen: die Datei nennt keine Einheit" in html
    assert "max. 225 kg" in html
    assert not Satz.objects.exists()


def test_unit_changed_in_the_preview_is_used(client_a, user_a, catalogue):
    url = upload(client_a)
    again = client_a.post(url, {"einheit": "lb", "aktion": "vorschau"}).content.decode()
    assert "max. 225 lb" in again and "von dir gewählt" in again
    bench_field, bench_value = field_for(again, "Bench Press (Barbell)")
    kick_field, _ = field_for(again, "Cable Kickback")
    response = client_a.post(url, {"einheit": "lb", bench_field: bench_value, kick_field: ""})
    assert response.status_code == 200 and "Import abgeschlossen" in response.content.decode()
    bench = Satz.objects.filter(uebung__name="Bankdrücken (Langhantel)")
    assert [float(s.gewicht) for s in bench] == [pytest.approx(102.058, abs=0.001)] * 2
    assert Uebung.objects.get(owner=user_a).name == "Cable Kickback"
    assert not ImportDraft.objects.exists()


def test_lifter_changes_the_mapping(client_a, user_a, catalogue):
    url = upload(client_a)
    html = client_a.get(url).content.decode()
    bench_field, _ = field_for(html, "Bench Press (Barbell)")
    kick_field, _ = field_for(html, "Cable Kickback")
    wrong = client_a.post(url, {bench_field: "Gibt es nicht", kick_field: ""})
    assert wrong.status_code == 400 and "nicht gefunden" in wrong.content.decode()
    assert not Satz.objects.exists()
    client_a.post(url, {bench_field: "", kick_field: "trizepsdrücken (kabel)"})
    assert Satz.objects.filter(uebung__name="Trizepsdrücken (Kabel)").count() == 1
    assert Uebung.objects.get(owner=user_a).name == "Bench Press (Barbell)"


def test_file_that_names_its_unit_is_not_changeable(client_a, catalogue):
    content = STRONG.replace(b",Weight,", b",Weight (kg),")
    html = client_a.get(upload(client_a, content)).content.decode()
    assert "laut Datei" in html and 'name="einheit"' not in html


def test_bad_unit_and_broken_draft_are_400(client_a, user_a, catalogue):
    url = upload(client_a)
    assert client_a.get(url + "?einheit=stone").status_code == 400
    draft = ImportDraft.objects.get()
    draft.data = b"kaputt"
    draft.save()
    assert client_a.get(url).status_code == 400
