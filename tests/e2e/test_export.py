"""Export from the settings page and import into a new lifter, in a real browser."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from core.models import Satz, Uebung
from tests.core.test_export_roundtrip import set_rows
from tests.e2e.conftest import VIEWPORTS, login, new_page
from tests.factories import make_history

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=sorted(VIEWPORTS))
def device(request, browser, live_server):
    page = new_page(browser, live_server.url, VIEWPORTS[request.param], accept_downloads=True)
    yield page
    page.context.close()


def test_export_and_reimport_into_a_new_lifter(device, django_user_model, tmp_path):
    page = device
    anna = django_user_model.objects.create_user("anna", password="pw-anna-123")
    bernd = django_user_model.objects.create_user("bernd", password="pw-bernd-123")
    bank = Uebung.objects.create(name="Bankdrücken", equipment="barbell")
    make_history(anna, [bank], sessions=5, warmup=True, realistic=True)
    first = Satz.objects.filter(einheit__user=anna, set_type="normal").first()
    first.gewicht = Decimal("61.235")  # 135 lb: grams must survive
    first.save()

    login(page, "anna", "pw-anna-123")
    page.goto("/einstellungen/")
    with page.expect_download() as csv_download:
        page.click("#export-strong")
    csv_path = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(csv_path)
    assert csv_path.name.startswith("homegym-strong") and csv_path.suffix == ".csv"
    with page.expect_download() as json_download:
        page.click("#export-json")
    data = json.loads(json_download.value.path().read_text(encoding="utf-8"))
    assert data["format"] == "homegym" and len(data["workouts"]) == 5

    page.locator(".menu summary").click()
    page.click(".menu-items button:has-text('Abmelden')")
    page.wait_for_url("**/login/")
    login(page, "bernd", "pw-bernd-123")
    page.goto("/import/")
    page.set_input_files("#id_datei", str(csv_path))
    page.click("main button[type=submit]")
    page.wait_for_selector("#import-mapping")  # the preview: kg assumed, exercises mapped
    assert page.locator("#unit-decision strong").inner_text() == "kg"
    page.click("#import-save")
    page.wait_for_selector("#import-result")
    assert "Sätze importiert: 20" in page.locator("#import-result").inner_text()
    assert set_rows(bernd) == set_rows(anna)
    assert page.js_errors == []
