"""Reads about claims: a unit's cluster and appearances, related units, suggestions for leads,
the claim page, an outlet's originality, and the sources other reviewers linked to a claim.

Stable names other areas build on: :func:`cluster_id_of`, :func:`appearances`,
:func:`cluster_appearances`, :func:`related`, :func:`cluster_ids_of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select

from annotator.claims import matching
from annotator.extensions import db
from annotator.models.articles import Article, Outlet, Unit
from annotator.models.claims import ClaimCluster, ClaimKey, ClaimMember, ClaimPair
from annotator.vocabulary import CLAIM_DECISIONS, CLAIM_MATCHES

SAME, RELATED = CLAIM_MATCHES
CONFIRMED, REJECTED = CLAIM_DECISIONS


@dataclass(frozen=True)
class Appearance:
    """One unit that states a claim, where and when it was published."""

    unit_id: int
    article_id: int
    article_title: str
    outlet_id: int
    outlet: str
    published_at: datetime | None
    text: str
    position: int


@dataclass(frozen=True)
class Related:
    """A unit related to another but not the same claim, and what differs."""

    pair_id: int
    unit_id: int
    article_id: int
    article_title: str
    outlet: str
    published_at: datetime | None
    text: str
    score: float
    differs: list[str] = field(default_factory=list)
    decision: str | None = None


def _appearance_query() -> Select:
    return (select(Unit.id, Unit.article_id, Article.title, Outlet.id, Outlet.name,
                   Article.published_at, Unit.text, Unit.position)
            .join(Article, Article.id == Unit.article_id)
            .join(Outlet, Outlet.id == Article.outlet_id))


def _earliest_first(rows) -> list[Appearance]:
    items = [Appearance(*row) for row in rows]
    # Undated articles last; ties by article then position, so the order is stable.
    items.sort(key=lambda a: (a.published_at is None, a.published_at or datetime.min,
                              a.article_id, a.position))
    return items


def cluster_id_of(unit_id: int) -> int | None:
    """Return the id of the claim cluster the unit belongs to, or None (a claim seen once)."""
    return db.session.scalar(select(ClaimMember.cluster_id).where(ClaimMember.unit_id == unit_id))


def cluster_ids_of(unit_ids: Iterable[int]) -> dict[int, int]:
    """Return {unit id: cluster id} for those of the units that belong to a cluster."""
    ids = list(unit_ids)
    found: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(db.session.execute(
            select(ClaimMember.unit_id, ClaimMember.cluster_id)
            .where(ClaimMember.unit_id.in_(chunk))).tuples().all())
    return found


def cluster_appearances(cluster_id: int) -> list[Appearance]:
    """Return every unit of a cluster, earliest publication first."""
    rows = db.session.execute(_appearance_query().join(
        ClaimMember, ClaimMember.unit_id == Unit.id).where(ClaimMember.cluster_id == cluster_id))
    return _earliest_first(rows)


def appearances(unit_id: int) -> list[Appearance]:
    """Return the appearances of the unit's claim, earliest first, the unit itself included.

    A unit in no cluster is a claim seen once: the list holds the unit alone (empty if there
    is no such unit).
    """
    cluster_id = cluster_id_of(unit_id)
    if cluster_id is None:
        return _earliest_first(db.session.execute(_appearance_query().where(Unit.id == unit_id)))
    return cluster_appearances(cluster_id)


def related(unit_id: int, limit: int = 20) -> list[Related]:
    """Return units related to this one that are not in its claim, best score first."""
    return related_of([unit_id], limit).get(unit_id, [])


def related_of(unit_ids: Iterable[int], limit: int = 20) -> dict[int, list[Related]]:
    """Return {unit id: related units} for many units at once (an article's sentences).

    Related: a "related" pair no lead confirmed, or a pair a lead rejected; never a unit of
    the same claim.
    """
    ids = list(unit_ids)
    if not ids:
        return {}
    other = Unit.__table__.alias("other")
    found = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for side, far in ((ClaimPair.unit_a_id, ClaimPair.unit_b_id),
                          (ClaimPair.unit_b_id, ClaimPair.unit_a_id)):
            found.extend(db.session.execute(
                select(side, ClaimPair.id, far, Article.id, Article.title, Outlet.name,
                       Article.published_at, other.c.text, ClaimPair.score, ClaimPair.differs,
                       ClaimPair.decision)
                .join(other, other.c.id == far)
                .join(Article, Article.id == other.c.article_id)
                .join(Outlet, Outlet.id == Article.outlet_id)
                .where(side.in_(chunk))
                .where(or_(and_(ClaimPair.kind == RELATED, ClaimPair.decision.is_(None)),
                           ClaimPair.decision == REJECTED))).all())
    members = cluster_ids_of({row[0] for row in found} | {row[2] for row in found})
    out: dict[int, list[Related]] = {}
    for (mine, pair_id, unit, article_id, title, outlet, published, text, score, differs,
         decision) in found:
        if members.get(mine) is not None and members.get(mine) == members.get(unit):
            continue
        out.setdefault(mine, []).append(Related(
            pair_id, unit, article_id, title, outlet, published, text, score,
            [d for d in differs.split(",") if d], decision))
    for items in out.values():
        items.sort(key=lambda r: (-r.score, r.unit_id))
        del items[limit:]
    return out


def pair_between(unit_a: int, unit_b: int) -> ClaimPair | None:
    """Return the stored pair of two units, whichever order they are given in."""
    low, high = sorted((unit_a, unit_b))
    return db.session.scalar(select(ClaimPair).where(
        and_(ClaimPair.unit_a_id == low, ClaimPair.unit_b_id == high)))


def cluster_sizes(cluster_ids: Iterable[int]) -> dict[int, int]:
    """Return {cluster id: number of units}."""
    ids = list(cluster_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(ClaimMember.cluster_id, func.count()).where(ClaimMember.cluster_id.in_(ids))
        .group_by(ClaimMember.cluster_id)).tuples().all())


# --- nearest units to a text (flask claims similar) -------------------------------------------


@dataclass(frozen=True)
class Similar:
    unit_id: int
    article_id: int
    outlet: str
    published_at: datetime | None
    text: str
    score: float
    kind: str | None
    differs: tuple[str, ...]


def similar(text: str, top: int = 10) -> list[Similar]:
    """Return the indexed units nearest to a text: LSH candidates, verified, best first.

    Units below the "related" score are listed too (kind None) when they share a key, since
    a user asking "what is like this" wants the near misses as well.
    """
    feats = matching.features(text)
    if not matching.indexable(feats):
        return []
    sigs = matching.signatures([matching.WordHasher()(matching.shingles(feats))])
    keys = [int(k) for k in matching.band_keys(sigs)[0]]
    by_key: dict[int, list[int]] = {}
    for key, uid in db.session.execute(
            select(ClaimKey.band_key, ClaimKey.unit_id).where(ClaimKey.band_key.in_(keys))):
        by_key.setdefault(key, []).append(uid)
    candidates: set[int] = set()
    for uids in by_key.values():
        candidates.update(sorted(uids)[:_SIMILAR_PER_KEY])
    if not candidates:
        return []
    rows = db.session.execute(
        select(Unit.id, Unit.article_id, Outlet.name, Article.published_at, Unit.text)
        .join(Article, Article.id == Unit.article_id).join(Outlet, Outlet.id == Article.outlet_id)
        .where(Unit.id.in_(sorted(candidates)))).all()
    found = []
    for uid, article_id, outlet, published, unit_text in rows:
        verdict = matching.compare(feats, matching.features(unit_text))
        found.append(Similar(uid, article_id, outlet, published, unit_text, verdict.score,
                             verdict.kind, verdict.differs))
    found.sort(key=lambda s: (-s.score, s.unit_id))
    return found[:top]


_SIMILAR_PER_KEY = 200


# --- export: one object per cluster ------------------------------------------------------------


def export_clusters() -> Iterator[dict]:
    """Yield one JSON-ready object per cluster, by id: its units earliest first and the units
    related to any of them (outside the cluster) with what differs."""
    last = 0
    while True:
        ids = db.session.scalars(select(ClaimCluster.id).where(ClaimCluster.id > last)
                                 .order_by(ClaimCluster.id).limit(200)).all()
        if not ids:
            return
        last = ids[-1]
        for cluster_id in ids:
            units = cluster_appearances(cluster_id)
            members = {a.unit_id for a in units}
            rel = related_of(sorted(members))
            seen: dict[int, list[str]] = {}
            for items in rel.values():
                for item in items:
                    if item.unit_id not in members and item.unit_id not in seen:
                        seen[item.unit_id] = item.differs
            yield {
                "cluster": cluster_id,
                "units": [{"unit_id": a.unit_id, "article_id": a.article_id,
                           "outlet": a.outlet,
                           "published_at": a.published_at.isoformat() if a.published_at else None,
                           "text": a.text} for a in units],
                "related": [{"unit_id": uid, "differs": differs}
                            for uid, differs in sorted(seen.items())],
            }
