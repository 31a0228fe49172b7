"""Export pages: the filter and download buttons, and the streamed downloads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

from annotator.articles.queries import named_filter
from annotator.exports import downloads, files
from annotator.exports.claimreview import claimreview_export, desk_from
from annotator.exports.comparison import comparison_download
from annotator.exports.files import send
from annotator.exports.forms import ExportFilterForm
from annotator.filters import ArticleFilter
from annotator.outlets.views import chosen_outlets
from annotator.security import require_role_for_blueprint
from annotator.timeutil import utcnow
from annotator.verdicts.track import rule_from

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


@bp.route("/")
def index():
    """Show the filter and a download button for every export."""
    form, flt = _filter()
    return render_template("exports/index.html", form=form, flt=flt,
                           args=form.query_args() if flt else {})


def _file(name: str) -> Response:
    """Send the export file of that name (files.FILTERED) for the query string's filter."""
    flt, names = _download_filter()
    return send(files.filtered(name, flt, names))


# One endpoint per file, each URL a plain file name with no variable part.
@bp.route("/annotations.jsonl")
def annotations_jsonl():
    """Download every submitted label of the filter as JSON Lines, one line per label."""
    return _file("annotations.jsonl")


@bp.route("/annotations.csv")
def annotations_csv():
    """Download every submitted label of the filter as CSV, one row per label."""
    return _file("annotations.csv")


@bp.route("/reliability-matrix.csv")
def matrix():
    """Download the sentence x reviewer reliability matrix."""
    return _file("reliability-matrix.csv")


@bp.route("/gold-labels.csv")
def gold():
    """Download one row per sentence with its gold label and how it was decided."""
    return _file("gold-labels.csv")


@bp.route("/claims.jsonl")
def claims_jsonl():
    """Download one JSON line per claim appearing in the filter's articles (claim memory)."""
    return _file("claims.jsonl")


@bp.route("/agreement-report.html")
def report_html():
    """Download the agreement report as one self-contained HTML file."""
    return _file("agreement-report.html")


@bp.route("/agreement-report.xlsx")
def report_xlsx():
    """Download the agreement report as a workbook, one sheet per table."""
    return _file("agreement-report.xlsx")


@bp.route("/agreement-report.json")
def report_json():
    """Download the agreement report as one JSON document."""
    return _file("agreement-report.json")


@bp.route("/agreement-articles.csv")
def report_articles():
    """Download the report's article table as CSV."""
    return _file("agreement-articles.csv")


@bp.route("/agreement-outlets.csv")
def report_outlets():
    """Download the report's outlet table as CSV."""
    return _file("agreement-outlets.csv")


@bp.route("/agreement-reviewers.csv")
def report_reviewers():
    """Download the report's reviewer table as CSV."""
    return _file("agreement-reviewers.csv")


@bp.route("/agreement-domains.csv")
def report_domains():
    """Download the report's source-domain table as CSV."""
    return _file("agreement-domains.csv")


@bp.route("/csv-metadata.json")
def csv_metadata():
    """Download the metadata of one CSV export (?file=annotations.csv ...) as JSON."""
    name = request.args.get("file", "")
    if name not in files.CSV_FILES:
        abort(400, description="Say which CSV file: ?file= one of "
                               + ", ".join(files.CSV_FILES) + ".")
    flt, names = _download_filter()
    return send(files.csv_metadata(name, flt, names))


@bp.route("/claimreview.jsonl")
def claimreview_jsonl():
    """Download one schema.org ClaimReview per published verdict, one JSON document a line."""
    return send(claimreview_export("jsonl", desk_from(current_app.config)))


@bp.route("/claimreview.json")
def claimreview_json():
    """Download the ClaimReview of every published verdict as one JSON array."""
    return send(claimreview_export("json", desk_from(current_app.config)))


def _comparison(fmt: str) -> Response:
    download = comparison_download(fmt, chosen_outlets(), request.args.get("sort", "name"),
                                   request.args.get("dir") == "desc",
                                   rule_from(current_app.config), utcnow().date())
    return send(download)


@bp.route("/outlet-comparison.csv")
def outlet_comparison_csv():
    """Download the chosen outlets side by side as CSV (?outlet=1&outlet=2...)."""
    return _comparison("csv")


@bp.route("/outlet-comparison.csv-metadata.json")
def outlet_comparison_metadata():
    """Download the metadata of the comparison CSV (same query string) as JSON."""
    download = comparison_download("csv", chosen_outlets(), request.args.get("sort", "name"),
                                   request.args.get("dir") == "desc",
                                   rule_from(current_app.config), utcnow().date())
    return send(downloads.sidecar(download))


@bp.route("/outlet-comparison.xlsx")
def outlet_comparison_xlsx():
    """Download the chosen outlets side by side as a workbook."""
    return _comparison("xlsx")


@bp.route("/outlet-comparison.html")
def outlet_comparison_html():
    """Download the chosen outlets side by side as one self-contained HTML file."""
    return _comparison("html")
