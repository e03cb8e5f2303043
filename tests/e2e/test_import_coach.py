"""In a real browser, phone (390×844) and desktop (1280×800): a new lifter imports a real Strong
export and, without waiting for the nightly job, the next workout shows what the models learned.

The import page queues one training task; a real Celery worker (the project's app, embedded in
this process, started for the one test) trains with the real trainer and the shipped prior.
``strong_en.csv`` (../shared/data/exports, the app's bytes unchanged) is the export whose
history lets the per-exercise gate hand "Latziehen (Kabel)" to the model, while it keeps the
baseline for "Bankdrücken (Langhantel)" (found by importing every export with
``manage.py import_workouts`` into a scratch database: the gate's choice is deterministic).
"""

from __future__ import annotations

import re
import time

import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping for the ping check)
import pytest
from celery.contrib.testing.worker import start_worker

from core.models import Uebung
from homegym.celery import app as celery_app
from ml_coach.ml_trainer import exercises_with_enough_data
from tests.e2e.conftest import VIEWPORTS, login, new_page, screenshot
from workers import dispatch
from workers.signals import forget_queued

pytestmark = pytest.mark.django_db(transaction=True)

EXPORT = "strong_en.csv"
MODEL_SERVES = "Latziehen (Kabel)"  # "Lat Pulldown (Cable)" in the file, 21 sets
BASELINE_KEPT = "Bankdrücken (Langhantel)"  # "Bench Press (Barbell)" in the file, 21 sets
MODEL_LABEL = "ML-Modell (aus deiner Historie gelernt)"
BASELINE_LABEL = "Baseline (Satz 1 vom letzten Mal)"
TRAINING_TIMEOUT_S = 120
RECOMMENDATION = re.compile(r"\d+(,\d+)? kg × \d+ Wdh")


@pytest.fixture
def export(shared_data):
    path = shared_data / "exports" / EXPORT
    if not path.is_file():
        pytest.skip(f"real export not found at {path} (../shared is incomplete)")
    return path


@pytest.fixture
def worker(settings, tmp_path, django_db_blocker):
    """A real worker for this test only, on an empty test broker and with a private model
    folder: tasks other browser tests queued (and never ran) must not execute here, and no
    worker may outlive the test into tests that expect nothing to train."""
    from django.core.cache import cache

    from core.catalogue import seed_catalogue

    settings.ML_MODEL_ROOT = tmp_path / "models"
    cache.clear()
    forget_queued()
    dispatch.broker_breaker.reset()
    seed_catalogue()  # an earlier transactional test flushed what the migration wrote
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    with (
        django_db_blocker.unblock(),
        start_worker(
            celery_app, pool="solo", concurrency=1, perform_ping_check=True, shutdown_timeout=30
        ) as running,
    ):
        yield running
    cache.clear()
    forget_queued()


@pytest.fixture(params=sorted(VIEWPORTS))
def device(request, browser, live_server):
    page = new_page(browser, live_server.url, VIEWPORTS[request.param])
    page.viewport_name = request.param
    yield page
    page.context.close()


def wait_for_models(page, expected: int) -> None:
    """Reload the lifter's ML page until it counts ``expected`` trained models (bounded)."""
    deadline = time.monotonic() + TRAINING_TIMEOUT_S
    while True:
        page.goto("/ml/dashboard/")
        trained = page.locator("#stat-trained .stat-value")
        if trained.count() and trained.inner_text() == str(expected):
            return
        assert time.monotonic() < deadline, (
            f"the ML page did not show {expected} trained models within {TRAINING_TIMEOUT_S} s"
        )
        page.wait_for_timeout(500)


def add_exercise(page, name: str, uebung: Uebung) -> None:
    page.fill("#id_uebung_name", name)
    page.click("#add-exercise h2")  # close the suggestions (datalist) the typing opened
    page.click("#add-exercise button[type=submit]")
    page.wait_for_selector(f"#ex-{uebung.pk}")


def open_source(page, uebung: Uebung) -> tuple[str, str, str]:
    """Tap the recommendation; its label, value and the source the explanation names."""
    rec = page.locator(f"#rec-{uebung.pk}")
    rec.locator("summary").click()
    source = rec.locator(".rec-source-value")
    source.wait_for(state="visible")
    return (
        rec.locator(".rec-label").inner_text(),
        rec.locator(".rec-value").inner_text(),
        source.inner_text(),
    )


def test_imported_history_gives_model_recommendations_at_once(
    export, device, worker, django_user_model
):
    page = device
    user = django_user_model.objects.create_user("neu", password="pw-neu-12345")
    served = Uebung.objects.get(name=MODEL_SERVES, owner=None)
    kept = Uebung.objects.get(name=BASELINE_KEPT, owner=None)

    login(page, "neu", "pw-neu-12345")
    page.goto("/import/")
    page.set_input_files("#id_datei", str(export))
    page.click("main button[type=submit]")
    page.wait_for_selector("#import-mapping")  # the preview: no unit in the file, kg assumed
    assert page.locator("#unit-decision strong").inner_text() == "kg"
    pulldown = page.locator("li[data-name='Lat Pulldown (Cable)'] input")
    assert pulldown.input_value() == MODEL_SERVES
    assert page.locator("li[data-name='Bench Press (Barbell)'] input").input_value() == (
        BASELINE_KEPT
    )
    page.click("#import-save")
    page.wait_for_selector("#import-result")
    assert "Import abgeschlossen." in page.locator("#import-result").inner_text()
    assert "Die Modelle werden jetzt trainiert" in page.locator("#import-training").inner_text()

    due = exercises_with_enough_data(user.pk)
    assert served.pk in due and kept.pk in due
    wait_for_models(page, len(due))  # the one queued task, not the nightly run

    page.goto("/training/neu/")
    page.fill("#id_name", "Nach dem Import")
    page.click("#start-submit")
    page.wait_for_selector("#add-exercise")
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")
    add_exercise(page, MODEL_SERVES, served)
    add_exercise(page, BASELINE_KEPT, kept)

    label, value, source = open_source(page, served)
    assert label.startswith("ML-Empfehlung") and RECOMMENDATION.fullmatch(value), value
    assert source == MODEL_LABEL
    label, value, source = open_source(page, kept)
    assert label.startswith("ML-Empfehlung") and RECOMMENDATION.fullmatch(value), value
    assert source == BASELINE_LABEL
    if page.viewport_name == "phone":
        page.locator(f"#rec-{served.pk}").scroll_into_view_if_needed()
        screenshot(page, "import-coach-model", full_page=False)
    assert page.js_errors == []
