"""Reads about articles: the article filter applied to a query, filter names, the article list,
and the articles with their units as export records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, time, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import selectinload

from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models.articles import Article, Outlet, Unit
from annotator.models.queues import Queue, QueueArticle


def restrict_articles(query: Select, flt: ArticleFilter) -> Select:
    """Narrow a query joined to Article to the filter's outlet, days, import batch and text.

    The queue is left to the caller: reports and exports read it as "this queue's work" on
    their own table; article lists as membership (:func:`in_queue`).
    """
    if flt.outlet_id:
        query = query.where(Article.outlet_id == flt.outlet_id)
    elif flt.outlet_name:
        query = query.where(Article.outlet_id.in_(
            select(Outlet.id).where(func.lower(Outlet.name) == flt.outlet_name.lower())))
    if flt.date_from:
        query = query.where(Article.published_at >= datetime.combine(flt.date_from, time.min))
    if flt.date_to:
        # The whole last day counts: stop before midnight of the day after.
        query = query.where(
            Article.published_at < datetime.combine(flt.date_to + timedelta(days=1), time.min))
    if flt.batch_id:
        query = query.where(Article.import_batch_id == flt.batch_id)
    if flt.search:
        pattern = "%" + flt.search.strip().lower().replace("\\", "\\\\") \
            .replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            func.lower(Article.title).like(pattern, escape="\\")
            | Article.outlet_id.in_(
                select(Outlet.id).where(func.lower(Outlet.name).like(pattern, escape="\\")))
        )
    return query


def in_queue(flt: ArticleFilter) -> ColumnElement[bool]:
    """Return the condition "the article is in the filter's queue" (true without a queue)."""
    if not flt.queue_id:
        return Article.id.is_not(None)
    return Article.id.in_(
        select(QueueArticle.article_id).where(QueueArticle.queue_id == flt.queue_id))


def matching_articles(query: Select, flt: ArticleFilter) -> Select:
    """Narrow a query that selects from Article to every field of the filter, queue included."""
    query = restrict_articles(query, flt)
    return query.where(in_queue(flt)) if flt.queue_id else query


def named_filter(flt: ArticleFilter) -> ArticleFilter:
    """Return the filter with its queue and outlet names looked up; LookupError if unknown."""
    queue_name = outlet_name = None
    if flt.queue_id:
        queue_name = db.session.scalar(select(Queue.name).where(Queue.id == flt.queue_id))
        if queue_name is None:
            raise LookupError("There is no such queue.")
    if flt.outlet_id:
        outlet_name = db.session.scalar(select(Outlet.name).where(Outlet.id == flt.outlet_id))
        if outlet_name is None:
            raise LookupError("There is no such outlet.")
    return replace(flt, queue_name=queue_name, outlet_name=outlet_name or flt.outlet_name)


def filter_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Return the queues and outlets a lead can filter by, by name."""
    queues = db.session.execute(select(Queue.id, Queue.name).order_by(Queue.name)).all()
    outlets = db.session.execute(select(Outlet.id, Outlet.name).order_by(Outlet.name)).all()
    return [tuple(q) for q in queues], [tuple(o) for o in outlets]


def article_page(flt: ArticleFilter, page: int, per_page: int) -> tuple[Pagination, dict[int, int]]:
    """Return one page of the filter's articles, newest first, and each one's unit count."""
    found = db.paginate(
        matching_articles(select(Article).options(selectinload(Article.outlet)), flt)
        .order_by(Article.published_at.desc().nulls_last(), Article.id.desc()),
        page=page, per_page=per_page, error_out=False)
    ids = [a.id for a in found.items]
    units = dict(db.session.execute(
        select(Unit.article_id, func.count()).where(Unit.article_id.in_(ids))
        .group_by(Unit.article_id)).all()) if ids else {}
    return found, units


def outlet_choices() -> list[tuple[int, str]]:
    """Return every outlet as (id, name), by name."""
    return [tuple(o) for o in db.session.execute(select(Outlet.id, Outlet.name)
                                                .order_by(Outlet.name))]


def article_record(article: Article) -> dict:
    """Return the export-sentences JSON object for one article."""
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet.name,
        "url": article.url,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "units": [
            {"position": u.position, "kind": u.kind, "start": u.start, "end": u.end,
             "text": u.text}
            for u in article.units
        ],
    }


def iter_article_records(article_ids: list[int] | None = None,
                         chunk: int = 500) -> Iterator[dict]:
    """Yield export records for the given articles (all when None), in id order."""
    last_id = 0
    while True:
        stmt = (
            select(Article)
            .options(selectinload(Article.units), selectinload(Article.outlet))
            .where(Article.id > last_id)
            .order_by(Article.id)
            .limit(chunk)
        )
        if article_ids:
            stmt = stmt.where(Article.id.in_(article_ids))
        batch = db.session.scalars(stmt).all()
        if not batch:
            return
        for article in batch:
            yield article_record(article)
        last_id = batch[-1].id
        db.session.expunge_all()


def article_slice(flt: ArticleFilter, limit: int, offset: int) -> tuple[list[Article], int,
                                                                       dict[int, int]]:
    """Return `limit` of the filter's articles from `offset` (newest first), their total and
    each one's unit count: the API's pages, in the order of the article list."""
    query = matching_articles(select(Article).options(selectinload(Article.outlet)), flt)
    total = db.session.scalar(
        matching_articles(select(func.count(Article.id)), flt))
    articles = list(db.session.scalars(
        query.order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
        .limit(limit).offset(offset)))
    ids = [a.id for a in articles]
    units = dict(db.session.execute(
        select(Unit.article_id, func.count()).where(Unit.article_id.in_(ids))
        .group_by(Unit.article_id)).all()) if ids else {}
    return articles, total, units
