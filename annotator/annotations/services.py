"""The reviewer workspace's writes: labels (set, clear), sources, submit, reopen (reads: queries).

Every write is one transaction, taken as a write transaction up front (BEGIN IMMEDIATE on
SQLite, the assignment row locked FOR UPDATE on PostgreSQL), so two tabs saving at once
cannot interleave and the history always chains old -> new.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from annotator.agreement import services as agreement_services
from annotator.database import write_transaction
from annotator.errors import ServiceError, WorkspaceError
from annotator.extensions import db
from annotator.models.annotations import Annotation, AnnotationHistory, SourceLink
from annotator.models.articles import Unit
from annotator.models.auth import User
from annotator.models.queues import Assignment
from annotator.queues import services as queue_services
from annotator.sanitize import clean_note, clean_plain
from annotator.timeutil import utcnow
from annotator.urls import normalise_url, registered_domain
from annotator.vocabulary import LABELS, STANCES, Status

TITLE_MAX_CHARS = 300  # SourceLink.title

# Why an assignment that is not active cannot be changed, in the reviewer's words.
NOT_ACTIVE_REASONS = {
    Status.SUBMITTED: "This article is submitted and read-only; a lead can reopen it.",
    Status.EXPIRED: "Your hold on this article expired and it went back to the queue; "
    "your labels are kept, but they can no longer be changed.",
    Status.REVOKED: "An admin took this article back; your labels are kept but read-only.",
    Status.SKIPPED: "You skipped this article; it is read-only.",
}


@dataclass
class SaveResult:
    """What a label save did: the unit's label now (None once cleared) and the one before."""

    unit_id: int
    label: str | None  # None: the label was cleared
    changed: bool
    previous: str | None = None


def _lock_editable(assignment_id: int, user_id: int) -> Assignment:
    """Lock the assignment (inside the caller's write transaction) if the user may change it."""
    assignment = db.session.get(Assignment, assignment_id, with_for_update=True,
                                populate_existing=True)
    if assignment is None:
        raise WorkspaceError(404, "There is no such assignment.")
    if assignment.reviewer_id != user_id:
        # The same answer for leads: they read every assignment but change none.
        raise WorkspaceError(403, "Only the reviewer this article was given to can change it.")
    if assignment.status != Status.ACTIVE:
        raise WorkspaceError(
            409, NOT_ACTIVE_REASONS.get(assignment.status, "This article is read-only."))
    return assignment


def _renew_lease(assignment_id: int, queue_id: int) -> None:
    """Extend the reviewer's hold on the article: any save shows they are still at work."""
    if not queue_services.renew_lease(assignment_id, queue_id):
        raise WorkspaceError(409, NOT_ACTIVE_REASONS[Status.EXPIRED])


# The label save runs once per keypress, so it is kept lean: statements built once, run on
# the session's connection without the ORM, a handful of them between BEGIN and COMMIT.
_A, _U = Assignment.__table__, Unit.__table__
_N, _H = Annotation.__table__, AnnotationHistory.__table__
_LOCK = (
    select(_A.c.reviewer_id, _A.c.status, _A.c.article_id, _A.c.queue_id)
    .where(_A.c.id == bindparam("assignment_id"))
    .with_for_update()
)
_CURRENT = (
    select(_U.c.id, _N.c.id.label("annotation_id"), _N.c.label)
    .select_from(_U.outerjoin(_N, and_(_N.c.unit_id == _U.c.id,
                                       _N.c.assignment_id == bindparam("assignment_id"))))
    .where(_U.c.id == bindparam("unit_id"), _U.c.article_id == bindparam("article_id"))
)
_INSERT_LABEL = insert(_N)
_UPDATE_LABEL = (update(_N).where(_N.c.id == bindparam("annotation_id"))
                 .values(label=bindparam("new_label"), updated_at=bindparam("now")))
_DELETE_LABEL = delete(_N).where(_N.c.id == bindparam("annotation_id"))
_INSERT_HISTORY = insert(_H)


def save_label(assignment_id: int, user: User, unit_id: int, label: str | None) -> SaveResult:
    """Set one unit's label (None clears it), record the change in the history, renew the lease.

    Undo is a save too: the page sends the label a unit had before its last change, so an
    undo is one request and one history row like any other change.
    """
    # Refusals in a fixed order: whose it is (404, 403), what was sent (400), whether it can
    # still change (409). Whoever may not change it is told so, whatever they sent.
    user_id = user.id
    with write_transaction():
        conn = db.session.connection()
        row = conn.execute(_LOCK, {"assignment_id": assignment_id}).first()
        if row is None:
            raise WorkspaceError(404, "There is no such assignment.")
        if row.reviewer_id != user_id:
            raise WorkspaceError(403, "Only the reviewer this article was given to can change it.")
        if label is not None and label not in LABELS:
            raise WorkspaceError(400, f"Unknown label {label!r}; use one of: "
                                      f"{', '.join(LABELS)}.")
        current = conn.execute(_CURRENT, {"assignment_id": assignment_id, "unit_id": unit_id,
                                          "article_id": row.article_id}).first()
        if current is None:
            raise WorkspaceError(400, "That sentence is not part of this article.")
        if row.status != Status.ACTIVE:
            raise WorkspaceError(409, NOT_ACTIVE_REASONS.get(row.status, "It is read-only."))
        now = utcnow()
        changed = current.label != label
        if changed:
            if label is None:
                conn.execute(_DELETE_LABEL, {"annotation_id": current.annotation_id})
            elif current.annotation_id is None:
                conn.execute(_INSERT_LABEL, {"assignment_id": assignment_id, "unit_id": unit_id,
                                             "label": label, "created_at": now, "updated_at": now})
            else:
                conn.execute(_UPDATE_LABEL, {"annotation_id": current.annotation_id,
                                             "new_label": label, "now": now})
            conn.execute(_INSERT_HISTORY, {"assignment_id": assignment_id, "unit_id": unit_id,
                                           "user_id": user_id, "old_label": current.label,
                                           "new_label": label, "changed_at": now})
        _renew_lease(assignment_id, row.queue_id)
    return SaveResult(unit_id=unit_id, label=label, changed=changed, previous=current.label)


def clear_label(assignment_id: int, user: User, unit_id: int) -> SaveResult:
    """Remove one unit's label (it needs one again before submitting); the history keeps it."""
    return save_label(assignment_id, user, unit_id, None)


# submit_assignment and reopen_assignment are the only places these transitions happen:
# whatever must follow one (the agreement statistics) is hooked in here.
def submit_assignment(assignment_id: int, user: User) -> Assignment:
    """Submit a fully labelled assignment; from now on it is read-only for its reviewer."""
    user_id = user.id
    with write_transaction():
        assignment = _lock_editable(assignment_id, user_id)
        total = db.session.scalar(
            select(func.count()).where(Unit.article_id == assignment.article_id))
        labelled = db.session.scalar(
            select(func.count()).where(Annotation.assignment_id == assignment_id))
        if labelled < total:
            missing = total - labelled
            raise WorkspaceError(409, f"{missing} sentence{'s' if missing != 1 else ''} "
                                      f"still need{'s' if missing == 1 else ''} a label.")
        assignment.submit(utcnow())
        agreement_services.refresh_article_stats(assignment.queue_id, assignment.article_id)
    return db.session.get(Assignment, assignment_id)


def reopen_assignment(assignment_id: int, user: User) -> Assignment:
    """Let the reviewer change a submitted assignment again (leads and admins only)."""
    if not user.has_role("lead"):
        raise WorkspaceError(403, "Only a lead or an admin can reopen a submitted article.")
    user_id = user.id
    with write_transaction():
        assignment = db.session.get(Assignment, assignment_id, with_for_update=True,
                                    populate_existing=True)
        if assignment is None:
            raise WorkspaceError(404, "There is no such assignment.")
        if assignment.status != Status.SUBMITTED:
            raise WorkspaceError(409, "Only a submitted article can be reopened.")
        assignment.reopen(user_id, utcnow())
        agreement_services.refresh_article_stats(assignment.queue_id, assignment.article_id)
    return db.session.get(Assignment, assignment_id)


@dataclass
class SourceInput:
    """A source as the reviewer typed it; the service normalises and sanitises it."""

    unit_id: int
    url: str
    stance: str
    title: str = ""
    note: str = ""


def source_columns(url: str, stance: str, title: str | None,
                   error: type[ServiceError] = WorkspaceError) -> dict:
    """The stored url, domain, stance and title of a source as typed, or `error(400, reason)`.

    Reviewers' sources and the sources that decide a verdict share these rules.
    """
    if stance not in STANCES:
        raise error(400, f"Unknown stance {stance!r}; use one of: {', '.join(STANCES)}.")
    try:
        url = normalise_url(url)
    except ValueError as exc:
        raise error(400, f"That URL cannot be used: {exc}.") from exc
    host = url.split("://", 1)[1].split("/", 1)[0]
    return {"url": url, "domain": registered_domain(url) or host, "stance": stance,
            "title": clean_plain(title or "")[:TITLE_MAX_CHARS] or None}


def _source_values(data: SourceInput) -> dict:
    """Return the stored columns for a source, or raise 400 with the reason."""
    return {**source_columns(data.url, data.stance, data.title),
            "note": clean_note(data.note or "") or None}


def _check_unit(article_id: int, unit_id: int) -> None:
    found = db.session.scalar(
        select(Unit.id).where(Unit.id == unit_id, Unit.article_id == article_id))
    if found is None:
        raise WorkspaceError(400, "That sentence is not part of this article.")


def add_source(assignment_id: int, user: User, data: SourceInput) -> SourceLink:
    """Link a source to one unit of the reviewer's active assignment."""
    values = _source_values(data)
    user_id = user.id
    with write_transaction():
        assignment = _lock_editable(assignment_id, user_id)
        _check_unit(assignment.article_id, data.unit_id)
        link = SourceLink(assignment_id=assignment_id, unit_id=data.unit_id, **values)
        db.session.add(link)
        _renew_lease(assignment_id, assignment.queue_id)
    return link


def update_source(assignment_id: int, source_id: int, user: User, data: SourceInput) -> SourceLink:
    """Change a source's URL, stance, title or note (and the unit it belongs to)."""
    values = _source_values(data)
    user_id = user.id
    with write_transaction():
        assignment = _lock_editable(assignment_id, user_id)
        _check_unit(assignment.article_id, data.unit_id)
        link = db.session.get(SourceLink, source_id)
        if link is None or link.assignment_id != assignment_id:
            raise WorkspaceError(404, "There is no such source.")
        link.unit_id = data.unit_id
        for name, value in values.items():
            setattr(link, name, value)
        _renew_lease(assignment_id, assignment.queue_id)
    return link


def remove_source(assignment_id: int, source_id: int, user: User) -> int:
    """Delete a source; return the unit it belonged to."""
    user_id = user.id
    with write_transaction():
        assignment = _lock_editable(assignment_id, user_id)
        unit_id = db.session.scalar(
            select(SourceLink.unit_id).where(SourceLink.id == source_id,
                                             SourceLink.assignment_id == assignment_id))
        if unit_id is None:
            raise WorkspaceError(404, "There is no such source.")
        db.session.execute(delete(SourceLink).where(SourceLink.id == source_id))
        _renew_lease(assignment_id, assignment.queue_id)
    return unit_id
