"""Verdicts on checked sentences, predictions that come due, their sources and history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import check_in, db
from annotator.timeutil import utcnow
from annotator.vocabulary import CHECK_ACTIONS, OUTCOMES, STANCES, VERDICT_STATUSES


class Rating(db.Model):
    """One step of the desk's rating scale, in display order (best first).

    ``score`` is the ClaimReview ratingValue (None: off the numeric scale, like
    "unverifiable"); ``counts_false`` puts it in the outlet's "mostly false or false" share.
    The scale is written once (the defaults, or an admin's version) and frozen once a
    verdict uses it.
    """

    __tablename__ = "verdict_ratings"
    __table_args__ = (UniqueConstraint("position"), UniqueConstraint("name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(60))
    score: Mapped[int | None]
    counts_false: Mapped[bool] = mapped_column(default=False)


class Verdict(db.Model):
    """A lead's verdict on one sentence (gold claim or fact): draft, then published."""

    __tablename__ = "verdicts"
    __table_args__ = (
        UniqueConstraint("unit_id"),
        CheckConstraint(check_in("status", VERDICT_STATUSES), name="status"),
        Index("ix_verdicts_outlet_status", "outlet_id", "status", "rating_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # Where the gold label came from (the adjudication page it was recorded from).
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"))
    rating_id: Mapped[int] = mapped_column(ForeignKey("verdict_ratings.id"))
    # Sanitised HTML (annotator.sanitize.clean_note), safe to render as markup.
    rationale: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Who last changed its rating, rationale or sources: they cannot publish that change.
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    # Bumped by every change: an edit names the version it started from, so two leads
    # cannot overwrite each other.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    rating: Mapped[Rating] = relationship()
    unit: Mapped[Unit] = relationship()  # noqa: F821
    article: Mapped[Article] = relationship()  # noqa: F821
    outlet: Mapped[Outlet] = relationship()  # noqa: F821
    author: Mapped[User] = relationship(foreign_keys=[author_id])  # noqa: F821
    publisher: Mapped[User | None] = relationship(foreign_keys=[published_by_id])  # noqa: F821
    sources: Mapped[list[CheckSource]] = relationship(
        primaryjoin="CheckSource.verdict_id == Verdict.id", order_by="CheckSource.id",
        viewonly=True)

    def can_publish(self, user) -> bool:
        """Return whether the user may publish it: a lead who neither wrote nor last edited it."""
        return user.is_lead and user.id not in (self.author_id, self.editor_id)


class Prediction(db.Model):
    """A sentence whose gold label is prediction: when it is due, and how it turned out."""

    __tablename__ = "predictions"
    __table_args__ = (
        UniqueConstraint("unit_id"),
        CheckConstraint("outcome IS NULL OR " + check_in("outcome", OUTCOMES), name="outcome"),
        Index("ix_predictions_due", "outcome", "resolves_by"),
        Index("ix_predictions_outlet", "outlet_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"))
    resolves_by: Mapped[date]
    # The words of the sentence the date was suggested from, when it was.
    date_basis: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(16))
    # Sanitised HTML (annotator.sanitize.clean_note).
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    scheduled_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()  # noqa: F821
    article: Mapped[Article] = relationship()  # noqa: F821
    outlet: Mapped[Outlet] = relationship()  # noqa: F821
    resolver: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])  # noqa: F821
    sources: Mapped[list[CheckSource]] = relationship(
        primaryjoin="CheckSource.prediction_id == Prediction.id", order_by="CheckSource.id",
        viewonly=True)


class CheckSource(db.Model):
    """A source that decides a verdict, or evidence for a prediction's outcome."""

    __tablename__ = "check_sources"
    __table_args__ = (
        CheckConstraint("(verdict_id IS NULL) <> (prediction_id IS NULL)", name="one_owner"),
        CheckConstraint(check_in("stance", STANCES), name="stance"),
        CheckConstraint("url LIKE 'http://%' OR url LIKE 'https://%'", name="http_url"),
        Index("ix_check_sources_verdict", "verdict_id"),
        Index("ix_check_sources_prediction", "prediction_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    verdict_id: Mapped[int | None] = mapped_column(ForeignKey("verdicts.id", ondelete="CASCADE"))
    prediction_id: Mapped[int | None] = mapped_column(
        ForeignKey("predictions.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    domain: Mapped[str] = mapped_column(String(253))
    stance: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(300))
    # The reviewer's source link it was chosen from, when it was.
    source_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_links.id", ondelete="SET NULL"))


class CheckHistory(db.Model):
    """Every change to a verdict or a prediction, never updated or deleted: who, when, what."""

    __tablename__ = "check_history"
    __table_args__ = (
        CheckConstraint("(verdict_id IS NULL) <> (prediction_id IS NULL)", name="one_owner"),
        CheckConstraint(check_in("action", CHECK_ACTIONS), name="action"),
        Index("ix_check_history_verdict", "verdict_id"),
        Index("ix_check_history_prediction", "prediction_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    verdict_id: Mapped[int | None] = mapped_column(ForeignKey("verdicts.id"))
    prediction_id: Mapped[int | None] = mapped_column(ForeignKey("predictions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(16))
    # The state after the change, as JSON text (rating, status, rationale, sources...).
    snapshot: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()  # noqa: F821
