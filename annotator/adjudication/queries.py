"""Adjudication's reads: per-sentence decisions in SQL for any filter, and a queue's
disagreements (lowest agreement first) and one sentence side by side.

One subquery gives every labelled (queue, sentence) of a filter its label total, the count of
its most frequent label, how many distinct labels it got, its majority label (one label on
more than half of the labels) and its adjudicated label. The settled counts and the reviewer
accuracy are aggregates over it, computed by the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Subquery, and_, case, func, select

from annotator.annotations.label_stream import submitted
from annotator.articles.queries import restrict_articles
from annotator.errors import AdjudicationError
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    Assignment,
    Outlet,
    Queue,
    SourceLink,
    Unit,
    User,
)
from annotator.pagination import PageNav
from annotator.stats.sentences import (
    Accuracy,
    Decision,
    SettledCounts,
    decide,
    unit_agreement,
)
from annotator.stats.sufficient import AgreementStats, alpha_from_stats
from annotator.vocabulary import LABELS, Status


def _per_label(flt: ArticleFilter) -> Subquery:
    query = (
        select(Assignment.queue_id, Annotation.unit_id, Assignment.article_id, Annotation.label,
               func.count().label("n"))
        .join(Annotation, Annotation.assignment_id == Assignment.id)
        .join(Article, Article.id == Assignment.article_id)
        .where(submitted(flt))
        .group_by(Assignment.queue_id, Annotation.unit_id, Assignment.article_id,
                  Annotation.label)
    )  # fmt: skip
    return restrict_articles(query, flt).subquery("per_label")


def unit_decisions(flt: ArticleFilter) -> Subquery:
    """Return a subquery: queue_id, unit_id, article_id, total, top, kinds, majority, gold."""
    per_label = _per_label(flt)
    per_unit = (
        select(per_label.c.queue_id, per_label.c.unit_id, per_label.c.article_id,
               func.sum(per_label.c.n).label("total"), func.max(per_label.c.n).label("top"),
               func.count().label("kinds"))
        .group_by(per_label.c.queue_id, per_label.c.unit_id, per_label.c.article_id)
        .subquery("per_unit")
    )  # fmt: skip
    # More than half of two or more labels: the unanimous and the majority label alike.
    majority = (
        select(per_label.c.queue_id, per_label.c.unit_id, per_label.c.label)
        .join(per_unit, and_(per_unit.c.queue_id == per_label.c.queue_id,
                             per_unit.c.unit_id == per_label.c.unit_id))
        .where(per_label.c.n * 2 > per_unit.c.total, per_unit.c.total >= 2)
        .subquery("majority")
    )  # fmt: skip
    return (
        select(per_unit, majority.c.label.label("majority"),
               Adjudication.gold_label.label("adjudicated"))
        .outerjoin(majority, and_(majority.c.queue_id == per_unit.c.queue_id,
                                  majority.c.unit_id == per_unit.c.unit_id))
        .outerjoin(Adjudication, and_(Adjudication.queue_id == per_unit.c.queue_id,
                                      Adjudication.unit_id == per_unit.c.unit_id))
        .subquery("decisions")
    )  # fmt: skip


def _decided_by(d: Subquery):
    return case(
        (d.c.adjudicated.is_not(None), "adjudicated"),
        (and_(d.c.kinds == 1, d.c.total >= 2), "unanimous"),
        (d.c.majority.is_not(None), "majority"),
        else_="unresolved",
    )


def settled_counts(flt: ArticleFilter) -> SettledCounts:
    """Count the filter's labelled sentences by how their gold label was decided.

    Takes any ArticleFilter as it is; templates/adjudication/_settled.html
    draws the result (with css/labels.css).
    """
    d = unit_decisions(flt)
    how = _decided_by(d).label("how")
    rows = db.session.execute(select(how, func.count()).select_from(d).group_by(how)).all()
    return SettledCounts(**{str(name): int(n) for name, n in rows})


def settled_by_queue(flt: ArticleFilter) -> dict[int, SettledCounts]:
    """Return the settled counts of every queue the filter covers."""
    d = unit_decisions(flt)
    how = _decided_by(d).label("how")
    query = select(d.c.queue_id, how, func.count()).select_from(d).group_by(d.c.queue_id, how)
    found: dict[int, dict[str, int]] = {}
    for queue_id, name, n in db.session.execute(query):
        found.setdefault(queue_id, {})[str(name)] = int(n)
    return {queue_id: SettledCounts(**counts) for queue_id, counts in found.items()}


def reviewer_accuracy(flt: ArticleFilter) -> dict[int, Accuracy]:
    """Return each reviewer's agreement with gold (any rule) and with adjudicated gold."""
    d = unit_decisions(flt)
    gold = func.coalesce(d.c.adjudicated, d.c.majority)
    query = (
        select(Assignment.reviewer_id, func.count(),
               func.count(gold),
               func.sum(case((Annotation.label == gold, 1), else_=0)),
               func.count(d.c.adjudicated),
               func.sum(case((Annotation.label == d.c.adjudicated, 1), else_=0)))
        .join(Annotation, Annotation.assignment_id == Assignment.id)
        .join(d, and_(d.c.queue_id == Assignment.queue_id, d.c.unit_id == Annotation.unit_id))
        .where(submitted(flt))
        .group_by(Assignment.reviewer_id)
    )  # fmt: skip
    return {rid: Accuracy(rid, int(n), int(g), int(a or 0), int(j), int(aj or 0))
            for rid, n, g, a, j, aj in db.session.execute(query)}


PER_PAGE = 50
SHOWS = ("open", "unresolved", "majority", "adjudicated", "all")
# What needs a decision first: no majority, then majority-settled, then adjudicated.
_NEEDS_DECISION = {"unresolved": 0, "majority": 1, "adjudicated": 2}


@dataclass
class Disagreement:
    """A sentence of the queue on which reviewers gave different labels."""

    unit_id: int
    article_id: int
    position: int
    counts: dict[str, int]
    article_alpha: float | None
    agreement: float | None
    decision: Decision
    text: str = ""
    title: str = ""


@dataclass
class DisagreementPage(PageNav):
    """One page of a queue's disagreements, and the queue's settled counts."""

    queue: Queue
    rows: list[Disagreement]
    total: int
    page: int
    pages: int
    show: str
    settled: SettledCounts


@dataclass
class ReviewerLabel:
    """One reviewer's label and sources on the sentence being adjudicated."""

    reviewer: User
    label: str
    updated_at: object
    sources: list[SourceLink] = field(default_factory=list)


@dataclass
class UnitCase:
    """Everything the adjudication page shows for one sentence."""

    queue: Queue
    unit: Unit
    article: Article
    outlet: Outlet
    before: str | None
    after: str | None
    labels: list[ReviewerLabel]
    decision: Decision
    adjudication: Adjudication | None
    adjudicator: User | None


def queue_overview() -> list[tuple[Queue, SettledCounts]]:
    """Return every queue with labelled sentences and its settled counts."""
    counts = settled_by_queue(ArticleFilter())
    queues = db.session.scalars(select(Queue).where(Queue.id.in_(list(counts)))
                                .order_by(Queue.name)).all()
    return [(q, counts[q.id]) for q in queues]


def _article_alphas(articles: list[int], counts: np.ndarray) -> dict[int, float | None]:
    """Return nominal alpha per article from its sentences' rows of label counts."""
    rows_of: dict[int, list[int]] = {}
    for i, article_id in enumerate(articles):
        rows_of.setdefault(article_id, []).append(i)
    return {article_id: alpha_from_stats(AgreementStats.from_counts(counts[rows], LABELS)).value
            for article_id, rows in rows_of.items()}


def disagreements(queue_id: int, show: str = "open") -> list[Disagreement]:
    """Return the queue's disagreements: unresolved first, then majority-settled, then
    adjudicated; within each, lowest article alpha first, then lowest agreement."""
    query = (
        select(Unit.article_id, Annotation.unit_id, Unit.position, Annotation.label, func.count())
        .select_from(Assignment)
        .join(Annotation, Annotation.assignment_id == Assignment.id)
        .join(Unit, Unit.id == Annotation.unit_id)
        .where(Assignment.queue_id == queue_id, Assignment.status == Status.SUBMITTED)
        .group_by(Unit.article_id, Annotation.unit_id, Unit.position, Annotation.label)
    )  # fmt: skip
    index: dict[int, int] = {}
    keys: list[tuple[int, int, int]] = []
    rows: list[list[int]] = []
    for article_id, unit_id, position, label, n in db.session.execute(query):
        i = index.get(unit_id)
        if i is None:
            i = index[unit_id] = len(keys)
            keys.append((article_id, unit_id, position))
            rows.append([0] * len(LABELS))
        rows[i][LABELS.index(label)] = n
    if not keys:
        return []
    counts = np.array(rows, dtype=np.int64)
    alphas = _article_alphas([k[0] for k in keys], counts)
    adjudicated = dict(db.session.execute(
        select(Adjudication.unit_id, Adjudication.gold_label)
        .where(Adjudication.queue_id == queue_id)).all())
    found = []
    for (article_id, unit_id, position), row in zip(keys, rows, strict=True):
        if sum(1 for n in row if n) < 2:
            continue  # everyone agreed (or one label): nothing to settle
        labels = [lab for lab, n in zip(LABELS, row, strict=True) for _ in range(n)]
        decision = decide(labels, adjudicated.get(unit_id))
        if not _shown(decision, show):
            continue
        found.append(Disagreement(
            unit_id, article_id, position, dict(zip(LABELS, row, strict=True)),
            alphas.get(article_id), unit_agreement(labels), decision))
    found.sort(key=lambda d: (_NEEDS_DECISION.get(d.decision.decided_by, 1),
                              _low_first(d.article_alpha), d.article_id,
                              _low_first(d.agreement), d.position))
    return found


def _low_first(value: float | None) -> float:
    return -math.inf if value is None else value


def _shown(decision: Decision, show: str) -> bool:
    if show == "open":
        return decision.decided_by != "adjudicated"
    if show == "unresolved":
        return decision.decided_by == "unresolved"
    if show == "majority":
        return decision.decided_by == "majority"
    if show == "adjudicated":
        return decision.decided_by == "adjudicated"
    return True


def disagreement_page(queue: Queue, show: str = "open", page: int = 1) -> DisagreementPage:
    """Return one page of the queue's disagreements with their sentence text and article."""
    show = show if show in SHOWS else "open"
    everything = disagreements(queue.id, show)
    pages = max(1, math.ceil(len(everything) / PER_PAGE))
    page = min(max(page, 1), pages)
    rows = everything[(page - 1) * PER_PAGE: page * PER_PAGE]
    if rows:
        texts = dict(db.session.execute(select(Unit.id, Unit.text).where(
            Unit.id.in_([r.unit_id for r in rows]))).all())
        titles = dict(db.session.execute(select(Article.id, Article.title).where(
            Article.id.in_({r.article_id for r in rows}))).all())
        for row in rows:
            row.text, row.title = texts[row.unit_id], titles[row.article_id]
    settled = settled_by_queue(ArticleFilter(queue_id=queue.id)).get(queue.id, SettledCounts())
    return DisagreementPage(queue, rows, len(everything), page, pages, show, settled)


def next_open(queue_id: int, after_unit_id: int | None = None) -> int | None:
    """Return the next sentence still to adjudicate after the given one in list order, or None.

    The list order is the disagreement order (lowest agreement first); it wraps around, so
    skipped sentences come back at the end.
    """
    order = disagreements(queue_id, "all")
    ids = [d.unit_id for d in order]
    if after_unit_id in ids:
        i = ids.index(after_unit_id)
        order = order[i + 1:] + order[:i]
    return next((d.unit_id for d in order if d.decision.decided_by != "adjudicated"), None)


def unit_case(queue_id: int, unit_id: int) -> UnitCase:
    """Load one sentence of a queue with every reviewer's label and sources."""
    queue = db.session.get(Queue, queue_id)
    unit = db.session.get(Unit, unit_id)
    if queue is None or unit is None:
        raise AdjudicationError(404, "There is no such queue or sentence.")
    found = db.session.execute(
        select(Assignment.id, User, Annotation.label, Annotation.updated_at)
        .join(Annotation, Annotation.assignment_id == Assignment.id)
        .join(User, User.id == Assignment.reviewer_id)
        .where(Assignment.queue_id == queue_id, Assignment.status == Status.SUBMITTED,
               Annotation.unit_id == unit_id)
        .order_by(User.username)
    ).all()  # fmt: skip
    if not found:
        raise AdjudicationError(404, "Nobody has submitted a label for this sentence here.")
    links: dict[int, list[SourceLink]] = {}
    for link in db.session.scalars(select(SourceLink).where(
            SourceLink.assignment_id.in_([r[0] for r in found]), SourceLink.unit_id == unit_id)
            .order_by(SourceLink.id)):
        links.setdefault(link.assignment_id, []).append(link)
    labels = [ReviewerLabel(user, label, at, links.get(aid, []))
              for aid, user, label, at in found]
    adjudication = db.session.scalar(select(Adjudication).where(
        Adjudication.queue_id == queue_id, Adjudication.unit_id == unit_id))
    neighbours = dict(db.session.execute(select(Unit.position, Unit.text).where(
        Unit.article_id == unit.article_id,
        Unit.position.in_([unit.position - 1, unit.position + 1]))).all())
    article = unit.article
    return UnitCase(
        queue, unit, article, article.outlet, neighbours.get(unit.position - 1),
        neighbours.get(unit.position + 1), labels,
        decide([r.label for r in labels], adjudication.gold_label if adjudication else None),
        adjudication,
        db.session.get(User, adjudication.adjudicator_id) if adjudication else None,
    )  # fmt: skip


def accuracy_table(queue_id: int) -> list[tuple[User, Accuracy]]:
    """Return each reviewer of the queue with their accuracy against gold, worst first."""
    found = reviewer_accuracy(ArticleFilter(queue_id=queue_id))
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(found))))}
    rows = [(users[rid], acc) for rid, acc in found.items()]
    rows.sort(key=lambda r: (_low_first(r[1].accuracy), r[0].username))
    return rows
