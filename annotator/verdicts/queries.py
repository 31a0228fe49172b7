"""Verdicts' reads: a sentence's check, verdict and prediction pages and lists, the due list,
the rating scale, outlet track records and the published verdicts the ClaimReview export needs.

Claim clusters plug in at :func:`served_units`: a verdict on one appearance of a confirmed
claim serves every appearance (that has no verdict of its own), so the track records count it
for each appearance's outlet, and its ClaimReview lists every appearance.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, literal_column, select, union_all
from sqlalchemy.orm import aliased, joinedload

from annotator.errors import VerdictError
from annotator.extensions import db
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    Assignment,
    CheckHistory,
    ClaimMember,
    Outlet,
    Prediction,
    Queue,
    Rating,
    SourceLink,
    Unit,
    User,
    Verdict,
)
from annotator.pagination import PageNav
from annotator.stats.sentences import decide
from annotator.verdicts.claimreview import PublishedVerdict
from annotator.verdicts.dates import Suggestion, suggest_due_date
from annotator.verdicts.track import (
    Repeats,
    SampleRule,
    Step,
    TrackRecord,
    build_repeats,
    build_track_records,
)
from annotator.vocabulary import (
    CHECKABLE_LABELS,
    DEFAULT_RATINGS,
    PREDICTION_LABEL,
    Status,
    VerdictStatus,
)

PER_PAGE = 50


# --- the rating scale ----------------------------------------------------------------------

def scale_steps() -> list[Step]:
    """Return the stored rating scale, best first; the defaults while none is stored."""
    rows = db.session.scalars(select(Rating).order_by(Rating.position)).all()
    if not rows:
        return [Step(name, score, false) for name, score, false in DEFAULT_RATINGS]
    return [Step(r.name, r.score, r.counts_false, r.id) for r in rows]


def scale_in_use() -> bool:
    """Return whether any verdict uses the scale (then it can no longer change)."""
    return db.session.scalar(select(func.count()).select_from(Verdict)) > 0


# --- one sentence --------------------------------------------------------------------------

@dataclass
class GoldInQueue:
    """The sentence's gold label in one queue, and how it was decided."""

    queue_id: int
    queue: str
    label: str | None
    decided_by: str


@dataclass
class UnitCheck:
    """Everything the page for checking one sentence shows."""

    unit: Unit
    article: Article
    outlet: Outlet
    golds: list[GoldInQueue]
    links: list[SourceLink]
    verdict: Verdict | None
    prediction: Prediction | None
    suggestion: Suggestion | None

    @property
    def labels(self) -> set[str]:
        return {g.label for g in self.golds if g.label}

    @property
    def checkable(self) -> bool:
        return bool(self.labels & set(CHECKABLE_LABELS))

    @property
    def predictable(self) -> bool:
        return PREDICTION_LABEL in self.labels

    def queue_for(self, labels: Iterable[str]) -> int | None:
        """Return the first queue whose gold label is one of labels (where it was decided)."""
        wanted = set(labels)
        return next((g.queue_id for g in self.golds if g.label in wanted), None)


def gold_labels(unit_id: int) -> list[GoldInQueue]:
    """Return the sentence's gold label in every queue where it has submitted labels."""
    rows = db.session.execute(
        select(Assignment.queue_id, Queue.name, Annotation.label)
        .join(Annotation, Annotation.assignment_id == Assignment.id)
        .join(Queue, Queue.id == Assignment.queue_id)
        .where(Annotation.unit_id == unit_id, Assignment.status == Status.SUBMITTED)
        .order_by(Assignment.queue_id)).all()  # fmt: skip
    adjudicated = dict(db.session.execute(
        select(Adjudication.queue_id, Adjudication.gold_label)
        .where(Adjudication.unit_id == unit_id)).all())
    labels: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for queue_id, name, label in rows:
        labels.setdefault(queue_id, []).append(label)
        names[queue_id] = name
    found = []
    for queue_id, given in labels.items():
        decision = decide(given, adjudicated.get(queue_id))
        found.append(GoldInQueue(queue_id, names[queue_id], decision.label, decision.decided_by))
    return found


def linked_sources(unit_id: int) -> list[SourceLink]:
    """Return the sources reviewers linked to the sentence in submitted work."""
    return list(db.session.scalars(
        select(SourceLink)
        .join(Assignment, Assignment.id == SourceLink.assignment_id)
        .where(SourceLink.unit_id == unit_id, Assignment.status == Status.SUBMITTED)
        .order_by(SourceLink.id)))  # fmt: skip


def article_day(article: Article) -> date:
    """Return the day the article was published (else imported): what dates are relative to."""
    return (article.published_at or article.created_at).date()


def unit_check(unit_id: int) -> UnitCheck:
    """Load one sentence with its gold labels, linked sources, verdict and prediction."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise VerdictError(404, "There is no such sentence.")
    article = unit.article
    verdict = db.session.scalar(select(Verdict).where(Verdict.unit_id == unit_id))
    prediction = db.session.scalar(select(Prediction).where(Prediction.unit_id == unit_id))
    return UnitCheck(unit, article, article.outlet, gold_labels(unit_id),
                     linked_sources(unit_id), verdict, prediction,
                     suggest_due_date(unit.text, article_day(article)))


# --- verdicts ------------------------------------------------------------------------------

@dataclass
class HistoryRow:
    """One change: who, when, what, and the state after it."""

    action: str
    user: User
    changed_at: object
    state: dict


@dataclass
class VerdictView:
    verdict: Verdict
    history: list[HistoryRow]
    golds: list[GoldInQueue]


def _history(clause) -> list[HistoryRow]:
    rows = db.session.scalars(select(CheckHistory).where(clause)
                              .order_by(CheckHistory.id.desc())).all()
    return [HistoryRow(h.action, h.user, h.changed_at, json.loads(h.snapshot)) for h in rows]


def verdict_view(verdict_id: int) -> VerdictView:
    """Load a verdict with its sources and history (newest change first)."""
    verdict = db.session.get(Verdict, verdict_id)
    if verdict is None:
        raise VerdictError(404, "There is no such verdict.")
    return VerdictView(verdict, _history(CheckHistory.verdict_id == verdict_id),
                       gold_labels(verdict.unit_id))


@dataclass
class VerdictPage(PageNav):
    rows: list[Verdict]
    total: int
    page: int
    pages: int
    status: str | None


def verdict_page(status: str | None, page: int = 1) -> VerdictPage:
    """Return one page of verdicts, drafts awaiting review first, newest change first."""
    query = select(Verdict)
    if status:
        query = query.where(Verdict.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        query.options(joinedload(Verdict.unit), joinedload(Verdict.outlet),
                      joinedload(Verdict.rating), joinedload(Verdict.author))
        .order_by((Verdict.status == VerdictStatus.PUBLISHED), Verdict.updated_at.desc(),
                  Verdict.id.desc())
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()  # fmt: skip
    return VerdictPage(list(rows), total, page, pages, status)


# --- predictions ---------------------------------------------------------------------------

@dataclass
class PredictionView:
    prediction: Prediction
    history: list[HistoryRow]
    links: list[SourceLink] = field(default_factory=list)


def prediction_view(prediction_id: int) -> PredictionView:
    """Load a prediction with its evidence, history and the sentence's linked sources."""
    prediction = db.session.get(Prediction, prediction_id)
    if prediction is None:
        raise VerdictError(404, "There is no such prediction.")
    return PredictionView(prediction, _history(CheckHistory.prediction_id == prediction_id),
                          linked_sources(prediction.unit_id))


def _due(today: date) -> Select:
    return select(Prediction).where(Prediction.outcome.is_(None),
                                    Prediction.resolves_by <= today)


def due_count(today: date) -> int:
    """Return how many predictions are due for resolution (the navigation's count)."""
    return db.session.scalar(select(func.count()).select_from(_due(today).subquery()))


@dataclass
class DuePage(PageNav):
    rows: list[Prediction]
    total: int
    page: int
    pages: int
    upcoming: list[Prediction]


def due_page(today: date, page: int = 1) -> DuePage:
    """Return one page of due predictions, oldest date first, and the next few to come due."""
    total = due_count(today)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    eager = (joinedload(Prediction.unit), joinedload(Prediction.outlet),
             joinedload(Prediction.article))
    rows = db.session.scalars(_due(today).options(*eager)
                              .order_by(Prediction.resolves_by, Prediction.id)
                              .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    upcoming = db.session.scalars(
        select(Prediction).options(*eager)
        .where(Prediction.outcome.is_(None), Prediction.resolves_by > today)
        .order_by(Prediction.resolves_by, Prediction.id).limit(10)).all()
    return DuePage(list(rows), total, page, pages, list(upcoming))


# --- track records -------------------------------------------------------------------------

def served_units() -> Select:
    """Return (verdict_id, unit_id) for every sentence a published verdict serves.

    A verdict serves its own sentence and, when that sentence belongs to a claim cluster
    (annotator.claims: units joined by "same" or confirmed pairs), every other appearance of
    the claim that has no published verdict of its own; where two verdicts share a cluster,
    the older one serves the rest.
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
    return union_all(own, shared)


def _publication_day(column) -> object:
    return func.coalesce(column, Article.created_at)


def track_records(outlet_ids: list[int] | None, rule: SampleRule,
                  today: date) -> dict[int, TrackRecord]:
    """Return the track record of the given outlets (every outlet with checks when None).

    Reads one row per published verdict and per prediction of the outlets (an index scan:
    20,000 verdicts are a few milliseconds), grouped by outlet and publication day.
    """
    served = served_units().subquery("served")
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


# --- ClaimReview ---------------------------------------------------------------------------

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
    served = served_units().subquery("served")
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
