"""A lead confirms one suggested claim match and rejects another in Chromium; the claim page
shows the timeline across three outlets and the outlet profile shows originality."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from annotator.claims import indexing, queries
from annotator.database import write_transaction
from annotator.extensions import db
from annotator.models import ClaimPair
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, make_article, make_outlet, make_user

CLAIM = "The city council approved a 12 million euro budget for school repairs on Tuesday."
RELATED = "The city council approved a 20 million euro budget for school repairs on Tuesday."


def test_lead_confirms_and_rejects_matches_and_follows_the_claim(live_server, page):
    make_user("lead", username="lena")
    made = [make_article([text], outlet=make_outlet(name), published_at=datetime(2026, 11, day))
            for name, day, text in (("Daily Ledger", 1, CLAIM), ("City Wire", 2, CLAIM),
                                    ("Harbour Times", 3, CLAIM), ("Coastal Review", 4, RELATED))]
    with write_transaction():
        indexing.match_units([u.id for a in made for u in a.units])
    same = db.session.scalar(select(ClaimPair).where(ClaimPair.kind == "same")
                             .order_by(ClaimPair.id))
    related = db.session.scalar(select(ClaimPair).where(ClaimPair.kind == "related")
                                .order_by(ClaimPair.id))
    log_in(page, live_server, "lena", PASSWORD)

    page.get_by_role("link", name="Claims").click()
    page.wait_for_load_state()
    screenshot(page, "claims-suggestions")
    page.get_by_test_id(f"pair-{same.id}").get_by_role(
        "button", name="Same claim (confirm)").click()
    page.wait_for_load_state()
    assert "confirmed" in page.locator(".flash").inner_text()
    page.get_by_test_id(f"pair-{related.id}").get_by_role(
        "button", name="Not the same (reject)").click()
    page.wait_for_load_state()
    assert "rejected" in page.locator(".flash").inner_text()
    db.session.rollback()  # a fresh snapshot: the server thread wrote the decisions
    decided = {p.id: p.decision for p in db.session.scalars(select(ClaimPair))}
    assert decided[same.id] == "confirmed" and decided[related.id] == "rejected"

    cluster = queries.cluster_id_of(made[0].units[1].id)
    page.goto(f"{live_server}/articles/{made[0].id}")
    page.get_by_text("Also in 2 other articles").click()
    page.get_by_role("link", name=f"claim {cluster}").click()
    page.wait_for_load_state()
    timeline = page.get_by_test_id("timeline")
    assert timeline.locator("li").count() == 3
    text = timeline.inner_text()
    assert text.index("Daily Ledger") < text.index("City Wire") < text.index("Harbour Times")
    assert page.get_by_test_id("first-outlet").inner_text() == "Daily Ledger"
    screenshot(page, "claims-timeline")

    page.goto(f"{live_server}/outlets/{made[1].outlet_id}")
    originality = page.get_by_test_id("originality").inner_text()
    assert "Published first" in originality and "1 had appeared elsewhere earlier" in originality
    screenshot(page, "claims-outlet-originality")
