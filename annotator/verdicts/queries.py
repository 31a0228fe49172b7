"""Verdicts' reads: the rating scale, a sentence's check, verdict and prediction pages and
lists, and the due list. Track records and the ClaimReview export's reads, all built on the
sentences a verdict serves (claim clusters), are in :mod:`annotator.verdicts.served`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from annotator.errors import VerdictError
from annotator.extensions import db
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    Assignment,
    CheckHistory,
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
from annotator.verdicts.dates import Suggestion, suggest_due_date
from annotator.verdicts.track import (
    Step,
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


def verdict_rows(status: str | None, limit: int, offset: int = 0,
                 outlet_id: int | None = None) -> tuple[list[Verdict], int]:
    """Return verdicts (drafts awaiting review first, newest change first) from offset, and
    how many there are; ``status`` and ``outlet_id`` narrow them."""
    query = select(Verdict)
    if status:
        query = query.where(Verdict.status == status)
    if outlet_id is not None:
        query = query.where(Verdict.outlet_id == outlet_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.options(joinedload(Verdict.unit), joinedload(Verdict.outlet),
                      joinedload(Verdict.rating), joinedload(Verdict.author))
        .order_by((Verdict.status == VerdictStatus.PUBLISHED), Verdict.updated_at.desc(),
                  Verdict.id.desc())
        .offset(offset).limit(limit)).all()  # fmt: skip
    return list(rows), total


def verdict_page(status: str | None, page: int = 1) -> VerdictPage:
    """Return one page of verdicts, drafts awaiting review first, newest change first."""
    total = verdict_rows(status, 0)[1]
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    rows, total = verdict_rows(status, PER_PAGE, (page - 1) * PER_PAGE)
    return VerdictPage(rows, total, page, pages, status)


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


_EAGER = (joinedload(Prediction.unit), joinedload(Prediction.outlet),
          joinedload(Prediction.article))


def due_rows(today: date, limit: int, offset: int = 0) -> tuple[list[Prediction], int]:
    """Return the predictions due for resolution, oldest date first, from offset, and how
    many are due."""
    rows = db.session.scalars(_due(today).options(*_EAGER)
                              .order_by(Prediction.resolves_by, Prediction.id)
                              .offset(offset).limit(limit)).all()
    return list(rows), due_count(today)


def due_page(today: date, page: int = 1) -> DuePage:
    """Return one page of due predictions, oldest date first, and the next few to come due."""
    total = due_count(today)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    rows, _ = due_rows(today, PER_PAGE, (page - 1) * PER_PAGE)
    upcoming = db.session.scalars(
        select(Prediction).options(*_EAGER)
        .where(Prediction.outcome.is_(None), Prediction.resolves_by > today)
        .order_by(Prediction.resolves_by, Prediction.id).limit(10)).all()
    return DuePage(rows, total, page, pages, list(upcoming))
