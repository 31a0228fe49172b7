"""The outlet comparison as CSV, XLSX and one self-contained HTML file: the comparison page's
rows (annotator.outlets.queries.comparison) written with the report writers."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date

from flask import render_template

from annotator.config import VERSION
from annotator.exports.downloads import MIMETYPES, Download
from annotator.exports.metadata import metadata
from annotator.exports.report import _static_css
from annotator.exports.writers import csv_stream, meta_rows, write_xlsx
from annotator.filters import ArticleFilter
from annotator.outlets import queries as outlet_queries
from annotator.outlets.comparison import DEFINITIONS as COMPARISON_DEFINITIONS
from annotator.outlets.comparison import fields, row_cells, sort_rows
from annotator.timeutil import utcnow
from annotator.verdicts.queries import scale_steps
from annotator.verdicts.track import SampleRule, definitions

FORMATS = ("csv", "xlsx", "html")


def comparison_download(fmt: str, outlet_ids: list[int], sort: str, descending: bool,
                        rule: SampleRule, today: date) -> Download:
    """Return the chosen outlets side by side as csv, xlsx or html."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown comparison format {fmt!r}")
    made = utcnow()
    steps = scale_steps()
    rows = sort_rows(outlet_queries.comparison(outlet_ids, ArticleFilter(), rule, today), sort,
                     descending)
    meta = metadata("outlet-comparison", ArticleFilter(), made, VERSION,
                    {**COMPARISON_DEFINITIONS, **definitions(rule)},
                    outlets=", ".join(r.name for r in rows), minimum_sample=rule.describe(),
                    sorted_by=f"{sort} {'descending' if descending else 'ascending'}")
    header = fields(steps)
    cells = [row_cells(r, steps) for r in rows]
    name = f"annotator-outlet-comparison_{made.date().isoformat()}.{fmt}"
    if fmt == "csv":  # the table only; its metadata is the sidecar file (downloads.sidecar)
        return Download(name, MIMETYPES["csv"], csv_stream(header, cells), lambda: meta,
                        tuple(header))
    if fmt == "xlsx":
        return Download(name, MIMETYPES["xlsx"], _xlsx(header, cells, meta))
    html = render_template("exports/comparison.html", meta=meta, header=header, cells=cells,
                           rows=rows, css=_static_css())
    return Download(name, MIMETYPES["html"], iter([html]))


def _xlsx(header, cells, meta) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as fh:
        write_xlsx(fh, [("comparison", header, cells)], meta_rows(meta))
        fh.seek(0)
        while block := fh.read(1 << 16):
            yield block
