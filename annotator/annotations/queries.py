"""The reviewer workspace's reads: an assignment with its article, units, labels and sources,
whose it is, the next unlabelled sentence, and a reviewer's recent submissions."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from annotator.errors import WorkspaceError
from annotator.extensions import db
from annotator.models.annotations import Annotation, SourceLink
from annotator.models.articles import Article, Unit
from annotator.models.auth import User
from annotator.models.queues import Assignment, Queue
from annotator.urls import registered_domain
from annotator.vocabulary import Status


@dataclass
class Workspace:
    """Everything the annotation page shows for one assignment."""

    assignment: Assignment
    article: Article
    units: list  # rows of (id, position, kind, text), in order
    labels: dict[int, str]
    sources: dict[int, list[SourceLink]] = field(default_factory=dict)
    outlet_domain: str | None = None
    editable: bool = False

    @property
    def labelled(self) -> int:
        return len(self.labels)

    @property
    def complete(self) -> bool:
        return len(self.labels) == len(self.units)


def get_assignment(assignment_id: int, user: User) -> Assignment:
    """Return the assignment if the user may see it, else raise 404 or 403."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise WorkspaceError(404, "There is no such assignment.")
    if not assignment.can_view(user):
        raise WorkspaceError(403, "You can only open your own assignments.")
    return assignment


def load_workspace(assignment_id: int, user: User) -> Workspace:
    """Read one assignment's article, units, labels and sources for display."""
    assignment = get_assignment(assignment_id, user)
    article = db.session.get(Article, assignment.article_id)
    units = db.session.execute(
        select(Unit.id, Unit.position, Unit.kind, Unit.text)
        .where(Unit.article_id == article.id)
        .order_by(Unit.position)
    ).all()
    labels = dict(
        db.session.execute(
            select(Annotation.unit_id, Annotation.label).where(
                Annotation.assignment_id == assignment.id
            )
        ).all()
    )
    sources: dict[int, list[SourceLink]] = {}
    for link in db.session.scalars(
        select(SourceLink).where(SourceLink.assignment_id == assignment.id).order_by(SourceLink.id)
    ):
        sources.setdefault(link.unit_id, []).append(link)
    return Workspace(
        assignment=assignment,
        article=article,
        units=units,
        labels=labels,
        sources=sources,
        outlet_domain=outlet_domain(article),
        editable=assignment.can_edit(user),
    )


def load_unit_sources(assignment_id: int, user: User, unit_ids: set[int]) -> Workspace:
    """Read the sources of a few units, for the page's script to redraw them in place."""
    assignment = get_assignment(assignment_id, user)
    article = db.session.get(Article, assignment.article_id)
    sources: dict[int, list[SourceLink]] = {unit_id: [] for unit_id in unit_ids}
    for link in db.session.scalars(
        select(SourceLink).where(SourceLink.assignment_id == assignment.id,
                                 SourceLink.unit_id.in_(unit_ids)).order_by(SourceLink.id)
    ):
        sources[link.unit_id].append(link)
    return Workspace(assignment=assignment, article=article, units=[], labels={},
                     sources=sources, outlet_domain=outlet_domain(article),
                     editable=assignment.can_edit(user))


def outlet_domain(article: Article) -> str | None:
    """Return the registered domain of the article's outlet, falling back to its URL's."""
    if article.outlet is not None and article.outlet.domain:
        return article.outlet.domain
    return registered_domain(article.url) if article.url else None


def check_owner(assignment_id: int, user: User) -> None:
    """Raise 404 or 403 unless the user is the reviewer the assignment was given to."""
    reviewer_id = db.session.scalar(
        select(Assignment.reviewer_id).where(Assignment.id == assignment_id))
    if reviewer_id is None:
        raise WorkspaceError(404, "There is no such assignment.")
    if reviewer_id != user.id:
        raise WorkspaceError(403, "Only the reviewer this article was given to can change it.")


def unit_at(assignment_id: int, position: int) -> int | None:
    """Return the id of the unit at a position of the assignment's article, if there is one."""
    return db.session.scalar(
        select(Unit.id).join(Assignment, Assignment.article_id == Unit.article_id)
        .where(Assignment.id == assignment_id, Unit.position == position))


def next_unlabelled(assignment_id: int, after_unit_id: int) -> int | None:
    """Return the id of the first unlabelled unit after a unit, wrapping round."""
    after = db.session.get(Unit, after_unit_id)
    labelled = select(Annotation.unit_id).where(Annotation.assignment_id == assignment_id)
    rows = db.session.execute(
        select(Unit.id, Unit.position)
        .where(Unit.article_id == after.article_id, Unit.id.not_in(labelled))
        .order_by(Unit.position)
    ).all()
    later = [r.id for r in rows if r.position > after.position]
    return (later or [r.id for r in rows] or [None])[0]


def get_source(assignment_id: int, source_id: int, user: User) -> SourceLink:
    """Return a source of an assignment the user may see, else raise 404 or 403."""
    get_assignment(assignment_id, user)
    link = db.session.get(SourceLink, source_id)
    if link is None or link.assignment_id != assignment_id:
        raise WorkspaceError(404, "There is no such source.")
    return link


def recent_submissions(user: User, limit: int = 10) -> list:
    """Return the user's latest submitted assignments as (id, title, queue, submitted_at) rows."""
    return db.session.execute(
        select(Assignment.id, Article.title, Queue.name.label("queue"), Assignment.submitted_at)
        .join(Article, Article.id == Assignment.article_id)
        .join(Queue, Queue.id == Assignment.queue_id)
        .where(Assignment.reviewer_id == user.id, Assignment.status == Status.SUBMITTED)
        .order_by(Assignment.submitted_at.desc(), Assignment.id.desc())
        .limit(limit)
    ).all()
