"""Annotation queues, their articles and reviewers, and assignments (leases).

An assignment changes status only through its methods (take, submit, reopen, skip, revoke,
and expire_stale and revoke_all for many at once), because they keep the queue_articles
counters true: `taken` counts the active plus submitted assignments (never above the
queue's overlap), `submitted` the submitted ones. Each runs inside the caller's write
transaction and does not commit. A change is a conditional UPDATE on the status the row has
in the database, not the one loaded, and the counters move by atomic increments, so no two
requests can both make it or race a hand-out into an overfull article.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.errors import AssignmentStateError
from annotator.extensions import check_in, db
from annotator.models.articles import Article
from annotator.timeutil import utcnow
from annotator.vocabulary import (
    ASSIGNMENT_STATUSES,
    QUEUE_ORDERS,
    QUEUE_STATUSES,
    SKIP_REASONS,
    Status,
)


class Queue(db.Model):
    __tablename__ = "queues"
    __table_args__ = (
        CheckConstraint("overlap BETWEEN 1 AND 10", name="overlap"),
        CheckConstraint(check_in("status", QUEUE_STATUSES), name="status"),
        CheckConstraint(check_in("ordering", QUEUE_ORDERS), name="ordering"),
        CheckConstraint("lease_minutes > 0", name="lease_minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    overlap: Mapped[int] = mapped_column(default=2)
    status: Mapped[str] = mapped_column(String(16), default="open")
    due_date: Mapped[date | None]
    ordering: Mapped[str] = mapped_column(String(16), default="oldest")
    lease_minutes: Mapped[int] = mapped_column(default=120)
    # Bumped by every hand-out: the first write of that transaction, so hand-outs
    # of one queue serialise on SQLite and PostgreSQL alike.
    lock_version: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Queue {self.name}>"


class QueueArticle(db.Model):
    __tablename__ = "queue_articles"
    __table_args__ = (
        UniqueConstraint("queue_id", "article_id"),
        CheckConstraint("taken >= 0", name="taken"),
        Index("ix_queue_articles_queue_taken", "queue_id", "taken"),
        # One index per hand-out order, so "next article" walks an index and stops at
        # the first free article instead of sorting the whole queue.
        Index("ix_queue_articles_order_date", "queue_id", "sort_date", "article_id", "taken"),
        Index("ix_queue_articles_order_random", "queue_id", "sort_key", "id", "taken"),
        Index("ix_queue_articles_order_fewest", "queue_id", "submitted", "taken", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A random number fixed when added: the "random" order without ORDER BY random().
    sort_key: Mapped[float] = mapped_column(default=0.0)
    # The article's publication time, else its import time: the oldest/newest order
    # (copied here so that order has an index within the queue).
    # Filled from the article on insert when not given (see _fill_sort_date).
    sort_date: Mapped[datetime]
    # Slots held: active plus submitted assignments; never above the queue's overlap.
    taken: Mapped[int] = mapped_column(default=0)
    submitted: Mapped[int] = mapped_column(default=0)

    queue: Mapped[Queue] = relationship()
    article: Mapped[Article] = relationship()


@event.listens_for(QueueArticle, "before_insert")
def _fill_sort_date(mapper, connection, target: QueueArticle) -> None:
    """Copy the article's publication (else import) time into sort_date when unset."""
    if target.sort_date is None:
        target.sort_date = connection.scalar(
            select(func.coalesce(Article.published_at, Article.created_at))
            .where(Article.id == target.article_id)
        )


class QueueReviewer(db.Model):
    __tablename__ = "queue_reviewers"
    __table_args__ = (UniqueConstraint("queue_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(db.Model):
    """One reviewer's work on one article of a queue."""

    __tablename__ = "assignments"
    __table_args__ = (
        # No reviewer gets an article twice in a queue.
        UniqueConstraint("queue_id", "article_id", "reviewer_id"),
        CheckConstraint(check_in("status", ASSIGNMENT_STATUSES), name="status"),
        CheckConstraint(
            "skip_reason IS NULL OR " + check_in("skip_reason", SKIP_REASONS), name="skip_reason"
        ),
        Index("ix_assignments_reviewer_status", "reviewer_id", "status"),
        Index("ix_assignments_queue_status", "queue_id", "status"),
        Index("ix_assignments_article", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default=Status.ACTIVE)
    lease_expires_at: Mapped[datetime | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    reopened_at: Mapped[datetime | None]
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    skip_reason: Mapped[str | None] = mapped_column(String(16))
    skip_note: Mapped[str | None] = mapped_column(String(500))

    queue: Mapped[Queue] = relationship()
    article: Mapped[Article] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])  # noqa: F821

    def can_view(self, user) -> bool:
        """Return whether the user may see this assignment's labels."""
        return user.is_lead or user.id == self.reviewer_id

    def can_edit(self, user) -> bool:
        """Return whether the user may change labels: the owner, while it is active."""
        return user.id == self.reviewer_id and self.status == Status.ACTIVE

    # --- state changes (see the module's docstring) ---------------------------------------

    @classmethod
    def take(cls, queue: Queue, queue_article_id: int, article_id: int, reviewer_id: int,
             now: datetime | None = None) -> Assignment | None:
        """Lease one of the article's free slots to the reviewer: a new active assignment.

        Returns None, changing nothing, when the article has no free slot left.
        """
        now = now or utcnow()
        grabbed = db.session.execute(
            update(QueueArticle)
            .where(QueueArticle.id == queue_article_id, QueueArticle.taken < queue.overlap)
            .values(taken=QueueArticle.taken + 1)
        ).rowcount
        if grabbed != 1:
            return None
        assignment = cls(queue_id=queue.id, article_id=article_id, reviewer_id=reviewer_id,
                         status=Status.ACTIVE,
                         lease_expires_at=now + timedelta(minutes=queue.lease_minutes),
                         started_at=now, updated_at=now)
        db.session.add(assignment)
        db.session.flush()
        return assignment

    def submit(self, now: datetime | None = None) -> None:
        """Active to submitted: the reviewer is done and keeps the slot."""
        now = now or utcnow()
        self._move(Status.ACTIVE, Status.SUBMITTED, now, submitted=1, submitted_at=now)

    def reopen(self, by_user_id: int, now: datetime | None = None) -> None:
        """Submitted to active again for its reviewer, who keeps the slot and gets a fresh
        lease of the queue's length (a lead's action)."""
        now = now or utcnow()
        minutes = db.session.scalar(select(Queue.lease_minutes).where(Queue.id == self.queue_id))
        self._move(Status.SUBMITTED, Status.ACTIVE, now, submitted=-1, reopened_at=now,
                   reopened_by_id=by_user_id, submitted_at=None,
                   lease_expires_at=now + timedelta(minutes=minutes))

    def skip(self, reason: str, note: str | None, now: datetime | None = None) -> None:
        """Active to skipped: the reviewer declined with a reason; the slot is freed."""
        self._move(Status.ACTIVE, Status.SKIPPED, now or utcnow(), taken=-1, skip_reason=reason,
                   skip_note=note, lease_expires_at=None)

    def revoke(self, now: datetime | None = None) -> None:
        """Active to revoked: an admin took the slot back."""
        self._move(Status.ACTIVE, Status.REVOKED, now or utcnow(), taken=-1,
                   lease_expires_at=None)

    def _move(self, source: str, to: str, now: datetime, taken: int = 0, submitted: int = 0,
              **values) -> None:
        """Change the status from `source` to `to` and move the article's counters."""
        cls = type(self)
        changed = db.session.execute(
            update(cls).where(cls.id == self.id, cls.status == source)
            .values(status=to, updated_at=now, **values),
            execution_options={"synchronize_session": False},
        ).rowcount
        if changed != 1:
            raise AssignmentStateError(f"This assignment is no longer {source}.")
        if taken or submitted:
            db.session.execute(
                update(QueueArticle)
                .where(QueueArticle.queue_id == self.queue_id,
                       QueueArticle.article_id == self.article_id)
                .values(taken=QueueArticle.taken + taken,
                        submitted=QueueArticle.submitted + submitted)
            )
        db.session.expire(self)

    @classmethod
    def expire_stale(cls, queue_id: int, now: datetime | None = None) -> int:
        """Active to expired for every lease of the queue that ran out; free their slots.

        Set-based: one UPDATE for them all. Returns how many expired.
        """
        now = now or utcnow()
        return cls._release_many(queue_id, cls.lease_expires_at < now,
                                 status=Status.EXPIRED, updated_at=now)

    @classmethod
    def revoke_all(cls, queue_id: int, reviewer_ids: set[int],
                   now: datetime | None = None) -> int:
        """Active to revoked for the reviewers' assignments in the queue (they left its pool);
        what they submitted stays theirs. Set-based. Returns how many were revoked."""
        return cls._release_many(queue_id, cls.reviewer_id.in_(reviewer_ids),
                                 status=Status.REVOKED, lease_expires_at=None,
                                 updated_at=now or utcnow())

    @classmethod
    def _release_many(cls, queue_id: int, which: ColumnElement[bool], **values) -> int:
        """Move the queue's active assignments matching `which` out of active, freeing slots."""
        articles = db.session.execute(
            update(cls)
            .where(cls.queue_id == queue_id, cls.status == Status.ACTIVE, which)
            .values(**values)
            .returning(cls.article_id),
            execution_options={"synchronize_session": False},
        ).scalars().all()
        freed: dict[int, int] = {}
        for article_id in articles:
            freed[article_id] = freed.get(article_id, 0) + 1
        for article_id in sorted(freed):
            db.session.execute(
                update(QueueArticle)
                .where(QueueArticle.queue_id == queue_id, QueueArticle.article_id == article_id)
                .values(taken=QueueArticle.taken - freed[article_id])
            )
        return len(articles)
