"""Adjudication pages: queues, a queue's disagreements, one sentence side by side."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from annotator.adjudication import queries, services
from annotator.adjudication.forms import AdjudicationForm
from annotator.claims.pages import units_claims
from annotator.extensions import db
from annotator.inputs import db_int
from annotator.models import Queue
from annotator.security import require_role_for_blueprint

bp = Blueprint("adjudication", __name__, url_prefix="/adjudication")
require_role_for_blueprint(bp, "lead")


@bp.route("/")
def index():
    """List the queues with how many of their sentences are settled."""
    return render_template("adjudication/index.html", rows=queries.queue_overview())


@bp.route("/queues/<int:queue_id>")
def queue(queue_id: int):
    """List a queue's disagreements, lowest agreement first, and reviewer accuracy."""
    found = db.get_or_404(Queue, queue_id, description="There is no such queue.")
    page = queries.disagreement_page(found, request.args.get("show", "open"),
                                     request.args.get("page", 1, type=db_int))
    return render_template("adjudication/queue.html", p=page,
                           reviewers=queries.accuracy_table(queue_id))


@bp.route("/queues/<int:queue_id>/units/<int:unit_id>", methods=["GET", "POST"])
def unit(queue_id: int, unit_id: int):
    """Show every reviewer's label and sources on a sentence; save the gold label."""
    case = queries.unit_case(queue_id, unit_id)
    form = AdjudicationForm()
    if request.method == "GET" and case.adjudication is not None:
        form.label.data = case.adjudication.gold_label
        form.rationale.data = case.adjudication.rationale
    if form.validate_on_submit():
        services.adjudicate(queue_id, unit_id, current_user, form.label.data,
                            form.rationale.data)
        flash(f"Gold label saved: {form.label.data}.", "success")
        target = queries.next_open(queue_id, unit_id)
        if target is None:
            flash("Every disagreement of this queue is adjudicated.", "success")
            return redirect(url_for("adjudication.queue", queue_id=queue_id))
        return redirect(url_for("adjudication.unit", queue_id=queue_id, unit_id=target))
    status = 400 if form.errors else 200
    skip_to = queries.next_open(queue_id, unit_id)
    return render_template("adjudication/unit.html", case=case, form=form,
                           uc=units_claims([unit_id]).get(unit_id),
                           skip_to=skip_to if skip_to != unit_id else None), status
