"""The main lead and admin pages in Chromium at a phone's width and a laptop's: each fits its
window (wide tables scroll inside their own box) and axe-core finds no violation; the
adjudication page's keyboard shortcuts; screenshots of the lead overview and the admin's
getting-started checklist."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from annotator.demo.services import load_demo
from annotator.extensions import db
from annotator.models import Article, Assignment, Outlet, Queue, User
from tests.browser.audit import SIZES, assert_accessible, assert_fits
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, make_article, make_user


@pytest.fixture
def demo(live_app):
    """The demo workspace (real figures, disagreements, sources), a lead and an admin."""
    load_demo()
    lead, admin = make_user("lead", username="lena"), make_user("admin", username="ada")
    queue = db.session.scalar(select(Queue))
    article = db.session.scalar(select(Article).order_by(Article.id))
    reviewer = db.session.scalar(select(User).where(User.username == "demo-cleo"))
    outlet = db.session.scalar(select(Outlet).order_by(Outlet.id))
    return {"lead": lead, "admin": admin, "queue": queue, "article": article,
            "reviewer": reviewer, "outlet": outlet}


def lead_pages(d) -> dict[str, str]:
    from annotator.adjudication.queries import disagreements

    unit = disagreements(d["queue"].id, "open")[0].unit_id
    return {
        "lead-home": "/",
        "lead-overview": "/agreement/",
        "article-drill-down": f"/agreement/articles/{d['article'].id}",
        "reviewer-page": f"/agreement/reviewers/{d['reviewer'].id}",
        "adjudication-list": f"/adjudication/queues/{d['queue'].id}",
        "adjudication-page": f"/adjudication/queues/{d['queue'].id}/units/{unit}",
        "outlet-profile": f"/outlets/{d['outlet'].id}",
        "queue-progress": f"/queues/{d['queue'].id}",
    }


ADMIN_PAGES = {"admin-home": "/", "admin-users": "/admin/users", "admin-queues": "/queues/",
               "admin-upload": "/admin/upload"}


def check(page, base: str, path: str, size: str) -> None:
    page.set_viewport_size(SIZES[size])
    page.goto(base + path)
    assert page.title(), path
    assert_fits(page)
    assert_accessible(page)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_main_lead_pages_fit_and_pass_axe(demo, live_server, page, size):
    log_in(page, live_server, "lena", PASSWORD)
    for name, path in lead_pages(demo).items():
        check(page, live_server, path, size)
        if name == "lead-overview":
            assert page.get_by_test_id("verdict").is_visible()
            screenshot(page, f"lead-overview-{size}")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_main_admin_pages_fit_and_pass_axe(demo, live_server, page, size):
    log_in(page, live_server, "ada", PASSWORD)
    for path in ADMIN_PAGES.values():
        check(page, live_server, path, size)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_admin_getting_started_checklist(live_app, live_server, page, size):
    make_user("admin", username="ada")
    make_article(title="Harbour reopens after the storm")
    log_in(page, live_server, "ada", PASSWORD)
    check(page, live_server, "/", size)
    checklist = page.get_by_test_id("getting-started")
    assert "1 of 4 done" in checklist.inner_text()
    assert page.locator(".step.done").count() == 1
    # The first step still to do is the highlighted one: create reviewers.
    assert page.locator(".step.todo .button.primary").inner_text() == "Create users"
    screenshot(page, f"admin-getting-started-{size}")


def test_adjudication_shortcuts(demo, live_server, page):
    log_in(page, live_server, "lena", PASSWORD)
    pages = lead_pages(demo)
    page.goto(live_server + pages["adjudication-page"])
    first_url = page.url
    page.keyboard.press("?")
    dialog = page.locator("#adj-help")
    assert dialog.evaluate("d => d.open")
    assert "Ctrl" in dialog.inner_text()
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    page.keyboard.press("2")
    assert page.locator('input[name="label"][value="claim"]').is_checked()
    page.keyboard.press("r")
    page.keyboard.type("Attributed to the union.")  # typing "r" or "2" here stays text
    assert page.locator("textarea").input_value() == "Attributed to the union."
    assert page.locator('input[name="label"][value="claim"]').is_checked()
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert page.url != first_url
    assert "Gold label saved: claim." in page.locator(".flashes").inner_text()
    # n skips to the next sentence without saving.
    before = page.url
    with page.expect_navigation():
        page.keyboard.press("n")
    assert page.url != before


def test_reopen_from_the_drill_down(demo, live_server, page):
    log_in(page, live_server, "lena", PASSWORD)
    page.goto(f"{live_server}/agreement/articles/{demo['article'].id}")
    page.get_by_role("link", name="demo-cleo’s labels").click()
    assert "/annotations/" in page.url
    page.goto(f"{live_server}/agreement/articles/{demo['article'].id}")
    page.get_by_role("button", name="Reopen for demo-cleo").click()
    assert "Reopened for demo-cleo" in page.locator(".flashes").inner_text()
    db.session.rollback()  # end the test's read snapshot: see the server's write
    status = db.session.scalar(select(Assignment.status).where(
        Assignment.article_id == demo["article"].id,
        Assignment.reviewer_id == demo["reviewer"].id))
    assert status == "active"
