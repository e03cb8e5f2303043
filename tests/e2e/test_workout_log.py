"""In a real browser, phone (390×844) and desktop (1280×800): the workout log of issue 12.

Start from a routine and "wie letztes Mal", log a planned set with one tap, add an exercise
through the search picker, finish the workout and find it in /training/; search and filter
the catalogue (live with htmx, and without JavaScript); import with the preview's mapping.
"""

from __future__ import annotations

import pytest

from core.models import Routine, RoutineExercise, Satz, Trainingseinheit, Uebung
from tests.e2e.conftest import login, nav, screenshot
from tests.factories import make_history

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
TAP_MIN_PX = 40
# Buttons, fields and menus a thumb has to hit (links inside running text are exempt).
TARGETS = (
    "main .btn, main button, main select, main summary, main label.check, "
    "main input:not([type=hidden]):not([type=radio]):not([type=checkbox])"
)


@pytest.fixture(params=sorted(VIEWPORTS))
def view(request, browser, live_server):
    context = browser.new_context(
        viewport=VIEWPORTS[request.param],
        device_scale_factor=2 if request.param == "phone" else 1,
        locale="de-DE",
        base_url=live_server.url,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    page.viewport_name = request.param
    yield page
    context.close()


@pytest.fixture
def lifter(django_user_model):
    from django.core.cache import cache

    from core.catalogue import seed_catalogue

    cache.clear()
    seed_catalogue()  # an earlier transactional test flushed what the migration wrote
    user = django_user_model.objects.create_user("anna", password="pw-anna-123")
    bench = Uebung.objects.get(name="Bankdrücken (Langhantel)")
    squat = Uebung.objects.get(name="Kniebeuge (Langhantel)")
    make_history(user, [bench, squat], sessions=5)
    last = Trainingseinheit.objects.filter(user=user).order_by("-datum").first()
    last.name = "Push"
    last.save()
    routine = Routine.objects.create(user=user, name="Beine")
    RoutineExercise.objects.create(routine=routine, uebung=squat, sets=3, target_reps=5)
    return user, bench, squat


def assert_fits(page) -> None:
    """No horizontal scrolling, and every control is big enough to tap."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    small = page.evaluate(
        """([selector, min]) => [...document.querySelectorAll(selector)]
            .filter(el => el.offsetParent !== null)
            .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
            .filter(([, h]) => h < min)""",
        [TARGETS, TAP_MIN_PX],
    )
    assert small == [], (page.url, small)


def ready(page) -> None:
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")


def test_routine_picker_finish_list_and_wie_letztes_mal(view, lifter):
    user, bench, squat = lifter
    login(view, "anna", "pw-anna-123")
    nav(view, "Training starten")
    assert_fits(view)
    view.click("#quick-start button:has-text('Beine')")
    view.wait_for_selector(f"#ex-{squat.pk} .planned-set")
    ready(view)
    assert view.locator(f"#ex-{squat.pk} .planned-set").count() == 3
    assert_fits(view)

    # One tap logs the first planned set with the coach's values (htmx, no reload).
    view.evaluate("window.__noReload = true")
    view.locator(f"#ex-{squat.pk} .planned-form button").first.click()
    view.wait_for_function(
        "id => document.querySelectorAll('#ex-' + id + ' tr[id^=satz-]').length === 1",
        arg=squat.pk,
    )
    assert view.evaluate("window.__noReload") is True
    assert view.locator(f"#ex-{squat.pk} .planned-set").count() == 2

    # The search picker: Strong's English name finds the German catalogue entry.
    picker = view.locator("#id_uebung_name")
    picker.fill("Bench Press (Barbell)")
    view.click("#add-exercise h2")  # close the suggestions (datalist) the typing opened
    view.click("#add-exercise button[type=submit]")
    view.wait_for_selector(f"#ex-{bench.pk}")
    einheit = Trainingseinheit.objects.get(user=user, name="Beine")
    assert [b.get_attribute("id") for b in view.locator("section.exercise").all()] == [
        f"ex-{squat.pk}",
        f"ex-{bench.pk}",
    ]

    view.click("#finish-workout")
    view.wait_for_selector("#workout-meta .badge.ok")
    einheit.refresh_from_db()
    assert einheit.duration is not None

    nav(view, "Trainings")
    view.wait_for_url("**/training/")
    entry = view.locator(f"#training-{einheit.pk}")
    assert "Beine" in entry.inner_text() and "1 Satz" in entry.inner_text()
    assert_fits(view)
    if view.viewport_name == "phone":
        screenshot(view, "workout-list")

    # "Wie letztes Mal": Push again, every exercise with its planned sets.
    view.goto("/training/neu/")
    view.click("#quick-start button:has-text('Push')")
    view.wait_for_selector(f"#ex-{bench.pk} .planned-set")
    for uebung in (bench, squat):
        assert view.locator(f"#ex-{uebung.pk} .planned-set").count() == 3
    values = view.locator(f"#ex-{bench.pk} .planned-values").first.inner_text()
    assert " kg × " in values and values.split(" kg × ")[0] != "–"
    assert Satz.objects.filter(einheit__user=user, einheit__name="Push").count() == 6  # old one
    assert view.js_errors == []


def test_catalogue_search_and_filters(view, lifter, browser, live_server):
    login(view, "anna", "pw-anna-123")
    nav(view, "Übungen")
    view.wait_for_url("**/uebungen/")
    ready(view)
    assert_fits(view)
    view.evaluate("window.__noReload = true")
    view.fill("#id_q", "bench")
    view.wait_for_function(
        "() => document.querySelector('#exercise-results').textContent"
        ".includes('Bankdrücken (Langhantel)') && !document.querySelector('#exercise-results')"
        ".textContent.includes('Kniebeuge (Langhantel)')"
    )
    assert view.evaluate("window.__noReload") is True
    view.wait_for_function("() => location.search.includes('q=bench')")  # back button works
    view.fill("#id_q", "")
    view.select_option("#id_muskel", "legs")
    view.wait_for_function(
        "() => !document.querySelector('#exercise-results').textContent.includes('Bankdrücken')"
    )
    items = view.locator("#exercise-results li[id^=uebung-]").all_inner_texts()
    assert items and all("Beine" in text for text in items)
    if view.viewport_name == "phone":
        view.fill("#id_q", "")
        view.select_option("#id_muskel", "")
        view.wait_for_function(
            "() => document.querySelector('#exercise-results').textContent.includes('Bankdrücken')"
        )
        screenshot(view, "exercise-catalogue", full_page=False)
    assert view.js_errors == []

    # Without JavaScript the same form works by its submit button.
    plain = browser.new_context(
        viewport=view.viewport_size, java_script_enabled=False, base_url=live_server.url
    )
    page = plain.new_page()
    login(page, "anna", "pw-anna-123")
    page.goto("/uebungen/")
    page.fill("#id_q", "klimmz")
    page.click("#exercise-filter button[type=submit]")
    page.wait_for_url("**q=klimmz**")
    assert (
        page.locator("#exercise-results li[id^=uebung-]")
        .all_inner_texts()[0]
        .startswith("Klimmzüge")
    )
    plain.close()


STRONG = (
    b"Date,Workout Name,Exercise Name,Set Order,Weight,Reps,RPE\n"
    b"2024-01-02 10:00:00,A,Bench Press (Barbell),1,225,5,\n"
    b"2024-01-02 10:00:00,A,Bench Press (Barbell),2,225,5,\n"
    b"2024-01-02 10:00:00,A,Cable Kickback,1,30,12,\n"
)


def test_import_preview_with_mapping_and_unit(view, lifter):
    user, bench, _squat = lifter
    login(view, "anna", "pw-anna-123")
    view.goto("/import/")
    view.set_input_files(
        "#id_datei", {"name": "strong.csv", "mimeType": "text/csv", "buffer": STRONG}
    )
    view.click("main button[type=submit]")
    view.wait_for_selector("#import-mapping")
    assert_fits(view)
    bench_row = view.locator("li[data-name='Bench Press (Barbell)']")
    assert bench_row.locator("input").input_value() == "Bankdrücken (Langhantel)"
    assert "die Datei nennt keine Einheit" in view.locator("#unit-decision").inner_text()
    kick_row = view.locator("li[data-name='Cable Kickback']")
    assert kick_row.locator("input").input_value() == ""

    view.check("input[name=einheit][value=lb]")
    view.click("button[name=aktion][value=vorschau]")
    view.wait_for_function(
        "() => document.querySelector('#unit-decision').textContent.includes('von dir gewählt')"
    )
    assert "max. 225 lb" in view.locator("li[data-name='Bench Press (Barbell)']").inner_text()
    view.locator("li[data-name='Cable Kickback'] input").fill("Trizepsdrücken (Kabel)")
    if view.viewport_name == "phone":
        screenshot(view, "import-preview")
    view.click("#import-save")
    view.wait_for_selector("#import-result")
    sets = Satz.objects.filter(einheit__user=user, einheit__datum__year=2024)  # the file's
    assert sets.filter(uebung=bench).count() == 2
    assert float(sets.filter(uebung=bench).first().gewicht) == pytest.approx(102.058, abs=0.001)
    assert sets.filter(uebung__name="Trizepsdrücken (Kabel)").count() == 1
    assert not Uebung.objects.filter(owner=user).exists()
    assert view.js_errors == []
