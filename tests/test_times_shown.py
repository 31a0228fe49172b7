"""Lead and admin pages show a moment like reviewer pages: the server's UTC in a <time> tag
marked UTC (read without script), which static/js/localtime.js turns into the reader's zone."""

from __future__ import annotations

import re
from datetime import datetime

from annotator.extensions import db
from tests.factories import make_article, make_assignment, make_queue, make_user

MOMENT = datetime(2024, 3, 5, 14, 7)
TAG = ('<time datetime="2024-03-05T14:07:00Z" data-form="datetime">5 Mar 2024, 14:07 UTC'
       "</time>")


def _moments(html: str) -> list[str]:
    """Times of day printed outside a <time> tag (the old "2024-03-05 14:07" cells)."""
    outside = re.sub(r"<time\b.*?</time>", "", html, flags=re.S)
    return re.findall(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b", outside)


def test_lead_and_admin_pages_mark_their_times(client, login_as):
    admin = make_user("admin")
    reviewer = make_user("reviewer")
    reviewer.last_login_at = MOMENT
    article = make_article(published_at=MOMENT)
    queue = make_queue(reviewers=[reviewer], articles=[article])
    assignment = make_assignment(queue, article, reviewer, status="submitted")
    assignment.submitted_at = assignment.started_at = MOMENT
    db.session.commit()
    login_as(admin)
    for url in ("/admin/users", "/admin/articles", f"/admin/articles/{article.id}",
                f"/queues/{queue.id}", "/articles/", f"/articles/{article.id}"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert TAG in html, url
        assert not _moments(html), url
        assert "(UTC)" not in html, url  # the tag says UTC itself, and local time once rewritten
        assert "/static/js/localtime.js" in html, url
