"""The reviewer workspace: the annotation page, label saves, sources, submit and reopen."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from annotator.annotations import queries, services
from annotator.annotations.forms import (
    SourceForm,
    parse_label_button,
    parse_label_payload,
    parse_position_button,
    parse_source_payload,
)
from annotator.annotations.services import NOT_ACTIVE_REASONS
from annotator.claims.pages import show_sources, sources_elsewhere
from annotator.errors import NotInPool, WorkspaceError
from annotator.inputs import accepts_json, db_int, json_body
from annotator.queues import services as queue_services
from annotator.vocabulary import LABELS

bp = Blueprint("annotations", __name__, url_prefix="/annotations")


def _unit_url(assignment_id: int, unit_id: int | None) -> str:
    """Return the annotation page, scrolled to a unit (or to the top)."""
    anchor = f"u{unit_id}" if unit_id else None
    return url_for("annotations.annotate", assignment_id=assignment_id, _anchor=anchor)


@bp.route("/guidelines")
def guidelines():
    """Show the labelling guidelines with examples from the sample article."""
    return render_template("annotations/guidelines.html", labels=LABELS)


@bp.route("/<int:assignment_id>")
def annotate(assignment_id: int):
    """Show an article's units with the reviewer's labels and sources."""
    workspace = queries.load_workspace(assignment_id, current_user)
    # Claim memory, when the queue's option is on: sources (never labels) linked to the same
    # claim in other articles' submitted work.
    elsewhere = (sources_elsewhere([u.id for u in workspace.units], workspace.article.id)
                 if show_sources(workspace.assignment.queue_id) else {})
    return render_template("annotations/annotate.html", ws=workspace, labels=LABELS,
                           source_form=SourceForm(), claim_sources=elsewhere,
                           read_only_reason=NOT_ACTIVE_REASONS.get(workspace.assignment.status))


@bp.route("/<int:assignment_id>/labels", methods=["POST"])
@accepts_json
def save_label(assignment_id: int):
    """Save one label: JSON from the page's script, or a label button's plain form post."""
    try:
        if request.is_json:
            unit_id, label = parse_label_payload(json_body())
        elif "set" in request.form:  # the older buttons: set=<unit id>:<label>
            unit_id, label = parse_label_button(request.form.get("set"))
        else:  # the page's buttons: a name "<position><initial>", no value
            position, label = parse_position_button(request.form)
            unit_id = queries.unit_at(assignment_id, position)
            if unit_id is None:
                raise WorkspaceError(400, "That sentence is not part of this article.")
    except (WorkspaceError, HTTPException):
        queries.check_owner(assignment_id, current_user)  # 404/403 before what was sent (400)
        raise
    result = services.save_label(assignment_id, current_user, unit_id, label)
    if request.is_json:
        return jsonify(unit_id=result.unit_id, label=result.label, changed=result.changed,
                       previous=result.previous)
    target = queries.next_unlabelled(assignment_id, unit_id)
    return redirect(_unit_url(assignment_id, target or unit_id))


@bp.route("/<int:assignment_id>/submit", methods=["POST"])
def submit(assignment_id: int):
    """Submit the article: every unit must have a label; it is read-only afterwards.

    "Submit and next article" (next=1) then hands the reviewer the queue's next article.
    """
    assignment = services.submit_assignment(assignment_id, current_user)
    flash("Submitted. Thank you: this article is now read-only.", "success")
    if request.form.get("next") == "1":
        try:
            following = queue_services.take_next(current_user, assignment.queue_id)
        except NotInPool:
            following = None
        if following is not None:
            return redirect(url_for("annotations.annotate", assignment_id=following.id))
        flash("Nothing left for you in this queue right now.", "info")
    return redirect(url_for("main.home"))


@bp.route("/<int:assignment_id>/reopen", methods=["POST"])
def reopen(assignment_id: int):
    """Reopen a submitted article so its reviewer can change it again (leads, admins)."""
    assignment = services.reopen_assignment(assignment_id, current_user)
    flash(f"Reopened for {assignment.reviewer.label}.", "success")
    return redirect(url_for("annotations.annotate", assignment_id=assignment_id))


def _source_page(assignment_id: int, form: SourceForm, source_id: int | None = None,
                 status: int = 200):
    """Render the stand-alone source form (the no-script path, and error messages)."""
    workspace = queries.load_workspace(assignment_id, current_user)
    if not workspace.editable:
        reason = NOT_ACTIVE_REASONS.get(workspace.assignment.status, "This article is read-only.")
        raise WorkspaceError(409, reason)
    return render_template("annotations/source_form.html", ws=workspace, form=form,
                           source_id=source_id), status


@bp.route("/<int:assignment_id>/sources/new", methods=["GET", "POST"])
def new_source(assignment_id: int):
    """Link a new source to a sentence."""
    form = SourceForm()
    if form.validate_on_submit():
        link = services.add_source(assignment_id, current_user, form.to_input())
        flash(f"Source from {link.domain} added.", "success")
        return redirect(_unit_url(assignment_id, link.unit_id))
    if request.method == "GET":
        form.unit_id.data = request.args.get("unit", type=db_int)
    return _source_page(assignment_id, form, status=400 if form.errors else 200)


@bp.route("/<int:assignment_id>/sources/<int:source_id>", methods=["GET", "POST"])
def edit_source(assignment_id: int, source_id: int):
    """Change a source's URL, stance, title or note."""
    link = queries.get_source(assignment_id, source_id, current_user)
    form = SourceForm(obj=link)
    if form.validate_on_submit():
        link = services.update_source(assignment_id, source_id, current_user, form.to_input())
        flash(f"Source from {link.domain} saved.", "success")
        return redirect(_unit_url(assignment_id, link.unit_id))
    return _source_page(assignment_id, form, source_id, status=400 if form.errors else 200)


@bp.route("/<int:assignment_id>/sources/<int:source_id>/remove", methods=["POST"])
def remove_source(assignment_id: int, source_id: int):
    """Remove a source."""
    unit_id = services.remove_source(assignment_id, source_id, current_user)
    flash("Source removed.", "success")
    return redirect(_unit_url(assignment_id, unit_id))


def _sources_json(assignment_id: int, unit_ids: set[int], status: int = 200, **extra):
    """Answer the page's script with the redrawn source list of each unit a change touched."""
    workspace = queries.load_unit_sources(assignment_id, current_user, unit_ids)
    source_list = get_template_attribute("annotations/_sources.html", "source_list")
    html = {str(unit_id): str(source_list(workspace, links)) if links else ""
            for unit_id, links in workspace.sources.items()}
    return jsonify(sources=html, **extra), status


@bp.route("/<int:assignment_id>/sources.json", methods=["POST"])
@accepts_json
def add_source_json(assignment_id: int):
    """Link a new source to a sentence, for the page's script: no reload."""
    queries.check_owner(assignment_id, current_user)
    link = services.add_source(assignment_id, current_user, parse_source_payload(json_body()))
    return _sources_json(assignment_id, {link.unit_id}, 201, source_id=link.id,
                         unit_id=link.unit_id, domain=link.domain)


@bp.route("/<int:assignment_id>/sources/<int:source_id>.json", methods=["POST"])
@accepts_json
def edit_source_json(assignment_id: int, source_id: int):
    """Change a source, for the page's script: no reload."""
    queries.check_owner(assignment_id, current_user)
    before = queries.get_source(assignment_id, source_id, current_user).unit_id
    link = services.update_source(assignment_id, source_id, current_user,
                                  parse_source_payload(json_body()))
    return _sources_json(assignment_id, {before, link.unit_id}, source_id=link.id,
                         unit_id=link.unit_id, domain=link.domain)


@bp.route("/<int:assignment_id>/sources/<int:source_id>/remove.json", methods=["POST"])
@accepts_json  # the page's script posts every change as JSON; this one reads no body
def remove_source_json(assignment_id: int, source_id: int):
    """Remove a source, for the page's script: no reload."""
    unit_id = services.remove_source(assignment_id, source_id, current_user)
    return _sources_json(assignment_id, {unit_id}, unit_id=unit_id)


@bp.route("/queues/<int:queue_id>/next", methods=["POST"])
def start(queue_id: int):
    """Resume the reviewer's article in a queue, or hand them the next one."""
    assignment = queue_services.take_next(current_user, queue_id)
    if assignment is None:
        flash("Nothing left for you in this queue right now: every article has its reviewers "
              "or you have already had it. Thank you!", "info")
        return redirect(url_for("main.home"))
    return redirect(url_for("annotations.annotate", assignment_id=assignment.id))
