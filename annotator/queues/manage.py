"""Managing queues: create and edit them, their reviewer pool, add and remove articles."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.exc import IntegrityError

from annotator.articles.queries import matching_articles
from annotator.database import write_transaction
from annotator.errors import QueueError
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models.annotations import Annotation
from annotator.models.articles import Article
from annotator.models.auth import User
from annotator.models.queues import Assignment, Queue, QueueArticle, QueueReviewer
from annotator.timeutil import utcnow
from annotator.vocabulary import HOLDING_STATUSES, QUEUE_ORDERS, QUEUE_STATUSES

INSERT_CHUNK = 2000


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


def create_queue(fields: QueueFields, reviewer_ids: list[int] = (),
                 created_by_id: int | None = None) -> Queue:
    """Create a queue with its reviewer pool."""
    try:
        with write_transaction():
            _check_fields(fields)
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
        for name in ("overlap", "status", "ordering", "lease_minutes", "due_date"):
            setattr(queue, name, getattr(fields, name))
        queue.name = fields.name.strip()
        queue.description = fields.description.strip()
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


def pool(queue_id: int) -> list[User]:
    """Return the queue's reviewers by username."""
    return db.session.scalars(
        select(User).join(QueueReviewer, QueueReviewer.user_id == User.id)
        .where(QueueReviewer.queue_id == queue_id).order_by(User.username)).all()


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


def find_queue(name_or_id: str) -> Queue | None:
    """Return the queue with this name (or numeric id)."""
    queue = db.session.scalar(select(Queue).where(Queue.name == name_or_id))
    if queue is None and name_or_id.isdigit():
        queue = db.session.get(Queue, int(name_or_id))
    return queue


def users_by_name(usernames: list[str]) -> list[User]:
    """Return the users named, raising QueueError for unknown names."""
    names = [n.strip().lower() for n in usernames if n.strip()]
    users = db.session.scalars(select(User).where(User.username.in_(names))).all()
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise QueueError("No user named " + ", ".join(missing) + ".")
    return list(users)
