"""Reads for the admin console: counts, users with their work, outlets, annotated articles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select

from annotator.extensions import db
from annotator.models.annotations import Adjudication, Annotation, AnnotationHistory, SourceLink
from annotator.models.articles import Article, ImportBatch, Outlet, Unit
from annotator.models.auth import User
from annotator.models.queues import Assignment, Queue


def counts() -> dict[str, int]:
    """Return how many users, outlets, articles, queues and import batches there are."""
    models = {"users": User, "outlets": Outlet, "articles": Article, "queues": Queue,
              "batches": ImportBatch}
    return {name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in models.items()}


@dataclass
class UserRow:
    user: User
    assignments: int


def list_users() -> list[UserRow]:
    """Return every user with how many assignments they have had."""
    counts = dict(db.session.execute(
        select(Assignment.reviewer_id, func.count()).group_by(Assignment.reviewer_id)).all())
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.username)).all()
    return [UserRow(u, counts.get(u.id, 0)) for u in users]


def outlets_with_counts() -> list[tuple[Outlet, int]]:
    """Return every outlet with its number of articles, by name."""
    count = (select(func.count()).where(Article.outlet_id == Outlet.id)
             .correlate(Outlet).scalar_subquery())
    return [tuple(row) for row in db.session.execute(select(Outlet, count).order_by(Outlet.name))]


def is_annotated(article_id: int) -> bool:
    """Return whether anyone has labelled, linked or adjudicated a unit of the article."""
    units = select(Unit.id).where(Unit.article_id == article_id)
    return any(db.session.scalar(select(exists().where(model.unit_id.in_(units))))
               for model in (Annotation, AnnotationHistory, SourceLink, Adjudication))
