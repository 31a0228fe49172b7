"""The label save endpoint and the workspace services: history, leases, submit, reopen, sources."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import event, select

from annotator.annotations import queries, services
from annotator.extensions import db
from annotator.models.annotations import Annotation, AnnotationHistory, SourceLink
from annotator.models.queues import Assignment, QueueArticle
from tests.conftest import empty_tables, make_test_app
from tests.factories import make_article, make_assignment, make_outlet, make_queue, make_user


def _setup(status: str = "active", labels: dict[int, str] | None = None):
    """Return (reviewer, assignment, article) for a fresh active assignment."""
    reviewer = make_user("reviewer")
    article = make_article(["First sentence.", "Second sentence."], captions=["A caption"])
    queue = make_queue(reviewers=[reviewer], articles=[article])
    assignment = make_assignment(queue, article, reviewer, status=status, labels=labels)
    return reviewer, assignment, article


def _save(client, assignment_id: int, unit_id, label, **kwargs):
    return client.post(f"/annotations/{assignment_id}/labels",
                       json={"unit_id": unit_id, "label": label}, **kwargs)


def _history(assignment_id: int) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(
        select(AnnotationHistory.unit_id, AnnotationHistory.user_id, AnnotationHistory.old_label,
               AnnotationHistory.new_label, AnnotationHistory.changed_at)
        .where(AnnotationHistory.assignment_id == assignment_id)
        .order_by(AnnotationHistory.id))]


def test_save_sets_the_label_and_writes_history_per_change(app, login_as):
    reviewer, assignment, article = _setup()
    client = login_as(reviewer)
    unit = article.units[1]
    response = _save(client, assignment.id, unit.id, "claim")
    assert response.status_code == 200
    assert response.get_json() == {"unit_id": unit.id, "label": "claim", "changed": True,
                                   "previous": None}
    assert _save(client, assignment.id, unit.id, "claim").get_json()["changed"] is False
    assert _save(client, assignment.id, unit.id, "opinion").status_code == 200
    rows = _history(assignment.id)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (unit.id, reviewer.id, None, "claim"),
        (unit.id, reviewer.id, "claim", "opinion"),
    ]
    assert all(r[4] is not None for r in rows)
    label = db.session.scalar(select(Annotation.label).where(
        Annotation.assignment_id == assignment.id, Annotation.unit_id == unit.id))
    assert label == "opinion"


def test_save_renews_the_lease(app, login_as):
    reviewer, assignment, article = _setup()
    assert assignment.lease_expires_at is None
    _save(login_as(reviewer), assignment.id, article.units[0].id, "fact")
    db.session.expire_all()
    renewed = db.session.get(Assignment, assignment.id).lease_expires_at
    assert renewed is not None
    _save(login_as(reviewer), assignment.id, article.units[0].id, "fact")  # unchanged label
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).lease_expires_at >= renewed


def test_unknown_label_is_400_with_a_reason(app, login_as):
    reviewer, assignment, article = _setup()
    response = _save(login_as(reviewer), assignment.id, article.units[0].id, "rumour")
    assert response.status_code == 400
    body = response.get_json()
    assert "rumour" in body["reason"] and "fact" in body["reason"]
    assert _history(assignment.id) == []


@pytest.mark.parametrize("payload", [None, [], {"label": "fact"}, {"unit_id": "1", "label": "fact"},
                                     {"unit_id": True, "label": "fact"}])
def test_malformed_payload_is_400_with_a_reason(app, login_as, payload):
    reviewer, assignment, _ = _setup()
    response = login_as(reviewer).post(f"/annotations/{assignment.id}/labels",
                                       data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["reason"]


def test_unit_of_another_article_is_refused(app, login_as):
    reviewer, assignment, _ = _setup()
    other = make_article(["Elsewhere."])
    response = _save(login_as(reviewer), assignment.id, other.units[0].id, "fact")
    assert response.status_code == 400
    assert "not part of this article" in response.get_json()["reason"]


def test_someone_elses_assignment_is_403_and_reveals_nothing(app, login_as):
    owner, assignment, article = _setup(labels={0: "claim"})
    for role in ("reviewer", "lead", "admin"):
        intruder = make_user(role)
        response = _save(login_as(intruder), assignment.id, article.units[0].id, "fact")
        assert response.status_code == 403
        assert "claim" not in response.get_data(as_text=True)
    assert [r[3] for r in _history(assignment.id)] == []
    assert db.session.scalar(select(Annotation.label).where(
        Annotation.assignment_id == assignment.id)) == "claim"


def test_a_save_or_a_source_updates_the_assignment_once(app):
    reviewer, assignment, article = _setup()
    assignment_id, unit_id = assignment.id, article.units[0].id
    statements = []
    listen = ("before_cursor_execute", lambda *args: statements.append(args[2]))
    event.listen(db.engine, *listen)
    try:
        services.save_label(assignment_id, reviewer, unit_id, "claim")
        saved = list(statements)
        statements.clear()
        services.add_source(assignment_id, reviewer, _source(unit_id, "https://a.example/x"))
    finally:
        event.remove(db.engine, *listen)
    for run in (saved, statements):
        assert sum(s.startswith("UPDATE assignments") for s in run) == 1, run
        assert not any(s.startswith("SELECT queues.lease_minutes") for s in run), run
    db.session.expire_all()
    assert db.session.get(Assignment, assignment_id).lease_expires_at is not None


def test_unknown_assignment_is_404(app, login_as):
    response = _save(login_as(make_user()), 999_999, 1, "fact")
    assert response.status_code == 404


BAD_BODIES = [{"data": "", "content_type": "application/json"},
              {"data": "{not json", "content_type": "application/json"},
              {"json": {"unit_id": "x", "label": "rumour"}},
              {"data": {}},
              {"data": {"set": "1:rumour"}}]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_whose_it_is_is_answered_before_what_was_sent(app, login_as, body):
    owner, assignment, _ = _setup(status="submitted", labels={0: "claim"})
    url = f"/annotations/{assignment.id}/labels"
    for role in ("reviewer", "lead", "admin"):
        response = login_as(make_user(role)).post(url, **body)
        assert response.status_code == 403, role
        # The page's navigation (a lead's "Claims" link) aside, nothing shows the label.
        assert "claim" not in response.get_data(as_text=True).split("</nav>")[-1]
    assert login_as(owner).post("/annotations/999999/labels", **body).status_code == 404
    # The owner hears what is wrong with the request before that the article is read-only.
    assert login_as(owner).post(url, **body).status_code == 400


def test_the_service_refuses_a_stranger_before_looking_at_the_label(app):
    _, assignment, article = _setup()
    with pytest.raises(services.WorkspaceError) as refused:
        services.save_label(assignment.id, make_user("lead"), article.units[0].id, "rumour")
    assert refused.value.status == 403


@pytest.mark.parametrize("status", ["submitted", "expired", "revoked", "skipped"])
def test_not_active_assignment_is_409_with_a_reason(app, login_as, status):
    reviewer, assignment, article = _setup(status=status, labels={0: "fact"})
    response = _save(login_as(reviewer), assignment.id, article.units[0].id, "claim")
    assert response.status_code == 409
    assert response.get_json()["reason"]
    assert _history(assignment.id) == []


def test_anonymous_save_is_401_json(app, client):
    _, assignment, article = _setup()
    response = _save(client, assignment.id, article.units[0].id, "fact")
    assert response.status_code == 401
    assert response.get_json()["status"] == 401


def test_save_needs_the_csrf_token(db_url):
    app = make_test_app(db_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        empty_tables()
        reviewer, assignment, article = _setup()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = reviewer.get_id()
        unit_id = article.units[0].id
        refused = _save(client, assignment.id, unit_id, "fact")
        assert refused.status_code == 400
        assert "CSRF" in refused.get_json()["reason"]
        page = client.get(f"/annotations/{assignment.id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        wrong = _save(client, assignment.id, unit_id, "fact", headers={"X-CSRFToken": "x" + token})
        assert wrong.status_code == 400
        ok = _save(client, assignment.id, unit_id, "fact", headers={"X-CSRFToken": token})
        assert ok.status_code == 200
        assert len(_history(assignment.id)) == 1
        db.session.remove()
        db.engine.dispose()


def test_submit_needs_every_unit_and_then_is_read_only(app, login_as):
    reviewer, assignment, article = _setup(labels={0: "fact", 1: "claim", 2: "fact"})
    client = login_as(reviewer)
    refused = client.post(f"/annotations/{assignment.id}/submit")
    assert refused.status_code == 409
    assert "1 sentence still needs a label" in refused.get_data(as_text=True)
    _save(client, assignment.id, article.units[3].id, "fact")
    assert client.post(f"/annotations/{assignment.id}/submit").status_code == 302
    db.session.expire_all()
    done = db.session.get(Assignment, assignment.id)
    assert done.status == "submitted" and done.submitted_at is not None
    qa = db.session.scalar(select(QueueArticle).where(QueueArticle.article_id == article.id))
    assert qa.submitted == 1 and qa.taken == 1
    assert _save(client, assignment.id, article.units[0].id, "opinion").status_code == 409
    assert client.post(f"/annotations/{assignment.id}/submit").status_code == 409


def test_reopen_is_for_leads_and_makes_it_editable_again(app, login_as):
    reviewer, assignment, article = _setup(status="submitted",
                                           labels=dict.fromkeys(range(4), "fact"))
    assert login_as(reviewer).post(f"/annotations/{assignment.id}/reopen").status_code == 403
    lead = make_user("lead")
    assert login_as(lead).post(f"/annotations/{assignment.id}/reopen").status_code == 302
    db.session.expire_all()
    reopened = db.session.get(Assignment, assignment.id)
    assert reopened.status == "active" and reopened.reopened_by_id == lead.id
    assert reopened.lease_expires_at is not None
    qa = db.session.scalar(select(QueueArticle).where(QueueArticle.article_id == article.id))
    assert qa.submitted == 0
    assert login_as(lead).post(f"/annotations/{assignment.id}/reopen").status_code == 409
    assert _save(login_as(reviewer), assignment.id, article.units[0].id, "claim").status_code == 200


def test_service_submit_and_reopen_are_the_transitions(app):
    reviewer, assignment, _ = _setup(labels=dict.fromkeys(range(4), "claim"))
    assert services.submit_assignment(assignment.id, reviewer).status == "submitted"
    with pytest.raises(services.WorkspaceError) as refused:
        services.submit_assignment(assignment.id, reviewer)
    assert refused.value.status == 409
    assert services.reopen_assignment(assignment.id, make_user("admin")).status == "active"


def _source(unit_id: int, url: str, **fields) -> services.SourceInput:
    return services.SourceInput(unit_id=unit_id, url=url, stance=fields.pop("stance", "supports"),
                                **fields)


def test_source_is_normalised_sanitised_and_flags_self_corroboration(app):
    reviewer = make_user()
    article = make_article(["One."], outlet=make_outlet("Daily", "dailynews.co.uk"))
    queue = make_queue(reviewers=[reviewer], articles=[article])
    assignment = make_assignment(queue, article, reviewer)
    link = services.add_source(assignment.id, reviewer, _source(
        article.units[1].id, "HTTPS://News.DailyNews.co.uk/a?utm_source=x&id=3#frag",
        title="  Report  ", note='<script>alert(1)</script><b>ok</b> <a href="javascript:x">y</a>'))
    assert link.url == "https://news.dailynews.co.uk/a?id=3"
    assert link.domain == "dailynews.co.uk"
    assert link.title == "Report"
    assert "script" not in link.note and "alert" not in link.note and "javascript" not in link.note
    assert "<b>ok</b>" in link.note
    workspace = queries.load_workspace(assignment.id, reviewer)
    assert workspace.outlet_domain == "dailynews.co.uk"
    assert workspace.sources[article.units[1].id][0].id == link.id


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.example/a", "//evil.example/",
                                 "https://user:pw@x.example/", "data:text/html,hi"])
def test_source_refuses_non_http_urls(app, url):
    reviewer, assignment, article = _setup()
    with pytest.raises(services.WorkspaceError) as refused:
        services.add_source(assignment.id, reviewer, _source(article.units[0].id, url))
    assert refused.value.status == 400
    assert db.session.scalar(select(SourceLink.id)) is None


def test_source_edit_and_remove_until_submission(app):
    reviewer, assignment, article = _setup()
    unit_id = article.units[0].id
    link = services.add_source(assignment.id, reviewer, _source(unit_id, "https://a.example/x"))
    edited = services.update_source(assignment.id, link.id, reviewer, _source(
        unit_id, "https://b.example/y", stance="contradicts", note="changed"))
    assert (edited.url, edited.domain, edited.stance, edited.note) == (
        "https://b.example/y", "b.example", "contradicts", "changed")
    other = make_user()
    with pytest.raises(services.WorkspaceError) as refused:
        services.remove_source(assignment.id, link.id, other)
    assert refused.value.status == 403
    assert services.remove_source(assignment.id, link.id, reviewer) == unit_id
    assert db.session.scalar(select(SourceLink.id)) is None
    link = services.add_source(assignment.id, reviewer, _source(unit_id, "https://c.example/"))
    for position in (1, 2, 3):
        services.save_label(assignment.id, reviewer, article.units[position].id, "fact")
    services.save_label(assignment.id, reviewer, unit_id, "fact")
    services.submit_assignment(assignment.id, reviewer)
    with pytest.raises(services.WorkspaceError) as refused:
        services.remove_source(assignment.id, link.id, reviewer)
    assert refused.value.status == 409
    with pytest.raises(services.WorkspaceError):
        services.add_source(assignment.id, reviewer, _source(unit_id, "https://d.example/"))
