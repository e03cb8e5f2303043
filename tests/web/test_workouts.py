"""Workouts beyond logging sets: the list by month, finish, edit, delete, notes, order."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung, WorkoutExercise
from tests.web.conftest import HTMX

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def test_list_groups_by_month_with_counts_and_duration(client_a, user_a, bank, kniebeuge):
    march = Trainingseinheit.objects.create(
        user=user_a,
        datum=datetime(2026, 3, 31, 23, 30, tzinfo=BERLIN),  # UTC: still March 31st, 21:30
        name="Spät",
        duration=timedelta(minutes=65),
    )
    april = Trainingseinheit.objects.create(
        user=user_a, datum=datetime(2026, 4, 2, 18, 0, tzinfo=BERLIN), name="Früh"
    )
    for nr, uebung in enumerate((bank, bank, kniebeuge), start=1):
        Satz.objects.create(einheit=march, uebung=uebung, satz_nr=nr, wiederholungen=5)
    html = client_a.get(reverse("web:workout_list")).content.decode()
    assert html.index("April 2026") < html.index("Früh") < html.index("März 2026")
    assert html.index("März 2026") < html.index("Spät")
    item = html[html.index(f'id="training-{march.pk}"') :]
    item = item[: item.index("</li>")]
    assert "2 Übungen" in item and "3 Sätze" in item and "1:05 h" in item
    assert f'id="training-{april.pk}"' in html


def test_list_page_that_is_not_a_number_is_400(client_a):
    for query in ("?seite=abc", "?seite=-1", "?seite=0", "?seite=99", "?seite=%C2%B2"):
        response = client_a.get(reverse("web:workout_list") + query)
        assert response.status_code == 400, query
        assert "Seite" in response.content.decode()


def test_finish_sets_the_duration_once(client_a, user_a):
    einheit = Trainingseinheit.objects.create(
        user=user_a, datum=timezone.now() - timedelta(minutes=50)
    )
    response = client_a.post(reverse("web:workout_finish", args=[einheit.pk]))
    assert response.status_code == 302
    einheit.refresh_from_db()
    assert timedelta(minutes=49) < einheit.duration < timedelta(minutes=52)
    first = einheit.duration
    client_a.post(reverse("web:workout_finish", args=[einheit.pk]))
    einheit.refresh_from_db()
    assert einheit.duration == first
    html = client_a.get(einheit.get_absolute_url()).content.decode()
    assert "beendet" in html and 'id="finish-workout"' not in html


def test_finishing_an_old_workout_asks_for_the_duration(client_a, user_a):
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now() - timedelta(days=3))
    response = client_a.post(reverse("web:workout_finish", args=[einheit.pk]))
    assert response["Location"] == reverse("web:workout_edit", args=[einheit.pk])
    einheit.refresh_from_db()
    assert einheit.duration is None


def test_rename_move_and_note_a_workout(client_a, user_a):
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now(), name="Alt")
    other = Trainingseinheit.objects.create(
        user=user_a, datum=datetime(2026, 5, 1, 10, 0, tzinfo=BERLIN)
    )
    url = reverse("web:workout_edit", args=[einheit.pk])
    data = {
        "name": "Beine",
        "datum": "2026-05-01T10:00",
        "notes": "Knie gut",
        "dauer_minuten": "70",
    }
    clash = client_a.post(url, data)
    assert clash.status_code == 400 and "schon ein Training" in clash.content.decode()
    data["datum"] = "2026-05-02T10:00"
    assert client_a.post(url, data).status_code == 302
    einheit.refresh_from_db()
    assert (einheit.name, einheit.notes, einheit.duration) == (
        "Beine",
        "Knie gut",
        timedelta(minutes=70),
    )
    assert timezone.localtime(einheit.datum).strftime("%d.%m. %H:%M") == "02.05. 10:00"
    for bad in ({"dauer_minuten": "0"}, {"dauer_minuten": "99999"}, {"datum": "morgen"}):
        response = client_a.post(url, {**data, **bad})
        assert response.status_code == 400, bad
    assert other.pk != einheit.pk


def test_delete_confirms_with_counts_and_works_without_javascript(client_a, user_a, bank):
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now(), name="Weg")
    planned = Uebung.objects.create(name="Nur geplant")
    WorkoutExercise.objects.create(einheit=einheit, uebung=planned, position=2)
    for nr in (1, 2, 3):
        Satz.objects.create(einheit=einheit, uebung=bank, satz_nr=nr, wiederholungen=5)
    url = reverse("web:workout_delete", args=[einheit.pk])
    page = client_a.get(url).content.decode()
    assert "3 Sätze" in page and "2 Übungen" in page
    assert '<form method="post"' in page and "csrfmiddlewaretoken" in page
    response = client_a.post(url)
    assert response["Location"] == reverse("web:workout_list")
    assert not Trainingseinheit.objects.filter(pk=einheit.pk).exists()
    assert not Satz.objects.exists()
    assert Uebung.objects.filter(pk=planned.pk).exists()


def test_notes_per_exercise_are_stored_and_shown(client_a, user_a, bank):
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    url = reverse("web:exercise_notes", args=[einheit.pk, bank.pk])
    assert client_a.post(url, {"notes": "Griff eng, Sitz 4"}).status_code == 302
    assert WorkoutExercise.objects.get(einheit=einheit, uebung=bank).notes == "Griff eng, Sitz 4"
    assert "Griff eng, Sitz 4" in client_a.get(einheit.get_absolute_url()).content.decode()
    too_long = client_a.post(url, {"notes": "x" * 2001})
    assert too_long.status_code == 400 and "2000" in too_long.content.decode()


def test_move_and_remove_exercises(client_a, user_a, bank, kniebeuge):
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    for uebung in (bank, kniebeuge):
        client_a.post(reverse("web:exercise_add", args=[einheit.pk]), {"uebung": uebung.pk})
    move = reverse("web:exercise_move", args=[einheit.pk, kniebeuge.pk])
    assert client_a.post(move, {"richtung": "quer"}).status_code == 400
    client_a.post(move, {"richtung": "hoch"})
    order = WorkoutExercise.objects.filter(einheit=einheit).order_by("position")
    assert list(order.values_list("uebung_id", flat=True)) == [kniebeuge.pk, bank.pk]
    Satz.objects.create(einheit=einheit, uebung=bank, satz_nr=1, wiederholungen=5)
    client_a.post(reverse("web:exercise_remove", args=[einheit.pk, bank.pk]))
    client_a.post(reverse("web:exercise_remove", args=[einheit.pk, kniebeuge.pk]))
    assert list(order.values_list("uebung_id", flat=True)) == [bank.pk]


def test_add_exercise_by_english_name_through_the_picker(client_a, user_a, catalogue):
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    response = client_a.post(
        reverse("web:exercise_add", args=[einheit.pk]), {"uebung_name": "bench press (barbell)"}
    )
    bench = catalogue["Bankdrücken (Langhantel)"]
    assert response["Location"].endswith(f"#ex-{bench.pk}")
    html = client_a.get(einheit.get_absolute_url()).content.decode()
    assert f'id="ex-{bench.pk}"' in html
    assert '<datalist id="exercise-options">' in html
    assert 'label="Bench Press (Barbell)' in html or "Bench Press (Barbell)" in html


def test_logged_set_keeps_its_exercise_in_place(client_a, user_a, bank, kniebeuge):
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    client_a.post(reverse("web:exercise_add", args=[einheit.pk]), {"uebung": kniebeuge.pk})
    client_a.post(
        reverse("web:set_add", args=[einheit.pk, bank.pk]),
        {"gewicht": "60", "wiederholungen": "5", "set_type": "normal"},
        **HTMX,
    )
    rows = WorkoutExercise.objects.filter(einheit=einheit).order_by("position")
    assert list(rows.values_list("uebung_id", flat=True)) == [kniebeuge.pk, bank.pk]


def test_renaming_a_workout_refreshes_its_recommendations(
    client_a, user_a, bank, django_capture_on_commit_callbacks
):
    """The coach reads the workout's name (heavy/light days): a cached answer for the old
    name must not be served after a rename."""
    from ml_coach import prediction_cache

    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now(), name="Push")
    Satz.objects.create(einheit=einheit, uebung=bank, gewicht=60, wiederholungen=8)
    before = prediction_cache.cache_keys(user_a.pk, [bank.pk], einheit.pk)[bank.pk]
    url = reverse("web:workout_edit", args=[einheit.pk])
    local = timezone.localtime(einheit.datum).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        assert client_a.post(url, {"name": "Beine schwer", "datum": local}).status_code == 302
    assert prediction_cache.cache_keys(user_a.pk, [bank.pk], einheit.pk)[bank.pk] != before
