"""Reads of claim memory for the pages that show it: each sentence's other appearances and
related sentences (article drill-down, adjudication), the suggestions list, the claim page,
an outlet's originality, the queue option and the sources linked elsewhere (workspace), the
backlog. The reads they build on (appearances, related pairs, clusters) are in queries.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select

from annotator.claims.queries import (
    Appearance,
    Related,
    appearance_query,
    appearances_by_cluster,
    cluster_appearances,
    cluster_ids_of,
    earliest_first,
    related_of,
)
from annotator.extensions import db
from annotator.models.annotations import Adjudication, Annotation, SourceLink
from annotator.models.articles import Article, Unit
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
from annotator.vocabulary import CLAIM_MATCHES, STANCES, Status

CONTRADICTS = STANCES[1]
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
    by_cluster = appearances_by_cluster(set(members.values()))
    related = related_of(ids)
    out: dict[int, UnitClaims] = {}
    for uid in ids:
        cid = members.get(uid)
        elsewhere: list[Appearance] = []
        if cid is not None:
            everyone = by_cluster.get(cid, [])
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
                per_page: int = 50, offset: int | None = None) -> tuple[list[Suggestion], int]:
    """Return a page of matcher pairs for leads, and how many there are in all.

    offset: skip that many pairs (the API's pages) instead of (page - 1) * per_page.

    show: "open" (undecided), "decided", or "all"; kind: "same", "related" or None (both).
    Undecided "same" pairs and related pairs with the highest scores come first.
    """
    query = _pairs_query()
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
    skip = (page - 1) * per_page if offset is None else offset
    return _suggestions_of(db.session.execute(query.limit(per_page).offset(skip)).all()), total


def pair_suggestion(pair_id: int) -> Suggestion | None:
    """Return one pair as the suggestions list shows it (None when it or a unit is gone)."""
    found = _suggestions_of(db.session.execute(
        _pairs_query().where(ClaimPair.id == pair_id)).all())
    return found[0] if found else None


def _pairs_query() -> Select:
    """Pairs with the username of whoever decided them."""
    from_user = User.__table__.alias("decider")
    return select(ClaimPair, from_user.c.username).outerjoin(
        from_user, from_user.c.id == ClaimPair.decided_by_id)


def _suggestions_of(rows) -> list[Suggestion]:
    """Suggestions of (pair, decider's username) rows, in order; a pair whose unit is gone
    is left out."""
    unit_ids = {u for pair, _ in rows for u in (pair.unit_a_id, pair.unit_b_id)}
    where = {a.unit_id: a for a in earliest_first(db.session.execute(
        appearance_query().where(Unit.id.in_(sorted(unit_ids)))))} if unit_ids else {}
    items = []
    for pair, username in rows:
        a, b = where.get(pair.unit_a_id), where.get(pair.unit_b_id)
        if a is not None and b is not None:
            items.append(Suggestion(pair.id, pair.kind, pair.score, pair.differences,
                                    pair.decision, username, pair.decided_at, a, b))
    return items


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
