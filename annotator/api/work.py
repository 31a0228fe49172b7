"""API: queues (admins create and fill them, leads read progress), a reviewer's work (take the
next article, read it, label, sources, skip, submit; leads reopen) and adjudication."""

from __future__ import annotations

from flask_login import current_user

from annotator.adjudication import queries as adjudication_queries
from annotator.adjudication import services as adjudication_services
from annotator.annotations import queries as work_queries
from annotator.annotations import services as work_services
from annotator.api import schemas as s
from annotator.api.articles import article_dict
from annotator.api.common import API_PREFIX, Blueprint, problem_responses, slice_page
from annotator.errors import QueueError, ServiceError
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models.queues import Assignment, Queue
from annotator.queues import queries as queue_queries
from annotator.queues import services as queue_services
from annotator.security import role_required

bp = Blueprint("api_work", __name__, url_prefix=API_PREFIX,
               description="Queues, a reviewer's work and adjudication.")


def _queue_or_404(queue_id: int) -> Queue:
    return db.get_or_404(Queue, queue_id, description="There is no such queue.")


def _queue(q: Queue) -> dict:
    return {name: getattr(q, name) for name in (
        "id", "name", "description", "status", "overlap", "ordering", "lease_minutes",
        "due_date", "created_at")}


def _assignment(a: Assignment) -> dict:
    return {"id": a.id, "queue_id": a.queue_id, "article_id": a.article_id,
            "reviewer_id": a.reviewer_id, "status": a.status,
            "editable": a.can_edit(current_user), "started_at": a.started_at,
            "lease_expires_at": a.lease_expires_at, "submitted_at": a.submitted_at}


# --- queues ---------------------------------------------------------------------------------


@bp.route("/queues")
@bp.arguments(s.PageArgs, location="query")
@bp.response(200, s.paged(s.QueueSchema, "QueuePage"))
@bp.doc(responses=problem_responses(401))
def list_queues(args):
    """Every queue (leads, admins); a reviewer gets the open and paused queues of their pools."""
    if current_user.is_lead:
        queues = [queue for queue, _ in queue_queries.all_queues()]
    else:
        ids = [summary.id for summary in queue_queries.reviewer_queues(current_user)]
        queues = [db.session.get(Queue, queue_id) for queue_id in ids]
    return slice_page(queues, args, _queue)


@bp.route("/queues", methods=["POST"])
@role_required("admin")
@bp.arguments(s.QueueCreateSchema)
@bp.response(201, s.QueueSchema)
@bp.doc(responses=problem_responses(400, 401, 403))
def create_queue(data):
    """Create a queue with its overlap, lease, order and reviewer pool (usernames)."""
    wanted = sorted(set(data["reviewers"]))
    pool = queue_queries.users_by_name(wanted)
    missing = sorted(set(wanted) - {u.username for u in pool})
    if missing:
        raise QueueError(f"No such user: {', '.join(missing[:10])}.")
    fields = queue_services.QueueFields(
        name=data["name"], overlap=data["overlap"], description=data["description"],
        ordering=data["ordering"], lease_minutes=data["lease_minutes"],
        due_date=data.get("due_date"))
    return _queue(queue_services.create_queue(fields, [u.id for u in pool], current_user.id))


@bp.route("/queues/<int:queue_id>/articles", methods=["POST"])
@role_required("admin")
@bp.arguments(s.AddArticlesSchema)
@bp.response(200, s.AddedSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 404))
def add_articles(data, queue_id: int):
    """Add every article of a filter (outlet, published days, import batch) to the queue."""
    _queue_or_404(queue_id)
    flt = ArticleFilter(outlet_id=data.get("outlet"), date_from=data.get("date_from"),
                        date_to=data.get("date_to"), batch_id=data.get("batch"))
    if flt.is_empty and not data["everything"]:
        raise QueueError("Give a filter, or everything: true to add every article.")
    if data["everything"] and not flt.is_empty:
        raise QueueError("Give a filter or everything: true, not both.")
    added, present = queue_services.add_articles(queue_id, article_filter=flt)
    return {"added": added, "present": present}


@bp.route("/queues/<int:queue_id>/progress")
@role_required("lead")
@bp.response(200, s.ProgressSchema)
@bp.doc(responses=problem_responses(401, 403, 404))
def progress(queue_id: int):
    """The figures of the queue's progress page: articles, slots, pace, reviewers."""
    return queue_queries.queue_progress(_queue_or_404(queue_id)).as_dict()


@bp.route("/queues/<int:queue_id>/next", methods=["POST"])
@bp.response(200, s.NextSchema)
@bp.doc(responses=problem_responses(401, 403, 404, 409))
def take_next(queue_id: int):
    """Your article in progress in the queue, or the next one handed to you (null: none left)."""
    assignment = queue_services.take_next(current_user, queue_id)
    return {"assignment": _assignment(assignment) if assignment else None}


# --- an assignment --------------------------------------------------------------------------


@bp.route("/assignments/<int:assignment_id>")
@bp.response(200, s.WorkspaceSchema)
@bp.doc(responses=problem_responses(401, 403, 404))
def get_assignment(assignment_id: int):
    """An assignment with its article's sentences, your labels and sources (yours; leads: any)."""
    ws = work_queries.load_workspace(assignment_id, current_user)
    sentences = [{"id": u.id, "position": u.position, "kind": u.kind, "text": u.text,
                  "label": ws.labels.get(u.id),
                  "sources": [_source(link) for link in ws.sources.get(u.id, [])]}
                 for u in ws.units]
    return {**_assignment(ws.assignment), "article": article_dict(ws.article, len(ws.units)),
            "labelled": ws.labelled, "sentences": sentences}


@bp.route("/assignments/<int:assignment_id>/labels/<int:unit_id>", methods=["PUT"])
@bp.arguments(s.LabelInputSchema)
@bp.response(200, s.LabelResultSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 404, 409))
def set_label(data, assignment_id: int, unit_id: int):
    """Set one sentence's label (the reviewer's own active assignment); the history keeps it."""
    result = work_services.save_label(assignment_id, current_user, unit_id, data["label"])
    return {"unit_id": result.unit_id, "label": result.label, "changed": result.changed}


@bp.route("/assignments/<int:assignment_id>/labels/<int:unit_id>", methods=["DELETE"])
@bp.response(200, s.LabelResultSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 404, 409))
def clear_label(assignment_id: int, unit_id: int):
    """Clear one sentence's label; it needs one again before the article can be submitted."""
    result = work_services.clear_label(assignment_id, current_user, unit_id)
    return {"unit_id": result.unit_id, "label": result.label, "changed": result.changed}


def _source(link) -> dict:
    return {"id": link.id, "unit_id": link.unit_id, "url": link.url, "domain": link.domain,
            "stance": link.stance, "title": link.title, "note": link.note}


def _source_input(data: dict) -> work_services.SourceInput:
    return work_services.SourceInput(unit_id=data["unit_id"], url=data["url"],
                                     stance=data["stance"], title=data["title"],
                                     note=data["note"])


@bp.route("/assignments/<int:assignment_id>/sources", methods=["POST"])
@bp.arguments(s.SourceInputSchema)
@bp.response(201, s.SourceSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 404, 409))
def add_source(data, assignment_id: int):
    """Link a source (http(s) URL, stance, title, note) to a sentence."""
    return _source(work_services.add_source(assignment_id, current_user, _source_input(data)))


@bp.route("/assignments/<int:assignment_id>/sources/<int:source_id>", methods=["PUT"])
@bp.arguments(s.SourceInputSchema)
@bp.response(200, s.SourceSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 404, 409))
def edit_source(data, assignment_id: int, source_id: int):
    """Change a source's URL, stance, title, note or sentence."""
    link = work_services.update_source(assignment_id, source_id, current_user,
                                       _source_input(data))
    return _source(link)


@bp.route("/assignments/<int:assignment_id>/sources/<int:source_id>", methods=["DELETE"])
@bp.response(204)
@bp.doc(responses=problem_responses(401, 403, 404, 409))
def remove_source(assignment_id: int, source_id: int):
    """Remove a source."""
    work_services.remove_source(assignment_id, source_id, current_user)
    return None


@bp.route("/assignments/<int:assignment_id>/skip", methods=["POST"])
@bp.arguments(s.SkipSchema)
@bp.response(200, s.AssignmentSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 404, 409))
def skip(data, assignment_id: int):
    """Decline your active article with a reason; you will not get it again in this queue."""
    work_queries.check_owner(assignment_id, current_user)
    try:
        assignment = queue_services.skip(current_user, assignment_id, data["reason"],
                                         data["note"])
    except queue_services.AssignmentStateError as exc:
        raise ServiceError(409, exc.reason) from exc
    return _assignment(assignment)


@bp.route("/assignments/<int:assignment_id>/submit", methods=["POST"])
@bp.response(200, s.AssignmentSchema)
@bp.doc(responses=problem_responses(401, 403, 404, 409))
def submit(assignment_id: int):
    """Submit your article: every sentence needs a label; it is read-only afterwards."""
    return _assignment(work_services.submit_assignment(assignment_id, current_user))


@bp.route("/assignments/<int:assignment_id>/reopen", methods=["POST"])
@bp.response(200, s.AssignmentSchema)
@bp.doc(responses=problem_responses(401, 403, 404, 409))
def reopen(assignment_id: int):
    """Reopen a submitted article so its reviewer can change it again (leads, admins)."""
    return _assignment(work_services.reopen_assignment(assignment_id, current_user))


# --- adjudication ---------------------------------------------------------------------------


@bp.route("/queues/<int:queue_id>/adjudication")
@role_required("lead")
@bp.arguments(s.AdjudicationArgs, location="query")
@bp.response(200, s.paged(s.OpenSentenceSchema, "OpenSentencePage"))
@bp.doc(responses=problem_responses(401, 403, 404))
def open_sentences(args, queue_id: int):
    """The queue's sentences on which reviewers disagree (by default those still open)."""
    _queue_or_404(queue_id)
    found = adjudication_queries.disagreements(queue_id, args["show"])
    return slice_page(found, args, lambda d: {
        "unit_id": d.unit_id, "article_id": d.article_id, "position": d.position,
        "counts": d.counts, "article_alpha": d.article_alpha, "agreement": d.agreement,
        "gold_label": d.decision.label, "decided_by": d.decision.decided_by})


@bp.route("/queues/<int:queue_id>/adjudication/<int:unit_id>", methods=["PUT"])
@role_required("lead")
@bp.arguments(s.GoldInputSchema)
@bp.response(200, s.GoldSchema)
@bp.doc(responses=problem_responses(400, 401, 403, 404))
def set_gold(data, queue_id: int, unit_id: int):
    """Set a sentence's gold label in the queue, with a rationale; the labels stay as they are."""
    _queue_or_404(queue_id)
    row = adjudication_services.adjudicate(queue_id, unit_id, current_user, data["label"],
                                           data["rationale"])
    return {"queue_id": row.queue_id, "unit_id": row.unit_id, "gold_label": row.gold_label,
            "rationale": row.rationale, "adjudicator_id": row.adjudicator_id,
            "updated_at": row.updated_at}
