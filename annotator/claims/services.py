"""Writes of claim memory: matching imported units (the backlog), the full rebuild, leads'
decisions and the queue option. The matching itself is pure (matching.py, clustering.py);
this module reads units, stores keys, pairs and clusters, and keeps cluster ids stable.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass

import numpy as np
from flask import after_this_request, current_app, has_request_context
from sqlalchemy import and_, delete, exists, or_, select, text, update

from annotator.claims import matching, queries
from annotator.claims.clustering import Edge, clusters, join, keep_ids
from annotator.database import write_transaction
from annotator.errors import ClaimError
from annotator.extensions import db
from annotator.models.articles import Unit
from annotator.models.claims import (
    ClaimBacklog,
    ClaimCluster,
    ClaimDecision,
    ClaimKey,
    ClaimMember,
    ClaimPair,
    ClaimQueueOption,
)
from annotator.models.queues import Queue
from annotator.timeutil import utcnow
from annotator.vocabulary import CLAIM_DECISIONS, CLAIM_DIFFERENCES, CLAIM_MATCHES

SAME, RELATED = CLAIM_MATCHES
CONFIRMED, REJECTED = CLAIM_DECISIONS
_CHUNK = 500


@dataclass
class IndexReport:
    units: int = 0
    indexed: int = 0
    candidates: int = 0
    same: int = 0
    related: int = 0
    clusters: int = 0
    seconds: float = 0.0  # the backlog's matching: how long it took

    def add(self, other: IndexReport, clusters: bool = True) -> None:
        """Add another run's counts to these; clusters=False keeps this run's cluster count
        (a rebuild counts every cluster, a later run only those it grew)."""
        for name in ("units", "indexed", "candidates", "same", "related"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if clusters:
            self.clusters += other.clusters


def _chunks(values: Sequence, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _keys_of(texts: Sequence[str], cached: bool = True,
             ) -> tuple[list[int], np.ndarray, list[matching.Features]]:
    """Return (positions of indexable texts, their band keys, features of every text).

    cached=False: features computed without filling the features cache (a rebuild reads
    every unit once, and the cache would only hold memory).
    """
    compute = matching.features if cached else matching.features.__wrapped__
    feats = [compute(t) for t in texts]
    keep = [i for i, f in enumerate(feats) if matching.indexable(f)]
    if not keep:
        return [], np.empty((0, matching.KEYS), dtype=np.int64), feats
    hasher = matching.WordHasher()
    return keep, matching.index_keys([feats[i] for i in keep], hasher), feats


# --- the backlog: matching after the import -------------------------------------------------

# Articles matched per write transaction: a few, so the write lock (SQLite's, which reviewers'
# saves wait for) is held some tens of milliseconds at a time.
BACKLOG_BATCH = 4
# An advisory lock key ("claims" in ASCII): on PostgreSQL matching takes turns across
# processes like SQLite's single writer does, so two articles matched at once still meet.
_MATCHING_LOCK = 0x636C61696D73


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
    keep, keys, _ = _keys_of([unit_text for _, unit_text in units])
    for i, row in zip(keep, keys.tolist(), strict=True):
        db.session.execute(delete(ClaimKey).where(ClaimKey.unit_id == ids[i],
                                                  ClaimKey.band_key.in_(row)))
    db.session.execute(delete(ClaimPair).where(
        ClaimPair.decision.is_(None),
        or_(ClaimPair.unit_a_id.in_(ids), ClaimPair.unit_b_id.in_(ids))))
    recluster(ids, deep=False)
    if db.session.get(ClaimBacklog, article_id) is None:
        queue_articles([article_id])


def _lock_matching() -> None:
    """Take matching's turn for this write transaction (PostgreSQL; SQLite has one writer)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MATCHING_LOCK})


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
            _lock_matching()
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


def _keyed(unit_ids: Sequence[int], first_keys: Sequence[int]) -> set[int]:
    """Which of these units already have their first band key stored (a lookup of the keys,
    the index's order; a pair-wise IN is a scan on SQLite)."""
    wanted = set(zip(first_keys, unit_ids, strict=True))
    found: set[int] = set()
    for chunk in _chunks(sorted(set(first_keys))):
        for key, unit in db.session.execute(select(ClaimKey.band_key, ClaimKey.unit_id)
                                            .where(ClaimKey.band_key.in_(chunk))):
            if (key, unit) in wanted:
                found.add(unit)
    return found


# --- matching ---------------------------------------------------------------------------------


def match_units(unit_ids: Sequence[int]) -> IndexReport:
    """Index the units and match them against every indexed unit, in the caller's transaction.

    Pairs within one article are not claims repeated elsewhere and are not stored.
    """
    return match_rows(_unit_rows(unit_ids))


def _unit_rows(unit_ids: Sequence[int]) -> list:
    """(unit id, article id, text) of the units, read _CHUNK ids to a query."""
    rows = []
    for chunk in _chunks(list(unit_ids)):
        rows.extend(db.session.execute(select(Unit.id, Unit.article_id, Unit.text)
                                       .where(Unit.id.in_(chunk))).all())
    return rows


def match_rows(rows: Sequence[tuple[int, int, str]], skip_keyed: bool = False) -> IndexReport:
    """Index and match units given as (unit id, article id, text), in the caller's transaction.

    A key already held by many units (a common phrase) is looked up for its BUCKET_ANCHORS
    first holders only. skip_keyed: pass over units whose first key is already stored (a
    rebuild indexed them), so matching the same units twice changes nothing.
    """
    report = IndexReport(units=len(rows))
    if not rows:
        return report
    keep, keys, feats = _keys_of([r[2] for r in rows])
    if skip_keyed and keep:
        keyed = _keyed([rows[i][0] for i in keep], keys[:, 0].tolist())
        if keyed:
            still = [j for j, i in enumerate(keep) if rows[i][0] not in keyed]
            keep, keys = [keep[j] for j in still], keys[still]
    report.indexed = len(keep)
    if not keep:
        return report
    article_of = {r[0]: r[1] for r in rows}
    feature_of = {rows[i][0]: feats[i] for i in keep}
    new_ids = [rows[i][0] for i in keep]
    by_key: dict[int, list[int]] = {}
    for uid, row in zip(new_ids, keys.tolist(), strict=True):
        for key in row:
            by_key.setdefault(key, []).append(uid)
    buckets = queries.key_buckets(sorted(by_key), matching.BUCKET_ALL_PAIRS,
                                  matching.BUCKET_ANCHORS)
    # In the index's order: consecutive rows land on the same or the next page.
    _insert_keys(sorted((k, u) for k, uids in by_key.items() for u in set(uids)))
    candidates: set[tuple[int, int]] = set()
    fresh = set(new_ids)
    for key, mine in by_key.items():
        held, holders = buckets.get(key, (0, []))
        members = sorted(set(holders) | set(mine))
        if len(members) < 2:
            continue
        if held + len(set(mine)) <= matching.BUCKET_ALL_PAIRS:
            for x, a in enumerate(members):
                for b in members[x + 1:]:
                    if a in fresh or b in fresh:
                        candidates.add((a, b))
        else:  # a common phrase: each new unit meets the key's first few units only
            anchors = members[:matching.BUCKET_ANCHORS]
            for uid in mine:
                for other in anchors:
                    if other != uid:
                        candidates.add((min(uid, other), max(uid, other)))
    others = sorted({u for pair in candidates for u in pair} - set(feature_of))
    for chunk in _chunks(others):
        for uid, article_id, unit_text in db.session.execute(
                select(Unit.id, Unit.article_id, Unit.text).where(Unit.id.in_(chunk))):
            article_of[uid] = article_id
            feature_of[uid] = matching.features(unit_text)
    found = []
    for a, b in sorted(candidates):
        if a not in feature_of or b not in feature_of or article_of[a] == article_of[b]:
            continue  # a key of a unit merged away, or two sentences of one article
        report.candidates += 1
        verdict = matching.compare(feature_of[a], feature_of[b])
        if verdict.kind is not None:
            found.append((a, b, verdict))
    if found:
        _store_pairs(found, report, fresh_units=set(new_ids))
        report.clusters = join_new(found, fresh)
    return report


def _insert_keys(rows: list[tuple[int, int]]) -> None:
    """Insert (band key, unit id) rows through the driver's executemany (no per-row dicts)."""
    connection = db.session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        f"INSERT INTO claim_keys (band_key, unit_id) VALUES ({mark}, {mark})", rows)


def join_new(found: Sequence[tuple[int, int, matching.Verdict]], fresh: set[int]) -> int:
    """Join units to clusters by new pairs (found on import), without recomputing clusters.

    An import only adds pairs, so clusters only grow or merge: the new "same" pairs are
    taken best score first, each joining the clusters (or lone units) of its two units unless
    a rejected pair, or an undecided one that differs in numbers, dates, negation or actors,
    would end up inside one cluster (the rule of clustering.clusters). A merged cluster keeps
    the id of the larger (the lower on a tie). Reads the clusters of the pairs' units and,
    only when two existing clusters (or a cluster and an older lone unit) would merge, the
    rejections between them. fresh: the units indexed just now, whose only pairs are among
    `found`. Returns how many clusters gained units.
    """
    same = sorted(((v.score, a, b) for a, b, v in found if v.kind == SAME),
                  key=lambda e: (-e[0], e[1], e[2]))
    if not same:
        return 0
    hard = [(a, b) for a, b, v in found
            if v.kind == RELATED and _hard(",".join(v.differs))]
    units = {u for _, a, b in same for u in (a, b)} | {u for pair in hard for u in pair}
    cluster_of = queries.cluster_ids_of(sorted(units))
    sizes = queries.cluster_sizes(set(cluster_of.values()))

    def node(unit: int) -> tuple[str, int]:
        cid = cluster_of.get(unit)
        return ("c", cid) if cid is not None else ("u", unit)

    def older(group: set[tuple[str, int]]) -> bool:
        """Whether a group holds an existing cluster or a unit indexed before this import."""
        return any(kind == "c" or ident not in fresh for kind, ident in group)

    def allowed(ma: set[tuple[str, int]], mb: set[tuple[str, int]]) -> bool:
        return not (older(ma) and older(mb) and _rejected_between(ma, mb))

    groups = join(((node(a), node(b)) for _, a, b in same),
                  [(node(a), node(b)) for a, b in hard], allowed)
    now = utcnow()
    for group in groups:
        held = sorted((ident for kind, ident in group if kind == "c"),
                      key=lambda c: (-sizes.get(c, 0), c))
        lone = sorted(ident for kind, ident in group if kind == "u")
        if held:
            keep, gone = held[0], held[1:]
            if gone:
                db.session.execute(update(ClaimMember).where(ClaimMember.cluster_id.in_(gone))
                                   .values(cluster_id=keep))
                db.session.execute(delete(ClaimCluster).where(ClaimCluster.id.in_(gone)))
            db.session.execute(update(ClaimCluster).where(ClaimCluster.id == keep)
                               .values(updated_at=now))
        else:
            keep = db.session.execute(ClaimCluster.__table__.insert().values(
                created_at=now, updated_at=now)).inserted_primary_key[0]
        if lone:
            db.session.execute(ClaimMember.__table__.insert(),
                               [{"unit_id": u, "cluster_id": keep} for u in lone])
    return len(groups)


def _rejected_between(left: set[tuple[str, int]], right: set[tuple[str, int]]) -> bool:
    """Whether a rejected (or hard, undecided) pair joins a unit of `left` to one of `right`
    (each a set of ("c", cluster id) and ("u", unit id))."""
    def units_of(group: set[tuple[str, int]]):
        clusters_ = [ident for kind, ident in group if kind == "c"]
        lone = [ident for kind, ident in group if kind == "u"]
        parts = []
        if clusters_:
            parts.append(select(ClaimMember.unit_id).where(ClaimMember.cluster_id.in_(clusters_)))
        if lone:
            parts.append(select(Unit.id).where(Unit.id.in_(lone)))
        return parts[0] if len(parts) == 1 else parts[0].union_all(*parts[1:])

    left_units, right_units = units_of(left), units_of(right)
    hard = or_(ClaimPair.decision == REJECTED,
               and_(ClaimPair.decision.is_(None),
                    or_(*[ClaimPair.differs.contains(d) for d in sorted(_HARD)])))
    query = select(ClaimPair.id).where(hard).where(or_(
        and_(ClaimPair.unit_a_id.in_(left_units), ClaimPair.unit_b_id.in_(right_units)),
        and_(ClaimPair.unit_a_id.in_(right_units), ClaimPair.unit_b_id.in_(left_units)),
    )).limit(1)
    return db.session.scalar(query) is not None


def _store_pairs(found: list[tuple[int, int, matching.Verdict]], report: IndexReport,
                 fresh_units: set[int] | None = None) -> None:
    """Insert new pairs; a stored pair keeps its decision and gets the new score.

    fresh_units: units indexed just now, so no stored pair can hold them (no lookup needed).
    """
    existing: dict[tuple[int, int], int] = {}
    lows = sorted({a for a, b, _ in found
                   if fresh_units is None or (a not in fresh_units and b not in fresh_units)})
    for chunk in _chunks(lows):
        for pid, a, b in db.session.execute(
                select(ClaimPair.id, ClaimPair.unit_a_id, ClaimPair.unit_b_id)
                .where(ClaimPair.unit_a_id.in_(chunk))):
            existing[(a, b)] = pid
    now = utcnow()
    fresh = []
    for a, b, verdict in found:
        if verdict.kind == SAME:
            report.same += 1
        else:
            report.related += 1
        values = {"score": verdict.score, "kind": verdict.kind,
                  "differs": ",".join(verdict.differs)}
        pid = existing.get((a, b))
        if pid is None:
            fresh.append({"unit_a_id": a, "unit_b_id": b, "found_at": now, **values})
        else:
            db.session.execute(update(ClaimPair).where(ClaimPair.id == pid).values(**values))
    for chunk in _chunks(fresh, 5000):
        db.session.execute(ClaimPair.__table__.insert(), chunk)


# --- clusters ---------------------------------------------------------------------------------


def _joining_edges(unit_ids: Iterable[int]) -> tuple[list[Edge], list[tuple[int, int]]]:
    ids = list(unit_ids)
    edges: dict[int, Edge] = {}
    rejected: dict[int, tuple[int, int]] = {}
    for chunk in _chunks(ids):
        for pid, a, b, score, kind, decision, differs in db.session.execute(
                select(ClaimPair.id, ClaimPair.unit_a_id, ClaimPair.unit_b_id, ClaimPair.score,
                       ClaimPair.kind, ClaimPair.decision, ClaimPair.differs)
                .where(or_(ClaimPair.unit_a_id.in_(chunk), ClaimPair.unit_b_id.in_(chunk)))):
            if decision == REJECTED or (decision is None and _hard(differs)):
                rejected[pid] = (a, b)
            elif decision == CONFIRMED or kind == SAME:
                edges[pid] = Edge(a, b, score, decision == CONFIRMED)
    return list(edges.values()), list(rejected.values())


def _hard(differs: str) -> bool:
    """Whether a pair differs in what a claim states (numbers, dates, negation, actors): such
    a pair keeps its units apart unless a lead confirms it, like a rejection."""
    return any(d in _HARD for d in differs.split(","))


_HARD = frozenset(CLAIM_DIFFERENCES) - {matching.WORDING}


def _closure(unit_ids: Iterable[int]) -> set[int]:
    """Return the units reachable from these through joining pairs or shared clusters."""
    seen: set[int] = set()
    frontier = set(unit_ids)
    while frontier:
        seen |= frontier
        ids = sorted(frontier)
        reached: set[int] = set()
        edges, _ = _joining_edges(ids)
        for edge in edges:
            reached.update((edge.a, edge.b))
        for chunk in _chunks(ids):
            cluster_ids = select(ClaimMember.cluster_id).where(ClaimMember.unit_id.in_(chunk))
            reached.update(db.session.scalars(
                select(ClaimMember.unit_id).where(ClaimMember.cluster_id.in_(cluster_ids))))
        frontier = reached - seen
    return seen


def recluster(unit_ids: Iterable[int], deep: bool = True) -> int:
    """Recompute the clusters around these units (in the caller's transaction).

    deep: everything reachable through joining pairs (after a lead's decision, which can
    split a cluster); otherwise the units and the members of their clusters (after an import,
    which only adds pairs). Returns how many clusters those units now form. Cluster ids are
    kept: each new cluster takes the id most of its units had; clusters left with fewer than
    two units go.
    """
    seeds = set(unit_ids)
    old: dict[int, int] = {}
    if deep:
        units = _closure(seeds)
        for chunk in _chunks(sorted(units)):
            old.update(db.session.execute(select(ClaimMember.unit_id, ClaimMember.cluster_id)
                                          .where(ClaimMember.unit_id.in_(chunk))).all())
    else:
        units = set(seeds)
        for chunk in _chunks(sorted(seeds)):
            held = select(ClaimMember.cluster_id).where(ClaimMember.unit_id.in_(chunk))
            old.update(db.session.execute(select(ClaimMember.unit_id, ClaimMember.cluster_id)
                                          .where(ClaimMember.cluster_id.in_(held))).all())
        units |= set(old)
    if not units:
        return 0
    edges, rejected = _joining_edges(sorted(units))
    # Pairs reaching outside these units stay out: their units' clusters are not recomputed.
    edges = [e for e in edges if e.a in units and e.b in units]
    groups = clusters(edges, rejected)
    _write_clusters(keep_ids(groups, old), old)
    return len(groups)


def _write_clusters(assigned: list[tuple[set[int], int | None]], old: dict[int, int]) -> None:
    now = utcnow()
    new_of: dict[int, int] = {}
    for group, cluster_id in assigned:
        if cluster_id is None:
            cluster_id = db.session.execute(ClaimCluster.__table__.insert().values(
                created_at=now, updated_at=now)).inserted_primary_key[0]
        for unit in group:
            new_of[unit] = cluster_id
    gone = [u for u in old if u not in new_of]
    moved = [(u, c) for u, c in new_of.items() if old.get(u) != c]
    for chunk in _chunks(gone + [u for u, _ in moved]):
        db.session.execute(delete(ClaimMember).where(ClaimMember.unit_id.in_(chunk)))
    for chunk in _chunks(moved, 5000):
        db.session.execute(ClaimMember.__table__.insert(),
                           [{"unit_id": u, "cluster_id": c} for u, c in chunk])
    changed = {c for _, c in moved} | {old[u] for u in gone}
    kept = set(new_of.values())
    empty = sorted(c for c in set(old.values()) if c not in kept)
    for chunk in _chunks(empty):
        db.session.execute(delete(ClaimCluster).where(ClaimCluster.id.in_(chunk)))
    touched = sorted(changed & kept)
    for chunk in _chunks(touched):
        db.session.execute(update(ClaimCluster).where(ClaimCluster.id.in_(chunk))
                           .values(updated_at=now))


# --- full rebuild ---------------------------------------------------------------------------


def _batch_keys(texts: list[str]) -> tuple[np.ndarray, np.ndarray, matching.ScoredSets]:
    """(positions of the indexable texts, their keys, their scored sets): the rebuild's pure
    per-batch work, run in a worker process."""
    keep, keys, feats = _keys_of(texts, cached=False)
    return (np.array(keep, dtype=np.int64), keys,
            matching.ScoredSets.of([feats[i] for i in keep]))


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
    bound (matching.could_relate) drops those that cannot reach "related", and only the rest
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
    all_sets: list[matching.ScoredSets] = []

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
            else np.empty((0, matching.KEYS), dtype=np.int64))
    sets = matching.ScoredSets.concat(all_sets)
    for parts in (all_ids, all_articles, all_keys, all_sets):
        parts.clear()
    flat_keys, flat_ids = matching.sort_keys(ids, keys)
    del keys
    pairs = matching.candidate_pairs(flat_keys, flat_ids)
    report.candidates = len(pairs)
    rows_a = np.searchsorted(ids, pairs[:, 0])
    rows_b = np.searchsorted(ids, pairs[:, 1])
    apart = articles[rows_a] != articles[rows_b]
    pairs, rows_a, rows_b = pairs[apart], rows_a[apart], rows_b[apart]
    pairs = pairs[matching.could_relate(sets, rows_a, rows_b)]
    del sets, rows_a, rows_b, apart, ids, articles
    say(f"candidates: {report.candidates} pairs, {len(pairs)} to verify")
    with write_transaction():
        _lock_matching()
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
        _store_pairs(found, report)
        edges, rejected = _all_edges()
        groups = clusters(edges, rejected)
        old = dict(db.session.execute(select(ClaimMember.unit_id, ClaimMember.cluster_id))
                   .all())
        _write_clusters(keep_ids(groups, old), old)
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
    return _match_chunks(late, skip_keyed=True)


def _match_chunks(unit_ids: Sequence[int], skip_keyed: bool = False) -> IndexReport:
    """Match units 2,000 to a write transaction. skip_keyed: leave out units whose first key
    is stored (one primary-key lookup each)."""
    total = IndexReport()
    for chunk in _chunks(unit_ids, 2000):
        with write_transaction():
            _lock_matching()
            rows = _unit_rows(chunk)
            total.add(match_rows(rows, skip_keyed=skip_keyed))
    return total


def _verify_pairs(pairs: np.ndarray) -> list[tuple[int, int, matching.Verdict]]:
    """Verify candidate pairs (of units of different articles), reading only their units."""
    needed = np.unique(pairs.reshape(-1)).tolist() if len(pairs) else []
    feature_of: dict[int, matching.Features] = {}
    for chunk in _chunks(needed, 5000):
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


def _all_edges() -> tuple[list[Edge], list[tuple[int, int]]]:
    edges, rejected = [], []
    for a, b, score, kind, decision, differs in db.session.execute(
            select(ClaimPair.unit_a_id, ClaimPair.unit_b_id, ClaimPair.score, ClaimPair.kind,
                   ClaimPair.decision, ClaimPair.differs)):
        if decision == REJECTED or (decision is None and _hard(differs)):
            rejected.append((a, b))
        elif decision == CONFIRMED or kind == SAME:
            edges.append(Edge(a, b, score, decision == CONFIRMED))
    return edges, rejected


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
    indexed = np.unique(np.fromiter(db.session.scalars(select(ClaimKey.unit_id)), dtype=np.int64))
    all_units = np.fromiter(db.session.scalars(select(Unit.id)), dtype=np.int64)
    missing = np.setdiff1d(all_units, indexed).tolist()
    say(f"{len(missing)} units without keys")
    report.add(_match_chunks(missing))
    return report
