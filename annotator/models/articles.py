"""Outlets, import batches, articles and their sentence units."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import check_in, db
from annotator.timeutil import utcnow
from annotator.vocabulary import UNIT_KINDS


class Outlet(db.Model):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The registered domain (public suffix + 1) of the outlet's site, when known.
    domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="outlet")

    def __repr__(self) -> str:
        return f"<Outlet {self.name}>"


class ImportBatch(db.Model):
    """One run of the importer (CLI or upload): which articles came in together."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    origin: Mapped[str] = mapped_column(String(16), default="cli")
    description: Mapped[str | None] = mapped_column(String(500))
    files: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    failed_files: Mapped[int] = mapped_column(default=0)


class Article(db.Model):
    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_outlet_published", "outlet_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2048), unique=True)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    # The cleaned text every unit's offsets point into.
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64), unique=True)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id"), index=True
    )
    source_name: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    outlet: Mapped[Outlet] = relationship(back_populates="articles")
    units: Mapped[list[Unit]] = relationship(
        back_populates="article", order_by="Unit.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.title[:40]!r}>"


class Unit(db.Model):
    """A sentence unit: the thing reviewers label."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        CheckConstraint(check_in("kind", UNIT_KINDS), name="kind"),
        CheckConstraint("start_offset >= 0 AND end_offset > start_offset", name="offsets"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    start: Mapped[int] = mapped_column("start_offset")
    end: Mapped[int] = mapped_column("end_offset")
    text: Mapped[str] = mapped_column(Text)

    article: Mapped[Article] = relationship(back_populates="units")
