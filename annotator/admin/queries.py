"""Reads for the admin console: counts, users with their work, outlets, annotated articles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select

from annotator.extensions import db
from annotator.models.annotations import Adjudication, Annotation, AnnotationHistory, SourceLink
from annotator.models.articles import Article, ImportBatch, Outlet, Unit
from annotator.models.auth import User
from annotator.models.queues import Assignment, Queue, QueueArticle


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


def outlet_names() -> list[str]:
    """Return every outlet's name, by name (the upload form suggests them)."""
    return list(db.session.scalars(select(Outlet.name).order_by(Outlet.name)))


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


@dataclass
class SetupStep:
    """One step of the admin's getting-started checklist, ticked off from the data."""

    key: str
    title: str
    done: bool
    status: str  # what the data says now, e.g. "2 reviewers"
    how: str
    endpoint: str
    action: str


def getting_started() -> list[SetupStep]:
    """Return the first-run checklist: articles, reviewers, a queue, a lead; done from the data."""
    def count(query) -> int:
        return db.session.scalar(query) or 0

    articles = count(select(func.count()).select_from(Article))
    reviewers = count(select(func.count()).where(User.role == "reviewer", User.active.is_(True)))
    queues = count(select(func.count()).select_from(Queue))
    with_articles = count(select(func.count(func.distinct(QueueArticle.queue_id))))
    leads = count(select(func.count()).where(User.role == "lead", User.active.is_(True)))

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return [
        SetupStep("articles", "Import articles", articles > 0,
                  plural(articles, "article") + " imported",
                  "Upload text, JSON Lines or CSV files, with the outlet they come from.",
                  "admin.upload", "Upload articles"),
        SetupStep("reviewers", "Create reviewers", reviewers > 0,
                  plural(reviewers, "reviewer"),
                  "Each reviewer gets a one-time password to give them; they choose their own "
                  "at first login. Create at least as many as each article needs reviews.",
                  "admin.users", "Create users"),
        SetupStep("queue", "Build a queue", with_articles > 0,
                  plural(queues, "queue") + (f", {with_articles} with articles" if queues else ""),
                  "A queue hands articles to its reviewers, each article to as many different "
                  "reviewers as its overlap (3 is usual for agreement figures).",
                  "queues.new" if queues == 0 else "queues.index",
                  "Create a queue" if queues == 0 else "Add articles to a queue"),
        SetupStep("lead", "Invite a lead", leads > 0, plural(leads, "lead"),
                  "A lead reads the agreement reports, adjudicates disagreements and exports.",
                  "admin.users", "Create a lead"),
    ]
