"""Logging in through Chromium, with CSRF and the CSP in force."""

from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, make_user


def test_login_page_and_home(page, live_server, live_app):
    live_app.config["WTF_CSRF_ENABLED"] = True
    make_user("admin", "root")
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server}/auth/login")
    screenshot(page, "login")
    log_in(page, live_server, "root", PASSWORD)
    assert page.url == f"{live_server}/"
    assert page.get_by_role("heading", name="Welcome, root").is_visible()
    screenshot(page, "home-admin")
    assert not [e for e in errors if "Content Security Policy" in e]
