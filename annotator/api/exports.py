"""API: every export of the web's exports page, streamed with the same formats and metadata.

Each file comes from the service the page uses (annotator.exports.files, claimreview and
comparison), so a file is byte for byte the page's, but for the time it was made.
"""

from __future__ import annotations

from flask import current_app

from annotator.api import schemas as s
from annotator.api.articles import article_filter
from annotator.api.common import API_PREFIX, Blueprint, problem_responses
from annotator.exports import downloads, files
from annotator.exports.claimreview import claimreview_export, desk_from
from annotator.exports.comparison import comparison_download
from annotator.outlets import queries as outlet_queries
from annotator.security import role_required
from annotator.timeutil import utcnow
from annotator.verdicts.track import rule_from

bp = Blueprint("api_exports", __name__, url_prefix=API_PREFIX,
               description="Exports (leads): the files of the exports page, streamed.")

EXPORT_TYPES = ("text/csv", "application/x-ndjson", "application/json", "text/html",
                downloads.MIMETYPES["xlsx"])
SIDECAR_DOC = {"description": "The CSV file's metadata (W3C CSV on the Web's <file>-metadata"
                              ".json): which filter, when and by which version it was made, "
                              "its columns and what each means; `url` names the CSV file.",
               "content": {"application/json": {"schema": s.CsvMetadataSchema}}}


def _file_doc(*types: str) -> dict:
    return {"description": "The file, streamed (the exports page's, byte for byte the same "
                           "format and metadata).",
            "content": {t: {"schema": {}} for t in types}}


def _any(names) -> str:
    return "<any(" + ", ".join(f'"{n}"' for n in names) + "):name>"


@bp.route("/exports/" + _any(files.FILTERED))
@role_required("lead")
@bp.arguments(s.ExportArgs, location="query")
@bp.doc(responses={"200": _file_doc(*EXPORT_TYPES), **problem_responses(401, 403, 404)})
def export(args, name: str):
    """Download an export of the filter, as the exports page offers it."""
    return files.send(files.filtered(name, article_filter(args), args["names"]))


@bp.route("/exports/" + _any(files.CSV_FILES) + "-metadata.json")
@role_required("lead")
@bp.arguments(s.ExportArgs, location="query")
@bp.doc(responses={"200": SIDECAR_DOC, **problem_responses(401, 403, 404)})
def export_metadata(args, name: str):
    """Download the metadata sidecar of a CSV export (the CSV holds only its table)."""
    return files.send(files.csv_metadata(name, article_filter(args), args["names"]))


@bp.route("/exports/claimreview.jsonl")
@role_required("lead")
@bp.doc(responses={"200": _file_doc("application/x-ndjson"), **problem_responses(401, 403)})
def claimreview_jsonl():
    """Download one schema.org ClaimReview per published verdict, one JSON document a line."""
    return files.send(claimreview_export("jsonl", desk_from(current_app.config)))


@bp.route("/exports/claimreview.json")
@role_required("lead")
@bp.doc(responses={"200": _file_doc("application/json"), **problem_responses(401, 403)})
def claimreview_json():
    """Download the ClaimReview of every published verdict as one JSON array."""
    return files.send(claimreview_export("json", desk_from(current_app.config)))


def _comparison(fmt: str, args: dict) -> downloads.Download:
    ids = list(dict.fromkeys(args.get("outlet_id") or [])) or outlet_queries.default_outlets()
    return comparison_download(fmt, ids, args["sort"], args["descending"],
                               rule_from(current_app.config), utcnow().date())


@bp.route("/exports/outlet-comparison.csv")
@role_required("lead")
@bp.arguments(s.CompareArgs, location="query")
@bp.doc(responses={"200": _file_doc("text/csv"), **problem_responses(401, 403)})
def outlet_comparison_csv(args):
    """Download the chosen outlets side by side as CSV (the table only)."""
    return files.send(_comparison("csv", args))


@bp.route("/exports/outlet-comparison.csv-metadata.json")
@role_required("lead")
@bp.arguments(s.CompareArgs, location="query")
@bp.doc(responses={"200": SIDECAR_DOC, **problem_responses(401, 403)})
def outlet_comparison_metadata(args):
    """Download the metadata sidecar of the comparison CSV (same query string)."""
    return files.send(downloads.sidecar(_comparison("csv", args)))


@bp.route("/exports/outlet-comparison.xlsx")
@role_required("lead")
@bp.arguments(s.CompareArgs, location="query")
@bp.doc(responses={"200": _file_doc(downloads.MIMETYPES["xlsx"]),
                   **problem_responses(401, 403)})
def outlet_comparison_xlsx(args):
    """Download the chosen outlets side by side as a workbook (a metadata sheet last)."""
    return files.send(_comparison("xlsx", args))


@bp.route("/exports/outlet-comparison.html")
@role_required("lead")
@bp.arguments(s.CompareArgs, location="query")
@bp.doc(responses={"200": _file_doc("text/html"), **problem_responses(401, 403)})
def outlet_comparison_html(args):
    """Download the chosen outlets side by side as one self-contained HTML file."""
    return files.send(_comparison("html", args))
