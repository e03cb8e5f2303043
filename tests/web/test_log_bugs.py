"""The log bugs of issue 12 (part a), each as a lifter met it. Every test failed before the fix.

- No list of past workouts: home showed the latest 10; older workouts were unreachable.
- ``/uebungen/`` answered 404.
- Exercise history said "40 Trainings" over a 30-row table with no way to the rest.
- An exercise added without sets lived in the browser session: another login did not see it,
  and the order of the exercises differed between sessions.
- The set edit page showed the workout's start in UTC, the workout page in local time.
- Imported English names stayed beside the German catalogue entries (see also
  tests/core/test_import_mapping.py for the shared raw Strong export).
- The importer did not say which weight unit it assumed for a Strong export without one.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung
from tests.web.conftest import import_file

pytestmark = pytest.mark.django_db


def _workouts(user, n: int) -> list[Trainingseinheit]:
    now = timezone.now()
    return [
        Trainingseinheit.objects.create(user=user, datum=now - timedelta(days=i), name=f"T{i}")
        for i in range(n)
    ]


def test_every_past_workout_is_reachable_from_home(client_a, user_a):
    workouts = _workouts(user_a, 60)
    home = client_a.get(reverse("web:home")).content.decode()
    assert 'href="/training/"' in home
    seen = ""
    url = reverse("web:workout_list")
    while url:
        response = client_a.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        seen += html
        following = re.search(r'rel="next" href="\?([^"]+)"', html)
        url = f"{reverse('web:workout_list')}?{following.group(1)}" if following else ""
    for einheit in workouts:
        assert einheit.get_absolute_url() in seen, einheit.name


def test_exercise_catalogue_page_exists(client_a, bank):
    response = client_a.get("/uebungen/")
    assert response.status_code == 200
    assert bank.get_absolute_url() in response.content.decode()


def test_history_count_matches_the_rows_a_lifter_can_reach(client_a, user_a, bank):
    start = timezone.now() - timedelta(days=100)
    for i in range(40):
        einheit = Trainingseinheit.objects.create(user=user_a, datum=start + timedelta(days=2 * i))
        Satz.objects.create(einheit=einheit, uebung=bank, satz_nr=1, gewicht=60, wiederholungen=5)
    first = client_a.get(bank.get_absolute_url()).content.decode()
    assert "40 Trainings" in first
    rows = first.count("<tr>") - 1  # minus the header row
    second = client_a.get(bank.get_absolute_url() + "?seite=2")
    assert second.status_code == 200
    rows += second.content.decode().count("<tr>") - 1
    assert 'rel="next" href="?seite=2"' in first
    assert rows == 40


def test_planned_exercise_and_order_are_the_same_on_another_login(user_a, bank, kniebeuge):
    phone, laptop = Client(), Client()
    phone.force_login(user_a)
    laptop.force_login(user_a)
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    phone.post(reverse("web:exercise_add", args=[einheit.pk]), {"uebung": kniebeuge.pk})
    phone.post(reverse("web:exercise_add", args=[einheit.pk]), {"uebung": bank.pk})
    phone.post(
        reverse("web:set_add", args=[einheit.pk, bank.pk]),
        {"gewicht": "60", "wiederholungen": "8", "set_type": "normal"},
    )

    def order(client) -> list[int]:
        html = client.get(einheit.get_absolute_url()).content.decode()
        return [int(pk) for pk in re.findall(r'<section class="card exercise" id="ex-(\d+)"', html)]

    assert order(laptop) == order(phone) == [kniebeuge.pk, bank.pk]


def test_set_edit_page_shows_the_same_local_time_as_the_workout_page(client_a, user_a, bank):
    start = datetime(2026, 7, 1, 11, 48, tzinfo=ZoneInfo("UTC"))  # 13:48 in Berlin (summer)
    einheit = Trainingseinheit.objects.create(user=user_a, datum=start, name="Push")
    satz = Satz.objects.create(
        einheit=einheit, uebung=bank, satz_nr=1, gewicht=Decimal("60"), wiederholungen=8
    )
    workout = client_a.get(einheit.get_absolute_url()).content.decode()
    edit = client_a.get(reverse("web:set_edit", args=[satz.pk])).content.decode()
    assert "13:48" in workout
    assert "13:48" in edit and "11:48" not in edit


def test_imported_english_names_go_onto_the_german_catalogue(client_a, user_a, catalogue):
    content = (
        b"Date,Workout Name,Exercise Name,Set Order,Weight,Reps,RPE\n"
        b"2024-01-02 10:00:00,A,Bench Press (Barbell),1,100,5,\n"
        b"2024-01-02 10:00:00,A,Squat (Barbell),1,140,5,\n"
    )
    response = import_file(client_a, content, "strong.csv")
    assert response.status_code == 200
    names = set(Satz.objects.filter(einheit__user=user_a).values_list("uebung__name", flat=True))
    assert names == {"Bankdrücken (Langhantel)", "Kniebeuge (Langhantel)"}
    assert not Uebung.objects.filter(owner=user_a).exists()


def test_import_says_which_unit_it_assumed(client_a, user_a, catalogue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        b"Date,Workout Name,Exercise Name,Set Order,Weight,Reps,RPE\n"
        b"2024-01-02 10:00:00,A,Bench Press (Barbell),1,225,5,\n"
    )
    upload = SimpleUploadedFile("strong.csv", content, content_type="text/csv")
    response = client_a.post(reverse("web:import"), {"datei": upload, "format": "auto"})
    preview = client_a.get(response["Location"]).content.decode()
    assert "die Datei nennt keine Einheit" in preview
    assert 'name="einheit" value="lb"' in preview
