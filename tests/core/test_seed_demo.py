"""``manage.py seed_demo``: demo user with months of history through the real import path."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.models import Satz, Trainingseinheit, Uebung

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def history(username: str) -> list[tuple]:
    return list(
        Satz.objects.filter(einheit__user__username=username)
        .order_by("einheit__datum", "uebung__name", "satz_nr")
        .values_list("einheit__datum", "uebung__name", "satz_nr", "gewicht", "wiederholungen")
    )


def test_seed_demo_creates_months_of_history_once():
    output = seed()
    assert "Demo-Login: Benutzer 'demo', Passwort 'demo1234'" in output
    demo = get_user_model().objects.get(username="demo")
    assert demo.check_password("demo1234")
    dates = Trainingseinheit.objects.filter(user=demo).order_by("datum")
    assert (dates.last().datum - dates.first().datum).days >= 150
    assert dates.count() >= 60
    sets = Satz.objects.filter(einheit__user=demo)
    assert sets.count() > 800
    assert not sets.exclude(uebung__owner__isnull=True).exists()  # the catalogue exercises
    assert Uebung.objects.filter(owner__isnull=True).count() >= 6
    before = (dates.count(), sets.count(), Uebung.objects.count())

    again = seed()
    assert "bereits vorhanden" in again
    assert (dates.count(), sets.count(), Uebung.objects.count()) == before
    assert get_user_model().objects.filter(username="demo").count() == 1


def test_seed_demo_is_deterministic_for_a_seed():
    seed("--user", "eins", "--seed", "7", "--months", "3")
    seed("--user", "zwei", "--seed", "7", "--months", "3")
    seed("--user", "drei", "--seed", "8", "--months", "3")
    assert history("eins") == history("zwei")
    assert history("eins") != history("drei")


def test_seed_demo_from_a_real_log(shared_data):
    output = seed("--from", str(shared_data / "exports" / "strong_de.csv"))
    assert "Sätze importiert: 171" in output
    assert Satz.objects.filter(einheit__user__username="demo").count() == 171
    assert "Sätze importiert: 0" in seed("--from", str(shared_data / "exports" / "strong_de.csv"))
