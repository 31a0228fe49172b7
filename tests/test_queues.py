"""Handing out work: next article, leases, skips, revokes, paused queues, the pool."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Assignment, QueueArticle, QueueReviewer
from annotator.queues import services
from tests.factories import make_article, make_assignment, make_queue, make_user


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
    services.mark_submitted(a)
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
    assert not services.renew_lease(held)


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
    assert services.renew_lease(held)
    db.session.commit()
    assert held.lease_expires_at >= before
    services.revoke(held.id)
    assert _counts(queue)[article.id] == (0, 0)
    with pytest.raises(services.AssignmentStateError):
        services.revoke(held.id)
    assert not services.renew_lease(held)


def test_reopen_keeps_the_slot(app):
    reviewer, lead = make_user(), make_user("lead")
    article = make_article()
    queue = make_queue(overlap=1, reviewers=[reviewer], articles=[article])
    held = services.take_next(reviewer, queue.id)
    services.mark_submitted(held)
    db.session.commit()
    assert _counts(queue)[article.id] == (1, 1)
    services.reopen(held, lead)
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
    [summary] = services.reviewer_queues(reviewer)
    assert summary.id == queue.id and summary.articles == 2
    assert summary.submitted_slots == 1 and summary.completion == pytest.approx(0.25)
    assert summary.my_in_progress == 1 and summary.active_assignment_id is not None
    assert summary.has_work
    db.session.execute(QueueReviewer.__table__.delete().where(
        QueueReviewer.user_id == reviewer.id))
    db.session.commit()
    assert services.reviewer_queues(reviewer) == []
