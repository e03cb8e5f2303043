"""Issue 12's "done when", in one go, on a phone (390×844) and a desktop (1280×800):

start from a routine → log sets with the rest timer running → plate calculator and a record
badge → finish → find the workout in the list → export from the settings page and import into
a new lifter → the same sets, to the gram.
"""

from __future__ import annotations

import re

import pytest

from core.models import Routine, RoutineExercise, Satz, Trainingseinheit, Uebung
from tests.core.test_export_roundtrip import set_rows
from tests.e2e.conftest import VIEWPORTS, login, nav, new_page, screenshot
from tests.factories import make_history

pytestmark = pytest.mark.django_db(transaction=True)

COUNTDOWN = "() => document.getElementById('rest-time').textContent.trim()"


@pytest.fixture(params=sorted(VIEWPORTS))
def device(request, browser, live_server):
    page = new_page(browser, live_server.url, VIEWPORTS[request.param], accept_downloads=True)
    page.device = request.param
    yield page
    page.context.close()


@pytest.fixture
def anna(django_user_model):
    from django.core.cache import cache

    from core.catalogue import seed_catalogue

    cache.clear()
    seed_catalogue()  # a transactional test before may have flushed the migration's rows
    user = django_user_model.objects.create_user("anna", password="pw-anna-123")
    django_user_model.objects.create_user("bernd", password="pw-bernd-123")
    squat = Uebung.objects.get(name="Kniebeuge (Langhantel)")
    bench = Uebung.objects.get(name="Bankdrücken (Langhantel)")
    make_history(user, [bench, squat], sessions=5, warmup=True)  # squat tops out at 75 kg
    routine = Routine.objects.create(user=user, name="Beine")
    RoutineExercise.objects.create(routine=routine, uebung=squat, sets=3, target_reps=5)
    return user, squat


def seconds(text: str) -> int:
    minutes, secs = re.fullmatch(r"(\d+):(\d\d)", text.strip()).groups()
    return int(minutes) * 60 + int(secs)


def test_a_strong_user_s_first_workout(device, anna, django_user_model, tmp_path):
    page = device
    user, squat = anna
    login(page, "anna", "pw-anna-123")

    # Start from the routine: three planned squat sets, pre-filled by the coach.
    nav(page, "Training starten")
    page.click("#quick-start button:has-text('Beine')")
    block = page.locator(f"#ex-{squat.pk}")
    block.locator(".planned-set").first.wait_for()
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")
    assert block.locator(".planned-set").count() == 3
    einheit = Trainingseinheit.objects.get(user=user, name="Beine")

    # The plate calculator: for the recommended weight, then for a typed one.
    assert "pro Seite" in page.locator(f"#plates-rec-{squat.pk}").inner_text()
    block.locator(".set-form input[name=gewicht]").fill("120")
    typed = page.locator(f"#plates-typed-{squat.pk} .plates-side")
    typed.wait_for()
    assert typed.inner_text() == "25 · 25"

    # One tap logs the first planned set; the rest timer starts and counts down.
    block.locator(".planned-form button").first.click()
    page.wait_for_function(
        "id => document.querySelectorAll('#ex-' + id + ' tr[id^=satz-]').length === 1",
        arg=squat.pk,
    )
    page.locator("#rest-bar").wait_for(state="visible")
    first = page.evaluate(COUNTDOWN)
    page.wait_for_function(f"t => ({COUNTDOWN})() !== t", arg=first)
    page.wait_for_timeout(1100)
    running = seconds(page.evaluate(COUNTDOWN))
    assert running < seconds(first) <= 180

    # A heavier squat than ever: the record badge; the timer starts again from the top.
    block.locator(".set-form input[name=gewicht]").fill("110")
    block.locator(".set-form input[name=wiederholungen]").fill("3")
    block.locator(".set-form select[name=set_type]").select_option("normal")
    block.locator(".set-form button[type=submit]").click()
    page.wait_for_function(
        "id => document.querySelectorAll('#ex-' + id + ' tr[id^=satz-]').length === 2",
        arg=squat.pk,
    )
    badge = block.locator(".badge.pr")
    assert badge.count() == 1 and "weight" in badge.get_attribute("data-records")
    page.wait_for_function(
        f"t => {{ const m = ({COUNTDOWN})().match(/(\\d+):(\\d\\d)/); "
        "return m && (+m[1]) * 60 + (+m[2]) > t; }",
        arg=running,
    )
    if page.device == "phone":
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, "training-view", full_page=False)

    # Finish; the workout is in the list with its two sets.
    page.click("#finish-workout")
    page.wait_for_selector("#workout-meta .badge.ok")
    nav(page, "Trainings")
    page.wait_for_url("**/training/")
    entry = page.locator(f"#training-{einheit.pk}")
    assert "Beine" in entry.inner_text() and "2 Sätze" in entry.inner_text()

    # Export from the settings page, import into a new lifter: the same sets.
    nav(page, "Einstellungen")
    page.wait_for_url("**/einstellungen/")
    if page.device == "phone":
        screenshot(page, "settings")
    with page.expect_download() as download:
        page.click("#export-strong")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    page.locator(".menu summary").click()
    page.click(".menu-items button:has-text('Abmelden')")
    page.wait_for_url("**/login/")
    login(page, "bernd", "pw-bernd-123")
    nav(page, "Import")
    page.set_input_files("#id_datei", str(path))
    page.click("main button[type=submit]")
    page.wait_for_selector("#import-mapping")
    page.click("#import-save")
    page.wait_for_selector("#import-result")
    bernd = django_user_model.objects.get(username="bernd")
    expected = set_rows(user)
    assert (
        len(expected) == Satz.objects.filter(einheit__user=user).count() == 42
    )  # 5 × 2 × (1 warm-up + 3) + 2 today
    assert set_rows(bernd) == expected
    assert page.js_errors == []
