"""Export pages: the filter and download buttons, and the streamed downloads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, stream_with_context

from annotator.articles.queries import named_filter
from annotator.exports import downloads
from annotator.exports import report as report_exports
from annotator.exports.forms import ExportFilterForm
from annotator.filters import ArticleFilter
from annotator.security import require_role_for_blueprint

bp = Blueprint("exports", __name__, url_prefix="/exports")
require_role_for_blueprint(bp, "lead")


def _filter() -> tuple[ExportFilterForm, ArticleFilter | None]:
    """Bind the query string; return the form and its filter (None when it does not validate)."""
    form = ExportFilterForm(request.args)
    if not form.validate():
        return form, None
    try:
        flt = named_filter(form.article_filter())
    except LookupError as exc:
        abort(404, description=str(exc))
    return form, flt


def _download_filter() -> tuple[ArticleFilter, bool]:
    form, flt = _filter()
    if flt is None:
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        abort(400, description=f"The filter is not valid: {errors}")
    return flt, form.names.data


def send(download: downloads.Download) -> Response:
    """Stream a download as an attachment, block by block (chunked: no proxy waits for it)."""
    response = Response(stream_with_context(download.chunks), content_type=download.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass blocks on as they come
    return response


# Each CSV download by its file name: the metadata route builds the same download and sends
# its sidecar instead (the CSV itself holds only the table).
CSV_FILES = {
    "annotations.csv": lambda flt, names: downloads.annotations_export(flt, "csv", names),
    "reliability-matrix.csv": downloads.matrix_export,
    "gold-labels.csv": downloads.gold_export,
    **{f"agreement-{table}.csv": (lambda t: lambda flt, names: report_exports.download(
        flt, f"csv-{t}", names))(table) for table in report_exports.TABLES},
}


@bp.route("/")
def index():
    """Show the filter and a download button for every export."""
    form, flt = _filter()
    return render_template("exports/index.html", form=form, flt=flt,
                           args=form.query_args() if flt else {})


def _annotations(fmt: str) -> Response:
    flt, names = _download_filter()
    return send(downloads.annotations_export(flt, fmt, names))


def _report(fmt: str) -> Response:
    flt, names = _download_filter()
    response = send(report_exports.download(flt, fmt, names))
    if fmt == "html":
        # Should a browser ever render it in place: it loads nothing (the file says so too).
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    return response


# One endpoint per file, each URL a plain file name with no variable part.
@bp.route("/annotations.jsonl")
def annotations_jsonl():
    """Download every submitted label of the filter as JSON Lines, one line per label."""
    return _annotations("jsonl")


@bp.route("/annotations.csv")
def annotations_csv():
    """Download every submitted label of the filter as CSV, one row per label."""
    return _annotations("csv")


@bp.route("/reliability-matrix.csv")
def matrix():
    """Download the sentence x reviewer reliability matrix."""
    flt, names = _download_filter()
    return send(downloads.matrix_export(flt, names))


@bp.route("/gold-labels.csv")
def gold():
    """Download one row per sentence with its gold label and how it was decided."""
    flt, names = _download_filter()
    return send(downloads.gold_export(flt, names))


@bp.route("/agreement-report.html")
def report_html():
    """Download the agreement report as one self-contained HTML file."""
    return _report("html")


@bp.route("/agreement-report.xlsx")
def report_xlsx():
    """Download the agreement report as a workbook, one sheet per table."""
    return _report("xlsx")


@bp.route("/agreement-report.json")
def report_json():
    """Download the agreement report as one JSON document."""
    return _report("json")


@bp.route("/agreement-articles.csv")
def report_articles():
    """Download the report's article table as CSV."""
    return _report("csv-articles")


@bp.route("/agreement-outlets.csv")
def report_outlets():
    """Download the report's outlet table as CSV."""
    return _report("csv-outlets")


@bp.route("/agreement-reviewers.csv")
def report_reviewers():
    """Download the report's reviewer table as CSV."""
    return _report("csv-reviewers")


@bp.route("/agreement-domains.csv")
def report_domains():
    """Download the report's source-domain table as CSV."""
    return _report("csv-domains")


@bp.route("/csv-metadata.json")
def csv_metadata():
    """Download the metadata of one CSV export (?file=annotations.csv ...) as JSON."""
    make = CSV_FILES.get(request.args.get("file", ""))
    if make is None:
        abort(400, description="Say which CSV file: ?file= one of " + ", ".join(CSV_FILES) + ".")
    flt, names = _download_filter()
    return send(downloads.sidecar(make(flt, names)))
