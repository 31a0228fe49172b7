"""Reads built on the sentences a published verdict serves: outlet track records (verdict mix,
prediction record, originality and repeats) and the published verdicts ClaimReview needs.

Claim clusters plug in at :func:`served_units`: a verdict on one appearance of a confirmed
claim serves every appearance (that has no verdict of its own), so the track records count it
for each appearance's outlet, and its ClaimReview lists every appearance.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Select, func, literal_column, select, union_all
from sqlalchemy.orm import aliased

from annotator.extensions import db
from annotator.models import Article, ClaimMember, Outlet, Prediction, Rating, Unit, Verdict
from annotator.verdicts.claimreview import PublishedVerdict
from annotator.verdicts.queries import scale_steps
from annotator.verdicts.track import (
    Repeats,
    SampleRule,
    TrackRecord,
    build_repeats,
    build_track_records,
)
from annotator.vocabulary import VerdictStatus


def served_units(verdict_ids: list[int] | None = None,
                 outlet_ids: list[int] | None = None) -> Select:
    """Return (verdict_id, unit_id) for every sentence a published verdict serves.

    A verdict serves its own sentence and, when that sentence belongs to a claim cluster
    (annotator.claims: units joined by "same" or confirmed pairs), every other appearance of
    the claim that has no published verdict of its own; where two verdicts share a cluster,
    the older one serves the rest. ``verdict_ids`` keeps those verdicts only, ``outlet_ids``
    the sentences of those outlets only.
    """
    published = Verdict.status == VerdictStatus.PUBLISHED
    own = select(Verdict.id.label("verdict_id"), Verdict.unit_id.label("unit_id")).where(
        published)
    mine, other = aliased(ClaimMember), aliased(ClaimMember)
    checked = select(Verdict.unit_id).where(published)
    shared = (
        select(func.min(Verdict.id).label("verdict_id"), other.unit_id.label("unit_id"))
        .join(mine, mine.unit_id == Verdict.unit_id)
        .join(other, other.cluster_id == mine.cluster_id)
        .where(published, other.unit_id.not_in(checked))
        .group_by(other.unit_id)
    )  # fmt: skip
    # Filters go inside each part, where the indexes are.
    if verdict_ids is not None:
        own = own.where(Verdict.id.in_(verdict_ids))
        shared = shared.having(func.min(Verdict.id).in_(verdict_ids))
    if outlet_ids is not None:
        own = own.where(Verdict.outlet_id.in_(outlet_ids))
        unit, article = aliased(Unit), aliased(Article)
        shared = (shared.join(unit, unit.id == other.unit_id)
                  .join(article, article.id == unit.article_id)
                  .where(article.outlet_id.in_(outlet_ids)))
    return union_all(own, shared)


def _publication_day(column) -> object:
    return func.coalesce(column, Article.created_at)


def track_records(outlet_ids: list[int] | None, rule: SampleRule,
                  today: date) -> dict[int, TrackRecord]:
    """Return the track record of the given outlets (every outlet with checks when None).

    Reads one row per published verdict and per prediction of the outlets (an index scan:
    20,000 verdicts are a few milliseconds), grouped by outlet and publication day.
    """
    served = served_units(outlet_ids=outlet_ids).subquery("served")
    day = _publication_day(Article.published_at)
    verdicts = (
        select(Article.outlet_id, Verdict.rating_id, day, func.count())
        .select_from(served)
        .join(Verdict, Verdict.id == served.c.verdict_id)
        .join(Unit, Unit.id == served.c.unit_id)
        .join(Article, Article.id == Unit.article_id)
        .group_by(Article.outlet_id, Verdict.rating_id, day)
    )  # fmt: skip
    predictions = (
        select(Prediction.outlet_id, Prediction.outcome, Prediction.resolves_by, day,
               literal_column("1"))
        .join(Article, Article.id == Prediction.article_id)
    )  # fmt: skip
    if outlet_ids is not None:
        verdicts = verdicts.where(Article.outlet_id.in_(outlet_ids))
        predictions = predictions.where(Prediction.outlet_id.in_(outlet_ids))
    return build_track_records(
        scale_steps(),
        ((o, r, _as_day(d), n) for o, r, d, n in db.session.execute(verdicts)),
        ((o, out, by, _as_day(d)) for o, out, by, d, _ in db.session.execute(predictions)),
        rule, today, outlet_ids or (), repeats_of(outlet_ids))


def repeats_of(outlet_ids: list[int] | None) -> dict[int, Repeats]:
    """Return, per outlet, how its sentences in claim clusters stand: first or repeated, and
    repeats of claims a published verdict rated (mostly) false."""
    day = _publication_day(Article.published_at)
    members = (select(ClaimMember.cluster_id, Article.outlet_id, day)
               .join(Unit, Unit.id == ClaimMember.unit_id)
               .join(Article, Article.id == Unit.article_id))
    if outlet_ids is not None:
        touched = (select(ClaimMember.cluster_id).join(Unit, Unit.id == ClaimMember.unit_id)
                   .join(Article, Article.id == Unit.article_id)
                   .where(Article.outlet_id.in_(outlet_ids)))
        members = members.where(ClaimMember.cluster_id.in_(touched))
    rows = [(c, o, _as_day(d)) for c, o, d in db.session.execute(members)]
    if not rows:
        return {}
    false_clusters = set(db.session.scalars(
        select(ClaimMember.cluster_id).distinct()
        .join(Verdict, Verdict.unit_id == ClaimMember.unit_id)
        .join(Rating, Rating.id == Verdict.rating_id)
        .where(Verdict.status == VerdictStatus.PUBLISHED, Rating.counts_false.is_(True))))
    found = build_repeats(rows, false_clusters)
    return found if outlet_ids is None else {o: found[o] for o in outlet_ids if o in found}


def _as_day(value) -> date | None:
    """Return a date from what the database gives for a timestamp (a string on SQLite)."""
    if value is None:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if hasattr(value, "date") else value


def published_verdicts(chunk: int = 1000) -> Iterator[PublishedVerdict]:
    """Yield every published verdict as ClaimReview needs it, in id order, chunk by chunk.

    Its appearances are the articles of every sentence it serves (:func:`served_units`),
    earliest first; the first of them is the claim's first appearance when there are several.
    """
    steps = scale_steps()
    scores = [s.score for s in steps if s.score is not None]
    best, worst = (max(scores), min(scores)) if scores else (None, None)
    last = 0
    while True:
        rows = db.session.execute(
            select(Verdict.id, Verdict.unit_id, Unit.text, Rating.name, Rating.score,
                   Verdict.published_at, Outlet.name, Outlet.domain, Article.published_at,
                   Article.url)
            .join(Unit, Unit.id == Verdict.unit_id)
            .join(Article, Article.id == Verdict.article_id)
            .join(Outlet, Outlet.id == Verdict.outlet_id)
            .join(Rating, Rating.id == Verdict.rating_id)
            .where(Verdict.status == VerdictStatus.PUBLISHED, Verdict.id > last)
            .order_by(Verdict.id).limit(chunk)).all()  # fmt: skip
        if not rows:
            return
        seen = _appearances([r[0] for r in rows])
        for (vid, unit_id, text, rating, score, published, outlet, domain, claimed,
             url) in rows:
            urls = seen.get(vid) or ([url] if url else [])
            yield PublishedVerdict(
                vid, unit_id, text, rating, score, best if score is not None else None,
                worst if score is not None else None, published, outlet,
                f"https://{domain}/" if domain else None, claimed, urls,
                urls[0] if len(urls) > 1 else None)
        last = rows[-1][0]


def _appearances(verdict_ids: list[int]) -> dict[int, list[str]]:
    """Return each verdict's appearance URLs (the articles of the sentences it serves),
    earliest publication first, each URL once."""
    served = served_units(verdict_ids).subquery("served")
    rows = db.session.execute(
        select(served.c.verdict_id, Article.url)
        .join(Unit, Unit.id == served.c.unit_id)
        .join(Article, Article.id == Unit.article_id)
        .where(served.c.verdict_id.in_(verdict_ids), Article.url.is_not(None))
        .order_by(served.c.verdict_id, _publication_day(Article.published_at), Article.id))
    found: dict[int, list[str]] = {}
    for verdict_id, url in rows:
        urls = found.setdefault(verdict_id, [])
        if url not in urls:
            urls.append(url)
    return found


def served_appearances(verdict_id: int) -> list[tuple[int, str, str, object]]:
    """Return (article id, title, outlet, published) of every other sentence the verdict
    serves through its claim cluster, earliest first (empty for a claim seen once)."""
    served = served_units([verdict_id]).subquery("served")
    own = select(Verdict.unit_id).where(Verdict.id == verdict_id).scalar_subquery()
    return [tuple(r) for r in db.session.execute(
        select(Article.id, Article.title, Outlet.name, Article.published_at)
        .select_from(served)
        .join(Unit, Unit.id == served.c.unit_id)
        .join(Article, Article.id == Unit.article_id)
        .join(Outlet, Outlet.id == Article.outlet_id)
        .where(served.c.unit_id != own)
        .order_by(_publication_day(Article.published_at), Article.id))]
