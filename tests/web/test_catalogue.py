"""/uebungen/: search over names and aliases, filters, pages; own exercises; merging."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Satz, Trainingseinheit, Uebung
from core.signals import sets_imported
from tests.web.conftest import HTMX

pytestmark = pytest.mark.django_db
LIST = "/uebungen/"


def names(html: str) -> list[str]:
    return re.findall(r'<li id="uebung-\d+">\s*<a href="[^"]+"><strong>([^<]+)</strong>', html)


def test_search_finds_names_and_aliases_case_and_umlauts_aside(client_a, catalogue):
    assert "Bankdrücken (Langhantel)" in names(
        client_a.get(LIST + "?q=BANKDRUECKEN").content.decode()
    )
    assert "Bankdrücken (Langhantel)" in names(
        client_a.get(LIST + "?q=bankdrucken").content.decode()
    )
    found = names(client_a.get(LIST + "?q=bench+press+barbell").content.decode())
    assert "Bankdrücken (Langhantel)" in found and "Enges Bankdrücken (Langhantel)" in found
    assert "Bankdrücken (Kurzhantel)" not in found  # every word must match
    assert "Klimmzüge" in names(client_a.get(LIST + "?q=pull-up").content.decode())


def test_filters_combine_and_own_exercises_show_as_own(client_a, user_a, user_b, catalogue):
    Uebung.objects.create(name="Annas Curl", owner=user_a, muscle_group="arms", equipment="cable")
    Uebung.objects.create(name="Bernds Curl", owner=user_b, muscle_group="arms", equipment="cable")
    html = client_a.get(LIST + "?muskel=arms&geraet=cable").content.decode()
    found = names(html)
    assert "Annas Curl" in found and "Bizepscurls (Kabel)" in found
    assert "Bernds Curl" not in html
    assert all("Kurzhantel" not in n for n in found)
    assert names(client_a.get(LIST + "?herkunft=eigene").content.decode()) == ["Annas Curl"]
    katalog = names(client_a.get(LIST + "?herkunft=katalog&q=curl").content.decode())
    assert "Annas Curl" not in katalog and katalog


def test_bad_filters_are_400_with_a_message(client_a):
    for query in ("?muskel=flügel", "?geraet=rakete", "?herkunft=fremd", "?q=" + "x" * 101):
        response = client_a.get(LIST + query)
        assert response.status_code == 400, query
        assert "Ungültiger Filter" in response.content.decode()


def test_pages_and_htmx_partial(client_a, catalogue):
    first = client_a.get(LIST).content.decode()
    assert len(names(first)) == 30 and 'rel="next" href="?seite=2"' in first
    later = client_a.get(LIST + "?seite=3").content.decode()
    assert names(later) and not set(names(later)) & set(names(first))
    response = client_a.get(LIST + "?q=kniebeuge", **HTMX)
    assert response.status_code == 200 and 'id="exercise-results"' in response.content.decode()


def test_own_exercise_create_edit_and_delete(client_a, user_a, catalogue):
    data = {
        "name": "Zercher-Kniebeuge",
        "muscle_group": "legs",
        "equipment": "barbell",
        "increment_kg": "1,25",
    }
    response = client_a.post(reverse("web:exercise_create"), data)
    own = Uebung.objects.get(owner=user_a)
    assert response["Location"] == own.get_absolute_url()
    assert str(own.increment_kg) == "1.250"
    taken = client_a.post(
        reverse("web:exercise_create"), {**data, "name": "bankdrücken (LANGHANTEL)"}
    )
    assert taken.status_code == 400 and "gibt es schon (Katalog)" in taken.content.decode()
    bad_step = client_a.post(
        reverse("web:exercise_create"), {**data, "name": "X", "increment_kg": "0"}
    )
    assert bad_step.status_code == 400 and "Gewichtsschritt" in bad_step.content.decode()
    edit = reverse("web:exercise_edit", args=[own.pk])
    assert client_a.post(edit, {**data, "name": "Zercher"}).status_code == 302
    own.refresh_from_db()
    assert own.name == "Zercher"
    delete = reverse("web:exercise_delete", args=[own.pk])
    assert client_a.post(delete).status_code == 302
    assert not Uebung.objects.filter(pk=own.pk).exists()


def test_catalogue_entries_are_read_only(client_a, catalogue):
    bench = catalogue["Bankdrücken (Langhantel)"]
    assert client_a.get(reverse("web:exercise_edit", args=[bench.pk])).status_code == 404
    assert client_a.post(reverse("web:exercise_delete", args=[bench.pk])).status_code == 404
    html = client_a.get(bench.get_absolute_url()).content.decode()
    assert reverse("web:exercise_edit", args=[bench.pk]) not in html
    assert "Bench Press (Barbell)" in html  # its aliases are shown


def test_exercise_with_sets_is_merged_not_deleted(client_a, user_a, catalogue):
    own = Uebung.objects.create(name="Bench Press", owner=user_a)
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    Satz.objects.create(einheit=einheit, uebung=own, satz_nr=1, gewicht=80, wiederholungen=5)
    refused = client_a.post(reverse("web:exercise_delete", args=[own.pk]))
    assert refused.status_code == 409 and "zusammen" in refused.content.decode()
    assert Satz.objects.filter(uebung=own).exists()


def test_merge_through_the_page_moves_sets_and_requests_a_retrain(
    client_a, user_a, catalogue, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, user_id, uebung_ids, **kwargs):
        received.append((user_id, uebung_ids))

    sets_imported.connect(receiver, dispatch_uid="test-page-merge")
    own = Uebung.objects.create(name="Bench Press", owner=user_a)
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    Satz.objects.create(einheit=einheit, uebung=own, satz_nr=1, gewicht=80, wiederholungen=5)
    url = reverse("web:exercise_merge", args=[own.pk])
    assert "1 Satz wird verschoben" in client_a.get(url).content.decode()
    assert client_a.post(url, {"ziel": "Bench Press"}).status_code == 400  # itself
    assert client_a.post(url, {"ziel": "Gibt es nicht"}).status_code == 400
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_a.post(url, {"ziel": "bankdrücken (langhantel)"})
    finally:
        sets_imported.disconnect(dispatch_uid="test-page-merge")
    bench = catalogue["Bankdrücken (Langhantel)"]
    assert response["Location"] == bench.get_absolute_url()
    assert Satz.objects.get(einheit=einheit).uebung == bench
    assert not Uebung.objects.filter(pk=own.pk).exists()
    assert received == [(user_a.pk, [bench.pk])]
