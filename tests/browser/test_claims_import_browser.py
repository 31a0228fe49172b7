"""Claim memory end to end through a real server: an admin uploads articles that repeat a
claim, the upload answers at once, and the match is there for a lead moments later (matched
after the response, by the server that took the upload)."""

from __future__ import annotations

import json
import time

from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import ClaimBacklog, ClaimPair
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, make_user

CLAIM = "the city council approved a 12 million euro budget for school repairs on Tuesday."


def _wait_for_matching(timeout: float = 20.0) -> None:
    """Wait until the server thread has matched the backlog (it runs after the response)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # a fresh snapshot: the server thread writes
        if db.session.scalar(select(func.count()).select_from(ClaimBacklog)) == 0:
            return
        time.sleep(0.05)
    raise AssertionError("the uploaded articles were not matched")


def test_uploaded_articles_are_matched_after_the_upload_answers(live_server, page, new_page,
                                                                tmp_path):
    make_user("admin", "root")
    make_user("lead", "lena")
    records = [{"title": "Council budget", "outlet": outlet, "url": f"https://{host}/budget",
                "published_at": f"2026-11-0{day}T08:00:00",
                "text": f"{speaker} {CLAIM}\n\nParents protested outside the chamber."}
               for day, (outlet, host, speaker) in enumerate(
                   [("Daily Ledger", "ledger.example", "Officials said that"),
                    ("City Wire", "wire.example", "Reuters reported that")], start=1)]
    upload = tmp_path / "budget.jsonl"
    upload.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")

    log_in(page, live_server, "root", PASSWORD)
    page.goto(f"{live_server}/admin/upload")
    page.get_by_label("Article files").set_input_files(str(upload))
    page.get_by_role("button", name="Import").click()
    report = page.get_by_role("status").filter(has_text="Import batch")
    assert "2 article(s) imported" in report.inner_text()
    assert "being matched against the claim memory" in report.inner_text()
    _wait_for_matching()
    pair = db.session.scalar(select(ClaimPair).where(ClaimPair.kind == "same"))
    assert pair is not None

    lead = new_page()
    log_in(lead, live_server, "lena", PASSWORD)
    lead.get_by_role("link", name="Claims").click()
    lead.wait_for_load_state()
    text = lead.get_by_test_id(f"pair-{pair.id}").inner_text()
    assert "Daily Ledger" in text and "City Wire" in text
    assert lead.get_by_test_id("claim-backlog").count() == 0
    screenshot(lead, "claims-after-upload")
