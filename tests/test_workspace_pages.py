"""The reviewer's pages: home, annotation page, no-script posts, sources, blindness, guidelines."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from annotator.extensions import db
from annotator.models.annotations import Annotation, SourceLink
from annotator.models.queues import Assignment
from tests.factories import make_article, make_assignment, make_outlet, make_queue, make_user

INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", re.I)


def _workspace(labels=None, status="active", outlet_domain=None):
    """Return (reviewer, assignment, article) with a headline, two sentences and a caption."""
    reviewer = make_user("reviewer")
    outlet = make_outlet("Caspian Wire", outlet_domain)
    article = make_article(["Officials said 12 people were evacuated.", "It will rain."],
                           title="Storm hits coast", outlet=outlet,
                           published_at=datetime(2023, 9, 19, 13, 4), captions=["Flooded road"])
    queue = make_queue(reviewers=[reviewer], articles=[article])
    assignment = make_assignment(queue, article, reviewer, status=status, labels=labels)
    return reviewer, assignment, article


def _page(client, assignment_id: int):
    response = client.get(f"/annotations/{assignment_id}")
    return response, response.get_data(as_text=True)


def test_annotation_page_shows_article_units_and_labels(app, login_as):
    reviewer, assignment, article = _workspace(labels={1: "claim"})
    response, html = _page(login_as(reviewer), assignment.id)
    assert response.status_code == 200
    assert "Storm hits coast" in html and "Caspian Wire" in html and "19 Sep 2023" in html
    # Lean markup: unquoted ids, each button is named <unit's position><label's initial>.
    for unit in article.units:
        assert f"id=u{unit.id}" in html and f">{unit.text}</" in html
        for label in ("fact", "claim", "opinion", "prediction"):
            assert f"<button name={unit.position}{label[0]}>" in html or \
                f"<button name={unit.position}{label[0]} aria-pressed=true>" in html
            assert f">{label}</button>" in html
    assert f"name={article.units[1].position}c aria-pressed=true>claim<" in html
    assert html.count("aria-pressed=true") == 1
    # One list in blocks of 25 the accessibility tree does not see; each row shows its number.
    assert '<ol class="ws-units" role="list"><div class=ws-chunk role=none><li id=u' in html
    assert html.count("<div class=ws-chunk") == 1 and "</div>\n</ol>" in html
    assert f"id=u{article.units[0].id} value=1 class=k-headline><h1" in html
    assert f"id=u{article.units[3].id} value=4 class=k-caption>" in html
    assert re.search(r'<progress id="ws-progress" max="4" value="1"', html)
    assert re.search(r'id="ws-submit" disabled', html)
    assert 'aria-live="polite"' in html
    assert "annotate.js" in html and "annotate.css" in html
    assert not INLINE.search(html)



def test_a_long_article_is_one_list_in_blocks_of_25(app, login_as):
    """60 sentences and the headline: three blocks (25, 25, 11) inside one list, every row's
    number from its place in the whole article, and each block closes its last row."""
    reviewer = make_user("reviewer")
    article = make_article([f"Sentence {n} says something." for n in range(1, 61)], title="Long")
    queue = make_queue(reviewers=[reviewer], articles=[article])
    assignment = make_assignment(queue, article, reviewer)
    _, html = _page(login_as(reviewer), assignment.id)
    listing = html[html.index('<ol class="ws-units"'):html.index("</ol>")]
    blocks = listing.split("<div class=ws-chunk role=none>")[1:]
    assert [block.count("<li id=u") for block in blocks] == [25, 25, 11]
    assert all(block.rstrip().endswith("</div>") for block in blocks)
    values = [int(v) for v in re.findall(r"<li id=u\d+ value=(\d+)", listing)]
    assert values == list(range(1, 62))
    assert blocks[1].startswith(f"<li id=u{article.units[25].id} value=26>")

def test_complete_page_enables_submit(app, login_as):
    reviewer, assignment, _ = _workspace(labels=dict.fromkeys(range(4), "fact"))
    _, html = _page(login_as(reviewer), assignment.id)
    assert re.search(r'id="ws-submit" aria-describedby', html)


def test_plain_form_post_saves_and_returns_to_the_next_unlabelled_unit(app, login_as):
    reviewer, assignment, article = _workspace(labels={2: "fact"})
    client = login_as(reviewer)
    units = article.units
    response = client.post(f"/annotations/{assignment.id}/labels",
                           data={"set": f"{units[1].id}:opinion"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/annotations/{assignment.id}#u{units[3].id}")
    label = db.session.scalar(select(Annotation.label).where(Annotation.unit_id == units[1].id))
    assert label == "opinion"
    response = client.post(f"/annotations/{assignment.id}/labels",
                           data={"set": f"{units[3].id}:fact"})
    assert response.headers["Location"].endswith(f"#u{units[0].id}")  # wraps round
    bad = client.post(f"/annotations/{assignment.id}/labels", data={"set": f"{units[0].id}:x"})
    assert bad.status_code == 400 and "Unknown label" in bad.get_data(as_text=True)


def test_submitted_page_is_read_only_for_the_reviewer(app, login_as):
    reviewer, assignment, _ = _workspace(labels=dict.fromkeys(range(4), "fact"),
                                         status="submitted")
    _, html = _page(login_as(reviewer), assignment.id)
    assert '<fieldset class="ws-fs" disabled>' in html
    assert "read-only" in html and 'id="ws-submit"' not in html
    assert "src-dialog" not in html and "Add source" not in html
    assert "Reopen" not in html


def test_other_reviewers_get_403_and_see_nothing(app, login_as):
    owner, assignment, article = _workspace(labels={1: "prediction"})
    db.session.add(SourceLink(assignment_id=assignment.id, unit_id=article.units[1].id,
                              url="https://secret.example/x", domain="secret.example",
                              stance="contradicts"))
    db.session.commit()
    other = make_user("reviewer")
    queue_id = assignment.queue_id
    theirs = make_assignment(db.session.get(type(assignment.queue), queue_id), article, other)
    client = login_as(other)
    for path in (f"/annotations/{assignment.id}", f"/annotations/{assignment.id}/sources/new"):
        response = client.get(path)
        assert response.status_code == 403
        body = response.get_data(as_text=True)
        assert "prediction" not in body and "secret.example" not in body
    _, html = _page(client, theirs.id)
    assert "aria-pressed=true" not in html
    assert "secret.example" not in html and 'class="src"' not in html
    assert client.post(f"/annotations/{assignment.id}/submit").status_code == 403


def test_leads_see_everything_read_only_and_can_reopen(app, login_as):
    owner, assignment, article = _workspace(labels=dict.fromkeys(range(4), "opinion"),
                                            status="submitted")
    lead = make_user("lead")
    _, html = _page(login_as(lead), assignment.id)
    assert html.count("aria-pressed=true") == 4
    assert f"labels by <strong>{owner.username}</strong>" in html
    assert '<fieldset class="ws-fs" disabled>' in html
    assert f"Reopen for {owner.username}" in html


def _add_source(client, assignment_id, **data):
    return client.post(f"/annotations/{assignment_id}/sources/new", data=data)


def test_sources_through_the_plain_form(app, login_as):
    reviewer, assignment, article = _workspace(outlet_domain="caspianwire.com")
    client = login_as(reviewer)
    unit = article.units[1]
    page = client.get(f"/annotations/{assignment.id}/sources/new?unit={unit.id}")
    assert page.status_code == 200
    assert f'<option value="{unit.id}" selected>' in page.get_data(as_text=True)
    response = _add_source(client, assignment.id, unit_id=unit.id, stance="supports",
                           url="https://www.caspianwire.com/story?utm_medium=x#top",
                           title="Own report", note='<img src=x onerror=alert(1)>see <i>this</i>')
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#u{unit.id}")
    _, html = _page(client, assignment.id)
    assert 'href="https://www.caspianwire.com/story"' in html
    assert "Self-corroboration" in html and "caspianwire.com" in html
    assert "<i>this</i>" in html and "onerror" not in html and "<img" not in html
    link = db.session.scalar(select(SourceLink))
    edit = client.post(f"/annotations/{assignment.id}/sources/{link.id}",
                       data={"unit_id": unit.id, "stance": "context", "url": "https://other.org/"})
    assert edit.status_code == 302
    _, html = _page(client, assignment.id)
    assert "Self-corroboration" not in html and "other.org" in html
    removed = client.post(f"/annotations/{assignment.id}/sources/{link.id}/remove")
    assert removed.status_code == 302
    assert db.session.scalar(select(SourceLink.id)) is None


def test_bad_source_is_refused_with_the_reason(app, login_as):
    reviewer, assignment, article = _workspace()
    client = login_as(reviewer)
    response = _add_source(client, assignment.id, unit_id=article.units[1].id, stance="supports",
                           url="javascript:alert(document.cookie)")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "not an http(s) URL" in html
    assert 'href="javascript' not in html
    missing = _add_source(client, assignment.id, unit_id=article.units[1].id,
                          url="https://ok.example/")
    assert missing.status_code == 400
    assert db.session.scalar(select(SourceLink.id)) is None


def test_guidelines_define_the_four_labels_with_sample_examples(app, login_as):
    client = login_as(make_user("reviewer"))
    html = " ".join(client.get("/annotations/guidelines").get_data(as_text=True).split())
    for phrase in ("can be checked against evidence", "attributed to someone",
                   "cannot be proven true or false", "what will or could happen",
                   "Azerbaijani Ministry of Defense", "There are also reports"):
        assert phrase in html
    assert not INLINE.search(html)


def test_home_shows_queues_with_progress_and_starts_work(app, login_as):
    reviewer = make_user("reviewer")
    article = make_article(["Only sentence."])
    queue = make_queue("Elections", overlap=1, reviewers=[reviewer], articles=[article])
    client = login_as(reviewer)
    html = client.get("/").get_data(as_text=True)
    assert "Elections" in html and "<progress" in html and "<meter" in html
    assert "Start next article" in html
    response = client.post(f"/annotations/queues/{queue.id}/next")
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment).where(Assignment.reviewer_id == reviewer.id))
    assert response.headers["Location"].endswith(f"/annotations/{assignment.id}")
    assert "Resume" in client.get("/").get_data(as_text=True)
    assert client.post(f"/annotations/queues/{queue.id}/next").headers["Location"].endswith(
        f"/annotations/{assignment.id}")


def test_home_says_when_nothing_is_left_and_refuses_other_queues(app, login_as):
    reviewer, latecomer = make_user("reviewer"), make_user("reviewer")
    article = make_article(["Only sentence."])
    queue = make_queue(overlap=1, reviewers=[reviewer, latecomer], articles=[article])
    make_assignment(queue, article, reviewer)
    client = login_as(latecomer)
    assert "Nothing left for you here" in client.get("/").get_data(as_text=True)
    response = client.post(f"/annotations/queues/{queue.id}/next", follow_redirects=True)
    assert "Nothing left for you in this queue" in response.get_data(as_text=True)
    stranger_queue = make_queue(articles=[make_article(["x."])])
    assert client.post(f"/annotations/queues/{stranger_queue.id}/next").status_code == 403


def test_home_lists_recent_submissions(app, login_as):
    reviewer, assignment, _ = _workspace(labels=dict.fromkeys(range(4), "fact"),
                                         status="submitted")
    html = login_as(reviewer).get("/").get_data(as_text=True)
    assert "Recently submitted" in html and f"/annotations/{assignment.id}" in html


def test_the_owner_of_an_active_article_can_reach_the_skip_page(app, login_as):
    reviewer, assignment, _ = _workspace()
    client = login_as(reviewer)
    skip_url = f"/queues/assignments/{assignment.id}/skip"
    _, html = _page(client, assignment.id)
    assert f'href="{skip_url}">Skip this article</a>' in html
    assert client.get(skip_url).status_code == 200
    lead = make_user("lead")
    _, html = _page(login_as(lead), assignment.id)
    assert "Skip this article" not in html and skip_url not in html


def test_a_submitted_article_offers_no_skip(app, login_as):
    reviewer, assignment, _ = _workspace(labels=dict.fromkeys(range(4), "fact"),
                                         status="submitted")
    _, html = _page(login_as(reviewer), assignment.id)
    assert "Skip this article" not in html


def test_reviewers_reach_my_work_from_home_and_the_navigation(app, login_as):
    reviewer, assignment, article = _workspace()
    client = login_as(reviewer)
    html = client.get("/").get_data(as_text=True)
    assert html.count('href="/queues/mine"') == 2  # the navigation and the home page
    assert article.title in client.get("/queues/mine").get_data(as_text=True)
    lead_home = login_as(make_user("lead")).get("/").get_data(as_text=True)
    assert 'href="/queues/mine"' not in lead_home
