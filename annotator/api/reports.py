"""API: agreement figures (overview, one article, one reviewer, scoring posted data). The
exports are in annotator.api.exports."""

from __future__ import annotations

from flask import Response

from annotator.agreement import queries as agreement_queries
from annotator.api import figures
from annotator.api import schemas as s
from annotator.api.articles import article_filter
from annotator.api.common import (
    API_PREFIX,
    Blueprint,
    etag_for,
    etag_headers,
    if_none_match,
    json_with_etag,
    not_modified,
    problem_responses,
)
from annotator.errors import ServiceError
from annotator.inputs import body_limit
from annotator.security import role_required
from annotator.stats.batch import DEFAULT_RESAMPLES, DEFAULT_SEED
from annotator.stats.scoring import RecordError, score_records

bp = Blueprint("api_reports", __name__, url_prefix=API_PREFIX,
               description="Agreement figures (leads).")

ETAG_DOC = {"parameters": [if_none_match(
    "The ETag of an earlier answer: 304 while the figures are unchanged (they change only "
    "when work is submitted, reopened or adjudicated).")]}


def _cached(parts: tuple) -> tuple[str, Response | None]:
    """Return the ETag of figures for these request parts, and a 304 if the client has them."""
    tag = etag_for("v1", agreement_queries.figures_version(), *parts)
    return tag, not_modified(tag)


def _with_etag(body: dict, tag: str):
    """A body for the route's schema to shape, with its ETag."""
    return body, 200, etag_headers(tag)


@bp.route("/agreement")
@role_required("lead")
@bp.arguments(s.OverviewArgs, location="query")
@bp.response(200, s.OverviewSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.alt_response(304, description="Not modified: the figures are those of your ETag.")
@bp.doc(responses=problem_responses(401, 403, 404), **ETAG_DOC)
def overview(args):
    """The overview figures of the filter: overall, per outlet, per reviewer, settled counts."""
    tag, unchanged = _cached(("overview", sorted(args.items())))
    if unchanged is not None:
        return unchanged
    flt = article_filter(args)
    report = agreement_queries.overview(flt, with_articles=False)
    settled = report.settled
    # Written out here, not dumped through OverviewSchema: the body is already the schema's
    # shape (tests/test_figures_cache.py checks), and marshmallow took longer over 200
    # outlets than reading the cached figures.
    return json_with_etag({
        "filter": flt.as_dict(),
        "overall": figures.group(report.overall),
        "outlets": [{"id": f.key, "name": name, "figures": figures.group(f)}
                    for name, f in report.outlets],
        "reviewers": [{"id": user.id, "username": user.username,
                       "figures": figures.reviewer(f)} for user, f in report.reviewers],
        "settled": None if settled is None else {
            "adjudicated": settled.adjudicated, "unanimous": settled.unanimous,
            "majority": settled.majority, "unresolved": settled.unresolved},
    }, tag)


@bp.route("/agreement/articles/<int:article_id>")
@role_required("lead")
@bp.arguments(s.ArticleQueueArgs, location="query")
@bp.response(200, s.ArticleAgreementSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.alt_response(304, description="Not modified: the figures are those of your ETag.")
@bp.doc(responses=problem_responses(401, 403, 404), **ETAG_DOC)
def article(args, article_id: int):
    """One article's figures in a queue and its sentence x reviewer grid of submitted labels."""
    tag, unchanged = _cached(("article", article_id, args.get("queue")))
    if unchanged is not None:
        return unchanged
    detail = agreement_queries.article_detail(article_id, args.get("queue"))
    if detail is None:
        raise ServiceError(404, "There is no such article.")
    if detail.queue is None:
        raise ServiceError(404, "Nobody has submitted labels for this article yet.")
    stats = detail.stats
    return _with_etag({
        "article_id": article_id, "queue_id": detail.queue.id,
        "reviewers": [{"id": u.id, "username": u.username} for u in detail.reviewers],
        "alpha": stats.alpha if stats else None,
        "percent_agreement": stats.percent_agreement if stats else None,
        "grid": [{"unit_id": r.unit.id, "position": r.unit.position, "text": r.unit.text,
                  "labels": r.labels, "majority": r.majority} for r in detail.rows],
    }, tag)


@bp.route("/agreement/reviewers/<int:user_id>")
@role_required("lead")
@bp.arguments(s.OverviewArgs, location="query")
@bp.response(200, s.ReviewerReportSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.alt_response(304, description="Not modified: the figures are those of your ETag.")
@bp.doc(responses=problem_responses(401, 403, 404), **ETAG_DOC)
def reviewer(args, user_id: int):
    """One reviewer's figures over the filter and their agreement with each colleague."""
    tag, unchanged = _cached(("reviewer", user_id, sorted(args.items())))
    if unchanged is not None:
        return unchanged
    report = agreement_queries.reviewer_report(user_id, article_filter(args))
    if report is None:
        raise ServiceError(404, "There is no such user.")
    return _with_etag({
        "id": report.user.id, "username": report.user.username,
        "figures": figures.reviewer(report.figures) if report.figures else None,
        "colleagues": [{"colleague_id": user.id, "username": user.username, "n": int(p.n),
                        "percent_agreement": figures.stat(p.percent_agreement),
                        "cohen_kappa": figures.stat(p.cohen_kappa)}
                       for user, p in report.colleagues],
    }, tag)


@bp.route("/agreement/score", methods=["POST"])
@role_required("lead")
@body_limit("IMPORT_MAX_FILE_BYTES")  # up to 200,000 records of reliability data
@bp.arguments(s.ScoreInputSchema)
@bp.response(200, s.ScoreSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 413))
def score(data):
    """Score posted reliability data: the JSON `flask agreement score` prints for its CSV."""
    records = [(r["unit"], r["coder"], r["label"], i)
               for i, r in enumerate(data["records"], start=1)]
    try:
        return score_records(
            records, level=data["level"],
            seed=DEFAULT_SEED if data["seed"] is None else data["seed"],
            resamples=DEFAULT_RESAMPLES if data["bootstrap"] is None else data["bootstrap"])
    except (RecordError, ValueError) as exc:
        raise ServiceError(400, f"record {getattr(exc, 'line', '?')}: "
                                f"{getattr(exc, 'message', str(exc))}") from exc
