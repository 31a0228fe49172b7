"""Handing out work: next article, leases, skips, revokes, paused queues, the pool."""

import json
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select, text

from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import Assignment, Queue, QueueArticle, QueueReviewer, User
from annotator.queues import queries, services
from tests.factories import make_article, make_assignment, make_outlet, make_queue, make_user


def _counts(queue) -> dict[int, tuple[int, int]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(QueueArticle.article_id, QueueArticle.taken, QueueArticle.submitted)
        .where(QueueArticle.queue_id == queue.id)
    ).all()
    return {article_id: (taken, submitted) for article_id, taken, submitted in rows}


def _articles(n: int) -> list:
    return [make_article(published_at=datetime(2024, 1, 1 + i)) for i in range(n)]


def test_take_next_follows_the_order_and_resumes(app):
    reviewer = make_user()
    first, second, third = _articles(3)
    queue = make_queue(reviewers=[reviewer], articles=[third, first, second], ordering="oldest")
    assignment = services.take_next(reviewer, queue.id)
    assert assignment.article_id == first.id
    assert assignment.status == "active" and assignment.lease_expires_at > datetime(2024, 1, 1)
    again = services.take_next(reviewer, queue.id)
    assert again.id == assignment.id
    assert _counts(queue)[first.id] == (1, 0)


def test_newest_order_and_fewest_order(app):
    reviewer, other = make_user(), make_user()
    first, second = _articles(2)
    newest = make_queue(reviewers=[reviewer], articles=[first, second], ordering="newest")
    assert services.take_next(reviewer, newest.id).article_id == second.id
    fewest = make_queue(reviewers=[reviewer, other], articles=[first, second], ordering="fewest",
                        overlap=2)
    make_assignment(fewest, first, other, status="submitted")
    assert services.take_next(reviewer, fewest.id).article_id == second.id


def test_overlap_caps_reviewers_per_article_and_nobody_gets_one_twice(app):
    reviewers = [make_user() for _ in range(3)]
    article = make_article()
    queue = make_queue(overlap=2, reviewers=reviewers, articles=[article])
    a = services.take_next(reviewers[0], queue.id)
    a.submit()
    db.session.commit()
    assert services.take_next(reviewers[1], queue.id).article_id == article.id
    assert services.take_next(reviewers[2], queue.id) is None
    assert services.take_next(reviewers[0], queue.id) is None
    assert _counts(queue)[article.id] == (2, 1)


def test_not_in_pool_raises_and_paused_queue_hands_out_nothing(app):
    member, outsider = make_user(), make_user()
    article = make_article()
    queue = make_queue(reviewers=[member], articles=[article], status="paused")
    with pytest.raises(services.NotInPool):
        services.take_next(outsider, queue.id)
    with pytest.raises(services.NotInPool):
        services.take_next(member, 999_999)
    assert services.take_next(member, queue.id) is None
    queue.status = "closed"
    db.session.commit()
    assert services.take_next(member, queue.id) is None
    assert db.session.scalar(select(Assignment.id)) is None


def test_expired_lease_returns_the_slot_and_keeps_the_history(app):
    slow, fast = make_user(), make_user()
    article = make_article()
    queue = make_queue(overlap=1, reviewers=[slow, fast], articles=[article], lease_minutes=5)
    held = services.take_next(slow, queue.id)
    assert services.take_next(fast, queue.id) is None
    held.lease_expires_at = datetime.now() - timedelta(days=2)
    db.session.commit()
    taken = services.take_next(fast, queue.id)
    assert taken.article_id == article.id and taken.reviewer_id == fast.id
    db.session.refresh(held)
    assert held.status == "expired"
    assert _counts(queue)[article.id] == (1, 0)
    # The slow reviewer never gets that article again in this queue.
    assert services.take_next(slow, queue.id) is None
    assert not services.renew_lease(held.id, held.queue_id)


def test_an_expired_lease_nobody_reclaimed_is_resumed(app):
    reviewer = make_user()
    queue = make_queue(reviewers=[reviewer], articles=[make_article()], lease_minutes=5)
    held = services.take_next(reviewer, queue.id)
    held.lease_expires_at = datetime(2000, 1, 1)
    db.session.commit()
    again = services.take_next(reviewer, queue.id)
    assert again.id == held.id and again.status == "active"
    assert again.lease_expires_at > datetime(2020, 1, 1)


def test_skip_frees_the_slot_for_good_for_that_reviewer(app):
    reviewer, other = make_user(), make_user()
    article = make_article()
    queue = make_queue(overlap=1, reviewers=[reviewer, other], articles=[article])
    held = services.take_next(reviewer, queue.id)
    with pytest.raises(services.AssignmentStateError):
        services.skip(reviewer, held.id, "other", "  ")
    with pytest.raises(services.AssignmentStateError):
        services.skip(other, held.id, "duplicate")
    skipped = services.skip(reviewer, held.id, "not_english")
    assert skipped.status == "skipped" and skipped.skip_reason == "not_english"
    assert _counts(queue)[article.id] == (0, 0)
    assert services.take_next(reviewer, queue.id) is None
    assert services.take_next(other, queue.id).article_id == article.id


def test_revoke_and_renew(app):
    reviewer = make_user()
    article = make_article()
    queue = make_queue(overlap=1, reviewers=[reviewer], articles=[article], lease_minutes=30)
    held = services.take_next(reviewer, queue.id)
    before = held.lease_expires_at
    assert services.renew_lease(held.id, held.queue_id)
    db.session.commit()
    assert held.lease_expires_at >= before
    services.revoke(held.id)
    assert _counts(queue)[article.id] == (0, 0)
    with pytest.raises(services.AssignmentStateError):
        services.revoke(held.id)
    assert not services.renew_lease(held.id, held.queue_id)


def test_renew_lease_is_one_update_from_the_queue_length_leaving_the_object_alone(app,
                                                                                  monkeypatch):
    reviewer = make_user()
    queue = make_queue(reviewers=[reviewer], articles=[make_article()], lease_minutes=30)
    held = services.take_next(reviewer, queue.id)
    queue.lease_minutes = 7  # the renewal reads the current length, not the one at hand-out
    db.session.commit()
    now = datetime(2024, 2, 28, 23, 58, 59, 123456)
    monkeypatch.setattr(services, "utcnow", lambda: now)
    held, queue_id = db.session.get(Assignment, held.id), queue.id
    before = held.lease_expires_at
    statements = []
    listen = ("before_cursor_execute", lambda *args: statements.append(args[2]))
    event.listen(db.engine, *listen)
    try:
        assert services.renew_lease(held.id, queue_id)
        assert held.lease_expires_at == before and held not in db.session.dirty
        db.session.commit()
    finally:
        event.remove(db.engine, *listen)
    assert [s.split()[:2] for s in statements] == [["UPDATE", "assignments"]]
    stored = db.session.get(Assignment, held.id)
    assert stored.lease_expires_at == datetime(2024, 2, 29, 0, 5, 59, 123456)
    assert stored.updated_at == now
    if db.engine.dialect.name == "sqlite":  # stored as the text SQLAlchemy writes and compares
        raw = db.session.scalar(text("SELECT lease_expires_at FROM assignments"))
        assert raw == "2024-02-29 00:05:59.123456"


@pytest.mark.parametrize("micro", [0, 999586, 999999, 500000, 9535])
def test_renewed_lease_keeps_the_exact_time_near_a_whole_second(app, monkeypatch, micro):
    # SQLite reads times to the millisecond, rounding: :24.9996 read whole would be :25.
    reviewer = make_user()
    queue = make_queue(reviewers=[reviewer], articles=[make_article()], lease_minutes=60)
    held = services.take_next(reviewer, queue.id)
    now = datetime(2026, 11, 30, 23, 32, 23, micro)
    monkeypatch.setattr(services, "utcnow", lambda: now)
    assert services.renew_lease(held.id, queue.id)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Assignment, held.id).lease_expires_at == now + timedelta(minutes=60)


def test_reopen_keeps_the_slot(app):
    reviewer, lead = make_user(), make_user("lead")
    article = make_article()
    queue = make_queue(overlap=1, reviewers=[reviewer], articles=[article])
    held = services.take_next(reviewer, queue.id)
    held.submit()
    db.session.commit()
    assert _counts(queue)[article.id] == (1, 1)
    held.reopen(lead.id)
    db.session.commit()
    db.session.refresh(held)
    assert held.status == "active" and held.reopened_by_id == lead.id
    assert _counts(queue)[article.id] == (1, 0)


def test_reviewer_queues_summarises_progress(app):
    reviewer, other = make_user(), make_user()
    articles = _articles(2)
    queue = make_queue(overlap=2, reviewers=[reviewer, other], articles=articles)
    make_queue(reviewers=[reviewer], articles=articles, status="closed")
    make_queue(reviewers=[other], articles=articles)
    make_assignment(queue, articles[0], other, status="submitted")
    services.take_next(reviewer, queue.id)
    [summary] = queries.reviewer_queues(reviewer)
    assert summary.id == queue.id and summary.articles == 2
    assert summary.submitted_slots == 1 and summary.completion == pytest.approx(0.25)
    assert summary.my_in_progress == 1 and summary.active_assignment_id is not None
    assert summary.has_work
    db.session.execute(QueueReviewer.__table__.delete().where(
        QueueReviewer.user_id == reviewer.id))
    db.session.commit()
    assert queries.reviewer_queues(reviewer) == []


# --- managing queues: pages, pool, articles, CLI -------------------------------------------


def test_admin_creates_and_edits_a_queue(app, client, login_as):
    admin, nina = make_user("admin"), make_user(username="nina")
    login_as(admin)
    page = client.get("/queues/new")
    assert page.status_code == 200 and "Reviewer pool" in page.get_data(as_text=True)
    response = client.post("/queues/new", data={
        "name": "Elections", "overlap": "3", "reviewers": [str(nina.id)], "status": "open",
        "ordering": "random", "lease_minutes": "60", "due_date": "2030-01-31"})
    assert response.status_code == 400  # one reviewer cannot give three reviews per article
    assert "needs at least 3 reviewers" in response.get_data(as_text=True)
    others = [make_user() for _ in range(2)]
    response = client.post("/queues/new", data={
        "name": "Elections", "overlap": "3", "status": "open",
        "reviewers": [str(nina.id)] + [str(u.id) for u in others],
        "ordering": "random", "lease_minutes": "60", "due_date": "2030-01-31"})
    assert response.status_code == 302
    queue = queries.find_queue("Elections")
    assert (queue.overlap, queue.ordering, queue.lease_minutes) == (3, "random", 60)
    assert len(queries.pool(queue.id)) == 3
    bad = client.post("/queues/new", data={"name": "Elections", "overlap": "11",
                                           "status": "open", "ordering": "oldest",
                                           "lease_minutes": "60"})
    # The error says what is wrong with what was typed, not the help text again.
    assert bad.status_code == 400
    assert "11 is too many: at most 10 reviewers per article." in bad.get_data(as_text=True)
    response = client.post(f"/queues/{queue.id}/edit", data={
        "name": "Elections 2030", "overlap": "2", "status": "paused", "ordering": "oldest",
        "lease_minutes": "120"})
    assert response.status_code == 302
    db.session.expire_all()
    assert queue.name == "Elections 2030" and queue.status == "paused"
    assert queries.pool(queue.id) == []


def test_overlap_cannot_drop_below_what_is_taken(app):
    reviewers = [make_user() for _ in range(3)]
    article = make_article()
    queue = make_queue(overlap=3, reviewers=reviewers, articles=[article])
    for r in reviewers:
        services.take_next(r, queue.id)
    fields = services.QueueFields(name=queue.name, overlap=2)
    with pytest.raises(services.QueueError, match="below 3"):
        services.update_queue(queue.id, fields)


def test_removing_a_reviewer_revokes_their_lease_but_keeps_their_submissions(app, client,
                                                                            login_as):
    reviewer = make_user()
    first, second = _articles(2)
    queue = make_queue(overlap=1, reviewers=[reviewer], articles=[first, second])
    done = services.take_next(reviewer, queue.id)
    done.submit()
    db.session.commit()
    held = services.take_next(reviewer, queue.id)
    services.update_queue(queue.id, services.QueueFields(name=queue.name, overlap=1), [])
    db.session.expire_all()
    assert held.status == "revoked" and done.status == "submitted"
    assert _counts(queue)[second.id] == (0, 0)
    assert done.can_view(reviewer) and not held.can_edit(reviewer)
    with pytest.raises(services.NotInPool):
        services.take_next(reviewer, queue.id)
    login_as(reviewer)
    mine = client.get("/queues/mine").get_data(as_text=True)
    assert first.title in mine and "submitted" in mine
    if "annotations.annotate" in app.view_functions:
        assert client.get(f"/annotations/{done.id}").status_code == 200


def test_add_articles_by_filter_selection_and_remove(app, client, login_as):
    admin, reviewer = make_user("admin"), make_user()
    outlet = make_outlet("Daily Planet")
    mine = [make_article(outlet=outlet, published_at=datetime(2024, 3, d)) for d in (1, 2, 3)]
    other = make_article(published_at=datetime(2024, 3, 2))
    queue = make_queue(reviewers=[reviewer])
    login_as(admin)
    response = client.post(f"/queues/{queue.id}/add", data={
        "outlet": str(outlet.id), "since": "2024-03-02", "until": "2024-03-03",
        "batch": "0", "queue": "0"})
    assert response.status_code == 302
    assert set(_counts(queue)) == {mine[1].id, mine[2].id}
    assert client.post(f"/queues/{queue.id}/add", data={"outlet": "0", "batch": "0",
                                                        "queue": "0"}).status_code == 400
    client.post("/queues/add-selection", data={"article_ids": [str(other.id), str(mine[1].id)],
                                               "queue": str(queue.id)})
    assert set(_counts(queue)) == {mine[1].id, mine[2].id, other.id}
    added, present = services.add_articles(queue.id, article_filter=ArticleFilter())
    assert (added, present) == (1, 3)
    services.take_next(reviewer, queue.id)  # the oldest: mine[0]
    response = client.post(f"/queues/{queue.id}/remove",
                           data={"article_ids": [str(mine[0].id), str(other.id)]})
    assert response.status_code == 302
    assert set(_counts(queue)) == {mine[0].id, mine[1].id, mine[2].id}
    listing = client.get(f"/queues/{queue.id}/articles").get_data(as_text=True)
    assert mine[0].title in listing and other.title not in listing


def test_progress_page_shows_counts_reviewers_skips_and_stale_leases(app, client, login_as):
    lead, admin = make_user("lead"), make_user("admin")
    ana, ben = make_user(username="ana"), make_user(username="ben")
    articles = _articles(3)
    queue = make_queue(overlap=2, reviewers=[ana, ben], articles=articles,
                       due_date=date(2000, 1, 1))
    a = services.take_next(ana, queue.id)
    a.submit()
    db.session.commit()
    skipped = services.take_next(ben, queue.id)
    services.skip(ben, skipped.id, "other", "Paywalled")
    stale = services.take_next(ana, queue.id)
    stale.lease_expires_at = datetime(2001, 1, 1)
    db.session.commit()
    p = queries.queue_progress(db.session.get(Queue, queue.id))
    assert (p.complete, p.in_progress, p.untouched) == (0, 2, 1)
    # ana submitted the first article and ben skipped it: nobody is left to give it its
    # second review, so the queue cannot finish and promises no date.
    assert p.submitted_slots == 1 and p.stale_count == 1
    assert p.stuck_count == 1 and p.stuck[0].article_id == articles[0].id
    assert p.expected_completion is None and p.on_track is None
    login_as(lead)
    html = client.get(f"/queues/{queue.id}").get_data(as_text=True)
    assert "<progress" in html and "Paywalled" in html and "expired" in html
    assert "/revoke" not in html and "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert client.post(f"/queues/assignments/{stale.id}/revoke").status_code == 403
    login_as(admin)
    assert "/revoke" in client.get(f"/queues/{queue.id}").get_data(as_text=True)
    client.post(f"/queues/assignments/{stale.id}/revoke")
    db.session.expire_all()
    assert stale.status == "revoked"
    index = client.get("/queues/").get_data(as_text=True)
    assert queue.name in index and "<progress" in index


def test_skip_page(app, client, login_as):
    reviewer, other = make_user(), make_user()
    queue = make_queue(overlap=1, reviewers=[reviewer], articles=[make_article()])
    held = services.take_next(reviewer, queue.id)
    login_as(other)
    assert client.get(f"/queues/assignments/{held.id}/skip").status_code == 403
    login_as(reviewer)
    assert client.get(f"/queues/assignments/{held.id}/skip").status_code == 200
    response = client.post(f"/queues/assignments/{held.id}/skip", data={"reason": "other"})
    assert response.status_code == 400 and "Say why" in response.get_data(as_text=True)
    response = client.post(f"/queues/assignments/{held.id}/skip",
                           data={"reason": "duplicate"})
    assert response.status_code == 302
    db.session.expire_all()
    assert held.status == "skipped" and held.skip_reason == "duplicate"
    assert client.get(f"/queues/assignments/{held.id}/skip").status_code == 409


def test_queue_cli(app, runner):
    make_user(username="ana")
    make_user(username="ben")
    outlet = make_outlet("Wire")
    for d in (1, 2):
        make_article(outlet=outlet, published_at=datetime(2024, 5, d))
    make_article(published_at=datetime(2023, 1, 1))
    result = runner.invoke(args=["queue", "create", "Wire queue", "--overlap", "2",
                                 "--reviewers", "ana,ben"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["queue", "create", "Bad", "--reviewers", "ana,zed"])
    assert result.exit_code != 0 and "zed" in result.output
    result = runner.invoke(args=["queue", "add-articles", "Wire queue"])
    assert result.exit_code != 0
    result = runner.invoke(args=["queue", "add-articles", "Wire queue", "--outlet", "Wire",
                                 "--since", "2024-05-02"])
    assert "Added 1 article" in result.output
    result = runner.invoke(args=["queue", "add-articles", "Wire queue", "--all"])
    assert "Added 2 article(s)" in result.output and "1 were already" in result.output
    queue = queries.find_queue("Wire queue")
    services.take_next(db.session.scalar(select(User).where(User.username == "ana")), queue.id)
    result = runner.invoke(args=["queue", "status", "Wire queue"])
    assert result.exit_code == 0 and "3 untouched" not in result.output
    assert "ana" in result.output and "2 untouched" in result.output
    data = json.loads(runner.invoke(args=["queue", "status", "Wire queue", "--json"]).output)
    assert data["articles"] == 3 and data["in_progress"] == 1 and data["total_slots"] == 6
    assert {r["username"]: r["in_progress"] for r in data["reviewers"]} == {"ana": 1, "ben": 0}
    assert runner.invoke(args=["queue", "status", "Nope"]).exit_code != 0


def test_pace_and_expected_completion(app):
    reviewer = make_user()
    articles = _articles(4)
    now = datetime(2030, 6, 10, 12, 0)
    queue = make_queue(overlap=1, reviewers=[reviewer], articles=articles,
                       due_date=date(2030, 6, 20))
    for article in articles[:2]:
        done = make_assignment(queue, article, reviewer, status="submitted")
        done.started_at = now - timedelta(days=1, minutes=30)
        done.submitted_at = now - timedelta(days=1)
    db.session.commit()
    p = queries.queue_progress(queue, now=now)
    assert p.pace_per_day == pytest.approx(2.0) and p.remaining_slots == 2
    assert p.expected_completion == date(2030, 6, 11) and p.on_track is True
    assert p.median_minutes == pytest.approx(30.0)
    assert p.as_dict()["reviewers"][0]["submitted"] == 2
    queue.due_date = date(2030, 6, 10)
    assert queries.queue_progress(queue, now=now).on_track is False


def test_an_overlap_the_pool_cannot_give_is_refused(app, runner, client, login_as):
    ana, ben = make_user(username="ana"), make_user(username="ben")
    result = runner.invoke(args=["queue", "create", "Too wide", "--overlap", "3",
                                 "--reviewers", "ana,ben"])
    assert result.exit_code != 0
    assert "needs at least 3 reviewers" in result.output and "Add 1 more" in result.output
    assert queries.find_queue("Too wide") is None
    assert runner.invoke(args=["queue", "create", "Fits", "--overlap", "2",
                               "--reviewers", "ana,ben"]).exit_code == 0
    with pytest.raises(services.QueueError, match="needs at least 2"):
        services.create_queue(services.QueueFields(name="Empty", overlap=2), [])
    # Raising an existing queue's overlap past its pool is refused too, in the form...
    queue = queries.find_queue("Fits")
    login_as(make_user("admin"))
    response = client.post(f"/queues/{queue.id}/edit", data={
        "name": "Fits", "overlap": "3", "status": "open", "ordering": "oldest",
        "lease_minutes": "120", "reviewers": [str(ana.id), str(ben.id)]})
    assert response.status_code == 400
    assert "An overlap of 3 needs at least 3 reviewers" in response.get_data(as_text=True)
    # ... while a pool may shrink below it (someone left): the progress page then lists
    # what can no longer be completed.
    response = client.post(f"/queues/{queue.id}/edit", data={
        "name": "Fits", "overlap": "2", "status": "open", "ordering": "oldest",
        "lease_minutes": "120", "reviewers": [str(ana.id)]})
    assert response.status_code == 302


def test_articles_that_can_never_get_their_overlap_are_listed(app, client, login_as):
    ana, ben, cy = make_user(username="ana"), make_user(username="ben"), make_user(username="cy")
    articles = _articles(3)
    queue = make_queue(overlap=2, reviewers=[ana, ben, cy], articles=articles)
    first = services.take_next(ana, queue.id)
    first.submit()
    db.session.commit()
    p = queries.queue_progress(db.session.get(Queue, queue.id))
    assert p.stuck_count == 0 and p.expected_completion is not None
    skipped = services.take_next(ben, queue.id)  # the same oldest article
    assert skipped.article_id == first.article_id
    services.skip(ben, skipped.id, "other", "Paywalled")
    p = queries.queue_progress(db.session.get(Queue, queue.id))
    assert p.stuck_count == 0  # cy can still give it its second review
    services.update_queue(queue.id, services.QueueFields(name=queue.name, overlap=2),
                          [ana.id, ben.id])  # cy leaves
    p = queries.queue_progress(db.session.get(Queue, queue.id))
    assert p.stuck_count == 1 and [s.article_id for s in p.stuck] == [first.article_id]
    assert (p.stuck[0].submitted, p.stuck[0].possible) == (1, 1)
    assert p.expected_completion is None and p.as_dict()["stuck_articles"] == 1
    login_as(make_user("lead"))
    html = client.get(f"/queues/{queue.id}").get_data(as_text=True)
    assert "1 article can never get 2 reviews" in html and first.article.title in html
    assert "can never be completed" in html
