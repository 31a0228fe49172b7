"""Stored per-article agreement statistics: what every report sums instead of raw labels."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import db
from annotator.timeutil import utcnow

# Bump when the packed record layout in annotator.stats.records changes; rows written
# with another layout are rebuilt by `flask agreement recompute`.
LAYOUT = 2


class ArticleStats(db.Model):
    """One article's agreement within one queue: coders are its submitted reviewers.

    ``stats``, ``coders`` and ``pairs`` hold little-endian numpy records (pooling.article_dtype,
    coder_dtype, pair_dtype over the four labels); the plain columns repeat what lists sort by.
    """

    __tablename__ = "agreement_article_stats"
    __table_args__ = (
        UniqueConstraint("queue_id", "article_id"),
        Index("ix_agreement_article_stats_article", "article_id"),
        Index("ix_agreement_article_stats_alpha", "alpha"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    coders: Mapped[int] = mapped_column(default=0)
    units: Mapped[int] = mapped_column(default=0)
    pairable_values: Mapped[int] = mapped_column(default=0)
    # Nominal alpha and percent agreement of this article alone; NULL when undefined.
    alpha: Mapped[float | None]
    percent_agreement: Mapped[float | None]
    # Labelled sentences by how the labels alone decide them (adjudication.decisions):
    # reports add the adjudications on top.
    unanimous: Mapped[int] = mapped_column(default=0, server_default="0")
    majority: Mapped[int] = mapped_column(default=0, server_default="0")
    unresolved: Mapped[int] = mapped_column(default=0, server_default="0")
    layout: Mapped[int] = mapped_column(default=LAYOUT)
    stats: Mapped[bytes] = mapped_column(LargeBinary)
    coder_records: Mapped[bytes] = mapped_column(LargeBinary)
    pair_records: Mapped[bytes] = mapped_column(LargeBinary)
    # Indexed: the API's ETag reads max(updated_at) and count(*) on every conditional GET.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    queue: Mapped[Queue] = relationship()  # noqa: F821
    article: Mapped[Article] = relationship()  # noqa: F821


class FiguresVersion(db.Model):
    """The version of every agreement figure: one row, raised in the same transaction as any
    write that changes a figure (a submit or reopen, a gold label, a rebuild, an outlet merge).

    ETags and the figures cache read it with one primary-key lookup; a cached figure stored
    under an older version is never served.
    """

    __tablename__ = "agreement_figures_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=1)


class FiguresCache(db.Model):
    """Pooled figures of one report filter, computed at one figures version (JSON).

    Kept in the database, not in a process: several app processes share it. A row whose
    version is not the current one is stale and never read; writing a row clears them.
    """

    __tablename__ = "agreement_figures_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
