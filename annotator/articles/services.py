"""Importing articles: one transaction and one report per file (reading them back: queries.py)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError

from annotator.articles.parsing import ArticleFormatError, ParsedArticle, parse_file
from annotator.database import write_transaction
from annotator.extensions import db
from annotator.models.articles import Article, ImportBatch, Outlet, Unit
from annotator.urls import registered_domain

UNKNOWN_OUTLET = "Unknown outlet"


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

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ImportReport:
    batch_id: int | None
    files: list[FileReport]

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
    with open(path, "rb") as handle:
        return handle.read()


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
    """Import each (name, read) source in its own transaction and report per file."""
    with write_transaction():
        batch = ImportBatch(origin=origin, created_by_id=user_id, description=description)
        db.session.add(batch)
        db.session.flush()
        batch_id: int | None = batch.id
    max_bytes = current_app.config["IMPORT_MAX_FILE_BYTES"]
    reports = []
    for name, read in sources:
        report = FileReport(name=name)
        try:
            articles = parse_file(name, read(), fmt, outlet=outlet, url=url, max_bytes=max_bytes)
            _store_file(articles, batch_id, report)
        except ArticleFormatError as exc:
            report.error = str(exc)
        reports.append(report)
        if progress:
            progress(report)
    with write_transaction():
        batch = db.session.get(ImportBatch, batch_id)
        batch.files = len(reports)
        batch.imported = sum(r.imported for r in reports)
        batch.duplicates = sum(r.duplicates for r in reports)
        batch.failed_files = sum(1 for r in reports if not r.ok)
        if not batch.imported and not batch.failed_files:
            # A run that changed nothing (say, `make run` again) leaves no trace.
            db.session.delete(batch)
            batch_id = None
    return ImportReport(batch_id, reports)


def import_paths(paths: Iterable[str], **kwargs) -> ImportReport:
    """Import files and directories from disk (the CLI's entry point)."""
    max_bytes = current_app.config["IMPORT_MAX_FILE_BYTES"]
    sources = [(p, (lambda p=p: read_file(p, max_bytes))) for p in iter_paths(paths)]
    return import_sources(sources, **kwargs)


def _store_file(articles: list[ParsedArticle], batch_id: int, report: FileReport) -> None:
    """Insert a file's new articles and their units in one transaction."""
    for attempt in range(2):
        try:
            with write_transaction():
                _insert_articles(articles, batch_id, report)
            return
        except IntegrityError:
            # A concurrent import stored one of these articles between our check and
            # our insert (rolled back): start the file over, which now sees it as a duplicate.
            report.imported = report.duplicates = report.units = 0
            report.article_ids.clear()
            report.duplicate_titles.clear()
            if attempt:
                raise


def _insert_articles(articles: list[ParsedArticle], batch_id: int, report: FileReport) -> None:
    seen_hashes: set[str] = set()
    seen_urls: set[str] = set()
    outlet_ids: dict[tuple[str | None, str | None], int] = {}
    for parsed in articles:
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
            import_batch_id=batch_id, source_name=os.path.basename(report.name)[:500],
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
