"""Routines on the pages: save a workout, edit it, start from it or "wie letztes Mal";
every planned set shows up pre-filled with the coach's recommendation."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.models import Routine, RoutineExercise, Satz, Trainingseinheit, WorkoutExercise
from ml_coach import prediction_cache as coach_cache
from tests.factories import make_history

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def last_push(user_a, bank, kniebeuge):
    make_history(user_a, [bank, kniebeuge], sessions=5)  # 3 sets each, enough for a baseline
    last = Trainingseinheit.objects.filter(user=user_a).order_by("-datum").first()
    last.name = "Push"
    last.save()
    return last


def _planned(html: str, uebung_id: int) -> list[tuple[str, str]]:
    block = html[html.index(f'id="ex-{uebung_id}"') :]
    block = block[: block.index("</section>")]
    return re.findall(
        r'name="gewicht" value="([^"]*)">\s*<input type="hidden" name="wiederholungen" '
        r'value="([^"]*)"',
        block,
    )


def test_wie_letztes_mal_plans_every_set_prefilled_by_the_coach(client_a, user_a, last_push, bank):
    start = client_a.get(reverse("web:workout_start")).content.decode()
    assert "Wie letztes Mal" in start
    assert reverse("web:workout_repeat", args=[last_push.pk]) in start
    response = client_a.post(reverse("web:workout_repeat", args=[last_push.pk]))
    new = Trainingseinheit.objects.exclude(pk=last_push.pk).get(name="Push", saetze__isnull=True)
    assert response["Location"] == new.get_absolute_url()
    assert list(new.workout_exercises.values_list("planned_sets", flat=True)) == [3, 3]
    html = client_a.get(new.get_absolute_url()).content.decode()
    rec = coach_cache.cached_recommendation(user_a.pk, bank.pk)
    weight = f"{rec.weight_kg:g}"
    assert _planned(html, bank.pk) == [(weight, str(rec.reps))] * 3
    form = html[html.index(f'id="gewicht-{bank.pk}"') :][:200]
    assert f'value="{weight}"' in form


def test_one_tap_logs_a_planned_set(client_a, user_a, last_push, bank):
    client_a.post(reverse("web:workout_repeat", args=[last_push.pk]))
    new = Trainingseinheit.objects.filter(user=user_a).order_by("-datum").first()
    html = client_a.get(new.get_absolute_url()).content.decode()
    weight, reps = _planned(html, bank.pk)[0]
    client_a.post(
        reverse("web:set_add", args=[new.pk, bank.pk]),
        {"gewicht": weight, "wiederholungen": reps, "set_type": "normal"},
    )
    html = client_a.get(new.get_absolute_url()).content.decode()
    assert len(_planned(html, bank.pk)) == 2
    assert Satz.objects.get(einheit=new).wiederholungen == int(reps)


def test_save_as_routine_edit_and_start(client_a, user_a, last_push, bank, kniebeuge):
    url = reverse("web:routine_from_workout", args=[last_push.pk])
    assert 'value="Push"' in client_a.get(url).content.decode()
    response = client_a.post(url, {"name": "Push A"})
    routine = Routine.objects.get(user=user_a, name="Push A")
    assert response["Location"] == routine.get_absolute_url()
    entries = list(routine.exercises.order_by("position"))
    assert [(e.uebung_id, e.sets) for e in entries] == [(bank.pk, 3), (kniebeuge.pk, 3)]
    assert client_a.post(url, {"name": "Push A"}).status_code == 400  # name taken

    edit = {
        "name": "Push A",
        "notes": "",
        "neue_uebung": "",
        "exercises-TOTAL_FORMS": "2",
        "exercises-INITIAL_FORMS": "2",
        "exercises-0-id": entries[0].pk,
        "exercises-0-position": "2",
        "exercises-0-sets": "5",
        "exercises-0-target_reps": "5",
        "exercises-1-id": entries[1].pk,
        "exercises-1-position": "1",
        "exercises-1-sets": "3",
        "exercises-1-target_reps": "",
        "exercises-1-DELETE": "on",
    }
    bad = client_a.post(routine.get_absolute_url(), {**edit, "exercises-0-sets": "99"})
    assert bad.status_code == 400 and "Höchstens 20 Sätze" in bad.content.decode()
    unknown = client_a.post(routine.get_absolute_url(), {**edit, "neue_uebung": "Quatsch"})
    assert unknown.status_code == 400 and "nicht gefunden" in unknown.content.decode()
    assert client_a.post(routine.get_absolute_url(), {**edit, "neue_uebung": "kniebeuge"})
    rows = list(routine.exercises.order_by("position").values_list("uebung_id", "sets"))
    assert rows == [(bank.pk, 5), (kniebeuge.pk, 3)]

    started = client_a.post(reverse("web:routine_start", args=[routine.pk]))
    einheit = Trainingseinheit.objects.get(user=user_a, name="Push A")
    assert started["Location"] == einheit.get_absolute_url()
    plan = WorkoutExercise.objects.filter(einheit=einheit).order_by("position")
    assert list(plan.values_list("uebung_id", "planned_sets", "target_reps")) == [
        (bank.pk, 5, 5),
        (kniebeuge.pk, 3, None),
    ]


def test_start_form_with_a_routine_and_picked_exercises(client_a, user_a, bank, kniebeuge):
    routine = Routine.objects.create(user=user_a, name="Beine")
    RoutineExercise.objects.create(routine=routine, uebung=kniebeuge, sets=4, target_reps=6)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client_a.post(
        reverse("web:workout_start"),
        {"name": "", "datum": now, "routine": routine.pk, "uebung": ["Bankdrücken", ""]},
    )
    einheit = Trainingseinheit.objects.get(user=user_a)
    assert einheit.name == "Beine"
    plan = WorkoutExercise.objects.filter(einheit=einheit).order_by("position")
    assert list(plan.values_list("uebung_id", "planned_sets")) == [(kniebeuge.pk, 4), (bank.pk, 0)]


def test_routine_list_and_delete(client_a, user_a, bank):
    routine = Routine.objects.create(user=user_a, name="Ganzkörper")
    RoutineExercise.objects.create(routine=routine, uebung=bank, sets=3, target_reps=8)
    html = client_a.get(reverse("web:routine_list")).content.decode()
    assert "Ganzkörper" in html and "3 × 8" in html
    url = reverse("web:routine_delete", args=[routine.pk])
    assert "Trainings und Sätze bleiben" in client_a.get(url).content.decode()
    client_a.post(url)
    assert not Routine.objects.exists()


def test_start_form_refuses_unknown_and_nul_names(client_a, user_a):
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    for names, message in ((["Quatschübung"], "nicht gefunden"), (["a\x00b"], "Null")):
        response = client_a.post(reverse("web:workout_start"), {"datum": now, "uebung": names})
        assert response.status_code == 400 and message in response.content.decode(), names
    assert not Trainingseinheit.objects.exists()
