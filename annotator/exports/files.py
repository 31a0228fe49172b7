"""The filtered export files by name, a CSV file's metadata sidecar, and how a file is sent.

The exports page and the API serve the same files from here: one name, one download, the
same bytes through either door.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, stream_with_context

from annotator.exports import downloads
from annotator.exports import report as report_exports
from annotator.exports.downloads import Download
from annotator.filters import ArticleFilter

REPORT_FORMATS = {
    "agreement-report.html": "html", "agreement-report.xlsx": "xlsx",
    "agreement-report.json": "json",
    **{f"agreement-{table}.csv": f"csv-{table}" for table in report_exports.TABLES},
}  # fmt: skip


def _report(fmt: str) -> Callable[[ArticleFilter, bool], Download]:
    return lambda flt, names: report_exports.download(flt, fmt, names)


# Every export the article filter chooses: file name -> (filter, usernames?) -> Download.
FILTERED: dict[str, Callable[[ArticleFilter, bool], Download]] = {
    "annotations.jsonl": lambda flt, names: downloads.annotations_export(flt, "jsonl", names),
    "annotations.csv": lambda flt, names: downloads.annotations_export(flt, "csv", names),
    "reliability-matrix.csv": downloads.matrix_export,
    "gold-labels.csv": downloads.gold_export,
    "claims.jsonl": downloads.claims_export,
    **{name: _report(fmt) for name, fmt in REPORT_FORMATS.items()},
}
# The CSV files among them: each has a metadata sidecar, <name>-metadata.json.
CSV_FILES = tuple(name for name in FILTERED if name.endswith(".csv"))


def filtered(name: str, flt: ArticleFilter, with_names: bool = False) -> Download:
    """Return the export file of that name for the filter (KeyError for an unknown name)."""
    return FILTERED[name](flt, with_names)


def csv_metadata(name: str, flt: ArticleFilter, with_names: bool = False) -> Download:
    """Return the metadata sidecar of the CSV file of that name (KeyError if it is none)."""
    if name not in CSV_FILES:
        raise KeyError(name)
    return downloads.sidecar(filtered(name, flt, with_names))


def send(download: Download) -> Response:
    """Stream a download as an attachment, block by block (chunked: no proxy waits for it)."""
    response = Response(stream_with_context(download.chunks), content_type=download.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass blocks on as they come
    if download.mimetype == downloads.MIMETYPES["html"]:
        # Should a browser ever render it in place: it loads nothing (the file says so too).
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    return response
