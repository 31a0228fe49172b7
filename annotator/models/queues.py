"""Annotation queues, their articles and reviewers, and assignments (leases)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import check_in, db
from annotator.timeutil import utcnow
from annotator.vocabulary import ASSIGNMENT_STATUSES, QUEUE_ORDERS, QUEUE_STATUSES, SKIP_REASONS


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
    article: Mapped[Article] = relationship()  # noqa: F821


@event.listens_for(QueueArticle, "before_insert")
def _fill_sort_date(mapper, connection, target: QueueArticle) -> None:
    """Copy the article's publication (else import) time into sort_date when unset."""
    if target.sort_date is None:
        from annotator.models.articles import Article

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
    status: Mapped[str] = mapped_column(String(16), default="active")
    lease_expires_at: Mapped[datetime | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    reopened_at: Mapped[datetime | None]
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    skip_reason: Mapped[str | None] = mapped_column(String(16))
    skip_note: Mapped[str | None] = mapped_column(String(500))

    queue: Mapped[Queue] = relationship()
    article: Mapped[Article] = relationship()  # noqa: F821
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])  # noqa: F821

    def can_view(self, user) -> bool:
        """Return whether the user may see this assignment's labels."""
        return user.is_lead or user.id == self.reviewer_id

    def can_edit(self, user) -> bool:
        """Return whether the user may change labels: the owner, while it is active."""
        return user.id == self.reviewer_id and self.status == "active"
