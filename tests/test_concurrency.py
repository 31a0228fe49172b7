"""50 reviewers take, label and submit from one queue at once, on SQLite and PostgreSQL.

Each reviewer is a thread with its own app context (so its own session and connection),
calling the services the views call: take_next, the workspace's save_label and submit.
The queue's clock runs fast (a one-minute lease lasts ten real seconds) and some
reviewers walk away from an article half done, so expired leases are reclaimed while the
others work.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta

from sqlalchemy import func, select

from annotator.annotations import services as workspace
from annotator.extensions import db
from annotator.models import Annotation, Assignment, QueueArticle, Unit, User
from annotator.queues import services
from annotator.timeutil import utcnow
from annotator.vocabulary import LABELS
from tests.conftest import make_test_app
from tests.factories import make_article, make_queue, make_user

REVIEWERS = 50
ARTICLES = 100
OVERLAP = 3
WALK_AWAY = 8  # reviewers who abandon their first article half labelled, then leave
SPEED = 6  # fake seconds per real second: a 1-minute lease lasts 10 s
DEADLINE = 150.0


class FastClock:
    """A clock that runs SPEED times faster than the real one, from now."""

    def __init__(self) -> None:
        self.start_real = time.monotonic()
        self.start = utcnow()

    def __call__(self):
        return self.start + timedelta(seconds=(time.monotonic() - self.start_real) * SPEED)


def _label_and_submit(user, assignment_id: int, submit: bool = True) -> bool:
    """Label every unit (or half of them) and submit, through the workspace's services.

    Returns False when the lease was lost meanwhile (the workspace answers 409 then).
    """
    units = db.session.scalars(
        select(Unit.id).join(Assignment, Assignment.article_id == Unit.article_id)
        .where(Assignment.id == assignment_id).order_by(Unit.position)
    ).all()
    try:
        for unit_id in units if submit else units[: len(units) // 2]:
            workspace.save_label(assignment_id, user, unit_id, random.choice(LABELS))
        if submit:
            workspace.submit_assignment(assignment_id, user)
    except workspace.WorkspaceError as exc:
        if exc.status == 409:
            return False
        raise
    return True


def _reviewer(app, user_id: int, queue_id: int, walk_away: bool, stop_at: float,
              errors: list, stats: Counter, lock: threading.Lock) -> None:
    with app.app_context():
        try:
            user = db.session.get(User, user_id)
            while time.monotonic() < stop_at:
                assignment = services.take_next(user, queue_id)
                if assignment is None:
                    if _queue_complete(queue_id):
                        break
                    time.sleep(0.05)  # slots may come back when leases expire
                    continue
                if walk_away:
                    _label_and_submit(user, assignment.id, submit=False)
                    with lock:
                        stats["walked away"] += 1
                    break
                with lock:
                    stats["taken"] += 1
                if _label_and_submit(user, assignment.id):
                    with lock:
                        stats["submitted"] += 1
                else:
                    with lock:
                        stats["lease lost"] += 1
        except Exception as exc:  # every error counts as user-visible
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            db.session.remove()


def _queue_complete(queue_id: int) -> bool:
    db.session.rollback()
    open_slots = db.session.scalar(
        select(func.count()).select_from(QueueArticle)
        .where(QueueArticle.queue_id == queue_id, QueueArticle.submitted < OVERLAP)
    )
    db.session.rollback()
    return open_slots == 0


def test_fifty_reviewers_fill_a_queue_exactly(app, db_url, monkeypatch):
    reviewers = [make_user(username=f"busy{i:02d}") for i in range(REVIEWERS)]
    articles = [make_article() for _ in range(ARTICLES)]
    queue = make_queue(overlap=OVERLAP, reviewers=reviewers, articles=articles,
                       ordering="fewest", lease_minutes=1)
    user_ids, queue_id = [u.id for u in reviewers], queue.id
    monkeypatch.setattr(services, "utcnow", FastClock())

    workers_app = make_test_app(db_url, SQLALCHEMY_ENGINE_OPTIONS={
        "pool_size": 20, "max_overflow": 0, "pool_timeout": 120})
    errors: list[str] = []
    stats: Counter = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + DEADLINE
    threads = [
        threading.Thread(target=_reviewer, args=(workers_app, uid, queue_id, i < WALK_AWAY,
                                                 stop_at, errors, stats, lock))
        for i, uid in enumerate(user_ids)
    ]
    started = time.monotonic()
    # The walkers leave first (half done), so their leases run out while the others work.
    for t in threads[:WALK_AWAY]:
        t.start()
    for t in threads[:WALK_AWAY]:
        t.join(DEADLINE)
    assert stats["walked away"] == WALK_AWAY, (stats, errors)
    for t in threads[WALK_AWAY:]:
        t.start()
    for t in threads:
        t.join(DEADLINE + 30)
    elapsed = time.monotonic() - started
    with workers_app.app_context():
        db.engine.dispose()

    summary = f"{db.engine.dialect.name}: {elapsed:.1f} s, {dict(stats)}"
    assert errors == [], summary
    db.session.rollback()  # a fresh snapshot: the workers committed meanwhile
    rows = db.session.execute(
        select(Assignment.article_id, Assignment.reviewer_id, Assignment.status)
        .where(Assignment.queue_id == queue_id)
    ).all()
    submitted = defaultdict(list)
    for article_id, reviewer_id, status in rows:
        if status == "submitted":
            submitted[article_id].append(reviewer_id)
    assert len(submitted) == ARTICLES, f"{ARTICLES - len(submitted)} unfinished; {summary}"
    for article_id, who in submitted.items():
        assert len(who) == OVERLAP and len(set(who)) == OVERLAP, (article_id, who, summary)
    statuses = Counter(status for _, _, status in rows)
    assert statuses["expired"] >= WALK_AWAY, statuses
    assert statuses["active"] == 0
    counters = db.session.execute(
        select(QueueArticle.taken, QueueArticle.submitted).where(QueueArticle.queue_id == queue_id)
    ).all()
    assert set(counters) == {(OVERLAP, OVERLAP)}
    # Work from abandoned leases stays in history.
    kept = db.session.scalar(
        select(func.count()).select_from(Annotation).join(Assignment)
        .where(Assignment.status == "expired")
    )
    assert kept > 0
    print(f"\n{summary}, {dict(statuses)}")

