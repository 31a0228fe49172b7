"""Claim memory pages for leads: suggested pairs to confirm or reject, a claim's timeline, and
the queue option."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from annotator.claims import pages, queries, services
from annotator.claims.forms import DecisionForm, QueueOptionForm
from annotator.extensions import db
from annotator.inputs import db_int
from annotator.models import Queue
from annotator.security import require_role_for_blueprint
from annotator.vocabulary import CLAIM_MATCHES

bp = Blueprint("claims", __name__, url_prefix="/claims")
require_role_for_blueprint(bp, "lead")

PER_PAGE = 50
SHOWS = ("open", "decided", "all")


@bp.route("/")
def index():
    """List the matcher's pairs for leads to confirm or reject, best first."""
    show = request.args.get("show", "open")
    kind = request.args.get("kind") or None
    if show not in SHOWS or (kind is not None and kind not in CLAIM_MATCHES):
        abort(400, description=f"show is one of {', '.join(SHOWS)}; kind one of "
                               f"{', '.join(CLAIM_MATCHES)}.")
    page = max(1, request.args.get("page", 1, type=db_int))
    items, total = pages.suggestions(show, kind, page, PER_PAGE)
    queues = db.session.scalars(db.select(Queue).order_by(Queue.name)).all()
    return render_template("claims/index.html", items=items, total=total, page=page,
                           per_page=PER_PAGE, show=show, kind=kind, form=DecisionForm(),
                           queues=queues, options=pages.queue_options(),
                           option_form=QueueOptionForm(), backlog=pages.backlog())


@bp.route("/pairs/<int:pair_id>/decision", methods=["POST"])
def decide(pair_id: int):
    """Record a lead's decision on a pair: the same claim (confirmed) or not (rejected)."""
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400, description="Choose confirmed or rejected.")
    services.decide(pair_id, form.decision.data, current_user.id)
    flash(f"Pair {pair_id} {form.decision.data}.", "success")
    target = request.form.get("next", "")
    if not target.startswith("/claims/") or target.startswith("//"):
        target = url_for("claims.index")
    return redirect(target)


@bp.route("/<int:cluster_id>")
def claim(cluster_id: int):
    """Show a claim: its timeline across outlets, labels, gold labels, sources, stance mix."""
    page = pages.claim_page(cluster_id)
    if page is None:
        abort(404, description="There is no such claim (it may have been split or merged).")
    return render_template("claims/claim.html", p=page)


@bp.route("/units/<int:unit_id>")
def unit(unit_id: int):
    """Go to the claim a sentence belongs to."""
    cluster_id = queries.cluster_id_of(unit_id)
    if cluster_id is None:
        abort(404, description="This sentence's claim appears nowhere else.")
    return redirect(url_for("claims.claim", cluster_id=cluster_id))


@bp.route("/queues/<int:queue_id>/option", methods=["POST"])
def queue_option(queue_id: int):
    """Turn a queue's "sources linked to the same claim elsewhere" option on or off."""
    form = QueueOptionForm()
    if not form.validate_on_submit():
        abort(400, description="The form was incomplete.")
    services.set_queue_option(queue_id, bool(form.show_sources.data))
    flash("Reviewers of this queue now " + ("see" if form.show_sources.data else "do not see")
          + " the sources linked to the same claim elsewhere.", "success")
    return redirect(url_for("claims.index"))
