"""Strong's "vorher" in the training view: per set row, planned set and the next set's row,
last time's value of the same working set (warm-ups by their own order), in the lifter's unit,
from the lifter's latest earlier workout with the exercise — with one query for the workout."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung, UserProfile, WorkoutExercise
from tests.web.conftest import HTMX
from web.previous import previous_sets

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def workout(user, days_ago: float, name: str = "") -> Trainingseinheit:
    return Trainingseinheit.objects.create(
        user=user, datum=NOW - timedelta(days=days_ago), name=name
    )


def sets(einheit, uebung, *rows) -> list[Satz]:
    """``rows``: (kg, reps) or (kg, reps, set_type), numbered in order."""
    start = Satz.objects.filter(einheit=einheit, uebung=uebung).count()
    return [
        Satz.objects.create(
            einheit=einheit,
            uebung=uebung,
            satz_nr=start + i,
            gewicht=Decimal(str(row[0])),
            wiederholungen=row[1],
            set_type=row[2] if len(row) > 2 else "normal",
        )
        for i, row in enumerate(rows, start=1)
    ]


def row_previous(html: str) -> dict[int, str]:
    """Set id → the text of its "Vorher" cell."""
    return {
        int(pk): text
        for pk, text in re.findall(
            r'<tr id="satz-(\d+)".*?<td class="num prev">(?:<span[^>]*>)?([^<]*)<', html, re.S
        )
    }


def next_previous(html: str, uebung_id: int) -> str | None:
    found = re.search(rf'id="prev-next-{uebung_id}">([^<]*)<', html)
    return found.group(1) if found else None


@pytest.fixture
def story(user_a, user_b, bank, kniebeuge):
    """Bench last done 3 days ago (warm-up + 3 working sets), squats last done 10 days ago in
    an older workout that also had bench; someone else's bench and a later workout between."""
    older = workout(user_a, 10, "Alt")
    sets(older, bank, (90, 8), (90, 8), (90, 8))
    sets(older, kniebeuge, (120, 5, "warmup"), (140, 5), (140, 4))
    last = workout(user_a, 3, "Letztes Mal")
    sets(last, bank, (50, 10, "warmup"), (100, 8), (100, 7), (95, 6, "dropset"))
    sets(workout(user_b, 1), bank, (200, 1))  # another lifter, between: never "previous"
    sets(workout(user_a, -2, "Später"), bank, (300, 1))  # after today: never "previous"
    today = workout(user_a, 0, "Heute")
    WorkoutExercise.objects.create(einheit=today, uebung=bank, position=1)
    return today


def test_each_set_row_shows_last_times_same_working_set(client_a, story, bank, kniebeuge):
    warm, first = sets(story, bank, (40, 10, "warmup"), (100, 8))
    html = client_a.get(story.get_absolute_url()).content.decode()
    previous = row_previous(html)
    assert previous[warm.pk] == "50 × 10"  # warm-up 1 ↔ last time's warm-up 1
    assert previous[first.pk] == "100 × 8"  # working set 1 ↔ working set 1, warm-up skipped
    assert next_previous(html, bank.pk) == "vorher 100 × 7"  # the next row: working set 2
    assert 'class="prev-head">Vorher</th>' in html


def test_the_latest_earlier_workout_of_each_exercise_is_used(client_a, story, bank, kniebeuge):
    """Squats' latest is the older workout, which also had bench: bench still takes its own
    latest (3 days ago), squats theirs (10 days ago)."""
    WorkoutExercise.objects.create(einheit=story, uebung=kniebeuge, position=2)
    (sq1,) = sets(story, kniebeuge, (140, 5))
    html = client_a.get(story.get_absolute_url()).content.decode()
    assert row_previous(html)[sq1.pk] == "140 × 5"
    assert next_previous(html, kniebeuge.pk) == "vorher 140 × 4"
    assert next_previous(html, bank.pk) == "vorher 100 × 8"  # not 90 (older), 200, or 300
    # A fourth bench set had no counterpart 3 days ago: the older workout's sets never fill in.
    bench = sets(story, bank, (100, 8), (100, 7), (95, 6))
    html = client_a.get(story.get_absolute_url()).content.decode()
    assert [row_previous(html)[s.pk] for s in bench] == ["100 × 8", "100 × 7", "95 × 6"]
    assert next_previous(html, bank.pk) is None


def test_more_sets_than_last_time_show_a_dash(client_a, story, bank):
    logged = sets(story, bank, (100, 8), (100, 8), (95, 6), (90, 6))
    html = client_a.get(story.get_absolute_url()).content.decode()
    previous = row_previous(html)
    assert [previous[s.pk] for s in logged] == ["100 × 8", "100 × 7", "95 × 6", "–"]
    assert next_previous(html, bank.pk) is None


def test_first_time_exercise_has_no_previous(client_a, user_a, story):
    new = Uebung.objects.create(name="Neu", owner=user_a)
    (only,) = sets(story, new, (20, 12))
    html = client_a.get(story.get_absolute_url()).content.decode()
    assert row_previous(html)[only.pk] == "–"
    assert next_previous(html, new.pk) is None


def test_previous_in_pounds(client_a, user_a, story, bank):
    UserProfile.objects.filter(user=user_a).update(display_unit="lb")
    html = client_a.get(story.get_absolute_url()).content.decode()
    assert next_previous(html, bank.pk) == "vorher 220,5 × 8"  # 100 kg on the 0.5-lb step


def test_bodyweight_previous_shows_reps_and_added_weight(client_a, user_a):
    dips = Uebung.objects.create(name="Dips", owner=user_a, equipment="bodyweight")
    sets(workout(user_a, 7), dips, (0, 12), (10, 8))
    today = workout(user_a, 0)
    (first,) = sets(today, dips, (0, 11))
    html = client_a.get(today.get_absolute_url()).content.decode()
    assert row_previous(html)[first.pk] == "12 Wdh"
    assert next_previous(html, dips.pk) == "vorher +10 × 8"
    assert not re.search(r"(?<![\d,+])0 ×", html)  # never "0 × 12" for no added weight


def test_planned_sets_show_their_previous(client_a, story, bank):
    WorkoutExercise.objects.filter(einheit=story, uebung=bank).update(planned_sets=3)
    sets(story, bank, (100, 8))
    html = client_a.get(story.get_absolute_url()).content.decode()
    planned = html[html.index('class="planned"') :]
    assert re.findall(r'<span class="prev small">([^<]*)</span>', planned) == [
        "vorher 100 × 7",
        "vorher 95 × 6",
    ]


def test_a_warmup_in_the_form_shows_last_times_next_warmup(client_a, user_a, bank):
    sets(workout(user_a, 7), bank, (40, 10, "warmup"), (60, 5, "warmup"), (100, 5))
    today = workout(user_a, 0)
    sets(today, bank, (40, 10, "warmup"))  # the form is prefilled with it: a warm-up again
    html = client_a.get(today.get_absolute_url()).content.decode()
    assert next_previous(html, bank.pk) == "vorher 60 × 5"


def test_previous_sets_reads_one_query_for_any_number_of_exercises(user_a):
    exercises = [Uebung.objects.create(name=f"Ü{i}", owner=user_a) for i in range(12)]
    for days in (14, 7):
        einheit = workout(user_a, days)
        for i, uebung in enumerate(exercises):
            sets(einheit, uebung, (10, 10, "warmup"), (20 + i + days, 8), (20 + i, 7))
    today = workout(user_a, 0)
    with CaptureQueriesContext(connection) as ctx:
        found = previous_sets(today, [u.pk for u in exercises], "kg")
    assert len(ctx.captured_queries) == 1
    assert [found[u.pk].get(1).text for u in exercises] == [f"{27 + i} × 8" for i in range(12)]
    assert found[exercises[0].pk].get(1, warmup=True).text == "10 × 10"


def _page_queries(client, einheit) -> int:
    client.get(einheit.get_absolute_url())  # warm the recommendations' cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(einheit.get_absolute_url())
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_page_queries_do_not_grow_with_exercises_or_sets(client_a, user_a):
    def lifter_workout(n_exercises: int, n_sets: int) -> Trainingseinheit:
        exercises = [
            Uebung.objects.create(name=f"Ü{n_exercises}-{i}", owner=user_a)
            for i in range(n_exercises)
        ]
        past = workout(user_a, 7 + n_exercises)
        today = workout(user_a, -n_exercises / 100)
        for uebung in exercises:
            sets(past, uebung, *[(50, 8)] * n_sets)
            sets(today, uebung, *[(50, 8)] * n_sets)
        return today

    small = lifter_workout(1, 1)
    big = lifter_workout(12, 5)
    assert _page_queries(client_a, small) == _page_queries(client_a, big)
    html = client_a.get(big.get_absolute_url()).content.decode()
    assert html.count('<td class="num prev">50 × 8</td>') == 60


def test_logging_a_set_via_htmx_moves_previous_to_the_next_set(client_a, story, bank):
    response = client_a.post(
        reverse("web:set_add", args=[story.pk, bank.pk]),
        {"gewicht": "100", "wiederholungen": "8", "set_type": "normal"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    (satz,) = Satz.objects.filter(einheit=story)
    assert row_previous(html) == {satz.pk: "100 × 8"}
    assert next_previous(html, bank.pk) == "vorher 100 × 7"


def test_deleting_via_htmx_and_editing_refresh_the_previous_column(client_a, story, bank):
    warm, first, second = sets(story, bank, (40, 10), (100, 8), (100, 6))
    # Deleted through htmx: the block comes back with the numbers moved up.
    response = client_a.post(reverse("web:set_delete", args=[first.pk]), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert row_previous(html) == {warm.pk: "100 × 8", second.pk: "100 × 7"}
    assert next_previous(html, bank.pk) == "vorher 95 × 6"
    # Edited (its own page, then the redirect): the first set turned into a warm-up.
    response = client_a.post(
        reverse("web:set_edit", args=[warm.pk]),
        {"gewicht": "40", "wiederholungen": "10", "set_type": "warmup"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(story.get_absolute_url())
    html = response.content.decode()
    assert row_previous(html) == {warm.pk: "50 × 10", second.pk: "100 × 8"}
    assert next_previous(html, bank.pk) == "vorher 100 × 7"
