"""Per-sentence decisions in SQL: label counts, majority, adjudication, for any filter.

One subquery gives every labelled (queue, sentence) of a filter its label total, the count of
its most frequent label, how many distinct labels it got, its majority label (one label on
more than half of the labels) and its adjudicated label. The settled counts, the reviewer
accuracy and the disagreement list are aggregates over it, computed by the database.
"""

from __future__ import annotations

from sqlalchemy import Subquery, and_, case, func, select

from annotator.annotations.label_stream import submitted
from annotator.articles.queries import restrict_articles
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import Adjudication, Annotation, Article, Assignment
from annotator.stats.sentences import Accuracy, SettledCounts


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

    Takes the agreement reports' ReportFilter as it is; templates/adjudication/_settled.html
    draws the result (with css/exports.css).
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
