"""Importing articles: one transaction and one report per file (reading them back: queries.py).

Each file is judged on its own: a bad one (or one that fails in a way nobody foresaw) is
rolled back whole and reported as "file:line: reason", and the files after it still import.
The run's import batch is created with the first article stored, so a run that imports
nothing leaves no batch behind.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError

from annotator.articles.parsing import ArticleFormatError, ParsedArticle, parse_file
from annotator.claims.indexing import IndexReport
from annotator.claims.services import match_queued, queue_articles
from annotator.database import write_transaction
from annotator.extensions import db
from annotator.models.articles import Article, ImportBatch, Outlet, Unit
from annotator.urls import registered_domain

UNKNOWN_OUTLET = "Unknown outlet"
# Article.source_name and ImportBatch.description hold this many characters.
NAME_MAX_CHARS = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass
class FileReport:
    """What happened to one file of an import run."""

    name: str
    imported: int = 0
    duplicates: int = 0
    units: int = 0
    error: str | None = None
    article_ids: list[int] = field(default_factory=list)
    duplicate_titles: list[str] = field(default_factory=list)
    line: int | None = None  # the record being stored, for an error nobody foresaw

    @property
    def ok(self) -> bool:
        return self.error is None

    def clear(self) -> None:
        """Forget what a rolled-back attempt at storing the file counted."""
        self.imported = self.duplicates = self.units = 0
        self.article_ids.clear()
        self.duplicate_titles.clear()


@dataclass
class ImportReport:
    batch_id: int | None
    files: list[FileReport]
    # Claim matching of what was imported, when it ran before the import returned (the CLI).
    claims: IndexReport | None = None

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]


def iter_paths(paths: Iterable[str]) -> Iterator[str]:
    """Yield the files named, and every non-hidden file below each directory, sorted."""
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield os.path.join(root, name)
        else:
            yield path


@dataclass
class _Batch:
    """The run's ImportBatch row: inserted with the first article stored, in that transaction."""

    origin: str
    user_id: int | None
    description: str | None
    id: int | None = None

    def ensure(self) -> int:
        """Return the batch id, inserting the row in the current transaction if need be."""
        if self.id is None:
            row = ImportBatch(origin=self.origin, created_by_id=self.user_id,
                              description=self.description)
            db.session.add(row)
            db.session.flush()
            self.id = row.id
        return self.id


def clip(text: str, limit: int = NAME_MAX_CHARS) -> str:
    """Return text cut to limit characters, keeping its end (a file's extension): "ab…yz"."""
    if len(text) <= limit:
        return text
    tail = min(40, limit // 4)
    return text[: limit - tail - 1] + "…" + text[-tail:]


def upload_name(name: str | None) -> str:
    """Return an uploaded file's name as the importer shows and stores it.

    The base name only (browsers may send a Windows path), without control characters, at
    most NAME_MAX_CHARS long with its extension kept (which decides the format).
    """
    name = _CONTROL.sub("", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return clip(name) or "upload"


def read_file(path: str, max_bytes: int) -> bytes:
    """Read a file for import, refusing one over max_bytes before reading it."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise ArticleFormatError(path, None, f"cannot read: {exc.strerror}") from exc
    if size > max_bytes:
        raise ArticleFormatError(
            path, None,
            f"file is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB limit",
        )
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ArticleFormatError(path, None, f"cannot read: {exc.strerror}") from exc


def import_sources(
    sources: Iterable[tuple[str, Callable[[], bytes]]],
    fmt: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    origin: str = "cli",
    user_id: int | None = None,
    description: str | None = None,
    progress: Callable[[FileReport], None] | None = None,
) -> ImportReport:
    """Import each (name, read) source in its own transaction and report per file.

    A file that fails, whatever the reason, is rolled back, reported and passed over; the
    batch row exists only once an article is stored (a run that imported nothing, say
    `make run` again or only bad files, leaves none).
    """
    config = current_app.config
    limits = {"max_bytes": config["IMPORT_MAX_FILE_BYTES"],
              "max_chars": config["ARTICLE_MAX_CHARS"],
              "max_units": config["ARTICLE_MAX_UNITS"]}
    batch = _Batch(origin, user_id, description and clip(description))
    reports = []
    for name, read in sources:
        report = FileReport(name=name)
        try:
            articles = parse_file(name, read(), fmt, outlet=outlet, url=url, **limits)
            _store_file(articles, batch, report)
        except ArticleFormatError as exc:
            report.error = str(exc)
        except Exception as exc:  # one file's failure, whatever it is: the next file goes on
            current_app.logger.exception("importing %s failed", name)
            report.clear()
            where = name if report.line is None else f"{name}:{report.line}"
            reason = str(getattr(exc, "orig", None) or exc).strip().split("\n")[0][:200]
            report.error = (f"{where}: could not be imported ({type(exc).__name__}: {reason}); "
                            "nothing from this file was imported")
        reports.append(report)
        if progress:
            progress(report)
    if batch.id is not None:
        with write_transaction():
            row = db.session.get(ImportBatch, batch.id)
            row.files = len(reports)
            row.imported = sum(r.imported for r in reports)
            row.duplicates = sum(r.duplicates for r in reports)
            row.failed_files = sum(1 for r in reports if not r.ok)
    claims = match_queued() if any(r.imported for r in reports) else None
    return ImportReport(batch.id, reports, claims)


def import_paths(paths: Iterable[str], **kwargs) -> ImportReport:
    """Import files and directories from disk (the CLI's entry point)."""
    max_bytes = current_app.config["IMPORT_MAX_FILE_BYTES"]
    sources = [(p, (lambda p=p: read_file(p, max_bytes))) for p in iter_paths(paths)]
    return import_sources(sources, **kwargs)


def _store_file(articles: list[ParsedArticle], batch: _Batch, report: FileReport) -> None:
    """Insert a file's new articles and their units in one transaction."""
    for attempt in range(2):
        batch_before = batch.id
        try:
            with write_transaction():
                _insert_articles(articles, batch, report)
            return
        except BaseException as exc:
            batch.id = batch_before  # a batch row inserted in this transaction is gone too
            if attempt or not isinstance(exc, IntegrityError):
                raise
            # A concurrent import stored one of these articles between our check and
            # our insert (rolled back): start the file over, which now sees it as a duplicate.
            report.clear()


def _insert_articles(articles: list[ParsedArticle], batch: _Batch, report: FileReport) -> None:
    seen_hashes: set[str] = set()
    seen_urls: set[str] = set()
    outlet_ids: dict[tuple[str | None, str | None], int] = {}
    for parsed in articles:
        report.line = parsed.line
        clauses = [Article.text_hash == parsed.text_hash]
        if parsed.url:
            clauses.append(Article.url == parsed.url)
        duplicate = (
            parsed.text_hash in seen_hashes
            or (parsed.url is not None and parsed.url in seen_urls)
            or db.session.scalar(select(Article.id).where(or_(*clauses)).limit(1)) is not None
        )
        if duplicate:
            report.duplicates += 1
            report.duplicate_titles.append(parsed.title)
            continue
        seen_hashes.add(parsed.text_hash)
        if parsed.url:
            seen_urls.add(parsed.url)
        key = (parsed.outlet, parsed.url and registered_domain(parsed.url))
        if key not in outlet_ids:
            outlet_ids[key] = resolve_outlet(*key).id
        article = Article(
            outlet_id=outlet_ids[key], title=parsed.title, url=parsed.url,
            published_at=parsed.published_at, text=parsed.text, text_hash=parsed.text_hash,
            import_batch_id=batch.ensure(), source_name=clip(os.path.basename(report.name)),
        )
        db.session.add(article)
        db.session.flush()
        rows = [
            {"article_id": article.id, "position": u.position, "kind": u.kind,
             "start": u.start, "end": u.end, "text": u.text}
            for u in parsed.units
        ]
        db.session.execute(insert(Unit), rows)
        report.imported += 1
        report.units += len(rows)
        report.article_ids.append(article.id)
    # Claim memory: the new articles wait on the backlog, matched once this has committed.
    report.line = None
    queue_articles(report.article_ids)


def resolve_outlet(name: str | None, domain: str | None) -> Outlet:
    """Find or create the outlet by name, else by the URL's registered domain."""
    if name:
        name = name.strip()
        outlet = db.session.scalar(select(Outlet).where(Outlet.name == name))
        if outlet is None:
            taken = domain and db.session.scalar(select(Outlet.id).where(Outlet.domain == domain))
            outlet = Outlet(name=name, domain=None if taken else domain)
            db.session.add(outlet)
            db.session.flush()
        return outlet
    if domain:
        outlet = db.session.scalar(select(Outlet).where(Outlet.domain == domain))
        if outlet is None:
            outlet = db.session.scalar(select(Outlet).where(Outlet.name == domain))
        if outlet is None:
            outlet = Outlet(name=domain, domain=domain)
            db.session.add(outlet)
            db.session.flush()
        return outlet
    return resolve_outlet(UNKNOWN_OUTLET, None)
