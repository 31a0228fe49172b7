"""Indexing and matching units, in the caller's transaction: their LSH keys are stored, the
units sharing a key are verified (matching.compare), the pairs found stored and new "same"
pairs joined into clusters (membership.join_new). The matching itself is pure (matching.py,
lsh.py); this module reads units and writes keys and pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select, text, update

from annotator.claims import lsh, matching, queries
from annotator.claims.membership import join_new
from annotator.claims.queries import chunks
from annotator.database import write_transaction
from annotator.extensions import db
from annotator.models.articles import Unit
from annotator.models.claims import ClaimKey, ClaimPair
from annotator.timeutil import utcnow


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




def keys_of(texts: Sequence[str], cached: bool = True,
             ) -> tuple[list[int], np.ndarray, list[matching.Features]]:
    """Return (positions of indexable texts, their band keys, features of every text).

    cached=False: features computed without filling the features cache (a rebuild reads
    every unit once, and the cache would only hold memory).
    """
    compute = matching.features if cached else matching.features.__wrapped__
    feats = [compute(t) for t in texts]
    keep = [i for i, f in enumerate(feats) if matching.indexable(f)]
    if not keep:
        return [], np.empty((0, lsh.KEYS), dtype=np.int64), feats
    hasher = lsh.WordHasher()
    return keep, lsh.index_keys([feats[i] for i in keep], hasher), feats
# An advisory lock key ("claims" in ASCII): on PostgreSQL matching takes turns across
# processes like SQLite's single writer does, so two articles matched at once still meet.
_MATCHING_LOCK = 0x636C61696D73


def lock_matching() -> None:
    """Take matching's turn for this write transaction (PostgreSQL; SQLite has one writer)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MATCHING_LOCK})


def _keyed(unit_ids: Sequence[int], first_keys: Sequence[int]) -> set[int]:
    """Which of these units already have their first band key stored (a lookup of the keys,
    the index's order; a pair-wise IN is a scan on SQLite)."""
    wanted = set(zip(first_keys, unit_ids, strict=True))
    found: set[int] = set()
    for chunk in chunks(sorted(set(first_keys))):
        for key, unit in db.session.execute(select(ClaimKey.band_key, ClaimKey.unit_id)
                                            .where(ClaimKey.band_key.in_(chunk))):
            if (key, unit) in wanted:
                found.add(unit)
    return found


def match_units(unit_ids: Sequence[int]) -> IndexReport:
    """Index the units and match them against every indexed unit, in the caller's transaction.

    Pairs within one article are not claims repeated elsewhere and are not stored.
    """
    return match_rows(unit_rows(unit_ids))


def unit_rows(unit_ids: Sequence[int]) -> list:
    """(unit id, article id, text) of the units, read queries.CHUNK ids to a query."""
    rows = []
    for chunk in chunks(list(unit_ids)):
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
    keep, keys, feats = keys_of([r[2] for r in rows])
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
    buckets = queries.key_buckets(sorted(by_key), lsh.BUCKET_ALL_PAIRS,
                                  lsh.BUCKET_ANCHORS)
    # In the index's order: consecutive rows land on the same or the next page.
    _insert_keys(sorted((k, u) for k, uids in by_key.items() for u in set(uids)))
    candidates: set[tuple[int, int]] = set()
    fresh = set(new_ids)
    for key, mine in by_key.items():
        held, holders = buckets.get(key, (0, []))
        members = sorted(set(holders) | set(mine))
        if len(members) < 2:
            continue
        if held + len(set(mine)) <= lsh.BUCKET_ALL_PAIRS:
            for x, a in enumerate(members):
                for b in members[x + 1:]:
                    if a in fresh or b in fresh:
                        candidates.add((a, b))
        else:  # a common phrase: each new unit meets the key's first few units only
            anchors = members[:lsh.BUCKET_ANCHORS]
            for uid in mine:
                for other in anchors:
                    if other != uid:
                        candidates.add((min(uid, other), max(uid, other)))
    others = sorted({u for pair in candidates for u in pair} - set(feature_of))
    for chunk in chunks(others):
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
        store_pairs(found, report, fresh_units=set(new_ids))
        report.clusters = join_new(found, fresh)
    return report


def _insert_keys(rows: list[tuple[int, int]]) -> None:
    """Insert (band key, unit id) rows through the driver's executemany (no per-row dicts)."""
    connection = db.session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        f"INSERT INTO claim_keys (band_key, unit_id) VALUES ({mark}, {mark})", rows)


def store_pairs(found: list[tuple[int, int, matching.Verdict]], report: IndexReport,
                 fresh_units: set[int] | None = None) -> None:
    """Insert new pairs; a stored pair keeps its decision and gets the new score.

    fresh_units: units indexed just now, so no stored pair can hold them (no lookup needed).
    """
    existing: dict[tuple[int, int], int] = {}
    lows = sorted({a for a, b, _ in found
                   if fresh_units is None or (a not in fresh_units and b not in fresh_units)})
    for chunk in chunks(lows):
        for pid, a, b in db.session.execute(
                select(ClaimPair.id, ClaimPair.unit_a_id, ClaimPair.unit_b_id)
                .where(ClaimPair.unit_a_id.in_(chunk))):
            existing[(a, b)] = pid
    now = utcnow()
    fresh = []
    for a, b, verdict in found:
        if verdict.kind == matching.SAME:
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
    for chunk in chunks(fresh, 5000):
        db.session.execute(ClaimPair.__table__.insert(), chunk)


def match_chunks(unit_ids: Sequence[int], skip_keyed: bool = False) -> IndexReport:
    """Match units 2,000 to a write transaction. skip_keyed: leave out units whose first key
    is stored (one primary-key lookup each)."""
    total = IndexReport()
    for chunk in chunks(unit_ids, 2000):
        with write_transaction():
            lock_matching()
            rows = unit_rows(chunk)
            total.add(match_rows(rows, skip_keyed=skip_keyed))
    return total
