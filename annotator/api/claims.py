"""API: claim memory for leads, as the Claims pages and `flask claims` offer it: the indexed
sentences nearest to a text, one claim with all its appearances, and the matcher's pairs to
confirm or reject.

Every read and write goes through annotator.claims (queries, pages, services): the same
decisions, history rows and re-clustering as the pages.
"""

from __future__ import annotations

from flask_login import current_user

from annotator.api import schemas as s
from annotator.api.common import API_PREFIX, Blueprint, page, problem_responses
from annotator.claims import pages, queries, services
from annotator.errors import ServiceError
from annotator.extensions import db
from annotator.models import ClaimCluster
from annotator.security import role_required

bp = Blueprint("api_claims", __name__, url_prefix=API_PREFIX,
               description="Claim memory (leads): similar sentences, claims, pairs to decide.")


@bp.route("/claims/similar")
@role_required("lead")
@bp.arguments(s.SimilarArgs, location="query")
@bp.response(200, s.SimilarListSchema)
@bp.doc(responses=problem_responses(401, 403, 422))
def similar(args):
    """The indexed sentences nearest to a text, best first, with what differs (as `flask
    claims similar`); empty when the text has fewer than three content words."""
    return {"results": [f.record() for f in queries.similar(args["text"], args["top"])]}


@bp.route("/claims/<int:cluster_id>")
@role_required("lead")
@bp.response(200, s.ClaimSchema)
@bp.doc(responses=problem_responses(401, 403, 404))
def claim(cluster_id: int):
    """One claim: every sentence that states it, earliest first, and the related ones."""
    if db.session.get(ClaimCluster, cluster_id) is None:
        raise ServiceError(404, "There is no such claim (it may have been split or merged).")
    return queries.cluster_record(cluster_id)


def _appearance(a) -> dict:
    return {"unit_id": a.unit_id, "article_id": a.article_id, "article_title": a.article_title,
            "outlet_id": a.outlet_id, "outlet": a.outlet, "published_at": a.published_at,
            "text": a.text}


def _pair(item: pages.Suggestion) -> dict:
    return {"id": item.pair_id, "kind": item.kind, "score": item.score,
            "differs": list(item.differs), "decision": item.decision,
            "decided_by": item.decided_by, "decided_at": item.decided_at,
            "a": _appearance(item.a), "b": _appearance(item.b)}


@bp.route("/claims/pairs")
@role_required("lead")
@bp.arguments(s.ClaimPairArgs, location="query")
@bp.response(200, s.paged(s.ClaimPairSchema, "ClaimPairPage"))
@bp.doc(responses=problem_responses(401, 403, 422))
def pairs(args):
    """The matcher's pairs, as the Claims page lists them: undecided "same" pairs and the
    best-scored related ones first (show=decided: the latest decisions first)."""
    items, total = pages.suggestions(args["show"], args.get("kind"), per_page=args["limit"],
                                     offset=args["offset"])
    return page([_pair(item) for item in items], total, args["limit"], args["offset"])


@bp.route("/claims/pairs/<int:pair_id>/decision", methods=["POST"])
@role_required("lead")
@bp.arguments(s.ClaimDecisionSchema)
@bp.response(200, s.ClaimPairSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 404, 422))
def decide(data, pair_id: int):
    """Confirm a pair (the same claim: merged for good) or reject it (never merged again);
    kept with who and when, as on the Claims page."""
    pair = services.decide(pair_id, data["decision"], current_user.id)
    db.session.expire_all()
    item = pages.pair_suggestion(pair.id)
    if item is None:  # a unit deleted by a segmentation fix in the meantime
        raise ServiceError(404, "The pair's sentences are gone.")
    clusters = queries.cluster_ids_of([pair.unit_a_id, pair.unit_b_id])
    return {**_pair(item), "clusters": [clusters.get(pair.unit_a_id),
                                        clusters.get(pair.unit_b_id)]}
