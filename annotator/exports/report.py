"""The agreement report for a filter, as CSV tables, JSON, XLSX and a self-contained HTML file.

Agreement figures come from the agreement reports (annotator.agreement.queries: stored
per-article statistics, pooled); outlet reliability and source domains from one pass over the
filter's labels (annotator.outlets); settled counts and accuracy against gold from SQL
aggregates (annotator.adjudication.queries). The article table streams from the stored
per-article statistics in id order.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import numpy as np
from flask import current_app, render_template
from sqlalchemy import select

from annotator.adjudication.queries import reviewer_accuracy, settled_counts
from annotator.agreement import queries as agreement_queries
from annotator.agreement.presentation import (
    WHICH_NUMBER,
    alpha_chart,
    group_verdict,
    method_note_blocks,
    method_notes,
    outlet_warnings,
)
from annotator.annotations import label_stream
from annotator.config import VERSION
from annotator.exports import report_tables as rr
from annotator.exports.downloads import MIMETYPES, Download, reviewer_names
from annotator.exports.label_rows import ReviewerNames
from annotator.exports.metadata import export_filename, metadata
from annotator.exports.writers import csv_stream, meta_rows, write_xlsx
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import Article, Outlet, Queue
from annotator.models.agreement import ArticleStats
from annotator.outlets import queries as outlet_queries
from annotator.outlets.tallies import DEFINITIONS as OUTLET_DEFINITIONS
from annotator.outlets.tallies import UNRESOLVED, DomainFigures, OutletFigures
from annotator.stats import charts
from annotator.stats.records import article_dtype, figure_warnings
from annotator.stats.rollup import GroupFigures
from annotator.stats.sentences import SettledCounts
from annotator.timeutil import utcnow
from annotator.vocabulary import LABELS

TABLES = ("articles", "outlets", "reviewers", "domains")
_HEADERS = {"articles": rr.ARTICLE_FIELDS, "outlets": rr.OUTLET_FIELDS,
            "reviewers": rr.REVIEWER_FIELDS, "domains": rr.DOMAIN_FIELDS}
CHUNK = 2000


def definitions() -> dict[str, str]:
    """Return the report's definitions: outlet figures, gold, and the method notes."""
    return {
        **OUTLET_DEFINITIONS,
        "accuracy": "A reviewer's labels that match gold (adjudicated, else unanimous or "
                    "majority) over their labels on sentences with gold; adjudicated_accuracy "
                    "counts only sentences a lead adjudicated (against majority gold a "
                    "reviewer is partly compared with themselves).",
        "method notes": method_notes(),
    }


class Report:
    """The report for one filter: metadata at once, figures computed on first use.

    The HTML and CSV downloads send their first bytes (head, comment block) before the
    figures are computed, so the response has started long before a proxy would give up.
    """

    def __init__(self, flt: ArticleFilter, names: ReviewerNames, with_names: bool = False):
        self.flt = flt
        self.names = names
        self.made = utcnow()
        self.meta = metadata("agreement-report", flt, self.made, VERSION, definitions(),
                             reviewer_names="usernames" if with_names else "pseudonyms",
                             level="nominal", labels=", ".join(LABELS))

    @cached_property
    def _figures(self) -> tuple:
        label_stream.begin_snapshot()
        overview = agreement_queries.overview(self.flt)
        agreement = {f.key: f for _, f in overview.outlets}
        tally = outlet_queries.tally(self.flt)
        outlets = sorted(((fig, agreement.get(oid)) for oid, fig in tally.outlets.items()),
                         key=lambda pair: pair[0].name.lower())
        accuracy = reviewer_accuracy(self.flt)
        reviewers = [rr.reviewer_row(self.names[user.id], figures, accuracy.get(user.id))
                     for user, figures in overview.reviewers]
        return (overview.overall, settled_counts(self.flt), outlets, reviewers,
                tally.domains.ranked())

    @property
    def overall(self) -> GroupFigures:
        return self._figures[0]

    @property
    def settled(self) -> SettledCounts:
        return self._figures[1]

    @property
    def outlets(self) -> list[tuple[OutletFigures, GroupFigures | None]]:
        return self._figures[2]

    @property
    def reviewers(self) -> list[list]:
        return self._figures[3]

    @property
    def domains(self) -> list[DomainFigures]:
        return self._figures[4]


def article_rows(flt: ArticleFilter) -> Iterator[list]:
    """Yield the article table from the stored per-article statistics, in id order."""
    dtype = article_dtype(len(LABELS))
    last = 0
    while True:
        query = agreement_queries.restrict_stats(
            select(ArticleStats.id, Queue.name, Article.id, Article.title, Article.url,
                   Outlet.name, Article.published_at, ArticleStats.coders, ArticleStats.units,
                   ArticleStats.pairable_values, ArticleStats.alpha,
                   ArticleStats.percent_agreement, ArticleStats.stats)
            .select_from(ArticleStats)
            .join(Article, Article.id == ArticleStats.article_id)
            .join(Outlet, Outlet.id == Article.outlet_id)
            .join(Queue, Queue.id == ArticleStats.queue_id)
            .where(ArticleStats.id > last), flt,
        ).order_by(ArticleStats.id).limit(CHUNK)  # fmt: skip
        rows = db.session.execute(query).all()
        if not rows:
            return
        for (_, queue, aid, title, url, outlet, published, coders, units, pairable, alpha,
             percent, blob) in rows:
            counts = np.frombuffer(blob, dtype=dtype)[0]["label_counts"]
            yield rr.article_row(queue, aid, title, url, outlet, published, coders, units,
                                 pairable, alpha, percent,
                                 figure_warnings(coders, pairable, counts, LABELS))
        last = rows[-1][0]


def table_rows(report: Report, table: str) -> tuple[tuple[str, ...], Iterator[list]]:
    """Return a table's header and rows."""
    if table == "articles":
        return rr.ARTICLE_FIELDS, article_rows(report.flt)
    if table == "outlets":
        return rr.OUTLET_FIELDS, iter([rr.outlet_row(f, a) for f, a in report.outlets])
    if table == "reviewers":
        return rr.REVIEWER_FIELDS, iter(report.reviewers)
    if table == "domains":
        return rr.DOMAIN_FIELDS, iter([rr.domain_row(d) for d in report.domains])
    raise ValueError(f"unknown report table {table!r}")


def filename(report: Report, part: str, ext: str) -> str:
    """Return the dated, filtered file name of one part of the report."""
    return export_filename(part, report.flt, report.made.date(), ext)


def csv_chunks(report: Report, table: str) -> Iterator[str]:
    """Yield one report table as CSV: the header, then the rows (metadata in the sidecar)."""
    header, rows = table_rows(report, table)
    yield from csv_stream(header, rows)


def json_chunks(report: Report) -> Iterator[str]:
    """Yield the whole report as one JSON document, the article list streamed."""
    dump = json.dumps
    head = {
        "meta": report.meta,
        "overall": dict(row[:2] for row in rr.overall_rows(report.overall, report.settled)[1:]),
    }
    yield dump(head, ensure_ascii=False, default=str)[:-1]
    for table in ("outlets", "reviewers", "domains", "articles"):
        header, rows = table_rows(report, table)
        yield f', "{table}": ['
        for i, row in enumerate(rows):
            yield ("," if i else "") + dump(dict(zip(header, row, strict=True)),
                                            ensure_ascii=False)
        yield "]"
    yield "}\n"


def xlsx_bytes(report: Report) -> Iterator[bytes]:
    """Write the report as a workbook (one sheet per table, then metadata); yield its bytes."""
    sheets = [("overall", *_split(rr.overall_rows(report.overall, report.settled)))]
    sheets += [(table, *table_rows(report, table)) for table in
               ("outlets", "articles", "reviewers", "domains")]
    with tempfile.TemporaryFile() as fh:  # write-only openpyxl spools rows to disk, not RAM
        write_xlsx(fh, sheets, meta_rows(report.meta))
        fh.seek(0)
        while block := fh.read(1 << 16):
            yield block


def _split(rows: list[list]) -> tuple[list, list[list]]:
    return rows[0], rows[1:]


def lowest_articles(report: Report, limit: int = 100) -> list[list]:
    """Return the articles with the lowest alpha (undefined last), for the HTML report."""
    alpha_at = rr.ARTICLE_FIELDS.index("alpha")
    best: list[list] = []
    for row in article_rows(report.flt):
        best.append(row)
        if len(best) > 4 * limit:  # keep memory bounded: trim now and then
            best = sorted(best, key=lambda r: _alpha_key(r[alpha_at]))[:limit]
    return sorted(best, key=lambda r: _alpha_key(r[alpha_at]))[:limit]


def _alpha_key(alpha: float | None) -> tuple[bool, float]:
    return (alpha is None, alpha if alpha is not None else 0.0)


def _static_css() -> str:
    """Return the stylesheets the report draws with, inlined so it needs no other file."""
    folder = Path(current_app.static_folder or "")
    return "\n".join((folder / "css" / name).read_text(encoding="utf-8")
                     for name in ("app.css", "reports.css", "labels.css"))


def html_chunks(report: Report) -> Iterator[str]:
    """Yield the self-contained HTML report: its head at once, the body once computed."""
    yield render_template("exports/report_head.html", report=report, css=_static_css())
    mix_keys = (*LABELS, UNRESOLVED)
    mix_rows = [(f.name, [f.mix_shares[k] or 0.0 for k in mix_keys]) for f, _ in report.outlets]
    yield render_template(
        "exports/report_body.html", report=report, labels=LABELS, mix_keys=mix_keys,
        alpha_chart=alpha_chart([(f.name, a) for f, a in report.outlets]),
        mix_chart=charts.mix_chart(mix_rows, mix_keys),
        articles=[dict(zip(rr.ARTICLE_FIELDS, row, strict=True))
                  for row in lowest_articles(report)],
        reviewers=[dict(zip(rr.REVIEWER_FIELDS, row, strict=True)) for row in report.reviewers],
        notes=method_note_blocks(),
        outlet_definitions=OUTLET_DEFINITIONS, outlet_warnings=outlet_warnings,
        verdict=group_verdict(report.overall), which_number=WHICH_NUMBER,
    )


def download(flt: ArticleFilter, fmt: str, with_names: bool = False) -> Download:
    """Return the report as json, xlsx or html, or one table as csv-<table>."""
    report = Report(flt, reviewer_names(with_names), with_names)
    if fmt == "json":
        return Download(filename(report, "agreement-report", "json"), MIMETYPES["json"],
                        json_chunks(report))
    if fmt == "xlsx":
        return Download(filename(report, "agreement-report", "xlsx"), MIMETYPES["xlsx"],
                        xlsx_bytes(report))
    if fmt == "html":
        return Download(filename(report, "agreement-report", "html"), MIMETYPES["html"],
                        html_chunks(report))
    table = fmt.removeprefix("csv-")
    if table in TABLES:
        return Download(filename(report, f"agreement-{table}", "csv"), MIMETYPES["csv"],
                        csv_chunks(report, table), lambda: dict(report.meta, table=table),
                        tuple(_HEADERS[table]))
    raise ValueError(f"unknown report format {fmt!r}")
