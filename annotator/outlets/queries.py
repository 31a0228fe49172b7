"""Outlet reliability: per-outlet figures from labels and sources, agreement from the reports."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from annotator.agreement import queries as agreement_queries
from annotator.agreement.presentation import outlet_warnings
from annotator.annotations import label_stream
from annotator.articles.queries import restrict_articles
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import Article, Assignment, Outlet, Queue, SourceLink
from annotator.models.agreement import ArticleStats
from annotator.outlets.tallies import DomainFigures, DomainTally, OutletFigures, Tally
from annotator.pagination import PageNav
from annotator.stats.rollup import GroupFigures

DOMAINS_PER_PAGE = 100
ARTICLES_SHOWN = 50


@dataclass
class OutletRow:
    """One line of the outlet list: cheap counts and the stored agreement figures."""

    outlet: Outlet
    articles: int
    first_published: object
    last_published: object
    agreement: GroupFigures | None

    @property
    def span_days(self) -> int | None:
        """Return the days between the first and last publication date, or None."""
        if self.first_published is None or self.last_published is None:
            return None
        return (self.last_published - self.first_published).days

    @property
    def warnings(self) -> list[str]:
        """Return the outlet row's warnings, as every page and export words them."""
        return outlet_warnings(self.articles, self.span_days, self.agreement)


@dataclass
class OutletArticle:
    """One of the outlet's articles, with its stored agreement in one queue."""

    article_id: int
    title: str
    published_at: object
    queue_id: int
    queue: str
    reviewers: int
    sentences: int
    alpha: float | None


@dataclass
class OutletPage:
    """Everything the outlet page shows."""

    outlet: Outlet
    figures: OutletFigures
    agreement: GroupFigures | None
    domains: list[DomainFigures]
    articles: list[OutletArticle]

    @property
    def warnings(self) -> list[str]:
        """Return the outlet's warnings, as every page and export words them."""
        return outlet_warnings(self.figures.articles, self.figures.span_days, self.agreement)
    more_articles: int


@dataclass
class DomainPage(PageNav):
    """One page of the source-domain table (the fields the pager macro reads)."""

    rows: list[DomainFigures]
    total: int
    page: int
    pages: int


def agreement_by_outlet(flt: ArticleFilter) -> tuple[GroupFigures, dict[int, GroupFigures]]:
    """Return the pooled agreement overall and per outlet id, from the stored statistics."""
    overview = agreement_queries.overview(flt)
    return overview.overall, {figures.key: figures for _, figures in overview.outlets}


def tally(flt: ArticleFilter) -> Tally:
    """Walk the filter's labelled sentences once: outlet figures and source domains."""
    return Tally().add_all(
        label_stream.iter_units(flt, sources=True, gold=True, outlet_domains=True))


def outlet_list(flt: ArticleFilter) -> list[OutletRow]:
    """Return every outlet with labelled articles in the filter, with its agreement."""
    labelled = (select(Assignment.article_id).where(label_stream.submitted(flt))).scalar_subquery()
    query = restrict_articles(
        select(Article.outlet_id, func.count(), func.min(Article.published_at),
               func.max(Article.published_at))
        .where(Article.id.in_(labelled)).group_by(Article.outlet_id), flt)
    counts = {row[0]: row[1:] for row in db.session.execute(query)}
    outlets = db.session.scalars(select(Outlet).where(Outlet.id.in_(list(counts)))
                                 .order_by(Outlet.name)).all()
    _, agreement = agreement_by_outlet(flt)
    return [OutletRow(o, *counts[o.id], agreement.get(o.id)) for o in outlets]


def outlet_page(outlet: Outlet, flt: ArticleFilter) -> OutletPage:
    """Compute one outlet's reliability figures within the filter."""
    mine = replace(flt, outlet_id=outlet.id, outlet_name=outlet.name)
    found = tally(mine)
    figures = found.outlets.get(outlet.id) or OutletFigures(outlet.id, outlet.name,
                                                            outlet.domain)
    _, agreement = agreement_by_outlet(mine)
    articles, total = outlet_articles(mine)
    return OutletPage(outlet, figures, agreement.get(outlet.id), found.domains.ranked()[:25],
                      articles, total - len(articles))


def outlet_articles(flt: ArticleFilter, limit: int = ARTICLES_SHOWN) -> tuple[list, int]:
    """Return the filter's articles with stored statistics, lowest alpha first, and a count."""
    base = agreement_queries.restrict_stats(
        select(ArticleStats.article_id, Article.title, Article.published_at,
               ArticleStats.queue_id, Queue.name, ArticleStats.coders, ArticleStats.units,
               ArticleStats.alpha)
        .select_from(ArticleStats)
        .join(Article, Article.id == ArticleStats.article_id)
        .join(Queue, Queue.id == ArticleStats.queue_id), flt)  # fmt: skip
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.session.execute(base.order_by(ArticleStats.alpha.is_(None), ArticleStats.alpha,
                                            ArticleStats.id).limit(limit)).all()
    return [OutletArticle(*row) for row in rows], total


def domain_tally(flt: ArticleFilter) -> DomainTally:
    """Tally every source domain cited in the filter's submitted work."""
    query = restrict_articles(
        select(Assignment.queue_id, SourceLink.unit_id, Assignment.reviewer_id,
               SourceLink.domain, SourceLink.stance)
        .join(Assignment, Assignment.id == SourceLink.assignment_id)
        .join(Article, Article.id == Assignment.article_id)
        .where(label_stream.submitted(flt))
        .order_by(Assignment.queue_id, SourceLink.unit_id), flt,
    ).execution_options(stream_results=True, yield_per=5000)  # a server-side cursor on PG
    found = DomainTally()
    key, links = None, []  # one sentence's links at a time
    for queue_id, unit_id, reviewer_id, domain, stance in db.session.execute(query):
        if (queue_id, unit_id) != key:
            if links:
                found.add_sentence(links)
            key, links = (queue_id, unit_id), []
        links.append((reviewer_id, domain, stance))
    if links:
        found.add_sentence(links)
    return found


def domain_page(flt: ArticleFilter, page: int = 1) -> DomainPage:
    """Return one page of the source-domain table, most cited first."""
    ranked = domain_tally(flt).ranked()
    pages = max(1, math.ceil(len(ranked) / DOMAINS_PER_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * DOMAINS_PER_PAGE
    return DomainPage(ranked[start:start + DOMAINS_PER_PAGE], len(ranked), page, pages)
