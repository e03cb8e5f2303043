"""In a real browser, phone and desktop: rest timer, plate calculator, record badges, body
weight, the compact nav, and the pages without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Koerpergewicht, Satz, Trainingseinheit, Uebung
from tests.e2e.conftest import VIEWPORTS, login, new_page, screenshot
from tests.factories import make_history

pytestmark = pytest.mark.django_db(transaction=True)

COUNTDOWN = re.compile(r"(\d+):(\d\d)")


@pytest.fixture
def lifter(django_user_model):
    from django.core.cache import cache

    cache.clear()
    user = django_user_model.objects.create_user("anna", password="pw-anna-123")
    bank = Uebung.objects.create(name="Bankdrücken", equipment="barbell")
    make_history(user, [bank], sessions=4, start_kg=60)  # best 62,5 kg × 8; 12 sets: a rec
    today = Trainingseinheit.objects.create(
        user=user, datum=timezone.now().replace(second=0, microsecond=0), name="Heute"
    )
    Satz.objects.create(
        einheit=today, uebung=bank, satz_nr=1, gewicht=40, wiederholungen=10, set_type="warmup"
    )
    return user, bank, today


@pytest.fixture(params=sorted(VIEWPORTS))
def device(request, browser, live_server):
    page = new_page(browser, live_server.url, VIEWPORTS[request.param])
    page.device = request.param
    yield page
    page.context.close()


def seconds(text: str) -> int:
    minutes, secs = COUNTDOWN.fullmatch(text.strip()).groups()
    return int(minutes) * 60 + int(secs)


def ready(page) -> None:
    """htmx binds on DOMContentLoaded: typing earlier would post the plain form."""
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")


def log_set(page, uebung_id: int, weight: str, reps: str) -> None:
    block = page.locator(f"#ex-{uebung_id}")
    before = block.locator("tr[id^=satz-]").count()
    block.locator("input[name=gewicht]").fill(weight)
    block.locator("input[name=wiederholungen]").fill(reps)
    block.locator("select[name=set_type]").select_option("normal")
    block.locator("input[name=wiederholungen]").press("Enter")
    page.wait_for_function(
        "([id, n]) => document.querySelectorAll('#ex-' + id + ' tr[id^=satz-]').length === n",
        arg=[uebung_id, before + 1],
    )


def test_timer_plates_and_a_record_while_lifting(device, lifter):
    page = device
    _user, bank, today = lifter
    login(page, "anna", "pw-anna-123")
    page.goto(today.get_absolute_url())
    ready(page)
    page.evaluate("window.__noReload = 'still here'")
    assert page.locator("#rest-bar").is_hidden()

    # The plate calculator for the recommended weight, then for a typed one.
    rec_plates = page.locator(f"#plates-rec-{bank.pk}")
    assert "pro Seite" in rec_plates.inner_text()
    page.locator(f"#ex-{bank.pk} input[name=gewicht]").fill("100")
    typed = page.locator(f"#plates-typed-{bank.pk}")
    typed.locator(".plates-side").wait_for()
    assert typed.locator(".plates-side").inner_text() == "25 · 15"
    assert "Scheiben für 100 kg" in typed.inner_text()

    # A heavier set than ever: the record badge; the rest timer starts and counts down.
    log_set(page, bank.pk, "90", "5")
    badge = page.locator(f"#ex-{bank.pk} .badge.pr")
    assert badge.count() == 1 and badge.get_attribute("data-records") == "weight e1rm"
    bar = page.locator("#rest-bar")
    bar.wait_for(state="visible")
    first = seconds(page.locator("#rest-time").inner_text())
    assert 175 <= first <= 180
    assert "Bankdrücken" in page.locator("#rest-exercise").inner_text()
    page.wait_for_function(
        "t => document.getElementById('rest-time').textContent.trim() !== t",
        arg=page.locator("#rest-time").inner_text(),
    )
    page.wait_for_timeout(1200)
    later = seconds(page.locator("#rest-time").inner_text())
    assert later < first

    # The next set restarts it; the bar survived the htmx swap (no reload).
    log_set(page, bank.pk, "85", "5")
    page.wait_for_function(
        "t => { const m = document.getElementById('rest-time').textContent.trim()"
        ".match(/(\\d+):(\\d\\d)/); return m && (+m[1]) * 60 + (+m[2]) > t; }",
        arg=later,
    )
    assert page.evaluate("window.__noReload") == "still here"
    assert seconds(page.locator("#rest-time").inner_text()) >= 178
    page.locator("[data-rest-add='15']").click()
    assert seconds(page.locator("#rest-time").inner_text()) >= 192
    assert page.locator(f"#ex-{bank.pk} .badge.pr").count() == 1  # 85 × 5 is no record

    no_horizontal_scroll(page)
    assert page.js_errors == []


def test_timer_keeps_time_while_the_screen_is_locked_and_signals_the_end(page, lifter):
    _user, bank, today = lifter
    page.add_init_script(
        "navigator.vibrate = pattern => { window.__vibrated = pattern; return true; };"
    )
    page.clock.install()
    login(page, "anna", "pw-anna-123")
    page.goto(today.get_absolute_url())
    ready(page)
    log_set(page, bank.pk, "60", "8")
    page.locator("#rest-bar").wait_for(state="visible")
    # A locked phone runs no timers; on return the time is computed from the stored end.
    page.clock.pause_at(timezone.now() + timedelta(seconds=1))
    page.clock.set_system_time(timezone.now() + timedelta(seconds=101))
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    remaining = seconds(page.locator("#rest-time").inner_text())
    assert 76 <= remaining <= 82, remaining
    # A reload reads the same end from localStorage.
    page.reload()
    ready(page)
    assert abs(seconds(page.locator("#rest-time").inner_text()) - remaining) <= 2
    # Running to the end: "Weiter!", the bar turns green, the phone vibrates.
    page.clock.resume()
    page.clock.run_for(90_000)
    page.wait_for_function(
        "() => document.getElementById('rest-bar').classList.contains('rest-done')"
    )
    assert page.locator("#rest-time").inner_text() == "Weiter!"
    assert page.evaluate("window.__vibrated") == [300, 150, 300]
    page.locator("[data-rest-stop]").click()
    assert page.locator("#rest-bar").is_hidden()
    assert page.js_errors == []


def test_body_weight_page(device, lifter):
    page = device
    user, *_ = lifter
    Koerpergewicht.objects.create(
        user=user, datum=timezone.localdate() - timedelta(days=14), gewicht=82
    )
    Koerpergewicht.objects.create(
        user=user, datum=timezone.localdate() - timedelta(days=7), gewicht="81.2"
    )
    login(page, "anna", "pw-anna-123")
    page.locator(".menu summary").click()
    page.click(".menu-items >> text=Körpergewicht")
    page.wait_for_url("**/koerpergewicht/")
    page.fill("#id_gewicht", "80,6")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=80,6 kg am")
    rows = page.locator("#bodyweight-table tbody tr")
    assert rows.count() == 3
    assert rows.first.locator("td.num").inner_text() == "80,6"
    page.wait_for_function("() => document.querySelector('.chart-box.drawn canvas')")
    assert page.locator(".chart-fallback").is_hidden()
    no_horizontal_scroll(page)
    if page.device == "phone":
        screenshot(page, "bodyweight")
    assert page.js_errors == []


def no_horizontal_scroll(page) -> None:
    """Neither the page nor any card is wider than the screen (a table may not stick out)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)
    too_wide = page.evaluate(
        "() => [...document.querySelectorAll('.card')].filter(card => [...card.children]"
        ".some(child => child.getBoundingClientRect().right > card.getBoundingClientRect().right"
        " + 0.5)).map(card => card.id || card.className)"
    )
    assert too_wide == [], (page.url, too_wide)


def test_nav_is_one_line_on_a_phone_and_every_page_fits(page, lifter):
    """Bug: the nav wrapped to two lines on a 390-px phone."""
    _user, bank, today = lifter
    login(page, "anna", "pw-anna-123")
    for url in (
        "/",
        today.get_absolute_url(),
        bank.get_absolute_url(),
        "/einstellungen/",
        "/koerpergewicht/",
        "/scheiben/?gewicht=100",
        "/ml/dashboard/",
        "/import/",
    ):
        page.goto(url)
        items = page.locator(".topbar > .brand, .nav > a, .menu > summary")
        boxes = [items.nth(i).bounding_box() for i in range(items.count())]
        middles = [box["y"] + box["height"] / 2 for box in boxes]
        assert max(middles) - min(middles) < 4, (url, middles)  # one line
        assert page.locator(".topbar").bounding_box()["height"] <= 60, url
        for i in range(items.count()):
            assert items.nth(i).bounding_box()["height"] >= 40, (url, i)
        no_horizontal_scroll(page)
    page.locator(".menu summary").click()
    for link in page.locator(".menu-items a, .menu-items button").all():
        assert link.bounding_box()["height"] >= 40
    assert page.js_errors == []


def test_without_javascript_delete_asks_and_charts_are_drawn(browser, live_server, lifter):
    _user, bank, today = lifter
    page = new_page(browser, live_server.url, java_script_enabled=False)
    try:
        login(page, "anna", "pw-anna-123")
        page.goto(bank.get_absolute_url())
        svg = page.locator(".chart-fallback svg.chart-svg")
        assert svg.is_visible() and svg.bounding_box()["height"] > 100
        assert page.locator(".chart-box canvas").is_hidden()

        page.goto(today.get_absolute_url())
        satz = Satz.objects.get(einheit=today)
        page.click(f"#satz-{satz.pk} a.danger")
        page.wait_for_url(f"**/satz/{satz.pk}/loeschen/")
        assert Satz.objects.filter(pk=satz.pk).exists()  # asked, not deleted
        assert "Diesen Satz löschen?" in page.locator("h1").inner_text()
        page.click("main button.danger")
        page.wait_for_url(f"**{today.get_absolute_url()}*")
        assert not Satz.objects.filter(pk=satz.pk).exists()
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_settings_page_in_english_from_the_browser(browser, live_server, lifter, viewport):
    page = new_page(browser, live_server.url, VIEWPORTS[viewport], locale="en-US")
    try:
        login(page, "anna", "pw-anna-123")
        page.goto("/einstellungen/")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "Settings"
        assert page.locator(".nav-main").inner_text() == "Start workout"
        assert page.locator("#rest").inner_text() == "Rest timer"
        page.fill("#id_bar_weight", "15.5")
        page.click("main button[type=submit]")
        page.wait_for_selector("text=Settings saved.")
        assert page.locator("#id_bar_weight").input_value() == "15.5"
        # The lifter's choice wins over the browser: German from now on.
        page.select_option("#id_language", "de")
        page.click("main button[type=submit]")
        page.wait_for_selector("text=Einstellungen gespeichert.")
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.locator("#id_bar_weight").input_value() == "15,5"
        no_horizontal_scroll(page)
        assert page.js_errors == []
    finally:
        page.context.close()
