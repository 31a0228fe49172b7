"""A lead reads the agreement reports in Chromium; a reviewer is turned away from every one."""

from __future__ import annotations

from datetime import datetime

from annotator.agreement.services import refresh_article_stats
from annotator.extensions import db
from annotator.models.annotations import SourceLink
from tests.browser.conftest import log_in, screenshot
from tests.factories import (
    PASSWORD,
    make_article,
    make_assignment,
    make_outlet,
    make_queue,
    make_user,
)

SENTENCES = [
    "The ministry said 40 people were evacuated on Tuesday.",
    "Officials expect the river to peak on Friday.",
    "The response was a disgrace.",
    "The bridge was closed at 9 a.m.",
]
WORK = {
    "Flood warnings": {
        "amira": ["fact", "claim", "prediction", "opinion", "fact"],
        "bruno": ["fact", "claim", "prediction", "opinion", "fact"],
        "chen": ["fact", "fact", "claim", "opinion", "fact"],
    },
    "Budget row": {
        "amira": ["claim", "claim", "opinion", "opinion", "fact"],
        "bruno": ["fact", "claim", "prediction", "claim", "fact"],
        "chen": ["opinion", "fact", "prediction", "opinion", "claim"],
    },
    "Harbour reopens": {
        "amira": ["fact", "fact", "prediction", "opinion", "fact"],
        "bruno": ["fact", "fact", "prediction", "opinion", "fact"],
        "chen": ["fact", "fact", "prediction", "opinion", "fact"],
    },
}


def build_reports() -> dict:
    """Three reviewers submit three articles from two outlets; return what the test needs."""
    reviewers = {name: make_user(username=name) for name in ("amira", "bruno", "chen")}
    make_user("lead", username="lena")
    outlets = [make_outlet("Daily Herald"), make_outlet("Coastal Courier")]
    queue = make_queue(name="Spring sample", overlap=3, reviewers=list(reviewers.values()))
    articles = {}
    for i, (title, work) in enumerate(WORK.items()):
        article = make_article(SENTENCES, title=title, outlet=outlets[i % 2],
                               published_at=datetime(2024, 4, 1 + i))
        articles[title] = article
        for name, labels in work.items():
            assignment = make_assignment(queue, article, reviewers[name], status="submitted",
                                         labels=dict(enumerate(labels)))
            if name == "chen" and title == "Budget row":
                db.session.add(SourceLink(
                    assignment_id=assignment.id, unit_id=article.units[1].id,
                    url="https://example.org/budget-2024", domain="example.org",
                    stance="contradicts", title="Budget statement 2024"))
        refresh_article_stats(queue.id, article.id)
    db.session.commit()
    return {"reviewers": reviewers, "articles": articles, "queue": queue}


def test_lead_reads_overview_and_article_and_reviewer_is_refused(page, new_page, live_server,
                                                                 live_app):
    live_app.config["WTF_CSRF_ENABLED"] = True
    data = build_reports()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    log_in(page, live_server, "lena", PASSWORD)
    page.get_by_role("link", name="Reports").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Agreement", exact=True).is_visible()
    assert page.get_by_test_id("overall-alpha").inner_text() not in ("", "undefined")
    assert page.get_by_role("cell", name="Daily Herald").count() >= 0
    assert page.locator("table.reviewers tbody tr").count() == 3
    assert page.locator("svg.chart-svg").count() == 2
    screenshot(page, "reports-overview")

    # Sorting works without JavaScript: the header is a link.
    page.locator("table.articles").get_by_role("link", name="Article").click()
    page.wait_for_load_state()
    titles = page.locator("table.articles tbody td:first-child a").all_inner_texts()
    assert titles == sorted(WORK)

    page.get_by_role("link", name="Budget row").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Budget row").is_visible()
    grid = page.locator("table.grid")
    for name in ("amira", "bruno", "chen"):
        assert grid.get_by_role("link", name=name).is_visible()
    assert grid.locator("tr.disagreement").count() >= 3
    assert grid.get_by_role("link", name="Budget statement 2024").is_visible()
    screenshot(page, "reports-article")
    assert not [e for e in errors if "Content Security Policy" in e]

    reviewer = new_page()
    log_in(reviewer, live_server, "amira", PASSWORD)
    article = data["articles"]["Budget row"]
    for path in ("/agreement/", f"/agreement/?outlet={article.outlet_id}",
                 f"/agreement/articles/{article.id}?queue={data['queue'].id}",
                 f"/agreement/reviewers/{data['reviewers']['bruno'].id}"):
        response = reviewer.goto(f"{live_server}{path}")
        assert response.status == 403, path
    assert reviewer.get_by_role("link", name="Reports").count() == 0
