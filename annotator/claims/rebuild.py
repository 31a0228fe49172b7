"""The full rebuild (`flask claims index --rebuild`): every unit indexed again, in memory and
in worker processes, candidate pairs from the sorted keys, and keys, pairs and clusters
replaced in one write transaction. Decisions and cluster ids are kept.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack

import numpy as np
from flask import current_app
from sqlalchemy import delete, exists, select

from annotator.claims import lsh, matching
from annotator.claims.clustering import clusters, keep_ids
from annotator.claims.indexing import IndexReport, keys_of, lock_matching, match_chunks, store_pairs
from annotator.claims.membership import all_edges, write_clusters
from annotator.claims.queries import chunks
from annotator.database import write_transaction
from annotator.extensions import db
from annotator.models.articles import Unit
from annotator.models.claims import ClaimBacklog, ClaimKey, ClaimMember, ClaimPair


def _batch_keys(texts: list[str]) -> tuple[np.ndarray, np.ndarray, lsh.ScoredSets]:
    """(positions of the indexable texts, their keys, their scored sets): the rebuild's pure
    per-batch work, run in a worker process."""
    keep, keys, feats = keys_of(texts, cached=False)
    return (np.array(keep, dtype=np.int64), keys,
            lsh.ScoredSets.of([feats[i] for i in keep]))


def _key_workers(workers: int) -> ProcessPoolExecutor:
    """A pool of processes for _batch_keys, started fresh ("spawn", a second or two each),
    not forked from a process that holds database connections and threads."""
    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"))


def rebuild(progress: Callable[[str], None] | None = None, batch: int = 50_000,
            workers: int | None = None) -> IndexReport:
    """Index every unit again and re-match them all; decisions and cluster ids are kept.

    Keys, and each unit's scored items as hashes, are computed for all units in memory
    (about 250 bytes a unit); candidate pairs come from the sorted keys, the vectorised score
    bound (lsh.could_relate) drops those that cannot reach "related", and only the rest
    are read again and verified. Old keys and undecided pairs are deleted and the new ones
    written, pairs stored and clusters recomputed in one write transaction: readers see the
    old index until it commits, never a half-written one.

    workers: processes computing the keys while this one reads the next batch (default:
    CLAIMS_REBUILD_WORKERS, one per CPU); 1 computes them here.
    """
    if workers is None:
        workers = current_app.config["CLAIMS_REBUILD_WORKERS"] or (os.cpu_count() or 1)
    say = progress or (lambda _message: None)
    report = IndexReport()
    all_ids: list[np.ndarray] = []
    all_articles: list[np.ndarray] = []
    all_keys: list[np.ndarray] = []
    all_sets: list[lsh.ScoredSets] = []

    def collect(ids: np.ndarray, articles: np.ndarray, done: Future) -> None:
        keep, keys, sets = done.result()
        all_ids.append(ids[keep])
        all_articles.append(articles[keep])
        all_keys.append(keys)
        all_sets.append(sets)
        report.indexed += len(keep)
        say(f"keys: {report.units} units read, {report.indexed} indexed")

    last = 0
    pending: list = []
    with ExitStack() as stack:
        pool = None
        while True:
            rows = db.session.execute(select(Unit.id, Unit.article_id, Unit.text)
                                      .where(Unit.id > last).order_by(Unit.id)
                                      .limit(batch)).all()
            if not rows:
                break
            if pool is None and workers > 1 and len(rows) == batch:
                # More than one batch: worth starting processes for.
                pool = stack.enter_context(_key_workers(workers))
            last = rows[-1][0]
            report.units += len(rows)
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            articles = np.array([r[1] for r in rows], dtype=np.int64)
            texts = [r[2] for r in rows]
            del rows
            if pool:
                done = pool.submit(_batch_keys, texts)
            else:
                done = Future()
                done.set_result(_batch_keys(texts))
            pending.append((ids, articles, done))
            # Read the next batch while the workers compute; at most `workers` in flight.
            while len(pending) > (workers if pool else 0):
                collect(*pending.pop(0))
        while pending:
            collect(*pending.pop(0))
    db.session.commit()
    ids = np.concatenate(all_ids) if all_ids else np.empty(0, dtype=np.int64)
    articles = np.concatenate(all_articles) if all_articles else np.empty(0, dtype=np.int64)
    keys = (np.concatenate(all_keys) if all_keys
            else np.empty((0, lsh.KEYS), dtype=np.int64))
    sets = lsh.ScoredSets.concat(all_sets)
    for parts in (all_ids, all_articles, all_keys, all_sets):
        parts.clear()
    flat_keys, flat_ids = lsh.sort_keys(ids, keys)
    del keys
    pairs = lsh.candidate_pairs(flat_keys, flat_ids)
    report.candidates = len(pairs)
    rows_a = np.searchsorted(ids, pairs[:, 0])
    rows_b = np.searchsorted(ids, pairs[:, 1])
    apart = articles[rows_a] != articles[rows_b]
    pairs, rows_a, rows_b = pairs[apart], rows_a[apart], rows_b[apart]
    pairs = pairs[lsh.could_relate(sets, rows_a, rows_b)]
    del sets, rows_a, rows_b, apart, ids, articles
    say(f"candidates: {report.candidates} pairs, {len(pairs)} to verify")
    with write_transaction():
        lock_matching()
        db.session.execute(delete(ClaimKey))
        # The backlog's articles whose units this rebuild read are matched by it.
        db.session.execute(delete(ClaimBacklog).where(~exists().where(
            Unit.article_id == ClaimBacklog.article_id, Unit.id > last)))
        _bulk_insert_keys(flat_keys, flat_ids)
        del flat_keys, flat_ids
        say("keys written")
        found = _verify_pairs(pairs)
        say(f"verified: {len(found)} pairs kept")
        undecided = delete(ClaimPair).where(ClaimPair.decision.is_(None))
        db.session.execute(undecided)
        store_pairs(found, report)
        edges, rejected = all_edges()
        groups = clusters(edges, rejected)
        old = dict(db.session.execute(select(ClaimMember.unit_id, ClaimMember.cluster_id))
                   .all())
        write_clusters(keep_ids(groups, old), old)
        report.clusters = len(groups)
    say(f"clusters: {report.clusters}")
    late = _match_late(last)
    if late.units:
        say(f"late: {late.units} units imported during the rebuild matched")
        report.add(late, clusters=False)
    return report


def _match_late(after: int) -> IndexReport:
    """Match the units imported while a rebuild ran, after it had read its last unit.

    Their own keys, if matching on import wrote any before the rebuild's write transaction,
    went with the old index. A unit whose first key is stored (an import that committed after
    the rebuild) is left as it is: one primary-key lookup per late unit, and late units are
    the few that arrived in the rebuild's last seconds.
    """
    late = db.session.scalars(select(Unit.id).where(Unit.id > after).order_by(Unit.id)).all()
    db.session.commit()
    return match_chunks(late, skip_keyed=True)


def _verify_pairs(pairs: np.ndarray) -> list[tuple[int, int, matching.Verdict]]:
    """Verify candidate pairs (of units of different articles), reading only their units."""
    needed = np.unique(pairs.reshape(-1)).tolist() if len(pairs) else []
    feature_of: dict[int, matching.Features] = {}
    for chunk in chunks(needed, 5000):
        for uid, unit_text in db.session.execute(
                select(Unit.id, Unit.text).where(Unit.id.in_(chunk))):
            feature_of[uid] = matching.features(unit_text)
    found = []
    for a, b in pairs.tolist():
        if a not in feature_of or b not in feature_of:
            continue
        verdict = matching.compare(feature_of[a], feature_of[b])
        if verdict.kind is not None:
            found.append((a, b, verdict))
    return found


# PostgreSQL's binary COPY: a header, then per row a field count (2), each field's length
# and its big-endian value (bigint, integer), then -1 to end.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
_COPY_ROW = np.dtype([("fields", ">i2"), ("key_length", ">i4"), ("key", ">i8"),
                      ("id_length", ">i4"), ("id", ">i4")])


def _copy_rows(keys: np.ndarray, ids: np.ndarray) -> bytes:
    """Return (band key, unit id) rows in COPY's binary format, built without a Python loop."""
    rows = np.empty(len(keys), dtype=_COPY_ROW)
    rows["fields"], rows["key_length"], rows["id_length"] = 2, 8, 4
    rows["key"], rows["id"] = keys, ids
    return rows.tobytes()


def _bulk_insert_keys(flat_keys: np.ndarray, flat_ids: np.ndarray) -> None:
    """Write all keys, sorted by (key, unit): the primary key's order, the fastest to insert."""
    if not len(flat_keys):
        return
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor:
            with cursor.copy("COPY claim_keys (band_key, unit_id) FROM STDIN (FORMAT BINARY)") \
                    as copy:
                copy.write(_COPY_HEADER)
                step = 1_000_000
                for start in range(0, len(flat_keys), step):
                    copy.write(_copy_rows(flat_keys[start:start + step],
                                          flat_ids[start:start + step]))
                copy.write(b"\xff\xff")
        return
    cursor = raw.cursor()
    step = 500_000
    for start in range(0, len(flat_keys), step):
        cursor.executemany("INSERT INTO claim_keys (band_key, unit_id) VALUES (?, ?)",
                           zip(flat_keys[start:start + step].tolist(),
                               flat_ids[start:start + step].tolist(), strict=True))
