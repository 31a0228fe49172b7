"""Reads about claims: a unit's cluster and appearances, related units, suggestions for leads,
the claim page, an outlet's originality, and the sources other reviewers linked to a claim.

Stable names other areas build on: :func:`cluster_id_of`, :func:`appearances`,
:func:`cluster_appearances`, :func:`related`, :func:`cluster_ids_of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, and_, func, or_, select

from annotator.claims import matching
from annotator.extensions import db
from annotator.models.annotations import Adjudication, Annotation, SourceLink
from annotator.models.articles import Article, Outlet, Unit
from annotator.models.auth import User
from annotator.models.claims import (
    ClaimBacklog,
    ClaimCluster,
    ClaimDecision,
    ClaimMember,
    ClaimPair,
    ClaimQueueOption,
)
from annotator.models.queues import Assignment
from annotator.vocabulary import CLAIM_DECISIONS, CLAIM_MATCHES, STANCES, Status

SAME, RELATED = CLAIM_MATCHES
CONFIRMED, REJECTED = CLAIM_DECISIONS
CONTRADICTS = STANCES[1]


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
            .where(ClaimMember.unit_id.in_(chunk))).all())
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


def similar(text: str, top: int = 10) -> list[Similar]:
    """Return the indexed units nearest to a text: LSH candidates, verified, best first.

    Units below the "related" score are listed too (kind None) when they share a key, since
    a user asking "what is like this" wants the near misses as well.
    """
    feats = matching.features(text)
    if not matching.indexable(feats):
        return []
    keys = sorted({int(k) for k in matching.index_keys([feats], matching.WordHasher())[0]})
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


# --- pages ------------------------------------------------------------------------------------

SMALL_SAMPLE = 20  # fewer shared claims than this: the outlet's originality is a small sample


@dataclass(frozen=True)
class UnitClaims:
    """What the article drill-down and the adjudication page show under one sentence."""

    cluster_id: int | None
    elsewhere: list[Appearance]  # the claim in other articles, earliest first
    related: list[Related]


def article_claims(article_id: int) -> dict[int, UnitClaims]:
    """Return {unit id: its claim elsewhere and related units} for an article's sentences."""
    unit_ids = db.session.scalars(select(Unit.id).where(Unit.article_id == article_id)).all()
    return units_claims(unit_ids)


def units_claims(unit_ids: Iterable[int]) -> dict[int, UnitClaims]:
    """Return {unit id: UnitClaims} for the units that have a claim elsewhere or a relative."""
    ids = list(unit_ids)
    members = cluster_ids_of(ids)
    by_cluster: dict[int, list[Appearance]] = {}
    cluster_list = sorted(set(members.values()))
    for start in range(0, len(cluster_list), 500):
        chunk = cluster_list[start:start + 500]
        rows = db.session.execute(
            _appearance_query().add_columns(ClaimMember.cluster_id)
            .join(ClaimMember, ClaimMember.unit_id == Unit.id)
            .where(ClaimMember.cluster_id.in_(chunk))).all()
        for row in rows:
            by_cluster.setdefault(row[-1], []).append(row[:-1])
    related = related_of(ids)
    out: dict[int, UnitClaims] = {}
    for uid in ids:
        cid = members.get(uid)
        elsewhere: list[Appearance] = []
        if cid is not None:
            everyone = _earliest_first(by_cluster.get(cid, []))
            mine = next((a.article_id for a in everyone if a.unit_id == uid), None)
            elsewhere = [a for a in everyone if a.article_id != mine]
        if elsewhere or related.get(uid):
            out[uid] = UnitClaims(cid, elsewhere, related.get(uid, []))
    return out


@dataclass(frozen=True)
class Suggestion:
    pair_id: int
    kind: str
    score: float
    differs: list[str]
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    a: Appearance
    b: Appearance


def suggestions(show: str = "open", kind: str | None = None, page: int = 1,
                per_page: int = 50) -> tuple[list[Suggestion], int]:
    """Return a page of matcher pairs for leads, and how many there are in all.

    show: "open" (undecided), "decided", or "all"; kind: "same", "related" or None (both).
    Undecided "same" pairs and related pairs with the highest scores come first.
    """
    from_user = User.__table__.alias("decider")
    query = select(ClaimPair, from_user.c.username).outerjoin(
        from_user, from_user.c.id == ClaimPair.decided_by_id)
    if show == "open":
        query = query.where(ClaimPair.decision.is_(None))
    elif show == "decided":
        query = query.where(ClaimPair.decision.is_not(None))
    if kind in CLAIM_MATCHES:
        query = query.where(ClaimPair.kind == kind)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    if show == "decided":
        query = query.order_by(ClaimPair.decided_at.desc(), ClaimPair.id.desc())
    else:
        query = query.order_by(ClaimPair.kind.desc(), ClaimPair.score.desc(), ClaimPair.id)
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    unit_ids = {u for pair, _ in rows for u in (pair.unit_a_id, pair.unit_b_id)}
    where = {a.unit_id: a for a in _earliest_first(db.session.execute(
        _appearance_query().where(Unit.id.in_(sorted(unit_ids)))))} if unit_ids else {}
    items = []
    for pair, username in rows:
        a, b = where.get(pair.unit_a_id), where.get(pair.unit_b_id)
        if a is None or b is None:
            continue
        items.append(Suggestion(pair.id, pair.kind, pair.score, pair.differences, pair.decision,
                                username, pair.decided_at, a, b))
    return items, total


@dataclass
class AppearanceDetail:
    """One appearance on the claim page: where, when, and what reviewers made of it."""

    appearance: Appearance
    labels: dict[str, int]  # submitted labels, by label
    gold: list[str]  # gold labels (one per queue that adjudicated it)
    sources: list[dict]  # url, domain, stance, title of sources in submitted work


@dataclass
class ClaimPage:
    cluster_id: int
    appearances: list[AppearanceDetail]
    outlets: list[str]  # in order of first appearance
    stance_mix: dict[str, int]
    related: list[Related]
    decisions: list[dict]

    @property
    def first(self) -> AppearanceDetail:
        return self.appearances[0]


def claim_page(cluster_id: int) -> ClaimPage | None:
    """Return the claim page of a cluster, or None if there is no such cluster."""
    if db.session.get(ClaimCluster, cluster_id) is None:
        return None
    items = cluster_appearances(cluster_id)
    ids = [a.unit_id for a in items]
    labels: dict[int, dict[str, int]] = {}
    for uid, label, count in db.session.execute(
            select(Annotation.unit_id, Annotation.label, func.count())
            .join(Assignment, Assignment.id == Annotation.assignment_id)
            .where(Annotation.unit_id.in_(ids), Assignment.status == Status.SUBMITTED)
            .group_by(Annotation.unit_id, Annotation.label)):
        labels.setdefault(uid, {})[label] = count
    gold: dict[int, list[str]] = {}
    for uid, label in db.session.execute(select(Adjudication.unit_id, Adjudication.gold_label)
                                         .where(Adjudication.unit_id.in_(ids))
                                         .order_by(Adjudication.id)):
        gold.setdefault(uid, []).append(label)
    sources: dict[int, list[dict]] = {}
    mix = {stance: 0 for stance in STANCES}
    for uid, url, domain, stance, title in db.session.execute(
            select(SourceLink.unit_id, SourceLink.url, SourceLink.domain, SourceLink.stance,
                   SourceLink.title)
            .join(Assignment, Assignment.id == SourceLink.assignment_id)
            .where(SourceLink.unit_id.in_(ids), Assignment.status == Status.SUBMITTED)
            .order_by(SourceLink.id)):
        sources.setdefault(uid, []).append(
            {"url": url, "domain": domain, "stance": stance, "title": title})
        mix[stance] += 1
    outlets: list[str] = []
    for a in items:
        if a.outlet not in outlets:
            outlets.append(a.outlet)
    decided = db.session.execute(
        select(ClaimDecision.decision, ClaimDecision.decided_at, User.username,
               ClaimPair.unit_a_id, ClaimPair.unit_b_id)
        .join(ClaimPair, ClaimPair.id == ClaimDecision.pair_id)
        .join(User, User.id == ClaimDecision.user_id)
        .where(or_(ClaimPair.unit_a_id.in_(ids), ClaimPair.unit_b_id.in_(ids)))
        .order_by(ClaimDecision.decided_at, ClaimDecision.id)).all()
    rel: dict[int, Related] = {}
    for items_of_unit in related_of(ids).values():
        for r in items_of_unit:
            if r.unit_id not in ids:
                rel.setdefault(r.unit_id, r)
    return ClaimPage(
        cluster_id,
        [AppearanceDetail(a, labels.get(a.unit_id, {}), gold.get(a.unit_id, []),
                          sources.get(a.unit_id, [])) for a in items],
        outlets, mix, sorted(rel.values(), key=lambda r: -r.score)[:30],
        [{"decision": d, "at": at, "by": who, "units": (ua, ub)}
         for d, at, who, ua, ub in decided])


@dataclass
class Originality:
    """How often an outlet published a shared claim first, and its repeats others contradicted."""

    shared: int  # the outlet's sentences whose claim appears in another outlet's article
    first: int  # ... of which it published first (or at the same time)
    repeated: int  # ... of which had appeared elsewhere earlier
    contradicted: list[dict]  # repeated claims with a contradicting source elsewhere
    warnings: list[str]

    @property
    def share(self) -> float | None:
        return self.first / self.shared if self.shared else None


def outlet_originality(outlet_id: int) -> Originality:
    """Return the outlet's originality: the share of its shared claims it published first.

    A claim counts once per sentence of the outlet. "Elsewhere earlier": another outlet's
    article of the same claim published strictly before; undated articles never count as
    earlier. Contradicted: a source with the stance "contradicts" linked, in submitted work,
    to an appearance of the claim in another outlet's article.
    """
    mine = db.session.execute(
        select(Unit.id, ClaimMember.cluster_id, Article.published_at, Unit.text, Article.id)
        .join(ClaimMember, ClaimMember.unit_id == Unit.id)
        .join(Article, Article.id == Unit.article_id)
        .where(Article.outlet_id == outlet_id)).all()
    clusters = sorted({row[1] for row in mine})
    others: dict[int, list[tuple[int, datetime | None, int]]] = {}
    for start in range(0, len(clusters), 500):
        chunk = clusters[start:start + 500]
        for cid, uid, published, outlet in db.session.execute(
                select(ClaimMember.cluster_id, Unit.id, Article.published_at, Article.outlet_id)
                .join(Unit, Unit.id == ClaimMember.unit_id)
                .join(Article, Article.id == Unit.article_id)
                .where(ClaimMember.cluster_id.in_(chunk), Article.outlet_id != outlet_id)):
            others.setdefault(cid, []).append((uid, published, outlet))
    contradicting: dict[int, int] = {}
    other_units = sorted({uid for rows in others.values() for uid, _, _ in rows})
    for start in range(0, len(other_units), 500):
        chunk = other_units[start:start + 500]
        for uid, count in db.session.execute(
                select(SourceLink.unit_id, func.count())
                .join(Assignment, Assignment.id == SourceLink.assignment_id)
                .where(SourceLink.unit_id.in_(chunk), SourceLink.stance == CONTRADICTS,
                       Assignment.status == Status.SUBMITTED)
                .group_by(SourceLink.unit_id)):
            contradicting[uid] = count
    shared = first = repeated = 0
    contradicted = []
    for uid, cid, published, text_, article_id in mine:
        elsewhere = others.get(cid)
        if not elsewhere:
            continue
        shared += 1
        earlier = published is not None and any(
            p is not None and p < published for _, p, _ in elsewhere)
        if earlier:
            repeated += 1
        else:
            first += 1
        against = sum(contradicting.get(u, 0) for u, _, _ in elsewhere)
        if earlier and against:
            contradicted.append({"unit_id": uid, "cluster_id": cid, "text": text_,
                                 "article_id": article_id, "contradicting": against})
    warnings = []
    if shared < SMALL_SAMPLE:
        warnings.append(f"Only {shared} of this outlet's sentences share a claim with another "
                        f"outlet (fewer than {SMALL_SAMPLE}): its originality is a small sample.")
    contradicted.sort(key=lambda c: (-c["contradicting"], c["unit_id"]))
    return Originality(shared, first, repeated, contradicted[:50], warnings)


# --- the queue option: sources linked to the same claim elsewhere -----------------------------


def show_sources(queue_id: int) -> bool:
    """Whether the queue shows reviewers the sources linked to the same claim elsewhere."""
    row = db.session.get(ClaimQueueOption, queue_id)
    return bool(row and row.show_sources)


def queue_options() -> dict[int, bool]:
    """Return {queue id: the option is on} for the queues with a stored option."""
    return dict(db.session.execute(select(ClaimQueueOption.queue_id,
                                          ClaimQueueOption.show_sources)).all())


def sources_elsewhere(unit_ids: Iterable[int], article_id: int) -> dict[int, list[dict]]:
    """Return {unit id: sources} linked to the same claim in other articles' submitted work.

    Only the source (url, domain, title, stance): never a label, never who linked it.
    """
    members = cluster_ids_of(unit_ids)
    if not members:
        return {}
    clusters = sorted(set(members.values()))
    by_cluster: dict[int, dict[str, dict]] = {}
    for cid, url, domain, title, stance in db.session.execute(
            select(ClaimMember.cluster_id, SourceLink.url, SourceLink.domain, SourceLink.title,
                   SourceLink.stance)
            .join(Unit, Unit.id == ClaimMember.unit_id)
            .join(SourceLink, SourceLink.unit_id == Unit.id)
            .join(Assignment, Assignment.id == SourceLink.assignment_id)
            .where(ClaimMember.cluster_id.in_(clusters), Unit.article_id != article_id,
                   Assignment.status == Status.SUBMITTED)
            .order_by(SourceLink.id)):
        by_cluster.setdefault(cid, {}).setdefault(
            url, {"url": url, "domain": domain, "title": title, "stance": stance})
    return {uid: list(by_cluster[cid].values()) for uid, cid in members.items()
            if cid in by_cluster}


def backlog() -> tuple[int, datetime | None]:
    """Return (articles waiting to be matched, when the oldest of them was queued)."""
    count, oldest = db.session.execute(
        select(func.count(), func.min(ClaimBacklog.queued_at))).one()
    return count, oldest
