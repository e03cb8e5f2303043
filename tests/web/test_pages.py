"""Start page, starting a workout, history, import upload, settings and display units."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import Satz, Trainingseinheit, UserProfile
from tests.web.conftest import HTMX
from tests.web.test_access_control import SETTINGS_POST

pytestmark = pytest.mark.django_db


def test_home_shows_recent_workouts_and_the_ml_card(client_a, einheit_a, satz_a):
    html = client_a.get(reverse("web:home")).content.decode()
    assert einheit_a.get_absolute_url() in html
    assert "Push A" in html
    assert "ML Vorhersage-Modelle" in html
    assert 'href="/ml/dashboard/"' in html


def test_start_a_workout(client_a, user_a, bank):
    page = client_a.get(reverse("web:workout_start"))
    assert page.status_code == 200
    response = client_a.post(
        reverse("web:workout_start"),
        {"name": "Beine", "datum": "2026-11-20T18:30", "uebung": ["bankdrücken", ""]},
    )
    einheit = Trainingseinheit.objects.get(user=user_a)
    assert response.status_code == 302
    assert response["Location"] == einheit.get_absolute_url()
    assert timezone.localtime(einheit.datum).strftime("%Y-%m-%d %H:%M") == "2026-11-20 18:30"
    html = client_a.get(einheit.get_absolute_url()).content.decode()
    assert f'id="ex-{bank.pk}"' in html


def test_start_a_workout_twice_at_the_same_minute_is_a_form_error(client_a, user_a):
    data = {"name": "Beine", "datum": "2026-11-20T18:30"}
    client_a.post(reverse("web:workout_start"), data)
    response = client_a.post(reverse("web:workout_start"), data)
    assert response.status_code == 400
    assert "schon ein Training" in response.content.decode()
    assert Trainingseinheit.objects.count() == 1


def test_start_a_workout_with_bad_date(client_a):
    response = client_a.post(reverse("web:workout_start"), {"datum": "gestern"})
    assert response.status_code == 400
    assert not Trainingseinheit.objects.exists()


def test_exercise_history_chart_data(client_a, user_a, bank):
    now = timezone.now()
    for days, sets in ((14, [("60", 8), ("62.5", 6)]), (7, [("40", 10), ("65", 5)])):
        einheit = Trainingseinheit.objects.create(user=user_a, datum=now - timedelta(days=days))
        for nr, (kg, reps) in enumerate(sets, start=1):
            Satz.objects.create(
                einheit=einheit, uebung=bank, satz_nr=nr, gewicht=Decimal(kg), wiederholungen=reps
            )
    Satz.objects.filter(gewicht=Decimal("40")).update(set_type="warmup")
    response = client_a.get(bank.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script id="history-chart-data" type="application/json">' in html
    start = html.index('<script id="history-chart-data" type="application/json">')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    chart = json.loads(payload)
    top, e1rm = chart["datasets"]
    assert top["data"] == [62.5, 65.0]
    # Epley: 60 × (1 + 8/30) = 76 beats 62.5 × 1.2 = 75; 65 × (1 + 5/30) = 75.83
    assert e1rm["data"] == [76.0, 75.75]  # shown at kg precision (0.25)
    assert "<script>" not in html  # no inline JS at all


def test_history_chart_escapes_exercise_data(client_a, user_a):
    from core.models import Uebung

    evil = Uebung.objects.create(name="</script><script>alert(1)</script>", owner=user_a)
    html = client_a.get(evil.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html


def test_settings_switch_to_lb_changes_display_and_input(client_a, user_a, einheit_a, satz_a, bank):
    response = client_a.post(reverse("web:settings"), {**SETTINGS_POST, "display_unit": "lb"})
    assert response.status_code == 302
    assert UserProfile.objects.get(user=user_a).display_unit == "lb"
    html = client_a.get(einheit_a.get_absolute_url()).content.decode()
    assert "132,5" in html and "132,28" not in html  # 60 kg at lb precision (0.5)
    assert "Gewicht (lb)" in html
    client_a.post(
        reverse("web:set_add", args=[einheit_a.pk, bank.pk]),
        {"gewicht": "135", "wiederholungen": "5", "set_type": "normal"},
    )
    stored = Satz.objects.get(satz_nr=2).gewicht
    assert stored == Decimal("61.235")
    html = client_a.get(einheit_a.get_absolute_url()).content.decode()
    assert ">135<" in html


def test_lb_limit_message_names_the_lb_limit(client_a, user_a, einheit_a, bank):
    UserProfile.objects.filter(user=user_a).update(display_unit="lb")
    response = client_a.post(
        reverse("web:set_add", args=[einheit_a.pk, bank.pk]),
        {"gewicht": "2300", "wiederholungen": "5", "set_type": "normal"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "zwischen 0 und 2204,62 lb" in response.content.decode()


def test_settings_rejects_unknown_unit(client_a, user_a):
    response = client_a.post(reverse("web:settings"), {"display_unit": "stone"})
    assert response.status_code == 400
    assert UserProfile.objects.get(user=user_a).display_unit == "kg"


def test_import_rejects_files_over_the_limit(client_a, settings):
    settings.IMPORT_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.csv", b"x" * 101, content_type="text/csv")
    response = client_a.post(reverse("web:import"), {"datei": upload, "format": "auto", "unit": ""})
    assert response.status_code == 400
    assert "zu groß" in response.content.decode()


def test_import_requires_a_file_and_a_known_format(client_a):
    response = client_a.post(reverse("web:import"), {"format": "excel"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte eine Datei" in html
    assert "gültige Auswahl" in html
