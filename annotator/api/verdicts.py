"""API: verdicts (record, change, publish), predictions (due list, resolution date, outcome)
and outlets' track records (one outlet, side by side). Leads only, as the verdict pages.

Every read and write goes through annotator.verdicts (queries, services, served) and
annotator.outlets.queries: the same checks, history rows and version conflicts as the pages.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app
from flask_login import current_user

from annotator.api import schemas as s
from annotator.api.common import (
    API_PREFIX,
    Blueprint,
    etag_for,
    if_none_match,
    json_with_etag,
    not_modified,
    page,
    problem_responses,
)
from annotator.claims.pages import Originality, outlet_originality
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import Outlet
from annotator.outlets import queries as outlet_queries
from annotator.outlets.comparison import sort_rows
from annotator.security import role_required
from annotator.timeutil import utcnow
from annotator.verdicts import queries, served, services
from annotator.verdicts.track import TrackRecord, definitions, rule_from

bp = Blueprint("api_verdicts", __name__, url_prefix=API_PREFIX,
               description="Verdicts, predictions and outlets' track records (leads).")


def _today():
    return utcnow().date()


def _outlet(outlet) -> dict:
    return {"id": outlet.id, "name": outlet.name, "domain": outlet.domain}


def _check_source(source) -> dict:
    return {"url": source.url, "domain": source.domain, "stance": source.stance,
            "title": source.title, "source_link_id": source.source_link_id}


def _history(rows) -> list[dict]:
    return [{"action": h.action, "user_id": h.user.id, "username": h.user.username,
             "changed_at": h.changed_at, "state": h.state} for h in rows]


def _new_sources(data: dict) -> list[services.NewSource]:
    return [services.NewSource(n["url"], n["stance"], n["title"]) for n in data["new_sources"]]


# --- verdicts -------------------------------------------------------------------------------


def _verdict(v) -> dict:
    return {"id": v.id, "unit_id": v.unit_id, "sentence": v.unit.text,
            "article_id": v.article_id, "outlet": _outlet(v.outlet), "queue_id": v.queue_id,
            "rating": v.rating.name, "rating_position": v.rating.position,
            "rationale": v.rationale, "state": v.status, "author_id": v.author_id,
            "editor_id": v.editor_id, "published_by_id": v.published_by_id,
            "published_at": v.published_at, "version": v.version,
            "can_publish": v.can_publish(current_user), "created_at": v.created_at,
            "updated_at": v.updated_at}


def _verdict_detail(verdict_id: int) -> dict:
    view = queries.verdict_view(verdict_id)
    return {**_verdict(view.verdict),
            "sources": [_check_source(x) for x in view.verdict.sources],
            "history": _history(view.history),
            "gold_labels": [{"queue_id": g.queue_id, "queue": g.queue, "label": g.label,
                             "decided_by": g.decided_by} for g in view.golds]}


@bp.route("/verdicts")
@role_required("lead")
@bp.arguments(s.VerdictListArgs, location="query")
@bp.response(200, s.paged(s.VerdictSchema, "VerdictPage"))
@bp.doc(responses=problem_responses(401, 403))
def list_verdicts(args):
    """The verdicts, drafts awaiting a second lead first, newest change first."""
    rows, total = queries.verdict_rows(args.get("state"), args["limit"], args["offset"],
                                       args.get("outlet_id"))
    return page([_verdict(v) for v in rows], total, args["limit"], args["offset"])


@bp.route("/verdicts/<int:verdict_id>")
@role_required("lead")
@bp.response(200, s.VerdictDetailSchema)
@bp.doc(responses=problem_responses(401, 403, 404))
def get_verdict(verdict_id: int):
    """A verdict with its deciding sources, the sentence's gold labels and every change."""
    return _verdict_detail(verdict_id)


@bp.route("/verdicts", methods=["POST"])
@role_required("lead")
@bp.arguments(s.VerdictInputSchema)
@bp.response(200, s.VerdictDetailSchema)
@bp.alt_response(201, schema=s.VerdictDetailSchema, description="A new verdict (a draft).")
@bp.doc(responses=problem_responses(400, 401, 403, 404, 409))
def save_verdict(data):
    """Record a sentence's verdict (201), or change it with its version (200): a draft that a
    second lead publishes. A change to a published verdict returns it to draft."""
    verdict_id = services.save_verdict(data["unit_id"], current_user, services.VerdictInput(
        data["rating"], data["rationale"], data["source_ids"], _new_sources(data),
        data["version"]))
    db.session.expire_all()  # the service updated rows behind the session's back
    return _verdict_detail(verdict_id), 201 if data["version"] is None else 200


@bp.route("/verdicts/<int:verdict_id>/publish", methods=["POST"])
@role_required("lead")
@bp.arguments(s.VersionSchema)
@bp.response(200, s.VerdictDetailSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 404, 409))
def publish_verdict(data, verdict_id: int):
    """Publish a draft verdict: a lead who neither wrote nor last changed it."""
    services.publish_verdict(verdict_id, current_user, data["version"])
    db.session.expire_all()
    return _verdict_detail(verdict_id)


# --- predictions ----------------------------------------------------------------------------


def _prediction(p) -> dict:
    return {"id": p.id, "unit_id": p.unit_id, "sentence": p.unit.text,
            "article_id": p.article_id, "outlet": _outlet(p.outlet), "queue_id": p.queue_id,
            "resolves_by": p.resolves_by, "date_basis": p.date_basis, "outcome": p.outcome,
            "outcome_note": p.outcome_note or "", "scheduled_by_id": p.scheduled_by_id,
            "resolved_by_id": p.resolved_by_id, "resolved_at": p.resolved_at,
            "version": p.version, "created_at": p.created_at, "updated_at": p.updated_at}


def _prediction_detail(prediction_id: int) -> dict:
    view = queries.prediction_view(prediction_id)
    return {**_prediction(view.prediction),
            "sources": [_check_source(x) for x in view.prediction.sources],
            "history": _history(view.history),
            "linked_sources": [{"id": link.id, "unit_id": link.unit_id, "url": link.url,
                                "domain": link.domain, "stance": link.stance,
                                "title": link.title, "note": link.note}
                               for link in view.links]}


@bp.route("/predictions/due")
@role_required("lead")
@bp.arguments(s.PageArgs, location="query")
@bp.response(200, s.paged(s.PredictionSchema, "PredictionPage"))
@bp.doc(responses=problem_responses(401, 403))
def due_predictions(args):
    """The predictions due for resolution (date passed, no outcome), oldest date first."""
    rows, total = queries.due_rows(_today(), args["limit"], args["offset"])
    return page([_prediction(p) for p in rows], total, args["limit"], args["offset"])


@bp.route("/predictions/<int:prediction_id>")
@role_required("lead")
@bp.response(200, s.PredictionDetailSchema)
@bp.doc(responses=problem_responses(401, 403, 404))
def get_prediction(prediction_id: int):
    """A prediction with its evidence, its history and the sentence's linked sources."""
    return _prediction_detail(prediction_id)


@bp.route("/predictions", methods=["POST"])
@role_required("lead")
@bp.arguments(s.ScheduleInputSchema)
@bp.response(200, s.PredictionDetailSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 404, 409))
def schedule_prediction(data):
    """Set or move a prediction's resolution date (the date its sentence states when null)."""
    prediction_id = services.schedule_prediction(data["unit_id"], current_user,
                                                 data["resolves_by"], data["version"])
    db.session.expire_all()
    return _prediction_detail(prediction_id)


@bp.route("/predictions/<int:prediction_id>/outcome", methods=["POST"])
@role_required("lead")
@bp.arguments(s.OutcomeInputSchema)
@bp.response(200, s.PredictionDetailSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 404, 409))
def record_outcome(data, prediction_id: int):
    """Record how a due prediction turned out, with its evidence (409 before it is due)."""
    services.resolve_prediction(prediction_id, current_user, services.ResolveInput(
        data["outcome"], data["note"], data["source_ids"], _new_sources(data),
        data["version"]), _today())
    db.session.expire_all()
    return _prediction_detail(prediction_id)


# --- track records --------------------------------------------------------------------------


def _interval(ci) -> dict:
    return {"low": ci.low, "high": ci.high, "reason": ci.reason, "method": ci.method}


def _span(span) -> dict:
    return {"first": span.first, "last": span.last, "days": span.days}


def track_dict(track: TrackRecord) -> dict[str, Any]:
    """Return a track record's figures as the outlet page shows them."""
    mix, pred, rep = track.verdicts, track.predictions, track.repeats
    return {
        "outlet_id": track.outlet_id,
        "verdicts": {"counts": dict(mix.counts), "n": mix.n, "false": mix.false,
                     "false_share": mix.false_share,
                     "false_interval": _interval(mix.false_interval), "span": _span(mix.span),
                     "firm": mix.firm, "below_rule": list(mix.below_rule)},
        "predictions": {"outcomes": dict(pred.outcomes), "resolved": pred.resolved,
                        "decided": pred.decided, "came_true": pred.came_true,
                        "came_true_share": pred.came_true_share,
                        "came_true_interval": _interval(pred.came_true_interval),
                        "pending": pred.pending, "due": pred.due, "span": _span(pred.span),
                        "firm": pred.firm, "below_rule": list(pred.below_rule)},
        "months": [{"month": m.month, "n": m.n, "false": m.false, "share": m.share}
                   for m in track.months],
        "repeats": {"clustered": rep.clustered, "original": rep.original,
                    "repeats": rep.repeats, "false_repeats": rep.false_repeats,
                    "original_share": rep.original_share,
                    "original_interval": _interval(rep.original_interval)},
        "rule": {"min_items": track.rule.min_items, "min_days": track.rule.min_days,
                 "description": track.rule.describe()},
        "definitions": definitions(track.rule),
    }


def originality_dict(orig: Originality) -> dict[str, Any]:
    """Return the outlet profile's originality figures."""
    return {"shared": orig.shared, "first": orig.first, "repeated": orig.repeated,
            "share": orig.share, "contradicted": [dict(c) for c in orig.contradicted],
            "warnings": list(orig.warnings)}


@bp.route("/outlets/<int:outlet_id>/track-record")
@role_required("lead")
@bp.response(200, s.OutletTrackRecordSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.alt_response(304, description="Not modified: the track record is that of your ETag.")
@bp.doc(responses=problem_responses(401, 403, 404), parameters=[if_none_match(
    "The ETag of an earlier answer: 304 while the answer would be the same.")])
def track_record(outlet_id: int):
    """The outlet's track record: verdict mix, false share (Wilson 95%, n), prediction
    record, monthly trend, whether each figure meets the minimum-sample rule, and its
    originality (the outlet profile's claim-memory figures)."""
    outlet = db.get_or_404(Outlet, outlet_id, description="There is no such outlet.")
    rule = rule_from(current_app.config)
    body = s.OutletTrackRecordSchema().dump({
        **track_dict(served.track_records([outlet.id], rule, _today())[outlet.id]),
        "originality": originality_dict(outlet_originality(outlet.id))})
    # The ETag is the answer's own digest: a track record rests on verdicts, predictions,
    # claim clusters, sources and today's date, which no one cheap version covers. A 304
    # spares the transfer, not the work.
    tag = etag_for("track-record", json.dumps(body, sort_keys=True))
    unchanged = not_modified(tag)
    if unchanged is not None:
        return unchanged
    return json_with_etag(body, tag)


@bp.route("/outlets/compare")
@role_required("lead")
@bp.arguments(s.CompareArgs, location="query")
@bp.response(200, s.ComparisonSchema)
@bp.doc(responses=problem_responses(401, 403))
def compare(args):
    """Outlets side by side (the comparison page's rows): agreement, label mix,
    corroboration and track record; unknown ids are left out."""
    ids = list(dict.fromkeys(args.get("outlet_id") or [])) or outlet_queries.default_outlets()
    rows = sort_rows(outlet_queries.comparison(ids, ArticleFilter(), rule_from(current_app.config),
                                               _today()), args["sort"], args["descending"])
    return {"results": [{
        "outlet_id": r.outlet_id, "name": r.name, "articles": r.articles, "alpha": r.alpha,
        "label_shares": r.label_shares,
        "corroboration": {"sentences": r.corroboration.sentences,
                          "supported": r.corroboration.supported,
                          "contradicted": r.corroboration.contradicted,
                          "supported_share": r.corroboration.supported_share,
                          "contradicted_share": r.corroboration.contradicted_share},
        "track": track_dict(r.track)} for r in rows]}
