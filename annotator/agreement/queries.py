"""Read the stored per-article statistics for the leads' reports; never the raw labels in bulk."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import BigInteger, Select, cast, func, select

from annotator.agreement.presentation import outlet_warnings
from annotator.agreement.services import remember_figures
from annotator.articles.queries import restrict_articles
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models.agreement import LAYOUT, ArticleStats, FiguresCache, FiguresVersion
from annotator.models.annotations import Adjudication, Annotation, SourceLink
from annotator.models.articles import Article, Outlet, Unit
from annotator.models.auth import User
from annotator.models.queues import Assignment, Queue
from annotator.stats import rollup
from annotator.stats.records import (
    article_dtype,
    coder_dtype,
    figure_warnings,
    pair_dtype,
    unpack,
)
from annotator.stats.rollup import figures_from_json, figures_json
from annotator.stats.sentences import apply_adjudications, stored_settled
from annotator.stats.sufficient import PairAgreement
from annotator.vocabulary import LABELS, Status

if TYPE_CHECKING:
    from annotator.stats.sentences import SettledCounts

Q = len(LABELS)
PER_PAGE = 50
SORTS = {
    "alpha": ArticleStats.alpha,
    "agreement": ArticleStats.percent_agreement,
    "reviewers": ArticleStats.coders,
    "sentences": ArticleStats.units,
    "title": Article.title,
    "outlet": Outlet.name,
    "published": Article.published_at,
}


def restrict_stats(query: Select, filters: ArticleFilter) -> Select:
    """Restrict a query that selects from ArticleStats joined to Article to the filter."""
    if filters.queue_id:
        query = query.where(ArticleStats.queue_id == filters.queue_id)
    return restrict_articles(query, filters)


@dataclass
class ArticleRow:
    """One line of the article table."""

    article_id: int
    queue_id: int
    title: str
    outlet: str
    queue: str
    published_at: datetime | None
    coders: int
    units: int
    alpha: float | None
    percent_agreement: float | None
    warnings: list[str]


@dataclass
class ArticlePage:
    """A sorted page of the article table."""

    rows: list[ArticleRow]
    total: int
    page: int
    pages: int
    sort: str
    direction: str


@dataclass
class Overview:
    """Everything the overview page shows."""

    labels: tuple[str, ...]
    overall: rollup.GroupFigures
    outlets: list[tuple[str, rollup.GroupFigures]]
    reviewers: list[tuple[User, rollup.ReviewerFigures]]
    articles: ArticlePage
    settled: SettledCounts | None = None  # labelled sentences by how they are decided
    queues: list[Queue] = field(default_factory=list)
    # Per outlet id: every warning of its row (agreement.presentation.outlet_warnings).
    outlet_warnings: dict[int, list[str]] = field(default_factory=dict)


def _stats_query(*columns) -> Select:
    return select(*columns).select_from(ArticleStats).join(
        Article, Article.id == ArticleStats.article_id)


def _needs_article(filters: ArticleFilter, sort: str) -> bool:
    """Tell whether a filter or sort reads the articles table."""
    return _article_filtered(filters) or sort in ("title", "outlet", "published")


def _fetch_raw(query: Select) -> list[tuple]:
    """Run a query and return the driver's own rows (blobs as bytes-like objects).

    A report reads tens of thousands of record blobs: skipping SQLAlchemy's row objects
    and result processing saves a third of the fetch. On PostgreSQL the rows come in
    binary: as text every blob travels and is decoded as hexadecimal, twice its size.
    """
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        compiled = query.compile(dialect=conn.dialect,
                                 compile_kwargs={"render_postcompile": True})
        with conn.connection.dbapi_connection.cursor(binary=True) as cursor:
            cursor.execute(str(compiled), compiled.params)
            return cursor.fetchall()
    result = conn.execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def overview(filters: ArticleFilter, sort: str = "alpha", direction: str = "asc",
             page: int = 1, with_articles: bool = True) -> Overview:
    """Pool the filtered articles' stored statistics into the overview's figures.

    The pooled figures come from the figures cache when it holds them at the current figures
    version (agreement.services.remember_figures stores them); names are read fresh. Without
    articles, the article table's page is left empty (the API does not show it).
    """
    version = figures_version()
    key = figures_key("overview", filters)
    body = cached_figures(key, version)
    if body is None:
        body = pooled_figures(filters)
        remember_figures(key, version, body)
    pooled = figures_from_json(body)
    outlets = pooled["outlets"]
    names = dict(db.session.execute(
        select(Outlet.id, Outlet.name).where(Outlet.id.in_([f.key for f in outlets]))).all())
    outlets.sort(key=lambda f: (f.alpha.value is None, f.alpha.value or 0.0, names[f.key]))
    people = pooled["reviewers"]
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_([p.reviewer_id for p in people])))}
    return Overview(
        labels=LABELS,
        overall=pooled["overall"],
        outlets=[(names[f.key], f) for f in outlets],
        reviewers=[(users[p.reviewer_id], p) for p in people],
        articles=(article_page(filters, sort, direction, page) if with_articles
                  else ArticlePage([], 0, 1, 1, sort, direction)),
        settled=pooled["settled"],
        outlet_warnings=pooled["outlet_warnings"],
    )


def _article_filtered(filters: ArticleFilter) -> bool:
    """Tell whether the filter narrows the articles (anything but the queue)."""
    return bool(filters.outlet_id or filters.outlet_name or filters.date_from
                or filters.date_to or filters.batch_id or filters.search)


def pooled_figures(filters: ArticleFilter) -> dict:
    """Compute the overview's pooled figures of the filter from the stored statistics, as
    JSON-ready data (figures_from_json reads it back): what the figures cache stores."""
    columns = (ArticleStats.article_id, ArticleStats.stats, ArticleStats.coder_records,
               ArticleStats.unanimous, ArticleStats.majority, ArticleStats.unresolved,
               ArticleStats.id)
    # The blobs from the stats table alone, the outlets and dates from a narrow join: one
    # join that carries the blobs makes SQLite walk the stats rows in article order, twice
    # as slow as reading them in place.
    if _article_filtered(filters):
        rows = _fetch_raw(restrict_stats(_stats_query(*columns), filters))
    else:
        rows = _fetch_raw(restrict_stats(select(*columns), filters))
    dated = _fetch_raw(restrict_stats(
        _stats_query(Article.id, Article.outlet_id, _published_us()), filters))
    samples = _article_samples(dated)
    where = np.searchsorted(samples.article_ids, np.fromiter(
        (r[0] for r in rows), dtype=np.int64, count=len(rows)))
    # One order whatever the database's plan: publication time (undated first), article,
    # stats row. A small group's bootstrap draws articles by position, so its interval
    # would otherwise follow the plan (it differed between SQLite and PostgreSQL, and
    # between filters). It is the order SQLite's plan over the articles' (outlet,
    # published) index gave the overview before.
    order = np.lexsort((np.fromiter((r[6] for r in rows), dtype=np.int64, count=len(rows)),
                        samples.article_ids[where],
                        samples.published[where].astype(np.int64))) if len(rows) else where
    rows, where = [rows[i] for i in order], where[order]
    articles, _ = unpack([r[1] for r in rows], article_dtype(Q))
    coders, coder_article = unpack([r[2] for r in rows], coder_dtype(Q))
    outlet_ids = samples.outlet_ids[where] if len(rows) else np.zeros(0, dtype=np.int64)
    keys, group = np.unique(outlet_ids, return_inverse=True)
    outlets = rollup.pool_groups(articles, group, [int(k) for k in keys], coders,
                                 coder_article, LABELS)
    people = rollup.reviewers(articles, coders, LABELS)
    people.sort(key=lambda p: (p.kappa.value is None, p.kappa.value or 0.0, p.reviewer_id))
    settled, changes = apply_adjudications(stored_settled(r[3:6] for r in rows),
                                           adjudicated_labels(filters))
    for p in people:
        units, agree = changes.get(p.reviewer_id, (0, 0))
        p.gold_units, p.gold_agree = p.gold_units + units, p.gold_agree + agree
    spans = samples.per_outlet()
    return figures_json(
        overall=rollup.overall(articles, coders, coder_article, LABELS),
        outlets=outlets, reviewers=people, settled=settled,
        outlet_warnings={f.key: outlet_warnings(*spans[f.key], f) for f in outlets})


@dataclass
class _Samples:
    """The filtered articles once each (sorted by id): outlet and publication time."""

    article_ids: np.ndarray
    outlet_ids: np.ndarray
    published: np.ndarray  # datetime64[us], NaT when undated

    def per_outlet(self) -> dict[int, tuple[int, int | None]]:
        """Return each outlet's distinct articles and publication span in whole days."""
        keys, group = np.unique(self.outlet_ids, return_inverse=True)
        counts = np.bincount(group, minlength=len(keys))
        dated = ~np.isnat(self.published)
        stamps = self.published[dated].astype(np.int64)
        first = np.full(len(keys), np.iinfo(np.int64).max)
        last = np.full(len(keys), np.iinfo(np.int64).min)
        np.minimum.at(first, group[dated], stamps)
        np.maximum.at(last, group[dated], stamps)
        has = np.bincount(group[dated], minlength=len(keys)) > 0
        day = 86_400_000_000  # microseconds; floor division as timedelta.days does
        return {int(k): (int(counts[i]), int((last[i] - first[i]) // day) if has[i] else None)
                for i, k in enumerate(keys)}


def _published_us():
    """Select an article's publication time as numpy reads it fastest: on PostgreSQL whole
    microseconds since the epoch (datetimes convert thirty times slower), on SQLite the
    stored ISO text."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.extract("epoch", Article.published_at) * 1_000_000, BigInteger)
    return Article.published_at


def _article_samples(rows: list[tuple]) -> _Samples:
    """Read (article id, outlet id, published) rows (an article once per queue) once each."""
    if not rows:
        return _Samples(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64),
                        np.zeros(0, dtype="datetime64[us]"))
    ids, outlets, published = zip(*rows, strict=True)
    ids, first = np.unique(np.array(ids, dtype=np.int64), return_index=True)
    # Text (SQLite) or microseconds since the epoch (PostgreSQL): numpy reads both, None
    # as NaT.
    return _Samples(ids, np.array(outlets, dtype=np.int64)[first],
                    np.array(published, dtype="datetime64[us]")[first])


def article_page(filters: ArticleFilter, sort: str, direction: str, page: int) -> ArticlePage:
    """Return one page of the filtered articles in the asked order (undefined alpha last)."""
    sort = sort if sort in SORTS else "alpha"
    direction = "desc" if direction == "desc" else "asc"
    column = SORTS[sort]
    ordered = column.desc() if direction == "desc" else column.asc()
    if _needs_article(filters, sort):
        ids_query = restrict_stats(_stats_query(ArticleStats.id), filters)
    else:  # the stats table alone answers: no join to sort through
        ids_query = restrict_stats(select(ArticleStats.id), filters)
    total = db.session.scalar(
        ids_query.with_only_columns(func.count(), maintain_column_froms=True))
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    # Sort narrow rows first, then load the page's 50 rows in full.
    query = ids_query
    if sort == "outlet":
        query = query.join(Outlet, Outlet.id == Article.outlet_id)
    ids = db.session.scalars(query.order_by(column.is_(None), ordered, ArticleStats.id)
                             .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    found = db.session.execute(
        _stats_query(ArticleStats.id, ArticleStats.article_id, ArticleStats.queue_id,
                     ArticleStats.coders, ArticleStats.units, ArticleStats.pairable_values,
                     ArticleStats.alpha, ArticleStats.percent_agreement, ArticleStats.stats,
                     Article.title, Article.published_at, Outlet.name.label("outlet"),
                     Queue.name.label("queue"))
        .join(Outlet, Outlet.id == Article.outlet_id)
        .join(Queue, Queue.id == ArticleStats.queue_id)
        .where(ArticleStats.id.in_(ids))
    ).all()
    by_id = {r.id: r for r in found}
    rows = []
    for r in (by_id[i] for i in ids):
        record = np.frombuffer(r.stats, dtype=article_dtype(Q))[0]
        rows.append(ArticleRow(
            article_id=r.article_id, queue_id=r.queue_id, title=r.title, outlet=r.outlet,
            queue=r.queue, published_at=r.published_at, coders=r.coders, units=r.units,
            alpha=r.alpha, percent_agreement=r.percent_agreement,
            warnings=figure_warnings(r.coders, r.pairable_values, record["label_counts"],
                                     LABELS),
        ))  # fmt: skip
    return ArticlePage(rows, total, page, pages, sort, direction)


@dataclass
class ReviewerReport:
    """One reviewer's figures and their agreement with each colleague."""

    user: User
    figures: rollup.ReviewerFigures | None
    colleagues: list[tuple[User, PairAgreement]]


def reviewer_report(user_id: int, filters: ArticleFilter) -> ReviewerReport | None:
    """Pool the filtered articles the reviewer submitted: their figures and pairwise kappas."""
    user = db.session.get(User, user_id)
    if user is None:
        return None
    # The reviewer's figures pool every filtered article, as the overview does: "alpha without
    # them" is the filtered articles' alpha with their labels taken out, compared with the
    # overview's headline alpha. Pooling only their own articles gave another figure.
    rows = _fetch_raw(restrict_stats(
        _stats_query(ArticleStats.stats, ArticleStats.coder_records), filters))
    articles, _ = unpack([r[0] for r in rows], article_dtype(Q))
    coders, _ = unpack([r[1] for r in rows], coder_dtype(Q))
    mine = [f for f in rollup.reviewers(articles, coders, LABELS) if f.reviewer_id == user_id]
    query = restrict_stats(
        _stats_query(ArticleStats.pair_records)
        .join(Assignment, (Assignment.queue_id == ArticleStats.queue_id)
              & (Assignment.article_id == ArticleStats.article_id))
        .where(Assignment.reviewer_id == user_id, Assignment.status == Status.SUBMITTED), filters)
    pairs, _ = unpack([r[0] for r in _fetch_raw(query)], pair_dtype(Q))
    pairwise = rollup.colleagues(pairs, user_id)
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_([p.coder_b for p in pairwise])))}
    pairwise.sort(key=lambda p: (p.cohen_kappa.value is None, p.cohen_kappa.value or 0.0))
    return ReviewerReport(user, mine[0] if mine else None,
                          [(users[p.coder_b], p) for p in pairwise])


@dataclass
class GridRow:
    """One sentence of the drill-down: each reviewer's label and sources, and the majority."""

    unit: Unit
    labels: list[str | None]
    sources: list[list[SourceLink]]
    majority: str | None
    disagreement: bool


@dataclass
class ArticleDetail:
    """The sentence x reviewer grid of one article in one queue."""

    article: Article
    queue: Queue | None
    queues: list[Queue]
    reviewers: list[User]
    rows: list[GridRow]
    stats: ArticleStats | None
    warnings: list[str]
    in_progress: int
    assignments: list[Assignment] = field(default_factory=list)  # one per reviewer column


def majority_label(labels: list[str | None]) -> str | None:
    """Return the label more than half of the sentence's labels agree on, if any."""
    given = [label for label in labels if label is not None]
    if not given:
        return None
    label, count = Counter(given).most_common(1)[0]
    return label if count * 2 > len(given) else None


def article_detail(article_id: int, queue_id: int | None) -> ArticleDetail | None:
    """Load one article's submitted labels and sources in a queue (None if no such article)."""
    article = db.session.get(Article, article_id)
    if article is None:
        return None
    queues = list(db.session.scalars(
        select(Queue).join(Assignment, Assignment.queue_id == Queue.id)
        .where(Assignment.article_id == article_id, Assignment.status == Status.SUBMITTED)
        .distinct().order_by(Queue.name)))
    queue = next((q for q in queues if q.id == queue_id), queues[0] if queues else None)
    if queue is None:
        return ArticleDetail(article, None, [], [], [], None, [], 0)
    assignments = list(db.session.scalars(
        select(Assignment).where(Assignment.queue_id == queue.id,
                                 Assignment.article_id == article_id,
                                 Assignment.status == Status.SUBMITTED)
        .order_by(Assignment.reviewer_id)))
    column = {a.id: i for i, a in enumerate(assignments)}
    units = article.units
    where = {u.id: i for i, u in enumerate(units)}
    labels = [[None] * len(assignments) for _ in units]
    for a_id, unit_id, label in db.session.execute(
        select(Annotation.assignment_id, Annotation.unit_id, Annotation.label)
        .where(Annotation.assignment_id.in_(column))
    ):
        labels[where[unit_id]][column[a_id]] = label
    sources = [[[] for _ in assignments] for _ in units]
    for link in db.session.scalars(
        select(SourceLink).where(SourceLink.assignment_id.in_(column)).order_by(SourceLink.id)
    ):
        sources[where[link.unit_id]][column[link.assignment_id]].append(link)
    rows = [GridRow(unit, labels[i], sources[i], majority_label(labels[i]),
                    len({x for x in labels[i] if x is not None}) > 1)
            for i, unit in enumerate(units)]
    stats = db.session.scalar(select(ArticleStats).where(
        ArticleStats.queue_id == queue.id, ArticleStats.article_id == article_id))
    warnings = []
    if stats is not None:
        record = np.frombuffer(stats.stats, dtype=article_dtype(Q))[0]
        warnings = figure_warnings(stats.coders, stats.pairable_values,
                                   record["label_counts"], LABELS)
    in_progress = db.session.scalar(select(func.count()).where(
        Assignment.queue_id == queue.id, Assignment.article_id == article_id,
        Assignment.status == Status.ACTIVE))
    return ArticleDetail(article, queue, queues, [a.reviewer for a in assignments], rows,
                         stats, warnings, in_progress, assignments)


# Settled sentences and accuracy against gold: the stored statistics count each sentence as
# its labels alone decide it; an adjudication overrides that, so the reports read the labels
# of the adjudicated sentences only and move them (annotator.stats.sentences does the sums).
# tests/test_settled_gold.py checks this against annotator.adjudication.queries.
_IN_CHUNK = 500  # adjudicated unit ids per label query


def adjudicated_labels(filters) -> list[tuple[int, int, str, int, str]]:
    """Return (queue, unit, gold label, reviewer, label) for every adjudicated labelled sentence.

    Only the submitted labels the filter covers, the same as the stored statistics hold. The
    adjudications come first, on their own: one join would let SQLite start from a scan of
    every assignment; from the adjudicated units the unit index finds their labels.
    """
    query = select(Adjudication.queue_id, Adjudication.unit_id, Adjudication.gold_label)
    if filters.queue_id:
        query = query.where(Adjudication.queue_id == filters.queue_id)
    gold = {(q, u): label for q, u, label in db.session.execute(query)}
    units = sorted({u for _, u in gold})
    found = []
    for lo in range(0, len(units), _IN_CHUNK):
        labels = (
            select(Assignment.queue_id, Annotation.unit_id, Assignment.reviewer_id,
                   Annotation.label)
            .join(Assignment, Assignment.id == Annotation.assignment_id)
            .join(ArticleStats, (ArticleStats.queue_id == Assignment.queue_id)
                  & (ArticleStats.article_id == Assignment.article_id))
            .join(Article, Article.id == Assignment.article_id)
            .where(Annotation.unit_id.in_(units[lo : lo + _IN_CHUNK]),
                   Assignment.status == Status.SUBMITTED)
        )  # fmt: skip
        # Through the stats rows: the articles (and queue) the report pools, nothing else.
        rows = db.session.execute(restrict_stats(labels, filters))
        for queue_id, unit_id, reviewer_id, label in rows:
            if (queue_id, unit_id) in gold:
                found.append((queue_id, unit_id, gold[queue_id, unit_id], reviewer_id, label))
    return found


def stats_are_stale() -> bool:
    """Tell whether the stored statistics miss an article or use an older layout.

    True after a migration emptied them (as 0004 does) or on a database filled before
    they existed; `flask agreement recompute --if-stale` then rebuilds them.
    """
    old = db.session.scalar(select(func.count()).where(ArticleStats.layout != LAYOUT))
    stored = db.session.scalar(select(func.count()).select_from(ArticleStats))
    expected = db.session.scalar(
        select(func.count()).select_from(
            select(Assignment.queue_id, Assignment.article_id)
            .where(Assignment.status == Status.SUBMITTED).distinct().subquery()))
    return bool(old) or stored != expected


# Built once: every ETag check and every report runs it.
_VERSION = select(FiguresVersion.version).where(FiguresVersion.id == 1)


def figures_version() -> int:
    """Return the version of the agreement figures: one primary-key lookup.

    agreement.services.bump_figures_version raises it in the same transaction as every write
    that changes a figure (submit, reopen, gold label, rebuild, outlet merge or rename).
    """
    return db.session.connection().execute(_VERSION).scalar() or 0


# Part of every figures cache key: raise it with any change to how the cached figures are
# computed or written, so rows that older code stored are never read.
FIGURES_FORMAT = 1


def figures_key(report: str, filters: ArticleFilter) -> str:
    """Return the figures cache's key of a report over a filter: what the filter selects by,
    normalised as restrict_stats applies it (so equal filters share a row)."""
    parts = (report, FIGURES_FORMAT, LAYOUT, filters.queue_id, filters.outlet_id,
             None if filters.outlet_id or not filters.outlet_name else filters.outlet_name.lower(),
             filters.date_from and filters.date_from.isoformat(),
             filters.date_to and filters.date_to.isoformat(), filters.batch_id,
             (filters.search or "").strip().lower() or None)
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def cached_figures(key: str, version: int) -> str | None:
    """Return the cached figures stored under the key at this version, else None."""
    return db.session.scalar(select(FiguresCache.body).where(
        FiguresCache.key == key, FiguresCache.version == version))
