"""Read submitted labels for a filter in article-id chunks, as UnitLabels groups.

Every export (and the outlet and adjudication figures) walks the same stream: articles in id
order, a chunk at a time (keyset, not OFFSET), and for each chunk one query for its labels,
one for its sentences and, when asked, one for sources and one for adjudications. Memory is
bounded by the chunk, never by the export.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

from sqlalchemy import Select, exists, select

from annotator.exports.naming import ExportFilter
from annotator.exports.rows import Gold, Label, UnitLabels
from annotator.extensions import db
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
from annotator.urls import registered_domain

CHUNK_ARTICLES = 500


def submitted(flt: ExportFilter):
    """Return the WHERE clause for the assignments a filter covers: submitted, in its queue."""
    clause = Assignment.status == "submitted"
    if flt.queue_id:
        clause = clause & (Assignment.queue_id == flt.queue_id)
    return clause


def filter_articles(query: Select, flt: ExportFilter) -> Select:
    """Restrict a query joined to articles to the filter's outlet and publication dates."""
    if flt.outlet_id:
        query = query.where(Article.outlet_id == flt.outlet_id)
    if flt.date_from:
        query = query.where(Article.published_at >= datetime.combine(flt.date_from, time()))
    if flt.date_to:
        end = datetime.combine(flt.date_to + timedelta(days=1), time())
        query = query.where(Article.published_at < end)
    return query


def article_chunks(flt: ExportFilter, size: int = CHUNK_ARTICLES) -> Iterator[list[tuple]]:
    """Yield (id, url, outlet_id, published_at) of the filter's labelled articles, by id."""
    last = 0
    labelled = exists().where(Assignment.article_id == Article.id, submitted(flt))
    while True:
        query = select(Article.id, Article.url, Article.outlet_id, Article.published_at)
        query = filter_articles(query.where(Article.id > last, labelled), flt)
        rows = db.session.execute(query.order_by(Article.id).limit(size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def reviewer_ids(flt: ExportFilter) -> list[int]:
    """Return the ids of every reviewer with a submitted label in the filter, ascending."""
    query = (select(Assignment.reviewer_id).distinct()
             .join(Article, Article.id == Assignment.article_id).where(submitted(flt)))
    return sorted(db.session.scalars(filter_articles(query, flt)))


def usernames() -> dict[int, str]:
    """Return user id -> username for every user (exports that show names)."""
    return dict(db.session.execute(select(User.id, User.username)).all())


def iter_units(flt: ExportFilter, *, sources: bool = True, gold: bool = False,
               outlet_domains: bool = False, size: int = CHUNK_ARTICLES) -> Iterator[UnitLabels]:
    """Yield every labelled (queue, sentence) of the filter with its submitted labels.

    Ordered by article id, queue, sentence position; labels by reviewer id.
    """
    queues = dict(db.session.execute(select(Queue.id, Queue.name)).all())
    outlets = {oid: (name, domain) for oid, name, domain in
               db.session.execute(select(Outlet.id, Outlet.name, Outlet.domain))}
    for chunk in article_chunks(flt, size):
        ids = [row[0] for row in chunk]
        articles = {row[0]: row for row in chunk}
        units = _units(ids)
        links = _sources(ids, flt) if sources else {}
        golds = _golds(ids, flt) if gold else {}
        domains = _domains(chunk, outlets) if outlet_domains else {}
        current: UnitLabels | None = None
        for (queue_id, article_id, reviewer_id, submitted_at, assignment_id, unit_id, label,
             created, updated) in db.session.execute(_labels_query(ids, flt)):
            if current is None or current.unit_id != unit_id or current.queue_id != queue_id:
                if current is not None:
                    yield current
                _, url, outlet_id, published = articles[article_id]
                _, _, position, kind, start, end, text = units[unit_id]
                current = UnitLabels(
                    queue_id, queues[queue_id], article_id, url, outlet_id,
                    outlets[outlet_id][0], domains.get(article_id), published, unit_id,
                    position, kind, start, end, text, [], golds.get((queue_id, unit_id)),
                )  # fmt: skip
            current.labels.append(Label(reviewer_id, label, created, updated, submitted_at,
                                        links.get((assignment_id, unit_id), [])))
        if current is not None:
            yield current


def _labels_query(ids: list[int], flt: ExportFilter) -> Select:
    return (
        select(Assignment.queue_id, Assignment.article_id, Assignment.reviewer_id,
               Assignment.submitted_at, Assignment.id, Annotation.unit_id, Annotation.label,
               Annotation.created_at, Annotation.updated_at)
        .join(Annotation, Annotation.assignment_id == Assignment.id)
        .join(Unit, Unit.id == Annotation.unit_id)
        .where(Assignment.article_id.in_(ids), submitted(flt))
        .order_by(Assignment.article_id, Assignment.queue_id, Unit.position,
                  Assignment.reviewer_id)
    )  # fmt: skip


def _units(ids: list[int]) -> dict[int, tuple]:
    query = select(Unit.id, Unit.article_id, Unit.position, Unit.kind, Unit.start, Unit.end,
                   Unit.text).where(Unit.article_id.in_(ids))
    return {row[0]: row for row in db.session.execute(query)}


def _sources(ids: list[int], flt: ExportFilter) -> dict[tuple[int, int], list]:
    query = (select(SourceLink.assignment_id, SourceLink.unit_id, SourceLink.url,
                    SourceLink.domain, SourceLink.stance)
             .join(Assignment, Assignment.id == SourceLink.assignment_id)
             .where(Assignment.article_id.in_(ids), submitted(flt))
             .order_by(SourceLink.id))  # fmt: skip
    found: dict[tuple[int, int], list] = {}
    for assignment_id, unit_id, url, domain, stance in db.session.execute(query):
        found.setdefault((assignment_id, unit_id), []).append((url, domain, stance))
    return found


def _golds(ids: list[int], flt: ExportFilter) -> dict[tuple[int, int], Gold]:
    query = (select(Adjudication.queue_id, Adjudication.unit_id, Adjudication.gold_label,
                    Adjudication.rationale, Adjudication.adjudicator_id,
                    Adjudication.updated_at)
             .join(Unit, Unit.id == Adjudication.unit_id)
             .where(Unit.article_id.in_(ids)))  # fmt: skip
    if flt.queue_id:
        query = query.where(Adjudication.queue_id == flt.queue_id)
    return {(q, u): Gold(label, rationale or "", by, at)
            for q, u, label, rationale, by, at in db.session.execute(query)}


def _domains(chunk: list[tuple], outlets: dict[int, tuple]) -> dict[int, str | None]:
    """Return article id -> its outlet's registered domain, else its URL's."""
    found = {}
    for article_id, url, outlet_id, _ in chunk:
        found[article_id] = outlets[outlet_id][1] or (registered_domain(url) if url else None)
    return found
