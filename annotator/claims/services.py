"""Writes of claim memory that users and the importer start: the backlog (articles queued by
an import, matched once it has committed), leads' decisions, the queue option, and
`flask claims index`. Indexing and matching units is in indexing.py, cluster membership in
membership.py, the full rebuild in rebuild.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
from flask import after_this_request, current_app, has_request_context
from sqlalchemy import delete, or_, select

from annotator.claims.indexing import IndexReport, keys_of, lock_matching, match_chunks, match_rows
from annotator.claims.membership import recluster
from annotator.claims.rebuild import rebuild
from annotator.database import write_transaction
from annotator.errors import ClaimError
from annotator.extensions import db
from annotator.models.articles import Unit
from annotator.models.claims import (
    ClaimBacklog,
    ClaimDecision,
    ClaimKey,
    ClaimPair,
    ClaimQueueOption,
)
from annotator.models.queues import Queue
from annotator.timeutil import utcnow
from annotator.vocabulary import CLAIM_DECISIONS

# --- the backlog: matching after the import -------------------------------------------------

# Articles matched per write transaction: a few, so the write lock (SQLite's, which reviewers'
# saves wait for) is held some tens of milliseconds at a time.
BACKLOG_BATCH = 4


def queue_articles(article_ids: Sequence[int]) -> None:
    """Put imported articles on the backlog, in the import's transaction."""
    if article_ids:
        now = utcnow()
        db.session.execute(ClaimBacklog.__table__.insert(),
                           [{"article_id": a, "queued_at": now} for a in article_ids])


def forget_units(article_id: int, units: Sequence[tuple[int, str]]) -> None:
    """Before a segmentation fix changes or deletes these units (id, text as stored), in its
    transaction: drop their keys and undecided pairs, recompute their clusters without them
    and queue the article, so its changed units are matched again (the others are passed
    over: their keys are still stored). Decided pairs stay, with who decided and when."""
    ids = [unit_id for unit_id, _ in units]
    keep, keys, _ = keys_of([unit_text for _, unit_text in units])
    for i, row in zip(keep, keys.tolist(), strict=True):
        db.session.execute(delete(ClaimKey).where(ClaimKey.unit_id == ids[i],
                                                  ClaimKey.band_key.in_(row)))
    db.session.execute(delete(ClaimPair).where(
        ClaimPair.decision.is_(None),
        or_(ClaimPair.unit_a_id.in_(ids), ClaimPair.unit_b_id.in_(ids))))
    recluster(ids, deep=False)
    if db.session.get(ClaimBacklog, article_id) is None:
        queue_articles([article_id])


def match_backlog(max_seconds: float | None = None,
                  progress: Callable[[str], None] | None = None) -> IndexReport:
    """Index and match the backlog's articles, oldest first, BACKLOG_BATCH to a transaction.

    Each transaction takes its articles' rows off the backlog and stores their keys, pairs
    and clusters together: a process that dies mid-way leaves its articles queued for the
    next run. Units whose keys are already stored (a rebuild that ran after the import) are
    passed over. Stops when the backlog is empty or after max_seconds.
    """
    total = IndexReport()
    started = time.monotonic()
    while max_seconds is None or time.monotonic() - started < max_seconds:
        with write_transaction():
            lock_matching()
            article_ids = db.session.scalars(
                select(ClaimBacklog.article_id).order_by(ClaimBacklog.article_id)
                .limit(BACKLOG_BATCH)).all()
            if not article_ids:
                break
            rows = db.session.execute(
                select(Unit.id, Unit.article_id, Unit.text)
                .where(Unit.article_id.in_(article_ids)).order_by(Unit.id)).all()
            total.add(match_rows(rows, skip_keyed=True))
            db.session.execute(delete(ClaimBacklog)
                               .where(ClaimBacklog.article_id.in_(article_ids)))
        if progress:
            progress(f"backlog: {total.units} units matched")
    if total.indexed:
        _checkpoint()
    total.seconds = time.monotonic() - started
    return total


def _checkpoint() -> None:
    """SQLite: copy the pages the matcher wrote from the write-ahead log into the database
    now (PASSIVE: waits for nobody), so the next import or label save does not pay for them
    (the log checkpoints itself every 10,000 pages, on whichever commit crosses the mark)."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def match_queued() -> IndexReport | None:
    """Match what an import (or a segmentation fix) has just queued, as CLAIMS_MATCH_ON_IMPORT
    says.

    In a request (the admin upload, the API) the matching runs once the response has been
    sent, in this process, for at most CLAIMS_MATCH_SECONDS (what is left stays queued for
    the next import or `flask claims index`); elsewhere (the CLI) it runs now and its report
    is returned. With the setting off, the backlog waits for `flask claims index`.
    """
    config = current_app.config
    if not config["CLAIMS_MATCH_ON_IMPORT"]:
        return None
    limit = config["CLAIMS_MATCH_SECONDS"]
    if not has_request_context():
        return match_backlog()
    app = current_app._get_current_object()

    def match_after_response() -> None:
        with app.app_context():
            try:
                match_backlog(max_seconds=limit)
            except Exception:  # the articles stay queued; the next run takes them
                app.logger.exception("matching the claim backlog failed")

    @after_this_request
    def schedule(response):
        response.call_on_close(match_after_response)
        return response

    return None


# --- leads' decisions -------------------------------------------------------------------------


def decide(pair_id: int, decision: str, user_id: int) -> ClaimPair:
    """Record a lead's decision on a pair (kept in claim_decisions) and re-cluster its units."""
    if decision not in CLAIM_DECISIONS:
        raise ClaimError(400, f"A decision is one of: {', '.join(CLAIM_DECISIONS)}.")
    with write_transaction():
        pair = db.session.get(ClaimPair, pair_id, with_for_update=True)
        if pair is None:
            raise ClaimError(404, "There is no such pair.")
        previous = pair.decision
        now = utcnow()
        pair.decision, pair.decided_by_id, pair.decided_at = decision, user_id, now
        db.session.add(ClaimDecision(pair_id=pair.id, decision=decision, previous=previous,
                                     user_id=user_id, decided_at=now))
        db.session.flush()
        recluster([pair.unit_a_id, pair.unit_b_id])
    return pair


def set_queue_option(queue_id: int, show_sources: bool) -> None:
    """Turn the queue's "sources linked to the same claim elsewhere" option on or off."""
    with write_transaction():
        if db.session.get(Queue, queue_id) is None:
            raise ClaimError(404, "There is no such queue.")
        row = db.session.get(ClaimQueueOption, queue_id)
        if row is None:
            db.session.add(ClaimQueueOption(queue_id=queue_id, show_sources=show_sources))
        else:
            row.show_sources = show_sources


def index_missing(progress: Callable[[str], None] | None = None) -> IndexReport:
    """Match the backlog, then any other unit that has no keys yet (imported before the
    backlog existed, with matching off).

    With no key stored at all this is the full rebuild. Units too short to match have no keys
    either and are read again, which costs a little time and changes nothing.
    """
    if db.session.scalar(select(ClaimKey.unit_id).limit(1)) is None:
        return rebuild(progress)
    say = progress or (lambda _message: None)
    report = match_backlog(progress=progress)
    indexed = np.unique(_ids("SELECT unit_id FROM claim_keys"))
    missing = np.setdiff1d(_ids("SELECT id FROM units"), indexed).tolist()
    say(f"{len(missing)} units without keys")
    report.add(match_chunks(missing))
    return report


def _ids(sql: str) -> np.ndarray:
    """The integers of a one-column query, read off the driver's cursor: a key per row of
    claim_keys (17 a unit) through the ORM's rows took three times as long."""
    result = db.session.connection().exec_driver_sql(sql)
    return np.fromiter((value for (value,) in result.cursor), dtype=np.int64)
