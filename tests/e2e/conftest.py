"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Nothing downloads a browser. When /usr/bin/chromium is missing these tests are skipped with a
loud reason (``make test`` installs it first where it can).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_previous_async_unsafe = pytest.StashKey[str | None]()
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "screenshots"
DOCS_SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """Playwright's sync API runs an event loop in this thread, and Django's ORM refuses to run
    next to one ("async unsafe") although the calls are ordinary synchronous test code.

    Allowed only from the setup to the end of the teardown of each browser test: set for the
    whole session, the variable would leak into other tests' subprocesses (``check --deploy``
    flags it). The browser is function-scoped so its loop never outlives that window.
    """
    item.stash[_previous_async_unsafe] = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    previous = item.stash.get(_previous_async_unsafe, None)
    if previous is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = previous


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            "BROWSER TESTS SKIPPED: /usr/bin/chromium is missing — install Debian's 'chromium' "
            "package (scripts/ensure_chromium.sh does it under `make test`)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, base_url: str, viewport: dict = PHONE, **options):
    """A page in its own browser context (phone-sized unless told), collecting JS errors in
    ``page.js_errors``. ``options`` go to ``new_context`` (locale, java_script_enabled …)."""
    options.setdefault("locale", "de-DE")
    context = browser.new_context(
        viewport=viewport, device_scale_factor=2, base_url=base_url, **options
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return page


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server.url)
    yield page
    page.context.close()


def login(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")


def nav(page, text: str) -> None:
    """Follow a main-navigation link: the main action, or an item behind „Menü“."""
    link = page.locator(".nav > a, .menu-items a").filter(has_text=text).first
    if not link.is_visible():
        page.locator(".menu summary").click()
    link.click()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """A phone-sized screenshot in test-artifacts/ (every run, for reviewers).

    With ``UPDATE_SCREENSHOTS=1`` it is also copied to docs/screenshots/ for the README; not
    by default, so a test run leaves the working tree clean.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, DOCS_SCREENSHOTS / f"{name}.png")
    return target
