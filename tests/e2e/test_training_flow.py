"""In a real browser: log in, start a workout, log sets, and watch the recommendation update."""

from __future__ import annotations

import re

import pytest

from core.models import Uebung
from tests.e2e.conftest import login, screenshot
from tests.factories import make_history

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lifter(user_a, bank, kniebeuge):
    from django.core.cache import cache

    cache.clear()
    user = user_a
    rudern = Uebung.objects.create(name="Rudern vorgebeugt", equipment="barbell")
    make_history(user, [bank], sessions=3, start_kg=60)  # 9 working sets: not enough yet
    make_history(user, [kniebeuge], sessions=16, start_kg=80, realistic=True)
    make_history(user, [rudern], sessions=2, start_kg=50)  # 6 sets
    return user, bank, kniebeuge, rudern


def test_log_a_set_and_the_recommendation_updates(page, lifter):
    from ml_coach.ml_trainer import train_and_store

    user, bank, kniebeuge, rudern = lifter
    train_and_store(user.pk, kniebeuge.pk)

    login(page, "anna", "pw-anna-123")
    page.click("text=Training starten >> nth=0")
    page.fill("#id_name", "Ganzkörper A")
    pickers = page.locator("#start-exercises input[name=uebung]")
    for i, name in enumerate(("bankdrücken", "Kniebeuge", "rudern vorgebeugt")):
        pickers.nth(i).fill(name)  # typed, case aside: the search picker resolves the name
    page.click("#start-submit")
    page.wait_for_selector(f"#ex-{bank.pk}")
    # htmx binds on DOMContentLoaded: typing earlier would post the plain form.
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")

    bank_rec = page.locator(f"#rec-{bank.pk} .rec-value")
    assert bank_rec.inner_text() == "Noch zu wenig Daten: 9/10 Sätze"
    assert page.locator(f"#rec-{rudern.pk} .rec-value").inner_text() == (
        "Noch zu wenig Daten: 6/10 Sätze"
    )
    squat_rec = page.locator(f"#rec-{kniebeuge.pk} .rec-value").inner_text()
    assert re.fullmatch(r"\d+(,\d+)? kg × \d+ Wdh", squat_rec), squat_rec

    # No full reload: a marker on window survives the htmx swap.
    page.evaluate("window.__noReload = 'still here'")
    block = page.locator(f"#ex-{bank.pk}")
    block.locator("input[name=gewicht]").fill("65")
    block.locator("input[name=wiederholungen]").fill("8")
    block.locator("input[name=rpe]").fill("8")
    block.locator("input[name=wiederholungen]").press("Enter")
    page.wait_for_function(
        "id => !document.querySelector('#rec-' + id + ' .rec-value')"
        ".textContent.includes('Noch zu wenig')",
        arg=bank.pk,
    )
    assert page.evaluate("window.__noReload") == "still here"
    new_rec = bank_rec.inner_text()
    assert re.fullmatch(r"\d+(,\d+)? kg × \d+ Wdh", new_rec), new_rec
    assert page.locator(f"#ex-{bank.pk} tr[id^=satz-]").count() == 1
    assert page.locator("#workout-summary").inner_text() == "1 Satz"
    # The cursor is back in the weight field for the next set (htmx focuses after settling).
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === 'gewicht-' + id",
        arg=bank.pk,
        timeout=5_000,
    )

    # One tap: the form takes the recommendation, the explanation and source appear.
    block.locator("input[name=gewicht]").fill("")
    block.locator("input[name=wiederholungen]").fill("")
    page.locator(f"#rec-{bank.pk} summary").click()
    weight, reps = re.match(r"([\d,]+) kg × (\d+) Wdh", new_rec).groups()
    assert block.locator("input[name=gewicht]").input_value() == weight.replace(",", ".")
    assert block.locator("input[name=wiederholungen]").input_value() == reps
    why = page.locator(f"#rec-{bank.pk} .rec-why")
    assert why.is_visible()
    assert "Quelle:" in why.inner_text()
    assert page.locator(f"#rec-{bank.pk} .rec-source-value").get_attribute("data-source") in {
        "model",
        "baseline",
    }
    page.locator(f"#rec-{kniebeuge.pk} summary").click()

    # Invalid input: the block shows a German error in place, nothing is stored.
    block.locator("input[name=gewicht]").fill("5000")
    block.locator(".set-form button[type=submit]").click()
    page.wait_for_selector(f"#ex-{bank.pk} .error")
    assert "zwischen 0 und 1000 kg" in block.locator(".error").first.inner_text()
    assert page.locator(f"#ex-{bank.pk} tr[id^=satz-]").count() == 1

    block.locator("input[name=gewicht]").fill(weight)
    block.locator(".set-form button[type=submit]").click()
    page.wait_for_function(
        "id => document.querySelectorAll('#ex-' + id + ' tr[id^=satz-]').length === 2",
        arg=bank.pk,
    )
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "training-recommendation")
    assert page.js_errors == []


def test_delete_a_set_in_place(page, lifter):
    user, bank, *_ = lifter
    from django.utils import timezone

    from core.models import Satz, Trainingseinheit

    einheit = Trainingseinheit.objects.create(user=user, datum=timezone.now(), name="Kurz")
    Satz.objects.create(einheit=einheit, uebung=bank, satz_nr=1, gewicht=60, wiederholungen=8)
    login(page, "anna", "pw-anna-123")
    page.goto(einheit.get_absolute_url())
    page.on("dialog", lambda dialog: dialog.accept())
    page.click(f"#ex-{bank.pk} a.danger")
    page.wait_for_function(
        "id => document.querySelectorAll('#ex-' + id + ' tr[id^=satz-]').length === 0",
        arg=bank.pk,
    )
    assert not Satz.objects.filter(einheit=einheit).exists()
    assert page.js_errors == []
