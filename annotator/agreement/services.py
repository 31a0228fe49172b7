"""Keep the per-article agreement statistics current, and rebuild them all."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np
from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from annotator.database import discard_transaction, write_transaction
from annotator.extensions import db
from annotator.models.agreement import LAYOUT, ArticleStats, FiguresCache, FiguresVersion
from annotator.models.annotations import Annotation
from annotator.models.articles import Unit
from annotator.models.queues import Assignment, QueueArticle
from annotator.stats.records import Records, build_records
from annotator.timeutil import utcnow
from annotator.vocabulary import LABELS, Status

LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}
_INSERT_CHUNK = 2000


@dataclass(frozen=True)
class RecomputeResult:
    """What a full rebuild did."""

    articles: int
    labels: int
    seconds: float


def refresh_article_stats(queue_id: int, article_id: int) -> ArticleStats | None:
    """Recompute one article's statistics in a queue inside the caller's transaction.

    Call it after an assignment's status changed (submitted, reopened) and before the commit;
    it does not commit. Returns the row, or None when no submitted assignment is left.
    """
    # Serialise refreshes of one article in one queue: the row lock makes a concurrent
    # submission wait, then its statements see this one's labels (PostgreSQL); SQLite
    # serialises writers already.
    db.session.execute(
        select(QueueArticle.id)
        .where(QueueArticle.queue_id == queue_id, QueueArticle.article_id == article_id)
        .with_for_update()
    )
    submitted = (Assignment.queue_id == queue_id) & (Assignment.article_id == article_id) & (
        Assignment.status == Status.SUBMITTED)
    coder_ids = db.session.scalars(select(Assignment.reviewer_id).where(submitted)).all()
    row = db.session.scalar(
        select(ArticleStats).where(ArticleStats.queue_id == queue_id,
                                   ArticleStats.article_id == article_id))
    if not coder_ids:
        if row is not None:
            db.session.delete(row)
            db.session.flush()
            bump_figures_version()
        return None
    labels = db.session.execute(
        select(Assignment.reviewer_id, Annotation.unit_id, Annotation.label)
        .join(Annotation, Annotation.assignment_id == Assignment.id)
        .where(submitted)
    ).all()
    n_units = db.session.scalar(select(func.count()).where(Unit.article_id == article_id))
    zeros = np.zeros(len(labels), dtype=np.int64)
    records = build_records(
        1, len(LABELS), np.array([n_units]), np.zeros(len(coder_ids), dtype=np.int64),
        np.array(coder_ids), zeros, np.array([r.unit_id for r in labels], dtype=np.int64),
        np.array([r.reviewer_id for r in labels], dtype=np.int64),
        np.array([LABEL_INDEX[r.label] for r in labels], dtype=np.int64),
    )
    values = _row_values(records)[0]
    if row is None:
        row = ArticleStats(queue_id=queue_id, article_id=article_id)
        db.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    db.session.flush()
    bump_figures_version()
    return row


def _dialect_insert(table):
    """Return the session's dialect's INSERT (both have ON CONFLICT DO UPDATE)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def bump_figures_version() -> None:
    """Raise the figures version inside the caller's write transaction (it does not commit).

    Call it in every transaction that changes an agreement figure: ETags and cached figures
    of the older version are then stale. Last in the transaction where possible: on
    PostgreSQL the row stays locked until the commit, so concurrent submits take turns here.
    """
    table = FiguresVersion.__table__
    # The migration writes the row; when it is missing (an emptied table) it starts again
    # from the clock, never from a number an older ETag may hold, and the cache is dropped.
    start = int(utcnow().timestamp() * 1000)
    upsert = _dialect_insert(table).values(id=1, version=start)
    version = db.session.execute(
        upsert.on_conflict_do_update(index_elements=[table.c.id],
                                     set_={"version": table.c.version + 1})
        .returning(table.c.version)).scalar_one()
    if version == start:
        db.session.execute(delete(FiguresCache))


# How long storing figures waits for SQLite's write lock: a report view must not queue
# behind a long write (an import, a rebuild); it leaves the figures uncached instead.
_CACHE_BUSY_MS = 200


def remember_figures(key: str, version: int, body: str) -> None:
    """Store a report's pooled figures computed at a figures version, in its own transaction.

    The version was read before the figures were computed, so a row never holds figures
    older than its version. Rows of other versions are stale and are cleared here. As every
    write it ends the request's read first (write_transaction's rule). Nothing is lost when
    the write fails (SQLite busy past a short wait, two PostgreSQL views storing at once
    and deadlocking): the next view computes the figures again.
    """
    table = FiguresCache.__table__
    upsert = _dialect_insert(table).values(key=key, version=version, body=body,
                                          created_at=utcnow())
    try:
        if db.session().in_transaction():
            db.session.commit()
        db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE",
                                                 "sqlite_busy_ms": _CACHE_BUSY_MS})
        db.session.execute(delete(FiguresCache).where(FiguresCache.version != version))
        db.session.execute(upsert.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"version": upsert.excluded.version, "body": upsert.excluded.body,
                  "created_at": upsert.excluded.created_at}))
        db.session.commit()
    except SQLAlchemyError:
        discard_transaction()  # uncached: the figures were computed and are shown all the same


def _row_values(records: Records) -> list[dict]:
    """Return every article's column values, in the records' order."""
    alpha = records.alpha()
    percent = records.percent_agreement()
    pairable = records.pairable_values()
    now = utcnow()
    return [
        {
            "coders": int(records.articles["coders"][i]),
            "units": int(records.articles["units"][i]),
            "pairable_values": int(pairable[i]),
            "alpha": None if np.isnan(alpha[i]) else float(alpha[i]),
            "percent_agreement": None if np.isnan(percent[i]) else float(percent[i]),
            "layout": LAYOUT,
            "stats": stats,
            "coder_records": coders,
            "pair_records": pairs,
            "unanimous": int(records.settled[i, 0]),
            "majority": int(records.settled[i, 1]),
            "unresolved": int(records.settled[i, 2]),
            "updated_at": now,
        }
        for i, (stats, coders, pairs) in enumerate(records.packed())
    ]


def _int_matrix(conn, query, columns: int) -> np.ndarray:
    """Run an all-integer query into a rows x columns array, straight from the driver's rows."""
    result = conn.execute(query)
    try:
        flat = np.fromiter(itertools.chain.from_iterable(result.cursor), dtype=np.int64)
    finally:
        result.close()
    return flat.reshape(-1, columns)


def recompute_all() -> RecomputeResult:
    """Rebuild every article's statistics from the submitted labels, in one transaction."""
    started = time.perf_counter()
    label_index = case({label: i for i, label in enumerate(LABELS)}, value=Annotation.label)
    # A write transaction from its first statement: the rebuild holds the write lock throughout.
    with write_transaction():
        conn = db.session.connection()
        # Two plain scans instead of a million-row join: submitted assignments (ordered by
        # id), then every label, kept when its assignment is a submitted one.
        coders = _int_matrix(conn, select(
            Assignment.id, Assignment.queue_id, Assignment.article_id, Assignment.reviewer_id)
            .where(Assignment.status == Status.SUBMITTED).order_by(Assignment.id), 4)
        labels = _int_matrix(conn, select(
            Annotation.assignment_id, Annotation.unit_id, label_index), 3)
        unit_counts = _int_matrix(conn, select(Unit.article_id, func.count())
                                  .group_by(Unit.article_id).order_by(Unit.article_id), 2)
        which = np.searchsorted(coders[:, 0], labels[:, 0])
        which = np.minimum(which, max(len(coders) - 1, 0))
        kept = (coders[which, 0] == labels[:, 0]) if len(coders) else np.zeros(0, dtype=bool)
        labels, which = labels[kept], which[kept]
        span = int(coders[:, 2].max(initial=0)) + 1
        coder_keys = coders[:, 1] * span + coders[:, 2]
        keys = np.unique(coder_keys)
        article_ids = keys % span
        units = np.zeros(len(keys), dtype=np.int64)
        where = np.minimum(np.searchsorted(unit_counts[:, 0], article_ids),
                           max(len(unit_counts) - 1, 0))
        if len(unit_counts):
            found = unit_counts[where, 0] == article_ids
            units[found] = unit_counts[where[found], 1]
        coder_article = np.searchsorted(keys, coder_keys)
        records = build_records(
            len(keys), len(LABELS), units, coder_article, coders[:, 3],
            coder_article[which], labels[:, 1], coders[which, 3], labels[:, 2],
        )
        db.session.execute(delete(ArticleStats))
        rows = _row_values(records)
        for i, row in enumerate(rows):
            row["queue_id"] = int(keys[i] // span)
            row["article_id"] = int(article_ids[i])
        for lo in range(0, len(rows), _INSERT_CHUNK):
            db.session.execute(insert(ArticleStats), rows[lo : lo + _INSERT_CHUNK])
        bump_figures_version()
    return RecomputeResult(len(keys), len(labels), time.perf_counter() - started)
