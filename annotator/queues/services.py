"""Handing out work: next article, leases, skips and revokes.

The status changes themselves are the Assignment model's methods (take, submit, reopen,
skip, revoke, expire_stale, revoke_all), which keep the queue_articles counters true; this
module decides when they happen and gives each its write transaction.

Hand-outs of one queue serialise on the queue's row: their transaction starts as a
write transaction (write_transaction) whose first statement bumps queues.lock_version. On
SQLite that takes the database's write lock up front; on PostgreSQL the row lock makes
the next hand-out of the same queue wait, and READ COMMITTED lets it see what the
previous one committed. The other changes (submit, skip, revoke) are conditional UPDATEs
of one assignment with atomic counter increments, so they never race a hand-out into an
overfull article.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import DateTime, bindparam, exists, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from annotator.database import write_transaction
from annotator.errors import AssignmentStateError, NotInPool
from annotator.extensions import db
from annotator.models.queues import Assignment, Queue, QueueArticle, QueueReviewer
from annotator.sqltime import plus_minutes
from annotator.timeutil import utcnow
from annotator.vocabulary import Status

log = logging.getLogger(__name__)

HANDOUT_ATTEMPTS = 5
SKIP_REASON_LABELS = {
    "not_news": "Not news",
    "duplicate": "Duplicate",
    "not_english": "Not in English",
    "other": "Other",
}


class _Contention(Exception):
    """A hand-out lost a race it should not be able to lose; the attempt is retried."""


@dataclass
class QueueSummary:
    """A queue as one reviewer sees it on their home page."""

    id: int
    name: str
    description: str
    status: str
    due_date: date | None
    overlap: int
    lease_minutes: int
    articles: int
    submitted_slots: int
    my_submitted: int
    my_in_progress: int
    my_skipped: int
    active_assignment_id: int | None
    has_work: bool

    @property
    def total_slots(self) -> int:
        return self.articles * self.overlap

    @property
    def completion(self) -> float:
        """Return the share of all slots (articles x overlap) that are submitted, 0..1."""
        if not self.total_slots:
            return 0.0
        return min(1.0, self.submitted_slots / self.total_slots)

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def reviewer_queues(user) -> list[QueueSummary]:
    """Return the open and paused queues the user is in the pool of, with their progress."""
    queues = db.session.scalars(
        select(Queue)
        .join(QueueReviewer, QueueReviewer.queue_id == Queue.id)
        .where(QueueReviewer.user_id == user.id, Queue.status.in_(("open", "paused")))
        .order_by(Queue.due_date.is_(None), Queue.due_date, Queue.name)
    ).all()
    if not queues:
        return []
    ids = [q.id for q in queues]
    totals = {
        queue_id: (articles, submitted or 0)
        for queue_id, articles, submitted in db.session.execute(
            select(QueueArticle.queue_id, func.count(), func.sum(QueueArticle.submitted))
            .where(QueueArticle.queue_id.in_(ids))
            .group_by(QueueArticle.queue_id)
        )
    }
    mine: dict[tuple[int, str], int] = {
        (queue_id, status): n
        for queue_id, status, n in db.session.execute(
            select(Assignment.queue_id, Assignment.status, func.count())
            .where(Assignment.reviewer_id == user.id, Assignment.queue_id.in_(ids))
            .group_by(Assignment.queue_id, Assignment.status)
        )
    }
    active = dict(
        db.session.execute(
            select(Assignment.queue_id, func.min(Assignment.id))
            .where(Assignment.reviewer_id == user.id, Assignment.queue_id.in_(ids),
                   Assignment.status == Status.ACTIVE)
            .group_by(Assignment.queue_id)
        ).all()
    )
    summaries = []
    for q in queues:
        articles, submitted = totals.get(q.id, (0, 0))
        has_work = q.status == "open" and (
            q.id in active or _pick_article(q, user.id) is not None
        )
        summaries.append(QueueSummary(
            id=q.id, name=q.name, description=q.description or "", status=q.status,
            due_date=q.due_date, overlap=q.overlap, lease_minutes=q.lease_minutes,
            articles=articles, submitted_slots=min(submitted, articles * q.overlap),
            my_submitted=mine.get((q.id, Status.SUBMITTED), 0),
            my_in_progress=mine.get((q.id, Status.ACTIVE), 0),
            my_skipped=mine.get((q.id, Status.SKIPPED), 0),
            active_assignment_id=active.get(q.id), has_work=has_work,
        ))
    return summaries


def take_next(user, queue_id: int) -> Assignment | None:
    """Resume the user's active assignment in the queue, or lease them the next article.

    Returns None when the queue has nothing left for the user or is not open; raises
    NotInPool when the user may not take work from it. Commits its own transaction.
    """
    user_id = user.id
    for attempt in range(1, HANDOUT_ATTEMPTS + 1):
        try:
            with write_transaction():
                assignment_id = _take_next_once(user_id, queue_id)
        except (IntegrityError, OperationalError, _Contention) as exc:
            # Contention (a lock timeout, a deadlock, a duplicate from a parallel
            # request of the same user), rolled back: start over; the next attempt sees
            # the winner.
            if attempt == HANDOUT_ATTEMPTS:
                raise
            log.info("hand-out retry %s for queue %s: %s", attempt, queue_id,
                     type(exc).__name__)
            time.sleep(random.uniform(0.005, 0.05) * attempt)
            continue
        return db.session.get(Assignment, assignment_id) if assignment_id else None
    return None  # pragma: no cover (the loop returns or raises)


def _lock_queue(queue_id: int) -> bool:
    """Bump the queue's lock_version (the hand-out mutex); return whether it exists."""
    result = db.session.execute(
        text("UPDATE queues SET lock_version = lock_version + 1 WHERE id = :id"),
        {"id": queue_id},
    )
    return result.rowcount == 1


def _take_next_once(user_id: int, queue_id: int) -> int | None:
    """Run one hand-out attempt inside the caller's write transaction; return an assignment id."""
    if not _lock_queue(queue_id):
        raise NotInPool("There is no such queue.")
    queue = db.session.get(Queue, queue_id, populate_existing=True)
    in_pool = db.session.scalar(
        select(QueueReviewer.id).where(QueueReviewer.queue_id == queue_id,
                                       QueueReviewer.user_id == user_id)
    )
    if in_pool is None:
        raise NotInPool("You are not a reviewer of this queue.")
    if queue.status != "open":
        return None
    now = utcnow()
    mine = db.session.scalar(
        select(Assignment.id)
        .where(Assignment.queue_id == queue_id, Assignment.reviewer_id == user_id,
               Assignment.status == Status.ACTIVE)
        .order_by(Assignment.id).limit(1)
    )
    if mine is not None:
        # Still yours even if the lease ran out, as long as nobody reclaimed it.
        db.session.execute(
            update(Assignment).where(Assignment.id == mine)
            .values(lease_expires_at=now + timedelta(minutes=queue.lease_minutes),
                    updated_at=now)
        )
        return mine
    Assignment.expire_stale(queue_id, now)
    picked = _pick_article(queue, user_id)
    if picked is None:
        return None
    qa_id, article_id = picked
    assignment = Assignment.take(queue, qa_id, article_id, user_id, now)
    if assignment is None:  # cannot happen under the queue lock; refuse rather than overfill
        raise _Contention("slot taken concurrently")
    return assignment.id


def _pick_article(queue: Queue, user_id: int) -> tuple[int, int] | None:
    """Return (queue_article id, article id) of the next free article the user never had."""
    had = exists().where(
        Assignment.queue_id == queue.id,
        Assignment.article_id == QueueArticle.article_id,
        Assignment.reviewer_id == user_id,
    )
    stmt = select(QueueArticle.id, QueueArticle.article_id).where(
        QueueArticle.queue_id == queue.id, QueueArticle.taken < queue.overlap, ~had
    )
    # Each order matches an index of queue_articles, so this walks it and stops early.
    if queue.ordering == "oldest":
        stmt = stmt.order_by(QueueArticle.sort_date.asc(), QueueArticle.article_id.asc())
    elif queue.ordering == "newest":
        stmt = stmt.order_by(QueueArticle.sort_date.desc(), QueueArticle.article_id.desc())
    elif queue.ordering == "random":
        stmt = stmt.order_by(QueueArticle.sort_key, QueueArticle.id)
    else:  # fewest reviews first: breadth before depth
        stmt = stmt.order_by(QueueArticle.submitted, QueueArticle.taken, QueueArticle.id)
    row = db.session.execute(stmt.limit(1)).first()
    return (row[0], row[1]) if row else None


# Built once: renew_lease runs on every label save. One UPDATE reads the queue's lease length
# itself, and it goes to the connection, so no loaded Assignment is changed or flushed again.
_A, _Q = Assignment.__table__, Queue.__table__
_RENEW = (
    update(_A)
    .where(_A.c.id == bindparam("lease_assignment_id"), _A.c.status == Status.ACTIVE)
    .values(lease_expires_at=plus_minutes(
                bindparam("now", type_=DateTime()),
                select(_Q.c.lease_minutes).where(_Q.c.id == bindparam("lease_queue_id"))
                .scalar_subquery()),
            updated_at=bindparam("now", type_=DateTime()))
)


def renew_lease(assignment_id: int, queue_id: int) -> bool:
    """Extend an active assignment's lease from now; False when it is no longer active.

    Call it inside the caller's write transaction (write_transaction); it does not commit.
    A False answer means the lease was reclaimed or revoked: refuse the edit.
    """
    result = db.session.connection().execute(
        _RENEW, {"lease_assignment_id": assignment_id, "lease_queue_id": queue_id,
                 "now": utcnow()})
    return result.rowcount == 1


def skip(user, assignment_id: int, reason: str, note: str | None = None) -> Assignment:
    """Decline an active assignment with a reason; its slot returns to the pool."""
    if reason not in SKIP_REASON_LABELS:
        raise AssignmentStateError("Choose a reason for skipping.")
    if reason == "other" and not (note or "").strip():
        raise AssignmentStateError("Say why you skip this article.")
    user_id = user.id
    with write_transaction():
        assignment = db.session.get(Assignment, assignment_id)
        if assignment is None or assignment.reviewer_id != user_id:
            raise AssignmentStateError("This is not your assignment.")
        assignment.skip(reason, (note or "").strip()[:500] or None, utcnow())
    return db.session.get(Assignment, assignment_id)


def revoke(assignment_id: int) -> Assignment:
    """Take an active assignment's slot back (an admin's action on a stale lease)."""
    with write_transaction():
        assignment = db.session.get(Assignment, assignment_id)
        if assignment is None:
            raise AssignmentStateError("No such assignment.")
        assignment.revoke(utcnow())
    return db.session.get(Assignment, assignment_id)
