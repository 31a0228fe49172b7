"""Reads about claims: a unit's cluster and appearances, related units, the nearest units to a
text (`flask claims similar`), the key lookups matching builds on, and the export. What the
pages show is read in pages.py.

Stable names other areas build on: :func:`cluster_id_of`, :func:`appearances`,
:func:`cluster_appearances`, :func:`related`, :func:`cluster_ids_of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, and_, func, or_, select

from annotator.claims import lsh, matching
from annotator.extensions import db
from annotator.models.articles import Article, Outlet, Unit
from annotator.models.claims import ClaimCluster, ClaimMember, ClaimPair
from annotator.vocabulary import CLAIM_DECISIONS, CLAIM_MATCHES

RELATED = CLAIM_MATCHES[1]
REJECTED = CLAIM_DECISIONS[1]


# Ids per IN list: well below SQLite's 32,766 bound parameters, and short statements.
CHUNK = 500


def chunks(values: Sequence, size: int = CHUNK):
    """Yield `values` in slices of at most `size`."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


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


def appearance_query() -> Select:
    return (select(Unit.id, Unit.article_id, Article.title, Outlet.id, Outlet.name,
                   Article.published_at, Unit.text, Unit.position)
            .join(Article, Article.id == Unit.article_id)
            .join(Outlet, Outlet.id == Article.outlet_id))


def earliest_first(rows) -> list[Appearance]:
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
    for chunk in chunks(ids):
        found.update(db.session.execute(
            select(ClaimMember.unit_id, ClaimMember.cluster_id)
            .where(ClaimMember.unit_id.in_(chunk))).all())
    return found


def cluster_appearances(cluster_id: int) -> list[Appearance]:
    """Return every unit of a cluster, earliest publication first."""
    return appearances_by_cluster([cluster_id])[cluster_id]


def appearances_by_cluster(cluster_ids: Iterable[int]) -> dict[int, list[Appearance]]:
    """Return {cluster id: its units, earliest first} for many clusters, queries.CHUNK a query."""
    rows_of: dict[int, list] = {cid: [] for cid in cluster_ids}
    for chunk in chunks(sorted(rows_of)):
        for *row, cid in db.session.execute(
                appearance_query().add_columns(ClaimMember.cluster_id)
                .join(ClaimMember, ClaimMember.unit_id == Unit.id)
                .where(ClaimMember.cluster_id.in_(chunk))):
            rows_of[cid].append(row)
    return {cid: earliest_first(rows) for cid, rows in rows_of.items()}


def appearances(unit_id: int) -> list[Appearance]:
    """Return the appearances of the unit's claim, earliest first, the unit itself included.

    A unit in no cluster is a claim seen once: the list holds the unit alone (empty if there
    is no such unit).
    """
    cluster_id = cluster_id_of(unit_id)
    if cluster_id is None:
        return earliest_first(db.session.execute(appearance_query().where(Unit.id == unit_id)))
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
    for chunk in chunks(ids):
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
        .group_by(ClaimMember.cluster_id)).all())


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

    def record(self) -> dict:
        """The unit as `flask claims similar --json` and the API give it (published_at as a
        datetime, for the caller to write)."""
        return {"unit_id": self.unit_id, "article_id": self.article_id, "outlet": self.outlet,
                "published_at": self.published_at, "text": self.text, "score": self.score,
                "match": self.kind, "differs": list(self.differs)}


def similar(text: str, top: int = 10) -> list[Similar]:
    """Return the indexed units nearest to a text: LSH candidates, verified, best first.

    Units below the "related" score are listed too (kind None) when they share a key, since
    a user asking "what is like this" wants the near misses as well.
    """
    feats = matching.features(text)
    if not matching.indexable(feats):
        return []
    keys = sorted({int(k) for k in lsh.index_keys([feats], lsh.WordHasher())[0]})
    candidates = {uid for held in key_holders(keys, _SIMILAR_PER_KEY).values() for uid in held}
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
# Keys looked up by one statement (SQLite allows 500 terms in a compound SELECT).
_KEYS_PER_QUERY = 100


def key_holders(keys: Sequence[int], cap: int) -> dict[int, list[int]]:
    """Return {key: its first `cap` units by id} for the keys (those no unit holds left out).

    One bounded range of the key index per key (a UNION ALL of LIMITed selects), so a key
    held by thousands of units (a phrase every article repeats) costs `cap` rows, not
    thousands. Sent as the driver's SQL (hundreds of keys: no statement to compile).
    """
    found: dict[int, list[int]] = {}
    connection = db.session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = [int(k) for k in keys[start:start + _KEYS_PER_QUERY]]
        params = tuple(value for key in chunk for value in (key, cap))
        for key, uid in connection.exec_driver_sql(_holders_sql(len(chunk), mark), params):
            found.setdefault(key, []).append(uid)
    return found


def key_buckets(keys: Sequence[int], all_pairs: int,
                anchors: int) -> dict[int, tuple[int, list[int]]]:
    """Return {key: (holders, units)} for the keys some unit holds, as the importer pairs them.

    holders: how many units hold the key, counted up to all_pairs + 1; units: all of them
    (by id) when that is at most all_pairs, else the first `anchors` only.
    """
    return {key: (len(units), units if len(units) <= all_pairs else units[:anchors])
            for key, units in key_holders(keys, all_pairs + 1).items()}


@lru_cache(maxsize=2 * _KEYS_PER_QUERY)
def _holders_sql(count: int, mark: str) -> str:
    return " UNION ALL ".join(
        f"SELECT * FROM (SELECT band_key, unit_id FROM claim_keys WHERE band_key = {mark} "
        f"ORDER BY unit_id LIMIT {mark}) AS h{i}" for i in range(count))


# --- export: one object per cluster ------------------------------------------------------------


def export_clusters(articles: Select | None = None) -> Iterator[dict]:
    """Yield one JSON-ready object per cluster, by id: its units earliest first and the units
    related to any of them (outside the cluster) with what differs.

    articles: a query of article ids; only clusters with a unit in one of them (each still
    with all its units).
    """
    chosen = select(ClaimCluster.id).order_by(ClaimCluster.id)
    if articles is not None:
        chosen = (select(ClaimMember.cluster_id).distinct()
                  .join(Unit, Unit.id == ClaimMember.unit_id)
                  .where(Unit.article_id.in_(articles)).order_by(ClaimMember.cluster_id))
    wanted = db.session.scalars(chosen).all()  # read once: a few bytes a claim
    for start in range(0, len(wanted), 200):
        yield from cluster_records(wanted[start:start + 200])


def cluster_record(cluster_id: int) -> dict:
    """Return a cluster as `flask claims export` writes it (JSON-ready): its units earliest
    first and the units related to any of them (outside the cluster) with what differs."""
    return cluster_records([cluster_id])[0]


def cluster_records(cluster_ids: Sequence[int]) -> list[dict]:
    """Return cluster_record of each cluster, in order, with a few queries for them all."""
    units_of = appearances_by_cluster(cluster_ids)
    rel = related_of(sorted(a.unit_id for units in units_of.values() for a in units))
    records = []
    for cid in cluster_ids:
        units = units_of[cid]
        members = {a.unit_id for a in units}
        seen: dict[int, list[str]] = {}
        for uid in sorted(members):
            for item in rel.get(uid, []):
                if item.unit_id not in members and item.unit_id not in seen:
                    seen[item.unit_id] = item.differs
        records.append({
            "cluster": cid,
            "units": [{"unit_id": a.unit_id, "article_id": a.article_id, "outlet": a.outlet,
                       "published_at": a.published_at.isoformat() if a.published_at else None,
                       "text": a.text} for a in units],
            "related": [{"unit_id": uid, "differs": differs}
                        for uid, differs in sorted(seen.items())],
        })
    return records
