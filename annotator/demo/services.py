"""Load the demo workspace through the same services the pages use.

The articles are imported by the importer, the accounts created by the account service, the
queue by the queue service, and each demo reviewer takes, labels, links sources and submits
through the workspace services, so the reports, adjudication and outlet pages read what real
work would leave behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from annotator.annotations import services as workspace
from annotator.articles.services import import_sources
from annotator.auth import services as accounts
from annotator.demo.content import (
    ARTICLES,
    BATCH_NOTE,
    LEAD,
    OVERLAP,
    QUEUE,
    REVIEWERS,
)
from annotator.extensions import db
from annotator.models.articles import Article, Unit
from annotator.models.auth import User
from annotator.models.queues import Assignment, Queue
from annotator.queues import services as queues


class DemoRefused(Exception):
    """The database holds other work (or the demo already), so the demo does not load.

    A report for the command line, not a refusal of a request: a plain exception, as the
    importer's ArticleFormatError is.
    """


@dataclass
class DemoAccount:
    role: str
    username: str
    password: str


@dataclass
class DemoResult:
    accounts: list[DemoAccount]
    queue: Queue
    articles: int
    labels: int
    sources: int


def existing_work() -> list[str]:
    """Say what the database already holds that the demo would mix with (empty: nothing)."""
    found = []
    for what, model in (("article", Article), ("queue", Queue), ("assignment", Assignment)):
        n = db.session.scalar(select(func.count()).select_from(model)) or 0
        if n:
            found.append(f"{n} {what}{'s' if n != 1 else ''}")
    people = db.session.scalar(select(func.count()).where(User.role != "admin")) or 0
    if people:
        found.append(f"{people} lead or reviewer account{'s' if people != 1 else ''}")
    return found


def _demo_loaded() -> bool:
    names = (LEAD, *REVIEWERS)
    return db.session.scalar(select(func.count()).where(User.username.in_(names))) > 0 or \
        db.session.scalar(select(func.count()).where(Queue.name == QUEUE)) > 0


def load_demo(force: bool = False) -> DemoResult:
    """Load the demo workspace; refuse on a database with other work unless force is given."""
    if _demo_loaded():
        raise DemoRefused("The demo is already loaded in this database (its accounts or "
                               "queue exist). Use a fresh database to load it again.")
    work = existing_work()
    if work and not force:
        raise DemoRefused("This database already holds other work (" + ", ".join(work)
                          + "); the demo would mix fictional articles and accounts into it. "
                          "Use an empty database, or pass --force to add the demo anyway.")
    records = [{"title": a.title, "text": " ".join(a.sentences), "url": a.url,
                "outlet": a.outlet, "published_at": a.published_at.isoformat()}
               for a in ARTICLES]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
    report = import_sources([("demo-articles.jsonl", lambda: data)], description=BATCH_NOTE)
    if report.failed or report.imported != len(ARTICLES):
        problem = report.failed[0].error if report.failed else "some were already imported"
        raise DemoRefused(f"The demo articles could not be imported: {problem}")
    made = [accounts.create_user(LEAD, "lead", display_name="Demo lead")]
    made += [accounts.create_user(name, "reviewer") for name in REVIEWERS]
    reviewers = [user for user, _ in made[1:]]
    queue = queues.create_queue(
        queues.QueueFields(name=QUEUE, overlap=OVERLAP,
                           description="Fictional articles written for the demo: look "
                                       "around, label, adjudicate, export.",
                           ordering="oldest"),
        [u.id for u in reviewers])
    by_url = {a.url: a for a in ARTICLES}
    article_ids = dict(db.session.execute(
        select(Article.url, Article.id).where(Article.url.in_(list(by_url)))).all())
    queues.add_articles(queue.id, article_ids=list(article_ids.values()))
    labels = sources = 0
    for user in reviewers:
        while (assignment := queues.take_next(user, queue.id)) is not None:
            article = next(a for url, a in by_url.items()
                           if article_ids[url] == assignment.article_id)
            units = list(db.session.scalars(select(Unit.id).where(
                Unit.article_id == assignment.article_id).order_by(Unit.position)))
            for unit_id, label in zip(units, article.labels_of(user.username), strict=True):
                workspace.save_label(assignment.id, user, unit_id, label)
                labels += 1
            for s in article.sources:
                if s.reviewer == user.username:
                    workspace.add_source(assignment.id, user, workspace.SourceInput(
                        unit_id=units[s.unit], url=s.url, stance=s.stance, title=s.title))
                    sources += 1
            workspace.submit_assignment(assignment.id, user)
    accounts_made = [DemoAccount(u.role, u.username, password) for u, password in made]
    return DemoResult(accounts_made, queue, len(article_ids), labels, sources)
