"""While lifting: record badges, rest time, the plate calculator; body weight; exports."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Koerpergewicht, Satz, Trainingseinheit, Uebung, UserProfile
from tests.web.conftest import HTMX
from tests.web.test_access_control import SETTINGS_POST
from web import personal_records as pr
from web.settings_forms import parse_plates

pytestmark = pytest.mark.django_db


# --- personal records: the pure rules ------------------------------------------------------


def bests(*pairs) -> pr.Bests:
    found = pr.Bests()
    for weight, reps in pairs:
        found.add(Decimal(weight), reps)
    return found


@pytest.mark.parametrize(
    ("earlier", "now", "expected"),
    [
        ([], ("100", 5), []),  # nothing to beat yet
        ([("100", 5)], ("102.5", 1), [pr.WEIGHT]),  # heavier, e1RM 102.5 < 116.7
        ([("100", 5)], ("102.5", 5), [pr.WEIGHT, pr.E1RM]),
        ([("100", 5)], ("100", 6), [pr.REPS, pr.E1RM]),
        ([("100", 5), ("90", 10)], ("90", 9), []),
        ([("100", 5)], ("90", 6), [pr.REPS]),  # more reps than ever at ≥ 90 kg; e1RM lower
        ([("100", 5)], ("100", 5), []),  # equal is no record
        ([("0", 8)], ("0", 9), [pr.REPS]),  # bodyweight: reps count, weight 0 never a record
    ],
)
def test_record_rules(earlier, now, expected):
    weight, reps = now
    assert pr.records(bests(*earlier), Decimal(weight), reps) == expected


def _satz(pk, kg, reps, set_type="normal"):
    return Satz(pk=pk, gewicht=Decimal(kg), wiederholungen=reps, set_type=set_type)


def test_earlier_sets_of_the_same_workout_count_and_warmups_never_do():
    marked = pr.mark_records(
        bests(("100", 5)),
        [
            _satz(1, "120", 3, "warmup"),  # a heavy warm-up neither scores nor raises the bar
            _satz(2, "105", 3),
            _satz(3, "105", 3),  # equals set 2: no record
            _satz(4, "105", 4),
            _satz(5, "80", None),  # reps not logged
        ],
    )
    assert marked == {2: [pr.WEIGHT], 4: [pr.REPS, pr.E1RM]}


# --- in the training view --------------------------------------------------------------------


@pytest.fixture
def history(user_a, bank):
    past = Trainingseinheit.objects.create(
        user=user_a, datum=timezone.now() - timedelta(days=7), name="Letzte Woche"
    )
    Satz.objects.create(einheit=past, uebung=bank, satz_nr=1, gewicht=100, wiederholungen=5)
    return Trainingseinheit.objects.create(user=user_a, datum=timezone.now(), name="Heute")


def _add(client, einheit, uebung, gewicht, wiederholungen="5", **extra):
    return client.post(
        reverse("web:set_add", args=[einheit.pk, uebung.pk]),
        {"gewicht": gewicht, "wiederholungen": wiederholungen, "set_type": "normal"},
        **extra,
    )


def test_a_heavier_set_gets_a_record_badge(client_a, history, bank):
    html = _add(client_a, history, bank, "95", **HTMX).content.decode()
    assert 'class="badge pr"' not in html
    html = _add(client_a, history, bank, "102,5", **HTMX).content.decode()
    satz = Satz.objects.get(einheit=history, satz_nr=2)
    row = html[html.index(f'id="satz-{satz.pk}"') :]
    row = row[: row.index("</tr>")]
    assert 'data-records="weight e1rm"' in row and "PR Gewicht · 1RM" in row


def test_later_workouts_do_not_take_a_record_away(client_a, user_a, history, bank):
    _add(client_a, history, bank, "110")
    later = Trainingseinheit.objects.create(
        user=user_a, datum=timezone.now() + timedelta(days=2), name="Später"
    )
    Satz.objects.create(einheit=later, uebung=bank, satz_nr=1, gewicht=105, wiederholungen=5)
    assert 'data-records="weight e1rm"' in client_a.get(history.get_absolute_url()).content.decode()
    assert 'data-records="weight' not in client_a.get(later.get_absolute_url()).content.decode()


def test_rest_seconds_depend_on_the_exercise_and_the_setting(client_a, user_a, history, bank):
    curl = Uebung.objects.create(name="Curl", equipment="dumbbell")
    _add(client_a, history, bank, "60")
    _add(client_a, history, curl, "12")
    html = client_a.get(history.get_absolute_url()).content.decode()
    assert f'id="extras-{bank.pk}" data-rest-seconds="180"' in html
    assert f'id="extras-{curl.pk}" data-rest-seconds="90"' in html
    assert 'id="rest-bar"' in html and f'data-workout="{history.pk}"' in html
    UserProfile.objects.filter(user=user_a).update(rest_seconds_barbell=240)
    html = client_a.get(history.get_absolute_url()).content.decode()
    assert f'id="extras-{bank.pk}" data-rest-seconds="240"' in html


def test_bodyweight_exercises_show_reps_and_added_weight(client_a, user_a, history):
    dips = Uebung.objects.create(
        name="Ring-Dips", owner=user_a, equipment="bodyweight", is_bodyweight=True
    )
    _add(client_a, history, dips, "0", "12")
    _add(client_a, history, dips, "10", "8")
    html = client_a.get(history.get_absolute_url()).content.decode()
    block = html[html.index(f'id="ex-{dips.pk}"') :]
    assert "+10</td>" in block and "ohne Zusatzgewicht" in block
    assert '<td class="num">0</td>' not in block
    assert "Zusatzgewicht (kg)" in block
    history_html = client_a.get(dips.get_absolute_url()).content.decode()
    assert "+10 kg × 8 Wdh" in history_html


# --- plate calculator ------------------------------------------------------------------------


def test_plate_page_works_without_javascript(client_a):
    html = client_a.get(reverse("web:plates"), {"gewicht": "62,5"}).content.decode()
    assert "20 · 1,25" in html and "pro Seite" in html
    assert "62,5 kg ≈ 137,8 lb" in html


def test_plate_line_for_htmx_and_bad_input(client_a):
    ok = client_a.get(reverse("web:plates"), {"gewicht": "100"}, **HTMX)
    assert ok.status_code == 200 and "25 · 15" in ok.content.decode()
    assert "<html" not in ok.content.decode()
    bad = client_a.get(reverse("web:plates"), {"gewicht": "schwer"}, **HTMX)
    assert bad.status_code == 422 and "Gewicht als Zahl eingeben" in bad.content.decode()
    assert client_a.get(reverse("web:plates"), {"gewicht": "-5"}).status_code == 400


def test_plates_follow_the_lifters_own_set(client_a, user_a):
    UserProfile.objects.filter(user=user_a).update(
        display_unit="lb", plate_unit="lb", bar_weight=Decimal("45"), plates=[["45", 2], ["25", 4]]
    )
    html = client_a.get(reverse("web:plates"), {"gewicht": "225"}).content.decode()
    # 90 lb per side wanted; only two 45s (one pair): 45 + 25, never over the target.
    assert "45 · 25</strong>" in html
    assert "(185 lb" in html and "40 lb unter dem Ziel" in html


@pytest.mark.parametrize(
    ("text", "plates"),
    [
        ("25×4 20×4 2,5×4", [(Decimal("25"), 4), (Decimal("20"), 4), (Decimal("2.5"), 4)]),
        ("1,25x2, 5*2; 1,25×2", [(Decimal("5"), 2), (Decimal("1.25"), 4)]),
        ("", []),
    ],
)
def test_plate_lists_parse(text, plates):
    assert parse_plates(text) == plates


def test_settings_save_plates_and_refuse_nonsense_in_german(client_a, user_a):
    url = reverse("web:settings")
    post = {**SETTINGS_POST, "plates_text": "20×4 10×2", "bar_weight": "15,5"}
    assert client_a.post(url, post).status_code == 302
    profile = UserProfile.objects.get(user=user_a)
    assert (profile.plates, profile.bar_weight) == ([["20", 4], ["10", 2]], Decimal("15.5"))
    bad = client_a.post(url, {**SETTINGS_POST, "plates_text": "20×4 viele"})
    assert bad.status_code == 400
    assert "„viele“ verstehe ich nicht" in bad.content.decode()
    bad = client_a.post(url, {**SETTINGS_POST, "rest_seconds_other": "5000"})
    assert bad.status_code == 400
    assert UserProfile.objects.get(user=user_a).rest_seconds_other == 90


def test_recommended_weight_gets_plates_for_barbell_work(client_a, user_a, bank):
    from django.core.cache import cache

    from tests.factories import make_history

    cache.clear()
    make_history(user_a, [bank], sessions=4)
    today = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    _add(client_a, today, bank, "60")
    html = client_a.get(today.get_absolute_url()).content.decode()
    assert f'id="plates-rec-{bank.pk}"' in html and "pro Seite" in html
    cache.clear()


# --- body weight -------------------------------------------------------------------------------


def test_body_weight_log_list_chart_and_same_day_replace(client_a, user_a):
    url = reverse("web:bodyweight")
    assert client_a.post(url, {"datum": "2026-01-05", "gewicht": "81,4"}).status_code == 302
    assert client_a.post(url, {"datum": "2026-01-12", "gewicht": "80.9"}).status_code == 302
    assert client_a.post(url, {"datum": "2026-01-12", "gewicht": "80,6"}).status_code == 302
    readings = list(Koerpergewicht.objects.filter(user=user_a).values_list("datum", "gewicht"))
    assert readings == [(date(2026, 1, 12), Decimal("80.6")), (date(2026, 1, 5), Decimal("81.4"))]
    html = client_a.get(url).content.decode()
    assert "2 Einträge" in html and "80,6" in html
    chart = json.loads(
        html[html.index('id="bodyweight-chart-data"') :].split(">", 1)[1].split("<")[0]
    )
    assert chart["stepped"] is True and chart["datasets"][0]["data"] == [81.4, 80.6]
    assert '<svg class="chart-svg"' in html and "<polyline" in html  # without JavaScript too


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"datum": "2026-01-05", "gewicht": "5"}, "zwischen 20 und 400 kg"),
        ({"datum": "2026-01-05", "gewicht": "achtzig"}, "als Zahl eingeben"),
        ({"datum": "gestern", "gewicht": "80"}, "Datum als TT.MM.JJJJ"),
        ({"datum": "2999-01-01", "gewicht": "80"}, "in der Zukunft"),
    ],
)
def test_bad_body_weight_is_a_400_with_a_german_message(client_a, user_a, data, message):
    response = client_a.post(reverse("web:bodyweight"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Koerpergewicht.objects.exists()


def test_body_weight_in_pounds(client_a, user_a):
    UserProfile.objects.filter(user=user_a).update(display_unit="lb")
    client_a.post(reverse("web:bodyweight"), {"datum": "2026-01-05", "gewicht": "180"})
    assert Koerpergewicht.objects.get(user=user_a).gewicht == Decimal("81.647")
    assert ">180</td>" in client_a.get(reverse("web:bodyweight")).content.decode()


def test_body_weight_delete_asks_then_deletes_only_own(client_a, user_a, user_b):
    mine = Koerpergewicht.objects.create(user=user_a, datum=date(2026, 1, 5), gewicht=80)
    theirs = Koerpergewicht.objects.create(user=user_b, datum=date(2026, 1, 5), gewicht=70)
    url = reverse("web:bodyweight_delete", args=[mine.pk])
    assert "Eintrag löschen?" in client_a.get(url).content.decode()
    assert Koerpergewicht.objects.filter(pk=mine.pk).exists()
    assert client_a.post(url).status_code == 302
    assert not Koerpergewicht.objects.filter(pk=mine.pk).exists()
    other = reverse("web:bodyweight_delete", args=[theirs.pk])
    assert client_a.post(other).status_code == 404
    assert Koerpergewicht.objects.filter(pk=theirs.pk).exists()


# --- charts and navigation without JavaScript ----------------------------------------------


def test_history_chart_has_a_server_side_fallback(client_a, user_a, bank, history):
    html = client_a.get(bank.get_absolute_url()).content.decode()
    box = html[html.index('class="chart-box"') :]
    assert box.index("<canvas") < box.index('<svg class="chart-svg"') < box.index("</svg>")
    assert "<polyline" in box and "Top-Gewicht (kg)" in box


def test_settings_page_links_exports_and_body_weight(client_a):
    html = client_a.get(reverse("web:settings")).content.decode()
    for name in ("web:export_strong", "web:export_json", "web:bodyweight"):
        assert f'href="{reverse(name)}"' in html


# --- exports over HTTP ----------------------------------------------------------------------


def test_exports_stream_only_the_requesters_sets(client_a, client, user_a, user_b, satz_a):
    other = Trainingseinheit.objects.create(user=user_b, datum=timezone.now(), name="Bernds")
    Satz.objects.create(
        einheit=other, uebung=satz_a.uebung, satz_nr=1, gewicht=33, wiederholungen=3
    )
    response = client_a.get(reverse("web:export_strong"))
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    stamp = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="homegym-strong-{stamp}.csv"'
    text = b"".join(response.streaming_content).decode()
    assert "Push A" in text and "Bernds" not in text and ",33.0," not in text
    response = client_a.get(reverse("web:export_json"))
    data = json.loads(b"".join(response.streaming_content))
    assert [w["name"] for w in data["workouts"]] == ["Push A"]
