"""Verdict pages: check a sentence, a verdict and its history, the lists, predictions that
come due, and the rating scale (admins)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from annotator.errors import VerdictError
from annotator.inputs import db_int
from annotator.security import require_role_for_blueprint, role_required
from annotator.timeutil import utcnow
from annotator.verdicts import queries, served, services
from annotator.verdicts.forms import (
    PublishForm,
    ResolveForm,
    ScaleForm,
    ScheduleForm,
    VerdictForm,
)
from annotator.verdicts.track import Step
from annotator.vocabulary import OUTCOME_NAMES, VERDICT_STATUSES

bp = Blueprint("verdicts", __name__, url_prefix="/verdicts")
NOT_CHECKABLE = "A verdict needs a sentence whose gold label is claim or fact."
NOT_PREDICTABLE = "A resolution date needs a sentence whose gold label is prediction."
require_role_for_blueprint(bp, "lead")


def _today():
    return utcnow().date()


@bp.route("/")
def index():
    """List the verdicts: drafts awaiting a second lead first."""
    status = request.args.get("status")
    status = status if status in VERDICT_STATUSES else None
    page = queries.verdict_page(status, request.args.get("page", 1, type=db_int))
    return render_template("verdicts/index.html", p=page, statuses=VERDICT_STATUSES)


def _verdict_form(check) -> VerdictForm:
    form = VerdictForm()
    # A rating is chosen by its position: the scale is frozen once a verdict uses it.
    form.rating.choices = [SelectChoice(i, s.name)
                           for i, s in enumerate(queries.scale_steps(), start=1)]
    form.set_links(check.links)
    verdict = check.verdict
    if request.method == "GET" and verdict is not None:
        form.rating.data = verdict.rating.position
        form.rationale.data = verdict.rationale
        chosen = {s.source_link_id for s in verdict.sources}
        form.links.data = [link.id for link in check.links if link.id in chosen]
    if verdict is not None and request.method == "GET":
        form.version.data = verdict.version
    return form


def _render_check(check, form, schedule, status=200):
    return render_template("verdicts/check.html", c=check, form=form, schedule=schedule,
                           outcome_names=OUTCOME_NAMES), status


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def check(unit_id: int):
    """Show a sentence's gold labels and sources; record or change its verdict."""
    found = queries.unit_check(unit_id)
    if request.method == "POST" and not found.checkable:
        raise VerdictError(400, NOT_CHECKABLE)
    form = _verdict_form(found)
    schedule = ScheduleForm(formdata=None)
    if found.prediction is not None:
        schedule.resolves_by.data = found.prediction.resolves_by
        schedule.version.data = found.prediction.version
    elif found.suggestion is not None:
        schedule.resolves_by.data = found.suggestion.due
    if form.validate_on_submit():
        try:
            verdict_id = services.save_verdict(unit_id, current_user, services.VerdictInput(
                form.rating.data, form.rationale.data,
                form.links.data or [], form.new_sources(), form.version.data))
        except VerdictError as exc:
            form.form_errors.append(exc.reason)
            return _render_check(found, form, schedule, exc.status)
        flash("Verdict saved as a draft: a second lead publishes it.", "success")
        return redirect(url_for("verdicts.detail", verdict_id=verdict_id))
    return _render_check(found, form, schedule, 400 if form.errors else 200)


@bp.route("/units/<int:unit_id>/prediction", methods=["POST"])
def schedule(unit_id: int):
    """Set a prediction's resolution date (the suggested one when left empty)."""
    found = queries.unit_check(unit_id)
    if not found.predictable:
        raise VerdictError(400, NOT_PREDICTABLE)
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            prediction_id = services.schedule_prediction(unit_id, current_user,
                                                         form.resolves_by.data,
                                                         form.version.data)
        except VerdictError as exc:
            form.form_errors.append(exc.reason)
            return _render_check(found, _verdict_form(found), form, exc.status)
        flash("Resolution date saved.", "success")
        return redirect(url_for("verdicts.prediction", prediction_id=prediction_id))
    return _render_check(found, _verdict_form(found), form, 400)


@bp.route("/<int:verdict_id>")
def detail(verdict_id: int):
    """Show a verdict, its deciding sources and every change to it."""
    view = queries.verdict_view(verdict_id)
    form = PublishForm(formdata=None)
    form.version.data = view.verdict.version
    return render_template("verdicts/detail.html", v=view, form=form,
                           can_publish=view.verdict.can_publish(current_user),
                           appearances=served.served_appearances(verdict_id))


@bp.route("/<int:verdict_id>/publish", methods=["POST"])
def publish(verdict_id: int):
    """Publish a draft verdict (a lead who did not write it)."""
    form = PublishForm()
    if not form.validate_on_submit():
        flash("The form was not valid; reload the page and try again.", "error")
        return redirect(url_for("verdicts.detail", verdict_id=verdict_id)), 303
    services.publish_verdict(verdict_id, current_user, form.version.data)
    flash("Verdict published.", "success")
    return redirect(url_for("verdicts.detail", verdict_id=verdict_id))


@bp.route("/predictions/due")
def due():
    """List the predictions due for resolution, oldest date first."""
    page = queries.due_page(_today(), request.args.get("page", 1, type=db_int))
    return render_template("verdicts/due.html", p=page, today=_today(),
                           outcome_names=OUTCOME_NAMES)


@bp.route("/predictions/<int:prediction_id>", methods=["GET", "POST"])
def prediction(prediction_id: int):
    """Show a prediction; once due, record its outcome with evidence."""
    view = queries.prediction_view(prediction_id)
    if request.method == "POST" and view.prediction.resolves_by > _today():
        raise VerdictError(409, "This prediction is not due yet (it resolves by "
                                f"{view.prediction.resolves_by.isoformat()}).")
    form = ResolveForm()
    form.set_links(view.links)
    if request.method == "GET":
        form.version.data = view.prediction.version
    status = 200
    if form.validate_on_submit():
        try:
            services.resolve_prediction(prediction_id, current_user, services.ResolveInput(
                form.outcome.data, form.note.data, form.links.data or [], form.new_sources(),
                form.version.data), _today())
        except VerdictError as exc:
            form.form_errors.append(exc.reason)
            status = exc.status
        else:
            flash("Outcome recorded.", "success")
            return redirect(url_for("verdicts.prediction", prediction_id=prediction_id))
    elif form.errors:
        status = 400
    return render_template("verdicts/prediction.html", v=view, form=form, today=_today(),
                           outcome_names=OUTCOME_NAMES), status


@bp.route("/scale", methods=["GET", "POST"])
@role_required("admin")
def scale():
    """Rename or reorder the rating scale, before the first verdict uses it."""
    steps = queries.scale_steps()
    form = ScaleForm()
    if request.method == "GET":
        for entry, step in zip(form.ratings.entries, steps, strict=False):
            entry.form.name.data = step.name
            entry.form.score.data = step.score
            entry.form.counts_false.data = step.counts_false
    status = 200
    if form.validate_on_submit():
        chosen = [Step(e.form.name.data or "", e.form.score.data, bool(e.form.counts_false.data))
                  for e in form.ratings.entries if (e.form.name.data or "").strip()]
        try:
            services.save_scale(current_user, chosen)
        except VerdictError as exc:
            form.form_errors.append(exc.reason)
            status = exc.status
        else:
            flash("Rating scale saved.", "success")
            return redirect(url_for("verdicts.scale"))
    elif form.errors:
        status = 400
    return render_template("verdicts/scale.html", form=form, steps=steps,
                           in_use=queries.scale_in_use()), status
