"""In Chromium: a lead records a verdict with a deciding source, a second lead publishes it, a
prediction comes due and is resolved, and the outlet page and the comparison show the figures."""

from __future__ import annotations

from datetime import datetime

from annotator.agreement.services import refresh_article_stats
from annotator.extensions import db
from annotator.models.annotations import SourceLink
from tests.browser.audit import PHONE, assert_accessible
from tests.browser.conftest import log_in, screenshot
from tests.factories import (
    PASSWORD,
    make_article,
    make_assignment,
    make_outlet,
    make_queue,
    make_user,
)

CLAIM = "The mayor said unemployment fell to 3 percent last year."
PREDICTION = "The council will approve the new budget next month."


def build() -> dict:
    reviewers = [make_user(username="amira"), make_user(username="bruno")]
    make_user("lead", username="lena")
    make_user("lead", username="omar")
    outlet = make_outlet("Daily Example", "daily.example")
    coastal = make_outlet("Coastal Courier")
    article = make_article([CLAIM, PREDICTION, "What a mess."], title="Budget week",
                           outlet=outlet, published_at=datetime(2024, 1, 10, 9),
                           url="https://daily.example/budget")
    queue = make_queue(name="January", reviewers=reviewers, articles=[article])
    labels = {0: "fact", 1: "claim", 2: "prediction", 3: "opinion"}
    first = make_assignment(queue, article, reviewers[0], status="submitted", labels=labels)
    make_assignment(queue, article, reviewers[1], status="submitted", labels=labels)
    db.session.add(SourceLink(assignment_id=first.id, unit_id=article.units[1].id,
                              url="https://stats.example.gov/jobs", domain="example.gov",
                              stance="contradicts", title="Jobs report"))
    other = make_article(["The port handled 2 million containers."], title="Port figures",
                         outlet=coastal, published_at=datetime(2024, 2, 1, 9))
    other_queue = make_queue(name="February", reviewers=reviewers, articles=[other])
    make_assignment(other_queue, other, reviewers[0], status="submitted",
                    labels={0: "fact", 1: "claim"})
    make_assignment(other_queue, other, reviewers[1], status="submitted",
                    labels={0: "fact", 1: "fact"})
    db.session.commit()
    refresh_article_stats(queue.id, article.id)
    refresh_article_stats(other_queue.id, other.id)
    db.session.commit()
    return {"article": article, "queue": queue, "outlet": outlet}


def test_verdict_prediction_and_track_record(page, new_page, live_server, live_app):
    live_app.config["WTF_CSRF_ENABLED"] = True
    data = build()
    errors = []

    def watch(p) -> None:
        # Script errors, and failed requests other than Chromium's own favicon probe.
        p.on("console", lambda msg: errors.append(msg.text)
             if msg.type == "error" and "Failed to load resource" not in msg.text else None)
        p.on("response", lambda r: errors.append(f"{r.status} {r.url}")
             if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)

    watch(page)

    # Lena records a draft verdict from the article drill-down, with the reviewer's source.
    log_in(page, live_server, "lena", PASSWORD)
    page.goto(f"{live_server}/agreement/articles/{data['article'].id}?queue={data['queue'].id}")
    page.get_by_role("link", name="Check sentence 2").click()
    page.wait_for_load_state()
    assert page.get_by_text(CLAIM).first.is_visible()
    assert_accessible(page)
    page.get_by_label("false", exact=True).check()
    page.get_by_label("Rationale").fill("The jobs report says 4.1 percent.")
    page.get_by_label("contradicts: example.gov — Jobs report").check()
    page.get_by_role("button", name="Save draft verdict").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("verdict-rating").inner_text() == "false"
    assert page.locator("h1 .v-status").text_content() == "draft"
    assert page.get_by_role("button", name="Publish verdict").count() == 0  # not her own
    assert_accessible(page)

    # Omar, a second lead, publishes it from the verdict list.
    omar = new_page()
    watch(omar)
    log_in(omar, live_server, "omar", PASSWORD)
    omar.get_by_role("link", name="Verdicts").click()
    omar.get_by_role("link", name=CLAIM).click()
    omar.get_by_role("button", name="Publish verdict").click()
    omar.wait_for_load_state()
    assert omar.locator("h1 .v-status").text_content() == "published"
    assert omar.get_by_text("Published by omar").is_visible()

    # Lena takes the date the prediction states; it is long due, so she resolves it.
    page.goto(f"{live_server}/verdicts/units/{data['article'].units[2].id}")
    assert page.get_by_label("Resolves by").input_value() == "2024-02-29"
    page.get_by_role("button", name="Save resolution date").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Due (1)").click()
    page.get_by_role("link", name=PREDICTION).click()
    assert_accessible(page)
    page.get_by_label("came true", exact=True).check()
    page.get_by_label("What happened").fill("Approved on 20 February.")
    page.locator("input[name='added-0-url']").fill("https://council.example.gov/minutes")
    page.get_by_role("button", name="Record outcome").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("prediction-outcome").inner_text() == "came true"
    assert page.get_by_role("link", name="Due (0)").is_visible()

    # The outlet profile and the comparison show the new figures, greyed below the rule.
    page.goto(f"{live_server}/outlets/{data['outlet'].id}")
    track = page.get_by_test_id("track-false")
    assert "100 %" in track.inner_text() and "n = 1" in track.inner_text()
    assert "below-rule" in track.get_attribute("class")
    assert "100 %" in page.get_by_test_id("track-came-true").inner_text()
    screenshot(page, "outlet-track-record")
    assert_accessible(page)
    page.get_by_role("link", name="All outlets").click()
    page.get_by_role("link", name="Compare outlets").click()
    page.wait_for_load_state()
    page.get_by_label("Outlets to compare").select_option(["Daily Example", "Coastal Courier"])
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    assert page.locator("tr[data-outlet='Coastal Courier']").count() == 1
    row = page.locator("tr[data-outlet='Daily Example']")
    assert "100 %" in row.inner_text() and "[0.207, 1.000]" in row.inner_text()
    screenshot(page, "outlet-comparison")
    assert_accessible(page)
    # At a phone's width the pages' content fits (wide tables scroll inside their box; the
    # lead navigation is the layout's, which the UX issue reworks).
    # On the outlet profile only the track record is this issue's.
    for url, part in ((page.url, "main"), (f"{live_server}/outlets/{data['outlet'].id}",
                                          ".track-record"),
                      (f"{live_server}/verdicts/predictions/due", "main"),
                      (f"{live_server}/verdicts/", "main")):
        page.set_viewport_size(PHONE)
        page.goto(url)
        wide = page.evaluate("""part => [...document.querySelectorAll(part + ' *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .filter(e => { for (let a = e.parentElement; a; a = a.parentElement) {
                const o = getComputedStyle(a).overflowX;
                if (o === 'auto' || o === 'scroll') return false; } return true; })
            .map(e => e.tagName + '.' + e.className + ' '
                 + Math.round(e.getBoundingClientRect().right))
            .slice(0, 8)""", part)
        assert not wide, (url, wide)
    assert not errors, errors
