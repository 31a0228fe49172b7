"""An admin sets up a reviewer and a queue in Chromium; the reviewer starts their first article."""

import re
from pathlib import Path

from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "annotator/samples/azerbaijan-offensive-2023-09-19.txt"
SECOND = b"""Port strike enters its second week

Dockworkers said on Monday they would stay out until talks resume. The port authority
expects shipping delays to grow. "We are losing money every day," one exporter said.
"""


def _no_csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_admin_sets_up_a_queue_and_a_reviewer_starts(page, new_page, live_server, live_app,
                                                      tmp_path):
    live_app.config["WTF_CSRF_ENABLED"] = True
    make_user("admin", "root")
    errors = _no_csp_errors(page)
    log_in(page, live_server, "root", PASSWORD)

    # Two articles through the upload page: the sample and one more.
    second = tmp_path / "port-strike.txt"
    second.write_bytes(SECOND)
    page.goto(f"{live_server}/admin/upload")
    page.get_by_label("Article files").set_input_files([str(SAMPLE), str(second)])
    page.get_by_role("button", name="Import").click()
    report = page.get_by_role("status").filter(has_text="Import batch")
    assert "2 article(s) imported" in report.inner_text()
    screenshot(page, "admin-upload-report")

    # A reviewer, with a one-time password shown once.
    page.goto(f"{live_server}/admin/users")
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Role", exact=True).select_option("reviewer")
    page.get_by_role("button", name="Create user").click()
    one_time = page.locator("#one-time-password").inner_text().strip()
    assert len(one_time) >= 12
    screenshot(page, "admin-one-time-password")
    page.goto(f"{live_server}/admin/users")
    screenshot(page, "admin-users")

    # A queue with overlap 1 over both articles, nina its one reviewer (a larger overlap
    # needs as many reviewers in the pool).
    page.goto(f"{live_server}/queues/new")
    page.get_by_label("Name").fill("Caucasus and ports")
    page.get_by_label("Reviewers per article (overlap)").fill("1")
    page.get_by_label("nina (reviewer)").check()
    screenshot(page, "queue-form")
    page.get_by_role("button", name="Save queue").click()
    page.get_by_label("Every article (ignore the filters)").check()
    page.get_by_role("button", name="Add matching articles").click()
    assert page.get_by_role("heading", name=re.compile("Caucasus and ports")).is_visible()
    assert "2 article(s) added" in page.locator(".flashes").inner_text()
    page.goto(f"{live_server}/admin/articles")
    screenshot(page, "admin-articles")
    page.get_by_role("link", name="Port strike enters its second week").click()
    assert page.get_by_role("button", name=re.compile("Merge with next")).count() >= 1
    # Clicking inside a sentence picks the split position (static/js/admin.js).
    page.locator(".unit-words").nth(1).click()
    position = page.locator("#at-1").input_value()
    assert position.isdigit() and 0 < int(position) < 66, position
    screenshot(page, "admin-article-units")
    page.get_by_role("button", name="Split sentence 2").click()
    assert "Sentence split." in page.locator(".flashes").inner_text()
    assert page.locator(".unit-words").count() == 5

    # The reviewer logs in, replaces the one-time password and starts from their home page.
    reviewer = new_page()
    log_in(reviewer, live_server, "nina", one_time)
    assert reviewer.url.endswith("/auth/password")
    reviewer.get_by_label("Current password").fill(one_time)
    reviewer.get_by_label("New password", exact=True).fill("a long new password")
    reviewer.get_by_label("Repeat the new password").fill("a long new password")
    reviewer.get_by_role("button", name="Change password").click()
    assert reviewer.get_by_role("heading", name="Caucasus and ports").is_visible()
    reviewer.get_by_role("button", name="Start next article").click()
    reviewer.wait_for_load_state()
    assert re.search(r"/annotations/\d+$", reviewer.url), reviewer.url
    screenshot(reviewer, "reviewer-first-article")

    # The admin sees the article in progress.
    page.goto(f"{live_server}/queues/")
    screenshot(page, "queues-index")
    page.get_by_role("link", name="Caucasus and ports").click()
    figures = page.locator(".figures").inner_text()
    assert re.search(r"In progress\s*1", figures) and re.search(r"Untouched\s*1", figures)
    assert page.get_by_role("button", name=re.compile("Revoke")).count() == 1
    screenshot(page, "queue-progress")
    assert not [e for e in errors if "Content Security Policy" in e], errors
