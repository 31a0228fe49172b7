"""Read submitted labels for a filter in article-id chunks, as UnitLabels groups.

Every export (and the outlet and adjudication figures) walks the same stream: articles in id
order, a chunk at a time (keyset, not OFFSET), and for each chunk one query for its labels,
one for its sentences and, when asked, one for sources and one for adjudications. Memory is
bounded by the chunk, never by the export.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import DateTime, Select, String, exists, null, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from annotator.articles.queries import restrict_articles
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    Assignment,
    ClaimMember,
    Outlet,
    Queue,
    SourceLink,
    Unit,
    User,
)
from annotator.stats.sentences import Gold, Label, UnitLabels
from annotator.urls import registered_domain
from annotator.vocabulary import Status

CHUNK_ARTICLES = 250


class iso_utc(FunctionElement):  # noqa: N801  (reads as an SQL function)
    """A stored naive-UTC timestamp as text, for ISO 8601 with a Z (see :func:`as_iso`).

    Exports write a million of them, so no datetime is ever built: PostgreSQL formats the
    text itself; SQLite hands over its stored "YYYY-MM-DD HH:MM:SS.ffffff" (SQLAlchemy's
    format) as it is, which as_iso cuts to shape faster than SQLite's own string functions.
    """

    type = String()
    inherit_cache = True


@compiles(iso_utc)
def _iso_utc_default(element, compiler, **kw) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS VARCHAR)"


@compiles(iso_utc, "sqlite")
def _iso_utc_sqlite(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(iso_utc, "postgresql")
def _iso_utc_postgresql(element, compiler, **kw) -> str:
    col = compiler.process(element.clauses, **kw)
    return f"""to_char({col}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


def as_iso(text: str | None) -> str | None:
    """Return an iso_utc value as "YYYY-MM-DDTHH:MM:SSZ" (already so, or cut from SQLite's)."""
    if text is None or text[10:11] == "T":
        return text
    return text[:10] + "T" + text[11:19] + "Z"


def _iso(column: ColumnElement[DateTime]) -> iso_utc:
    return iso_utc(column)


def begin_snapshot() -> None:
    """Read what follows from one snapshot, so an export cannot mix before and after a save.

    PostgreSQL: a REPEATABLE READ, READ ONLY transaction. SQLite: its read transaction is a
    snapshot already (WAL), from the first SELECT until the end.
    """
    db.session.commit()  # end the request's earlier reads (there are no writes to lose)
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ",
                                                 "postgresql_readonly": True})


def submitted(flt: ArticleFilter):
    """Return the WHERE clause for the assignments a filter covers: submitted, in its queue."""
    clause = Assignment.status == Status.SUBMITTED
    if flt.queue_id:
        clause = clause & (Assignment.queue_id == flt.queue_id)
    return clause


def article_chunks(flt: ArticleFilter, size: int = CHUNK_ARTICLES) -> Iterator[list[tuple]]:
    """Yield (id, url, outlet_id, published_at) of the filter's labelled articles, by id."""
    last = 0
    labelled = exists().where(Assignment.article_id == Article.id, submitted(flt))
    while True:
        query = select(Article.id, Article.url, Article.outlet_id, Article.published_at)
        query = restrict_articles(query.where(Article.id > last, labelled), flt)
        rows = db.session.connection().execute(query.order_by(Article.id).limit(size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def reviewer_ids(flt: ArticleFilter) -> list[int]:
    """Return the ids of every reviewer with a submitted label in the filter, ascending."""
    query = (select(Assignment.reviewer_id).distinct()
             .join(Article, Article.id == Assignment.article_id).where(submitted(flt)))
    return sorted(db.session.scalars(restrict_articles(query, flt)))


def usernames() -> dict[int, str]:
    """Return user id -> username for every user (exports that show names)."""
    return dict(db.session.execute(select(User.id, User.username)).all())


def iter_units(flt: ArticleFilter, *, sources: bool = True, gold: bool = False,
               outlet_domains: bool = False, clusters: bool = False,
               size: int = CHUNK_ARTICLES) -> Iterator[UnitLabels]:
    """Yield every labelled (queue, sentence) of the filter with its submitted labels.

    Ordered by article id, queue, sentence position; labels by reviewer id. clusters: fill
    each sentence's claim cluster id, read with its sentence (one outer join per chunk).
    """
    conn = db.session.connection()  # Core rows: no ORM result processing per label
    queues = dict(conn.execute(select(Queue.id, Queue.name)).all())
    outlets = {oid: (name, domain) for oid, name, domain in
               conn.execute(select(Outlet.id, Outlet.name, Outlet.domain))}
    no_sources: list = []  # shared by every label without sources; never appended to
    cut = conn.dialect.name == "sqlite"  # created_at/updated_at come as stored text
    for chunk in article_chunks(flt, size):
        ids = [row[0] for row in chunk]
        articles = {row[0]: row for row in chunk}
        units = {row[0]: row for row in driver_rows(conn, _units_query(ids, clusters))}
        links = _sources(conn, ids, flt) if sources else {}
        golds = _golds(conn, ids, flt) if gold else {}
        domains = _domains(chunk, outlets) if outlet_domains else {}
        # Per assignment once: queue, article, reviewer, submission time.
        assignments = {aid: (queue_id, article_id, reviewer_id, as_iso(at)) for
                       aid, queue_id, article_id, reviewer_id, at in
                       driver_rows(conn, _assignments_query(ids, flt))}
        current: UnitLabels | None = None
        labels: list[Label] = []
        unit_links: dict[int, list] = {}
        for assignment_id, unit_id, label, created, updated in driver_rows(
                conn, _labels_query(ids, flt)):
            queue_id, article_id, reviewer_id, submitted_at = assignments[assignment_id]
            if cut:  # SQLite's stored text, cut inline: this loop runs once per label
                created = created[:10] + "T" + created[11:19] + "Z"
                updated = updated[:10] + "T" + updated[11:19] + "Z"
            if current is None or current.unit_id != unit_id or current.queue_id != queue_id:
                if current is not None:
                    yield current
                _, url, outlet_id, published = articles[article_id]
                _, _, position, kind, start, end, text, cluster = units[unit_id]
                labels = []
                unit_links = links.get(unit_id, {})
                current = UnitLabels(
                    queue_id, queues[queue_id], article_id, url, outlet_id,
                    outlets[outlet_id][0], domains.get(article_id), published, unit_id,
                    position, kind, start, end, text, labels, golds.get((queue_id, unit_id)),
                    cluster,
                )  # fmt: skip
            labels.append(Label(reviewer_id, label, created, updated, submitted_at,
                                unit_links.get(assignment_id, no_sources)))
        if current is not None:
            yield current


def driver_rows(conn, stmt: Select) -> list[tuple]:
    """Run a select on the session's connection and return the driver's own tuples.

    For the queries that return a row per label, sentence, assignment or source: building
    SQLAlchemy Row objects cost about a microsecond a row, a tenth of the export. Same
    connection, same transaction.
    """
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(compiled.string, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _assignments_query(ids: list[int], flt: ArticleFilter) -> Select:
    return select(Assignment.id, Assignment.queue_id, Assignment.article_id,
                  Assignment.reviewer_id, _iso(Assignment.submitted_at)).where(
        Assignment.article_id.in_(ids), submitted(flt))


def _labels_query(ids: list[int], flt: ArticleFilter) -> Select:
    return (
        select(Annotation.assignment_id, Annotation.unit_id, Annotation.label,
               _iso(Annotation.created_at), _iso(Annotation.updated_at))
        .select_from(Assignment)
        .join(Annotation, Annotation.assignment_id == Assignment.id)
        .join(Unit, Unit.id == Annotation.unit_id)
        .where(Assignment.article_id.in_(ids), submitted(flt))
        .order_by(Assignment.article_id, Assignment.queue_id, Unit.position,
                  Assignment.reviewer_id)
    )  # fmt: skip


def _units_query(ids: list[int], clusters: bool = False) -> Select:
    """Select the chunk's sentences; the last column is the claim cluster id (or NULL)."""
    query = select(Unit.id, Unit.article_id, Unit.position, Unit.kind, Unit.start, Unit.end,
                   Unit.text)
    if clusters:
        query = query.add_columns(ClaimMember.cluster_id).outerjoin(
            ClaimMember, ClaimMember.unit_id == Unit.id)
    else:
        query = query.add_columns(null())
    return query.where(Unit.article_id.in_(ids))


def _sources(conn, ids: list[int], flt: ArticleFilter) -> dict[int, dict[int, list]]:
    """Return unit id -> assignment id -> [(url, domain, stance)] for the chunk."""
    query = (select(SourceLink.assignment_id, SourceLink.unit_id, SourceLink.url,
                    SourceLink.domain, SourceLink.stance)
             .join(Assignment, Assignment.id == SourceLink.assignment_id)
             .where(Assignment.article_id.in_(ids), submitted(flt))
             .order_by(SourceLink.id))  # fmt: skip
    found: dict[int, dict[int, list]] = {}
    for assignment_id, unit_id, url, domain, stance in driver_rows(conn, query):
        found.setdefault(unit_id, {}).setdefault(assignment_id, []).append((url, domain, stance))
    return found


def _golds(conn, ids: list[int], flt: ArticleFilter) -> dict[tuple[int, int], Gold]:
    query = (select(Adjudication.queue_id, Adjudication.unit_id, Adjudication.gold_label,
                    Adjudication.rationale, Adjudication.adjudicator_id,
                    _iso(Adjudication.updated_at))
             .join(Unit, Unit.id == Adjudication.unit_id)
             .where(Unit.article_id.in_(ids)))  # fmt: skip
    if flt.queue_id:
        query = query.where(Adjudication.queue_id == flt.queue_id)
    return {(q, u): Gold(label, rationale or "", by, as_iso(at))
            for q, u, label, rationale, by, at in conn.execute(query)}


def _domains(chunk: list[tuple], outlets: dict[int, tuple]) -> dict[int, str | None]:
    """Return article id -> its outlet's registered domain, else its URL's."""
    found = {}
    for article_id, url, outlet_id, _ in chunk:
        found[article_id] = outlets[outlet_id][1] or (registered_domain(url) if url else None)
    return found
