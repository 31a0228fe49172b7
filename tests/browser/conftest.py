"""Browser fixtures: a live server on loopback and Debian's Chromium through Playwright.

Chromium comes from Debian (`apt-get install chromium`, done by .ci/run); we never run
`playwright install`. Without /usr/bin/chromium the browser tests are skipped, except
under CI, where that is a failure. Screenshots go to screenshots/ (git-ignored).
Browser tests run on SQLite only: the server thread and the test share one database file,
and the session's SQLite app (tests/conftest.py), with the tables emptied before each test
and app.config restored after it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _chromium():
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"Chromium is missing at {CHROMIUM} under CI (.ci/run installs it)")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(apps):
    """The app behind the live server, with its context pushed for factories."""
    with apps.isolated("sqlite") as app:
        yield app


@pytest.fixture
def live_server(live_app):
    """Serve live_app on a free loopback port in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(_chromium):
    """A fresh browser context and page per test (no shared cookies)."""
    context = _chromium.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_page(_chromium):
    """Open further independent pages (other users) within one test."""
    contexts = []

    def _open():
        context = _chromium.new_context(viewport={"width": 1366, "height": 900})
        contexts.append(context)
        p = context.new_page()
        p.set_default_timeout(10_000)
        return p

    yield _open
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under screenshots/ and return its path.

    The workspace draws only the sentence rows near the screen (content-visibility), so a
    full-page picture would show the rest as blank space: the window is first made as tall as
    the page (twice, as drawn rows take their real height), then set back.
    """
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    if size:
        for _ in range(2):
            height = page.evaluate("document.documentElement.scrollHeight")
            page.set_viewport_size({"width": size["width"], "height": min(height, 20_000)})
            page.evaluate("() => new Promise(done => requestAnimationFrame("
                          "() => requestAnimationFrame(done)))")
    page.screenshot(path=str(path), full_page=True)
    if size:
        page.set_viewport_size(size)
    return path


def log_in(page, base_url: str, username: str, password: str) -> None:
    """Log in through the real form."""
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
