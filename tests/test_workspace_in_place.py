"""The workspace without reloads: clearing and undoing labels, sources through JSON, submit and
next, the skip page's new reasons and its promise, times for the reader's time zone."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models.annotations import Annotation, AnnotationHistory, SourceLink
from annotator.models.queues import Assignment
from tests.factories import make_article, make_assignment, make_outlet, make_queue, make_user


def _setup(labels=None, status="active", others=0, outlet_domain=None):
    """Return (reviewer, assignment, article); `others` more reviewers share the queue."""
    reviewer = make_user("reviewer")
    outlet = make_outlet(domain=outlet_domain)
    article = make_article(["Officials said 12 people were evacuated.", "It will rain."],
                           outlet=outlet)
    pool = [reviewer] + [make_user("reviewer") for _ in range(others)]
    queue = make_queue(reviewers=pool, articles=[article], overlap=1 + others)
    assignment = make_assignment(queue, article, reviewer, status=status, labels=labels)
    return reviewer, assignment, article


def _label(client, assignment_id, unit_id, label):
    return client.post(f"/annotations/{assignment_id}/labels",
                       json={"unit_id": unit_id, "label": label})


def _history(assignment_id):
    return [tuple(r) for r in db.session.execute(
        select(AnnotationHistory.unit_id, AnnotationHistory.old_label, AnnotationHistory.new_label)
        .where(AnnotationHistory.assignment_id == assignment_id).order_by(AnnotationHistory.id))]


def _stored(assignment_id):
    db.session.expire_all()
    return dict(db.session.execute(select(Annotation.unit_id, Annotation.label)
                                   .where(Annotation.assignment_id == assignment_id)).all())


# ---- clear and undo: each one label save, each kept in the history ----

def test_clearing_a_label_deletes_it_and_keeps_the_change_in_the_history(app, login_as):
    reviewer, assignment, article = _setup()
    client = login_as(reviewer)
    unit = article.units[1].id
    assert _label(client, assignment.id, unit, "claim").status_code == 200
    answer = _label(client, assignment.id, unit, None)
    assert answer.status_code == 200
    assert answer.get_json() == {"unit_id": unit, "label": None, "changed": True,
                                 "previous": "claim"}
    assert unit not in _stored(assignment.id)
    assert _history(assignment.id) == [(unit, None, "claim"), (unit, "claim", None)]
    # Clearing an unlabelled sentence changes nothing and writes nothing.
    assert _label(client, assignment.id, unit, None).get_json()["changed"] is False
    assert len(_history(assignment.id)) == 2
    # Submit counts the cleared sentence as missing.
    assert client.post(f"/annotations/{assignment.id}/submit").status_code == 409


def test_undo_is_a_save_of_the_previous_label_and_is_in_the_history(app, login_as):
    reviewer, assignment, article = _setup(labels={1: "claim"})
    client = login_as(reviewer)
    unit = article.units[1].id
    changed = _label(client, assignment.id, unit, "fact").get_json()
    assert changed["previous"] == "claim"               # what the page undoes to
    assert _label(client, assignment.id, unit, changed["previous"]).status_code == 200
    assert _stored(assignment.id)[unit] == "claim"
    assert _history(assignment.id)[-2:] == [(unit, "claim", "fact"), (unit, "fact", "claim")]


def test_a_label_must_be_named_or_null(app, login_as):
    reviewer, assignment, article = _setup()
    client = login_as(reviewer)
    forgot = client.post(f"/annotations/{assignment.id}/labels",
                         json={"unit_id": article.units[0].id})
    assert forgot.status_code == 400 and "null to clear" in forgot.get_json()["reason"]
    flag = _label(client, assignment.id, True, "fact")
    assert flag.status_code == 400 and "unit_id" in flag.get_json()["reason"]
    assert _history(assignment.id) == []


@pytest.mark.parametrize("who", ["other reviewer", "lead"])
def test_only_the_owner_can_clear(app, login_as, who):
    reviewer, assignment, article = _setup(labels={0: "fact"})
    other = make_user("lead" if who == "lead" else "reviewer")
    response = _label(login_as(other), assignment.id, article.units[0].id, None)
    assert response.status_code == 403 and response.get_json()["reason"]
    assert _stored(assignment.id) == {article.units[0].id: "fact"}


def test_a_submitted_article_cannot_be_cleared(app, login_as):
    reviewer, assignment, article = _setup(labels=dict.fromkeys(range(3), "fact"),
                                           status="submitted")
    response = _label(login_as(reviewer), assignment.id, article.units[0].id, None)
    assert response.status_code == 409 and "read-only" in response.get_json()["reason"]


def test_the_page_buttons_post_a_position_and_an_initial(app, login_as):
    reviewer, assignment, article = _setup()
    client = login_as(reviewer)
    unit = article.units[2]
    response = client.post(f"/annotations/{assignment.id}/labels", data={f"{unit.position}o": ""})
    assert response.status_code == 302
    assert _stored(assignment.id) == {unit.id: "opinion"}
    for wrong in (f"{unit.position}z", f"{unit.id}:fact", "o", f"-{unit.position}o", "99o",
                  f"{2**63}f"):
        bad = client.post(f"/annotations/{assignment.id}/labels", data={wrong: ""})
        assert bad.status_code == 400, wrong
    for wrong in ({}, {"1f": "", "2c": ""}):
        bad = client.post(f"/annotations/{assignment.id}/labels", data=wrong)
        assert bad.status_code == 400, wrong
        assert b"reason" in bad.data or b"label" in bad.data or b"sentence" in bad.data
    # A stranger is told whose it is before what was sent.
    stranger = login_as(make_user("reviewer"))
    assert stranger.post(f"/annotations/{assignment.id}/labels",
                         data={"99o": ""}).status_code == 403
    assert _stored(assignment.id) == {unit.id: "opinion"}


# ---- sources in place ----

def _json(client, path, payload=None):
    return client.post(path, json=payload if payload is not None else {})


def test_sources_are_added_edited_and_removed_through_json(app, login_as):
    reviewer, assignment, article = _setup(outlet_domain="caspianwire.com")
    client = login_as(reviewer)
    unit = article.units[1].id
    base = f"/annotations/{assignment.id}"
    added = _json(client, f"{base}/sources.json", {
        "unit_id": unit, "url": "https://www.caspianwire.com/story?utm_source=x",
        "stance": "supports", "title": "Own story", "note": "<b>ok</b><script>x()</script>"})
    assert added.status_code == 201, added.get_data(as_text=True)
    body = added.get_json()
    assert body["unit_id"] == unit and body["domain"] == "caspianwire.com"
    html = body["sources"][str(unit)]
    assert 'class="srcs"' in html and "https://www.caspianwire.com/story" in html
    assert "utm_source" not in html and "<script" not in html and "<b>ok</b>" in html
    assert "Self-corroboration" in html                  # the article's own outlet
    source_id = body["source_id"]

    other_unit = article.units[2].id
    edited = _json(client, f"{base}/sources/{source_id}.json", {
        "unit_id": other_unit, "url": "https://example.org/check", "stance": "contradicts"})
    assert edited.status_code == 200
    redrawn = edited.get_json()["sources"]
    assert redrawn[str(unit)] == ""                      # moved away: the old list is emptied
    assert "contradicts" in redrawn[str(other_unit)] and "example.org" in redrawn[str(other_unit)]

    removed = _json(client, f"{base}/sources/{source_id}/remove.json")
    assert removed.status_code == 200
    assert removed.get_json() == {"sources": {str(other_unit): ""}, "unit_id": other_unit}
    assert db.session.scalar(select(SourceLink.id)) is None


@pytest.mark.parametrize(("payload", "reason"), [
    ([], "JSON object"),
    ({"url": "https://example.org", "stance": "supports"}, "unit_id"),
    ({"unit_id": 0, "url": "", "stance": "supports"}, "URL"),
    ({"unit_id": 0, "url": "javascript:alert(1)", "stance": "supports"}, "cannot be used"),
    ({"unit_id": 0, "url": "ftp://example.org/x", "stance": "supports"}, "cannot be used"),
    ({"unit_id": 0, "url": "https://example.org", "stance": "agrees"}, "stance"),
    ({"unit_id": 0, "url": "https://example.org", "stance": "context", "title": 5}, "text"),
    ({"unit_id": 0, "url": "https://example.org", "stance": "context", "note": "x" * 5000},
     "at most"),
    ({"unit_id": 10**9, "url": "https://example.org", "stance": "context"}, "not part"),
])
def test_bad_json_sources_are_400_with_a_reason(app, login_as, payload, reason):
    reviewer, assignment, article = _setup()
    if isinstance(payload, dict) and payload.get("unit_id") == 0:
        payload["unit_id"] = article.units[0].id
    response = _json(login_as(reviewer), f"/annotations/{assignment.id}/sources.json", payload)
    assert response.status_code == 400
    assert reason in response.get_json()["reason"]
    assert db.session.scalar(select(SourceLink.id)) is None


def test_json_sources_are_the_owners_alone(app, login_as):
    reviewer, assignment, article = _setup()
    mine = _json(login_as(reviewer), f"/annotations/{assignment.id}/sources.json", {
        "unit_id": article.units[0].id, "url": "https://example.org/a", "stance": "context"})
    source_id = mine.get_json()["source_id"]
    base = f"/annotations/{assignment.id}/sources"
    for role in ("reviewer", "lead", "admin"):
        client = login_as(make_user(role))
        for path in (f"{base}.json", f"{base}/{source_id}.json", f"{base}/{source_id}/remove.json"):
            response = _json(client, path, {"unit_id": article.units[0].id,
                                            "url": "https://evil.example", "stance": "supports"})
            assert response.status_code == 403, (role, path)
            assert "example.org/a" not in response.get_data(as_text=True)
    # Another assignment's source, or none, is 404 for the owner.
    client = login_as(reviewer)
    assert _json(client, f"{base}/{source_id + 99}/remove.json").status_code == 404
    assert _json(client, "/annotations/999999/sources.json").status_code == 404
    assert db.session.scalar(select(SourceLink.url)) == "https://example.org/a"


def test_json_sources_need_json_and_an_editable_article(app, login_as):
    reviewer, assignment, article = _setup(labels=dict.fromkeys(range(3), "fact"),
                                           status="submitted")
    client = login_as(reviewer)
    path = f"/annotations/{assignment.id}/sources.json"
    form = client.post(path, data={"unit_id": article.units[0].id})
    assert form.status_code == 415
    payload = {"unit_id": article.units[0].id, "url": "https://example.org", "stance": "context"}
    refused = _json(client, path, payload)
    assert refused.status_code == 409 and "read-only" in refused.get_json()["reason"]


# ---- submit and next ----

def test_submit_and_next_hands_out_the_next_article(app, login_as):
    reviewer = make_user("reviewer")
    first, second = make_article(["One."]), make_article(["Two."])
    queue = make_queue(reviewers=[reviewer], articles=[first, second], overlap=1)
    assignment = make_assignment(queue, first, reviewer,
                                 labels=dict.fromkeys(range(len(first.units)), "fact"))
    client = login_as(reviewer)
    response = client.post(f"/annotations/{assignment.id}/submit", data={"next": "1"})
    assert response.status_code == 302
    following = db.session.scalar(select(Assignment).where(Assignment.article_id == second.id))
    assert response.headers["Location"].endswith(f"/annotations/{following.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Submitted. Thank you" in page


def test_submit_and_next_goes_home_when_nothing_is_left(app, login_as):
    reviewer, assignment, article = _setup(labels=dict.fromkeys(range(3), "fact"))
    client = login_as(reviewer)
    response = client.post(f"/annotations/{assignment.id}/submit", data={"next": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert "Nothing left for you" in client.get("/").get_data(as_text=True)


def test_the_page_offers_both_submits_and_shows_each_buttons_key_in_the_dialog(app, login_as):
    reviewer, assignment, _ = _setup()
    html = login_as(reviewer).get(f"/annotations/{assignment.id}").get_data(as_text=True)
    assert ">Submit</button>" in html and ">Submit and next article</button>" in html
    assert "<kbd>u</kbd>" in html and "<kbd>Backspace</kbd>" in html
    assert 'id="ws-undo"' in html


# ---- skip reasons and the skip page's promise ----

@pytest.mark.parametrize("reason", ["expertise", "conflict", "paywalled"])
def test_the_new_skip_reasons_are_stored(app, login_as, reason):
    reviewer, assignment, _ = _setup(others=1)
    client = login_as(reviewer)
    page = client.get(f"/queues/assignments/{assignment.id}/skip").get_data(as_text=True)
    assert "Outside my expertise" in page and "Conflict of interest" in page
    assert "Paywalled or incomplete" in page
    response = client.post(f"/queues/assignments/{assignment.id}/skip", data={"reason": reason})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).skip_reason == reason


def test_the_skip_page_promises_other_reviewers_only_when_there_are_some(app, login_as):
    reviewer, assignment, _ = _setup(others=1)
    client = login_as(reviewer)
    page = " ".join(client.get(f"/queues/assignments/{assignment.id}/skip")
                    .get_data(as_text=True).split())
    assert "goes back to the pool for other reviewers" in page

    alone, lonely, _ = _setup()
    page = " ".join(login_as(alone).get(f"/queues/assignments/{lonely.id}/skip")
                    .get_data(as_text=True).split())
    assert "goes back to the pool" not in page
    assert "No other reviewer of this queue can take it now" in page


def test_a_reviewer_who_already_had_the_article_does_not_count(app, login_as):
    reviewer, other = make_user("reviewer"), make_user("reviewer")
    article = make_article(["One sentence."])
    queue = make_queue(reviewers=[reviewer, other], articles=[article], overlap=2)
    assignment = make_assignment(queue, article, reviewer)
    make_assignment(queue, article, other, status="skipped")
    page = login_as(reviewer).get(f"/queues/assignments/{assignment.id}/skip")
    assert "goes back to the pool" not in page.get_data(as_text=True)


# ---- times: UTC from the server, marked for the reader's time zone ----

def test_times_are_sent_in_utc_marked_for_local_display(app, login_as):
    reviewer, assignment, _ = _setup()
    assignment.lease_expires_at = datetime(2026, 11, 30, 15, 4)
    db.session.commit()
    html = login_as(reviewer).get(f"/annotations/{assignment.id}").get_data(as_text=True)
    assert '<time datetime="2026-11-30T15:04:00Z" data-form="time">15:04 UTC</time>' in html
    assert "/static/js/localtime.js" in html
