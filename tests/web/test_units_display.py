"""Weights at the lifter's unit and precision, one decimal mark per language (issue 12 bugs).

Before: an lb lifter saw kg history as "154,32 lb" / "220,46 lb" next to a "155 lb"
recommendation, and tables said "9,5" while the inputs said "9.5".
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Satz, Trainingseinheit, UserProfile
from tests.web.conftest import HTMX
from web.units import human, human_weight, shown_weight

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.parametrize(
    ("kg", "unit", "shown"),
    [
        ("70", "lb", "154.5"),  # 154.32 lb on the 0.5-lb grid
        ("100", "lb", "220.5"),  # 220.46 lb
        ("61.235", "lb", "135"),  # typed as 135 lb
        ("62.278", "lb", "137.3"),  # typed finer than 0.5 lb: stays
        ("61.235", "kg", "61.25"),  # lb history read in kg: on the 0.25-kg grid
        ("22.68", "kg", "22.68"),  # typed to the 10 g: stays
        ("1.25", "kg", "1.25"),  # micro plates stay
        ("0", "kg", "0"),
    ],
)
def test_shown_weight_uses_the_units_precision_unless_typed_finer(kg, unit, shown):
    assert shown_weight(Decimal(kg), unit) == Decimal(shown)


def test_the_decimal_mark_follows_the_language():
    with translation.override("de"):
        assert human(Decimal("9.5")) == "9,5"
        assert human_weight(Decimal("70"), "lb") == "154,5"
    with translation.override("en"):
        assert human(Decimal("9.5")) == "9.5"
        assert human_weight(Decimal("70"), "lb") == "154.5"


@pytest.fixture
def kg_history(user_a, bank):
    einheit = Trainingseinheit.objects.create(
        user=user_a, datum=timezone.now() - timedelta(days=3), name="Alt"
    )
    for nr, kg in enumerate(("70", "100"), start=1):
        Satz.objects.create(
            einheit=einheit, uebung=bank, satz_nr=nr, gewicht=Decimal(kg), wiederholungen=5
        )
    return einheit


def test_lb_lifter_sees_kg_history_at_lb_precision(client_a, user_a, bank, kg_history):
    UserProfile.objects.filter(user=user_a).update(display_unit="lb")
    for url in (kg_history.get_absolute_url(), bank.get_absolute_url()):
        html = client_a.get(url).content.decode()
        assert "154,32" not in html and "220,46" not in html, url
    workout = client_a.get(kg_history.get_absolute_url()).content.decode()
    assert '<td class="num">154,5</td>' in workout
    assert '<td class="num">220,5</td>' in workout
    history = client_a.get(bank.get_absolute_url()).content.decode()
    assert "220,5 lb × 5" in history


def test_table_and_input_use_one_decimal_mark_per_language(client_a, user_a, bank):
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    Satz.objects.create(
        einheit=einheit,
        uebung=bank,
        satz_nr=1,
        gewicht=Decimal("62.5"),
        wiederholungen=8,
        rpe=Decimal("9.5"),
    )
    german = client_a.get(einheit.get_absolute_url()).content.decode()
    assert '<td class="num">62,5</td>' in german and '<td class="num">9,5</td>' in german
    assert 'name="gewicht" id="gewicht-' in german
    assert 'value="62,5"' in german and 'value="9,5"' in german
    assert 'value="62.5"' not in german and 'value="9.5"' not in german

    english = client_a.get(einheit.get_absolute_url(), **EN).content.decode()
    assert '<td class="num">62.5</td>' in english and '<td class="num">9.5</td>' in english
    assert 'value="62.5"' in english and 'value="9.5"' in english
    assert 'value="62,5"' not in english


@pytest.mark.parametrize(("typed", "headers"), [("62.5", {}), ("62,5", EN)])
def test_inputs_accept_either_decimal_mark(client_a, user_a, bank, typed, headers):
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    response = client_a.post(
        reverse("web:set_add", args=[einheit.pk, bank.pk]),
        {
            "gewicht": typed,
            "wiederholungen": "5",
            "rpe": typed.replace("62", "7"),
            "set_type": "normal",
        },
        **headers,
    )
    assert response.status_code == 302
    satz = Satz.objects.get(einheit=einheit)
    assert (satz.gewicht, satz.rpe) == (Decimal("62.5"), Decimal("7.5"))


def test_a_prefilled_weight_sent_back_unchanged_keeps_its_grams(client_a, user_a, bank):
    """135 lb stored as 61.235 kg reads 61,25 kg; logging it again must not become 61.25."""
    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    satz = Satz.objects.create(
        einheit=einheit, uebung=bank, satz_nr=1, gewicht=Decimal("61.235"), wiederholungen=5
    )
    html = client_a.get(einheit.get_absolute_url()).content.decode()
    assert 'value="61,25"' in html
    client_a.post(
        reverse("web:set_add", args=[einheit.pk, bank.pk]),
        {"gewicht": "61,25", "wiederholungen": "5", "set_type": "normal"},
        **HTMX,
    )
    assert Satz.objects.get(einheit=einheit, satz_nr=2).gewicht == Decimal("61.235")
    client_a.post(
        reverse("web:set_edit", args=[satz.pk]),
        {"gewicht": "61,25", "wiederholungen": "6", "set_type": "normal"},
    )
    satz.refresh_from_db()
    assert (satz.gewicht, satz.wiederholungen) == (Decimal("61.235"), 6)
    client_a.post(
        reverse("web:set_edit", args=[satz.pk]),
        {"gewicht": "61,5", "wiederholungen": "6", "set_type": "normal"},
    )
    satz.refresh_from_db()
    assert satz.gewicht == Decimal("61.5")  # a changed weight is what was typed
