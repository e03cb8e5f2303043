"""Logging, editing and deleting sets: plain forms and htmx partials, validation, positions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Satz, Uebung
from tests.web.conftest import HTMX

pytestmark = pytest.mark.django_db


def _add(client, einheit, uebung, htmx=False, **data):
    payload = {"gewicht": "60", "wiederholungen": "8", "rpe": "", "set_type": "normal"}
    payload.update(data)
    extra = HTMX if htmx else {}
    return client.post(reverse("web:set_add", args=[einheit.pk, uebung.pk]), payload, **extra)


def test_plain_post_logs_a_set_and_redirects_to_the_exercise(client_a, einheit_a, bank):
    response = _add(client_a, einheit_a, bank, gewicht="62,5", rpe="7,5")
    assert response.status_code == 302
    assert response["Location"] == f"{einheit_a.get_absolute_url()}#ex-{bank.pk}"
    satz = Satz.objects.get()
    assert (satz.gewicht, satz.wiederholungen, satz.rpe, satz.satz_nr) == (
        Decimal("62.5"),
        8,
        Decimal("7.5"),
        1,
    )
    page = client_a.get(einheit_a.get_absolute_url()).content.decode()
    assert f'id="satz-{satz.pk}"' in page
    assert "62,5" in page


def test_satz_nr_is_the_next_position_per_exercise(client_a, einheit_a, bank, kniebeuge):
    for _ in range(3):
        _add(client_a, einheit_a, bank)
    _add(client_a, einheit_a, kniebeuge)
    assert list(
        Satz.objects.filter(uebung=bank).order_by("id").values_list("satz_nr", flat=True)
    ) == [1, 2, 3]
    assert Satz.objects.get(uebung=kniebeuge).satz_nr == 1
    Satz.objects.filter(uebung=bank, satz_nr=2).delete()
    _add(client_a, einheit_a, bank)
    assert sorted(Satz.objects.filter(uebung=bank).values_list("satz_nr", flat=True)) == [1, 3, 4]


def test_htmx_post_returns_the_exercise_block_and_the_summary_out_of_band(
    client_a, einheit_a, bank
):
    response = _add(client_a, einheit_a, bank, htmx=True, gewicht="70", wiederholungen="5")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(f'id="ex-{bank.pk}"') == 1
    assert "<html" not in html
    assert 'id="workout-summary" hx-swap-oob="true"' in html
    assert "1 Satz" in html
    satz = Satz.objects.get()
    assert f'id="satz-{satz.pk}"' in html
    # The next-set form is prefilled with the set just logged, and focused.
    assert 'value="70"' in html
    assert "autofocus" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gewicht", "-1", "zwischen 0 und 1000 kg"),
        ("gewicht", "1000,5", "zwischen 0 und 1000 kg"),
        ("gewicht", "schwer", "Gewicht als Zahl"),
        ("gewicht", "", "Bitte ein Gewicht"),
        ("gewicht", "1e400", "Gewicht"),
        ("gewicht", "NaN", "Gewicht als Zahl"),
        ("wiederholungen", "201", "zwischen 1 und 200"),
        ("wiederholungen", "-1", "zwischen 1 und 200"),
        ("wiederholungen", "8.5", "ganze Zahl"),
        ("wiederholungen", "0", "0 Wiederholungen sind kein Satz"),
        ("wiederholungen", "99999999999999999999999", "zwischen 1 und 200"),
        ("rpe", "0,5", "RPE zwischen 1 und 10"),
        ("rpe", "11", "RPE zwischen 1 und 10"),
        ("rpe", "7,3", "halben Schritten"),
        ("rpe", "7.25", "halben Schritten"),
        ("set_type", "bogus", "gültige Auswahl"),
    ],
)
def test_invalid_input_is_a_form_error_never_a_500(
    client_a, einheit_a, bank, field, value, message
):
    plain = _add(client_a, einheit_a, bank, **{field: value})
    assert plain.status_code == 400
    assert message in plain.content.decode()
    htmx = _add(client_a, einheit_a, bank, htmx=True, **{field: value})
    assert htmx.status_code == 422
    html = htmx.content.decode()
    assert message in html
    assert "<html" not in html
    assert not Satz.objects.exists()


def test_rpe_is_optional_and_half_steps_are_accepted(client_a, einheit_a, bank):
    assert _add(client_a, einheit_a, bank, rpe="").status_code == 302
    assert _add(client_a, einheit_a, bank, rpe="9.5").status_code == 302
    assert list(Satz.objects.order_by("satz_nr").values_list("rpe", flat=True)) == [
        None,
        Decimal("9.5"),
    ]


def test_boundaries_are_accepted(client_a, einheit_a, bank):
    assert (
        _add(client_a, einheit_a, bank, gewicht="0", wiederholungen="1", rpe="1").status_code == 302
    )
    assert (
        _add(client_a, einheit_a, bank, gewicht="1000", wiederholungen="200", rpe="10").status_code
        == 302
    )
    assert Satz.objects.count() == 2


def test_edit_a_set(client_a, satz_a):
    url = reverse("web:set_edit", args=[satz_a.pk])
    page = client_a.get(url)
    assert page.status_code == 200
    assert 'value="60"' in page.content.decode()
    response = client_a.post(
        url, {"gewicht": "65", "wiederholungen": "6", "rpe": "8", "set_type": "failure"}
    )
    assert response.status_code == 302
    satz_a.refresh_from_db()
    assert (satz_a.gewicht, satz_a.wiederholungen, satz_a.rpe, satz_a.set_type) == (
        Decimal("65"),
        6,
        Decimal("8"),
        "failure",
    )


def test_edit_with_invalid_values_keeps_the_set(client_a, satz_a):
    url = reverse("web:set_edit", args=[satz_a.pk])
    response = client_a.post(url, {"gewicht": "2000", "wiederholungen": "6", "set_type": "normal"})
    assert response.status_code == 400
    assert "zwischen 0 und 1000 kg" in response.content.decode()
    satz_a.refresh_from_db()
    assert satz_a.gewicht == Decimal("60")


def test_delete_without_javascript_asks_first(client_a, satz_a):
    """Bug: the ✕ posted at once without JavaScript. Now GET is a confirmation page."""
    url = reverse("web:set_delete", args=[satz_a.pk])
    workout_html = client_a.get(satz_a.einheit.get_absolute_url()).content.decode()
    assert f'<a href="{url}" class="icon danger" hx-post="{url}"' in workout_html
    assert 'hx-confirm="Diesen Satz löschen?"' in workout_html
    page = client_a.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Diesen Satz löschen?" in html and "Bankdrücken" in html
    assert 'name="csrfmiddlewaretoken"' in html
    back = f'href="{satz_a.einheit.get_absolute_url()}#ex-{satz_a.uebung_id}"'
    assert f'<a class="btn" {back}>Abbrechen</a>' in html
    assert Satz.objects.filter(pk=satz_a.pk).exists()
    response = client_a.post(url)
    assert response.status_code == 302
    assert not Satz.objects.filter(pk=satz_a.pk).exists()


def test_htmx_delete_returns_the_updated_block(client_a, satz_a, bank):
    response = client_a.post(reverse("web:set_delete", args=[satz_a.pk]), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="ex-{bank.pk}"' in html
    assert f'id="satz-{satz_a.pk}"' not in html
    assert "0 Sätze" in html


def test_set_changes_need_a_csrf_token(user_a, einheit_a, satz_a, bank):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_a)
    add = client.post(
        reverse("web:set_add", args=[einheit_a.pk, bank.pk]),
        {"gewicht": "70", "wiederholungen": "5", "set_type": "normal"},
    )
    delete = client.post(reverse("web:set_delete", args=[satz_a.pk]))
    assert add.status_code == delete.status_code == 403
    assert list(Satz.objects.values_list("pk", flat=True)) == [satz_a.pk]


def test_add_exercise_to_workout_shows_its_empty_block(client_a, einheit_a, bank):
    response = client_a.post(reverse("web:exercise_add", args=[einheit_a.pk]), {"uebung": bank.pk})
    assert response.status_code == 302
    page = client_a.get(einheit_a.get_absolute_url()).content.decode()
    assert f'id="ex-{bank.pk}"' in page
    assert reverse("web:set_add", args=[einheit_a.pk, bank.pk]) in page


def test_add_a_new_own_exercise_by_name(client_a, einheit_a, user_a):
    response = client_a.post(
        reverse("web:exercise_add", args=[einheit_a.pk]), {"neue_uebung": "Zercher-Kniebeuge"}
    )
    assert response.status_code == 302
    uebung = Uebung.objects.get(name="Zercher-Kniebeuge")
    assert uebung.owner == user_a
    assert f'id="ex-{uebung.pk}"' in client_a.get(einheit_a.get_absolute_url()).content.decode()


def test_add_exercise_by_name_reuses_the_catalogue(client_a, einheit_a, bank):
    client_a.post(reverse("web:exercise_add", args=[einheit_a.pk]), {"neue_uebung": "bankdrücken"})
    assert not Uebung.objects.filter(owner__isnull=False).exists()


def test_add_exercise_without_choice_is_an_error(client_a, einheit_a):
    response = client_a.post(reverse("web:exercise_add", args=[einheit_a.pk]), {})
    assert response.status_code == 400
    assert "Eine Übung wählen" in response.content.decode()
