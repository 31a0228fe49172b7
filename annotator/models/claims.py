"""Claim memory: the sentence units that state the same claim across articles and outlets.

The matcher (annotator.claims) keeps four kinds of rows:

- ``claim_keys``: the locality-sensitive hash keys of every indexed unit (one row per unit
  and band), the candidate index that `flask claims similar` and the importer look up. No
  foreign key: a key of a unit that was merged away is dropped when read (queries join units).
- ``claim_pairs``: a pair of units the matcher verified, "same" or "related" with what
  differs, and the lead's current decision on it (confirmed / rejected, who and when).
- ``claim_decisions``: every decision ever taken on a pair, never updated or deleted.
- ``claim_clusters`` and ``claim_members``: the claims, each a cluster of two or more units
  joined by "same" or confirmed pairs and never by a rejected one. A unit is in at most one
  cluster; a unit with no member row is a claim seen once. Cluster ids are kept when a
  cluster grows or loses members (the larger part keeps the id when one splits).

``claim_backlog`` lists the imported articles whose units are still to be matched: the import
writes the row in its own transaction (an article is never forgotten), matching takes it after
the import has committed (annotator.claims.services.match_backlog).

``claim_queue_options`` holds the queue option that shows reviewers the sources linked to the
same claim in other articles' submitted work (off by default, so blind studies stay blind).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from annotator.extensions import check_in, db
from annotator.timeutil import utcnow
from annotator.vocabulary import CLAIM_DECISIONS, CLAIM_MATCHES


class ClaimKey(db.Model):
    """One LSH band key of one unit: units sharing a key are candidate pairs."""

    __tablename__ = "claim_keys"
    # On SQLite the primary key is the table (one B-tree, not a table and an index).
    __table_args__ = {"sqlite_with_rowid": False}

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class ClaimPair(db.Model):
    """Two units the matcher verified (unit_a_id < unit_b_id), and the lead's decision."""

    __tablename__ = "claim_pairs"
    __table_args__ = (
        UniqueConstraint("unit_a_id", "unit_b_id"),
        CheckConstraint("unit_a_id < unit_b_id", name="ordered"),
        CheckConstraint(check_in("kind", CLAIM_MATCHES), name="kind"),
        CheckConstraint("decision IS NULL OR " + check_in("decision", CLAIM_DECISIONS),
                        name="decision"),
        Index("ix_claim_pairs_unit_b", "unit_b_id"),
        Index("ix_claim_pairs_kind_decision", "kind", "decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_a_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    unit_b_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    # The verifier's similarity of the two sentences, 0..1.
    score: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16))
    # What differs, comma-separated names from vocabulary.CLAIM_DIFFERENCES ("" for none).
    differs: Mapped[str] = mapped_column(String(200), default="")
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    @property
    def differences(self) -> list[str]:
        return [d for d in self.differs.split(",") if d]

    @property
    def joins(self) -> bool:
        """Whether this pair puts its two units in one claim."""
        if self.decision is not None:
            return self.decision == CLAIM_DECISIONS[0]
        return self.kind == CLAIM_MATCHES[0]


class ClaimDecision(db.Model):
    """Every decision a lead took on a pair: who, when, what it was before."""

    __tablename__ = "claim_decisions"
    __table_args__ = (
        CheckConstraint(check_in("decision", CLAIM_DECISIONS), name="decision"),
        CheckConstraint("previous IS NULL OR " + check_in("previous", CLAIM_DECISIONS),
                        name="previous"),
        Index("ix_claim_decisions_pair", "pair_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("claim_pairs.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(16))
    previous: Mapped[str | None] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClaimCluster(db.Model):
    """One claim seen in two or more units."""

    __tablename__ = "claim_clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ClaimMember(db.Model):
    """A unit's claim: at most one cluster per unit."""

    __tablename__ = "claim_members"
    __table_args__ = (Index("ix_claim_members_cluster", "cluster_id"),)

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("claim_clusters.id", ondelete="CASCADE"))


class ClaimQueueOption(db.Model):
    """A queue's claim-memory option for its reviewers (no row: off)."""

    __tablename__ = "claim_queue_options"

    queue_id: Mapped[int] = mapped_column(
        ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    # Show reviewers the sources linked to the same claim in other articles' submitted work.
    show_sources: Mapped[bool] = mapped_column(Boolean, default=False)


class ClaimBacklog(db.Model):
    """An imported article whose units are still to be indexed and matched."""

    __tablename__ = "claim_backlog"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
