"""Queue writes: creating and editing queues, their pools and articles; handing out work,
skips and revokes.

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

from sqlalchemy import DateTime, bindparam, delete, exists, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from annotator.articles.queries import matching_articles
from annotator.database import write_transaction
from annotator.errors import AssignmentStateError, NotInPool, QueueError
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models.annotations import Annotation
from annotator.models.articles import Article
from annotator.models.queues import Assignment, Queue, QueueArticle, QueueReviewer
from annotator.queues.queries import pick_article
from annotator.sqltime import plus_minutes
from annotator.timeutil import utcnow
from annotator.vocabulary import HOLDING_STATUSES, QUEUE_ORDERS, QUEUE_STATUSES, Status

log = logging.getLogger(__name__)

HANDOUT_ATTEMPTS = 5
INSERT_CHUNK = 2000
SKIP_REASON_LABELS = {
    "not_news": "Not news",
    "duplicate": "Duplicate",
    "not_english": "Not in English",
    "other": "Other",
}


class _Contention(Exception):
    """A hand-out lost a race it should not be able to lose; the attempt is retried."""


# --- queues, pools and articles -------------------------------------------------------------


@dataclass
class QueueFields:
    """The editable settings of a queue."""

    name: str
    overlap: int = 2
    description: str = ""
    status: str = "open"
    ordering: str = "oldest"
    lease_minutes: int = 120
    due_date: date | None = None


def _check_fields(fields: QueueFields, queue_id: int | None = None) -> None:
    if not fields.name.strip():
        raise QueueError("A queue needs a name.")
    if not 1 <= fields.overlap <= 10:
        raise QueueError("Overlap is between 1 and 10 reviewers per article.")
    if fields.status not in QUEUE_STATUSES or fields.ordering not in QUEUE_ORDERS:
        raise QueueError("Unknown status or order.")
    if fields.lease_minutes < 1:
        raise QueueError("A lease lasts at least one minute.")
    clash = db.session.scalar(select(Queue.id).where(Queue.name == fields.name.strip()))
    if clash is not None and clash != queue_id:
        raise QueueError(f"A queue named {fields.name.strip()!r} already exists.")


def check_pool_size(overlap: int, pool_size: int) -> None:
    """Refuse an overlap the reviewer pool cannot give: each article needs that many people."""
    if pool_size < overlap:
        missing = overlap - pool_size
        raise QueueError(
            f"An overlap of {overlap} needs at least {overlap} reviewers in the pool, since each "
            f"article goes to {overlap} different reviewers; the pool has {pool_size}. Add "
            f"{missing} more reviewer{'s' if missing != 1 else ''} or lower the overlap to "
            f"{max(pool_size, 1)}.")


def create_queue(fields: QueueFields, reviewer_ids: list[int] = (),
                 created_by_id: int | None = None) -> Queue:
    """Create a queue with its reviewer pool."""
    try:
        with write_transaction():
            _check_fields(fields)
            check_pool_size(fields.overlap, len(set(reviewer_ids)))
            queue = Queue(name=fields.name.strip(), overlap=fields.overlap,
                          description=fields.description.strip(), status=fields.status,
                          ordering=fields.ordering, lease_minutes=fields.lease_minutes,
                          due_date=fields.due_date, created_by_id=created_by_id)
            db.session.add(queue)
            db.session.flush()
            for user_id in sorted(set(reviewer_ids)):
                db.session.add(QueueReviewer(queue_id=queue.id, user_id=user_id))
    except IntegrityError as exc:  # a parallel request took the name
        raise QueueError(f"A queue named {fields.name.strip()!r} already exists.") from exc
    return queue


def update_queue(queue_id: int, fields: QueueFields,
                 reviewer_ids: list[int] | None = None) -> Queue:
    """Change a queue's settings and, when given, its reviewer pool (one transaction)."""
    with write_transaction():
        _check_fields(fields, queue_id)
        queue = db.session.get(Queue, queue_id, with_for_update=True)
        busiest = db.session.scalar(
            select(func.max(QueueArticle.taken)).where(QueueArticle.queue_id == queue_id)) or 0
        if fields.overlap < busiest:
            raise QueueError(f"Overlap cannot go below {busiest}: that many reviewers already "
                             "hold or submitted one of its articles.")
        old_overlap = queue.overlap
        for name in ("overlap", "status", "ordering", "lease_minutes", "due_date"):
            setattr(queue, name, getattr(fields, name))
        queue.name = fields.name.strip()
        queue.description = fields.description.strip()
        if fields.overlap > old_overlap:  # a pool may shrink (people leave); a raise must fit
            size = len(set(reviewer_ids)) if reviewer_ids is not None else db.session.scalar(
                select(func.count()).where(QueueReviewer.queue_id == queue_id))
            check_pool_size(fields.overlap, size)
        if reviewer_ids is not None:
            _set_pool(queue, set(reviewer_ids))
    return queue


def _set_pool(queue: Queue, wanted: set[int]) -> None:
    """Make the pool exactly `wanted`; removed reviewers' active leases are revoked."""
    current = set(db.session.scalars(
        select(QueueReviewer.user_id).where(QueueReviewer.queue_id == queue.id)))
    removed = current - wanted
    for user_id in sorted(wanted - current):
        db.session.add(QueueReviewer(queue_id=queue.id, user_id=user_id))
    if not removed:
        return
    db.session.execute(delete(QueueReviewer).where(
        QueueReviewer.queue_id == queue.id, QueueReviewer.user_id.in_(removed)))
    # Their unfinished articles go back to the pool; what they submitted stays theirs.
    Assignment.revoke_all(queue.id, removed, utcnow())


def add_articles(queue_id: int, article_ids: list[int] | None = None,
                 article_filter: ArticleFilter | None = None) -> tuple[int, int]:
    """Add articles by id or by filter (an empty filter: all); return (added, already in)."""
    stmt = select(Article.id, func.coalesce(Article.published_at, Article.created_at))
    if article_ids is not None:
        stmt = stmt.where(Article.id.in_(set(article_ids)))
    elif article_filter is not None:
        stmt = matching_articles(stmt, article_filter)
    else:
        raise QueueError("Say which articles to add.")
    with write_transaction():
        if db.session.get(Queue, queue_id) is None:
            raise QueueError("There is no such queue.")
        present = select(QueueArticle.id).where(QueueArticle.queue_id == queue_id,
                                                QueueArticle.article_id == Article.id)
        new = db.session.execute(stmt.where(~exists(present)).order_by(Article.id)).all()
        matched = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
        now = utcnow()
        rng = random.SystemRandom()
        for lo in range(0, len(new), INSERT_CHUNK):
            db.session.execute(insert(QueueArticle), [
                {"queue_id": queue_id, "article_id": article_id, "sort_date": when,
                 "sort_key": rng.random(), "added_at": now, "taken": 0, "submitted": 0}
                for article_id, when in new[lo:lo + INSERT_CHUNK]
            ])
    return len(new), matched - len(new)


def remove_articles(queue_id: int, article_ids: list[int]) -> tuple[int, int]:
    """Remove articles nobody has labelled or holds in this queue; return (removed, kept)."""
    with write_transaction():
        busy = set(db.session.scalars(
            select(Assignment.article_id).where(
                Assignment.queue_id == queue_id, Assignment.article_id.in_(article_ids),
                Assignment.status.in_(HOLDING_STATUSES))))
        labelled = set(db.session.scalars(
            select(Assignment.article_id)
            .join(Annotation, Annotation.assignment_id == Assignment.id)
            .where(Assignment.queue_id == queue_id, Assignment.article_id.in_(article_ids))))
        removable = sorted(set(article_ids) - busy - labelled)
        removed = db.session.execute(
            delete(QueueArticle).where(QueueArticle.queue_id == queue_id,
                                       QueueArticle.article_id.in_(removable))
        ).rowcount if removable else 0
    return removed, len(set(article_ids)) - removed


# --- handing out work -----------------------------------------------------------------------


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
    picked = pick_article(queue, user_id)
    if picked is None:
        return None
    qa_id, article_id = picked
    assignment = Assignment.take(queue, qa_id, article_id, user_id, now)
    if assignment is None:  # cannot happen under the queue lock; refuse rather than overfill
        raise _Contention("slot taken concurrently")
    return assignment.id


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
