"""Factory functions for test data; call them inside the `app` fixture's context."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import datetime

from werkzeug.security import generate_password_hash

from annotator.extensions import db
from annotator.models import (
    Annotation,
    Article,
    Assignment,
    Outlet,
    Queue,
    QueueArticle,
    QueueReviewer,
    Unit,
    User,
)
from annotator.models.auth import UserSession

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_user(role: str = "reviewer", username: str | None = None, password: str = PASSWORD,
              active: bool = True, must_change_password: bool = False) -> User:
    """Create and commit a user, with one login that `login_as(user)` (user.get_id()) uses."""
    user = User(
        username=username or f"{role}{next(_counter)}",
        role=role,
        active=active,
        must_change_password=must_change_password,
        password_hash=generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )
    db.session.add(user)
    db.session.flush()
    login_id = secrets.token_hex(16)
    db.session.add(UserSession(id=login_id, user_id=user.id))
    db.session.commit()
    user.login_session_id = login_id
    return user


def make_outlet(name: str | None = None, domain: str | None = None) -> Outlet:
    outlet = Outlet(name=name or f"Outlet {next(_counter)}", domain=domain)
    db.session.add(outlet)
    db.session.commit()
    return outlet


def make_article(sentences: list[str] | None = None, title: str | None = None,
                 outlet: Outlet | None = None, url: str | None = None,
                 published_at: datetime | None = None, captions: list[str] = ()) -> Article:
    """Create an article whose units are the title, the sentences and the captions."""
    n = next(_counter)
    title = title or f"Test article {n}"
    sentences = sentences if sentences is not None else [
        f"Officials said {n} people were evacuated.", "The storm is expected to strengthen."
    ]
    parts = [(title, "headline")] + [(s, "body") for s in sentences]
    parts += [(c, "caption") for c in captions]
    text_, units = "", []
    for position, (chunk, kind) in enumerate(parts):
        if text_:
            text_ += "\n\n"
        start = len(text_)
        text_ += chunk
        units.append(Unit(position=position, kind=kind, start=start, end=len(text_), text=chunk))
    article = Article(
        outlet=outlet or make_outlet(), title=title, url=url, published_at=published_at,
        text=text_, text_hash=hashlib.sha256(text_.encode()).hexdigest(), units=units,
    )
    db.session.add(article)
    db.session.commit()
    return article


def make_queue(name: str | None = None, overlap: int = 2, reviewers: list[User] = (),
               articles: list[Article] = (), **fields) -> Queue:
    queue = Queue(name=name or f"Queue {next(_counter)}", overlap=overlap, **fields)
    db.session.add(queue)
    db.session.flush()
    for user in reviewers:
        db.session.add(QueueReviewer(queue_id=queue.id, user_id=user.id))
    for article in articles:
        db.session.add(QueueArticle(queue_id=queue.id, article_id=article.id))
    db.session.commit()
    return queue


def make_assignment(queue: Queue, article: Article, reviewer: User, status: str = "active",
                    labels: dict[int, str] | None = None) -> Assignment:
    """Create an assignment, optionally with labels by unit position."""
    assignment = Assignment(queue_id=queue.id, article_id=article.id, reviewer_id=reviewer.id,
                            status=status,
                            submitted_at=datetime(2024, 1, 1) if status == "submitted" else None)
    db.session.add(assignment)
    db.session.flush()
    qa = db.session.query(QueueArticle).filter_by(queue_id=queue.id, article_id=article.id).first()
    if qa is not None and status in ("active", "submitted"):
        qa.taken += 1
        qa.submitted += status == "submitted"
    for position, label in (labels or {}).items():
        unit = article.units[position]
        db.session.add(Annotation(assignment_id=assignment.id, unit_id=unit.id, label=label))
    db.session.commit()
    return assignment
