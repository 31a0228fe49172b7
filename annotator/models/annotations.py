"""Labels, their history, source links and adjudicated gold labels."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import check_in, db
from annotator.timeutil import utcnow
from annotator.vocabulary import LABELS, STANCES


class Annotation(db.Model):
    """The current label of one unit in one assignment."""

    __tablename__ = "annotations"
    __table_args__ = (
        UniqueConstraint("assignment_id", "unit_id"),
        CheckConstraint(check_in("label", LABELS), name="label"),
        Index("ix_annotations_unit", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE")
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    label: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AnnotationHistory(db.Model):
    """Every label change, never updated or deleted: who, when, old, new."""

    __tablename__ = "annotation_history"
    __table_args__ = (
        CheckConstraint(
            "old_label IS NULL OR " + check_in("old_label", LABELS), name="old_label"
        ),
        CheckConstraint(
            "new_label IS NULL OR " + check_in("new_label", LABELS), name="new_label"
        ),
        Index("ix_annotation_history_assignment", "assignment_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    old_label: Mapped[str | None] = mapped_column(String(16))
    new_label: Mapped[str | None] = mapped_column(String(16))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SourceLink(db.Model):
    """A source a reviewer linked to a unit, with its stance."""

    __tablename__ = "source_links"
    __table_args__ = (
        CheckConstraint(check_in("stance", STANCES), name="stance"),
        CheckConstraint(
            "url LIKE 'http://%' OR url LIKE 'https://%'", name="http_url"
        ),
        Index("ix_source_links_assignment", "assignment_id", "unit_id"),
        Index("ix_source_links_domain", "domain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE")
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    url: Mapped[str] = mapped_column(String(2048))
    domain: Mapped[str] = mapped_column(String(253))
    stance: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(300))
    # Sanitised HTML (annotator.sanitize.clean_note), safe to render as markup.
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Adjudication(db.Model):
    """A lead's gold label for one unit within one queue."""

    __tablename__ = "adjudications"
    __table_args__ = (
        UniqueConstraint("queue_id", "unit_id"),
        CheckConstraint(check_in("gold_label", LABELS), name="gold_label"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    gold_label: Mapped[str] = mapped_column(String(16))
    rationale: Mapped[str] = mapped_column(Text, default="")
    adjudicator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    unit: Mapped[Unit] = relationship()  # noqa: F821
