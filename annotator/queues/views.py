"""Queue pages: the list and progress (leads read, admins manage), skips, your own work."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.inputs import db_int
from annotator.models.queues import Assignment, Queue
from annotator.queues import queries, services
from annotator.queues.forms import (
    AddByFilterForm,
    ConfirmForm,
    QueueForm,
    SelectionForm,
    SkipForm,
)
from annotator.security import role_required
from annotator.vocabulary import Status

bp = Blueprint("queues", __name__, url_prefix="/queues")


PER_PAGE = 50


def _queue_or_404(queue_id: int) -> Queue:
    return db.get_or_404(Queue, queue_id, description="There is no such queue.")


@bp.route("/")
@role_required("lead")
def index():
    """List every queue with its progress."""
    return render_template("queues/index.html", rows=queries.all_queues())


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    """Create a queue."""
    form = QueueForm()
    if form.validate_on_submit():
        try:
            queue = services.create_queue(form.fields(), form.reviewers.data, current_user.id)
        except services.QueueError as exc:
            form.name.errors.append(str(exc))
        else:
            flash(f"Queue “{queue.name}” created. Now add articles to it.", "success")
            return redirect(url_for("queues.add_articles", queue_id=queue.id))
    return render_template("queues/form.html", form=form, queue=None), 400 if form.errors else 200


@bp.route("/<int:queue_id>")
@role_required("lead")
def detail(queue_id: int):
    """Show a queue's progress: articles, reviewers, pace, leases and skips."""
    queue = _queue_or_404(queue_id)
    return render_template("queues/detail.html", queue=queue, p=queries.queue_progress(queue),
                           confirm=ConfirmForm(), skip_labels=services.SKIP_REASON_LABELS)


@bp.route("/<int:queue_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(queue_id: int):
    """Change a queue's settings and reviewer pool."""
    queue = _queue_or_404(queue_id)
    form = QueueForm(obj=queue, current_overlap=queue.overlap)
    if request.method == "GET":
        form.reviewers.data = [u.id for u in queries.pool(queue.id)]
    if form.validate_on_submit():
        try:
            services.update_queue(queue.id, form.fields(), form.reviewers.data)
        except services.QueueError as exc:
            form.form_errors.append(str(exc))
        else:
            flash("Queue saved.", "success")
            return redirect(url_for("queues.detail", queue_id=queue_id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("queues/form.html", form=form, queue=queue), status


@bp.route("/<int:queue_id>/articles")
@role_required("lead")
def articles(queue_id: int):
    """List a queue's articles with their counters."""
    queue = _queue_or_404(queue_id)
    page = queries.queue_articles(queue_id, request.args.get("page", 1, type=db_int), PER_PAGE)
    return render_template("queues/articles.html", queue=queue, page=page, form=SelectionForm())


@bp.route("/<int:queue_id>/add", methods=["GET", "POST"])
@role_required("admin")
def add_articles(queue_id: int):
    """Add every article matching a filter (outlet, dates, import batch) to a queue."""
    queue = _queue_or_404(queue_id)
    form = AddByFilterForm()
    if form.validate_on_submit():
        chosen = ArticleFilter() if form.everything.data else form.article_filter()
        added, present = services.add_articles(queue_id, article_filter=chosen)
        flash(f"{added} article(s) added; {present} were already in the queue.", "success")
        return redirect(url_for("queues.detail", queue_id=queue_id))
    return (render_template("queues/add_articles.html", queue=queue, form=form),
            400 if form.errors else 200)


@bp.route("/add-selection", methods=["POST"])
@role_required("admin")
def add_selection():
    """Add the articles ticked on the admin article list to the chosen queue."""
    form = SelectionForm()
    if not form.validate_on_submit() or not form.queue.data:
        flash("Tick at least one article and choose a queue.", "error")
        return redirect(url_for("admin.articles"))
    try:
        added, present = services.add_articles(form.queue.data, article_ids=form.article_ids.data)
    except services.QueueError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.articles"))
    flash(f"{added} article(s) added; {present} were already in the queue.", "success")
    return redirect(url_for("queues.detail", queue_id=form.queue.data))


@bp.route("/<int:queue_id>/remove", methods=["POST"])
@role_required("admin")
def remove_articles(queue_id: int):
    """Remove ticked articles that nobody has labelled or holds in this queue."""
    _queue_or_404(queue_id)
    form = SelectionForm()
    if not form.validate_on_submit():
        flash("Tick at least one article to remove.", "error")
        return redirect(url_for("queues.articles", queue_id=queue_id))
    removed, kept = services.remove_articles(queue_id, form.article_ids.data)
    message = f"{removed} article(s) removed."
    if kept:
        message += f" {kept} kept: someone holds, submitted or labelled them."
    flash(message, "success" if not kept else "info")
    return redirect(url_for("queues.articles", queue_id=queue_id))


@bp.route("/assignments/<int:assignment_id>/revoke", methods=["POST"])
@role_required("admin")
def revoke(assignment_id: int):
    """Take back a reviewer's lease; their labels stay in history, read-only."""
    assignment = db.get_or_404(Assignment, assignment_id, description="No such assignment.")
    queue_id = assignment.queue_id
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.revoke(assignment_id)
        flash("Lease revoked: the article's slot is back in the pool.", "success")
    except services.AssignmentStateError as exc:
        flash(str(exc), "error")
    return redirect(url_for("queues.detail", queue_id=queue_id))


@bp.route("/assignments/<int:assignment_id>/skip", methods=["GET", "POST"])
def skip(assignment_id: int):
    """Let a reviewer decline their active article with a reason."""
    assignment = db.get_or_404(Assignment, assignment_id, description="No such assignment.")
    if assignment.reviewer_id != current_user.id:
        abort(403, description="You can only skip articles given to you.")
    if assignment.status != Status.ACTIVE:
        abort(409, description="Only an article you are working on can be skipped.")
    form = SkipForm()
    if form.validate_on_submit():
        try:
            services.skip(current_user, assignment_id, form.reason.data, form.note.data)
        except services.AssignmentStateError as exc:
            form.form_errors.append(str(exc))
        else:
            flash("Article skipped. You will not get it again in this queue.", "success")
            return redirect(url_for("main.home"))
    back_url = url_for("annotations.annotate", assignment_id=assignment_id)
    return (render_template("queues/skip.html", assignment=assignment, form=form,
                            back_url=back_url),
            400 if form.errors or form.form_errors else 200)


@bp.route("/mine")
def mine():
    """List the user's own assignments in every queue, including ones they have left."""
    return render_template("queues/mine.html", rows=queries.own_assignments(current_user.id),
                           skip_labels=services.SKIP_REASON_LABELS)
