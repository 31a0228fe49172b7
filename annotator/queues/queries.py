"""Queue reads: a queue's progress (articles, reviewers, pace, stale leases, skips), a reviewer's
queues, the next free article for a reviewer, pools, and finding queues and users by name."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import selectinload

from annotator.errors import QueueError
from annotator.extensions import db
from annotator.models.articles import Article
from annotator.models.auth import User
from annotator.models.queues import Assignment, Queue, QueueArticle, QueueReviewer
from annotator.timeutil import utcnow
from annotator.vocabulary import Status

PACE_WINDOW_DAYS = 7
STUCK_SHOWN = 50
SUBMITTED_SHOWN = 100


@dataclass
class StuckArticle:
    """An article that can never reach the queue's overlap with the pool it has."""

    article_id: int
    title: str
    submitted: int
    possible: int  # the most reviews it can still reach: held slots + pool members who never had it


@dataclass
class ReviewerProgress:
    user_id: int
    username: str
    label: str
    in_pool: bool
    submitted: int = 0
    in_progress: int = 0
    skipped: int = 0
    expired: int = 0
    revoked: int = 0
    median_minutes: float | None = None


@dataclass
class QueueProgress:
    """Everything the progress page and `flask queue status` show for one queue."""

    queue: Queue
    articles: int
    complete: int
    in_progress: int
    untouched: int
    submitted_slots: int
    reviewers: list[ReviewerProgress] = field(default_factory=list)
    median_minutes: float | None = None
    pace_per_day: float = 0.0
    expected_completion: date | None = None
    stale_count: int = 0
    stale: list[Assignment] = field(default_factory=list)
    active: list[Assignment] = field(default_factory=list)
    skips: list[Assignment] = field(default_factory=list)
    stuck_count: int = 0
    stuck: list[StuckArticle] = field(default_factory=list)
    submitted: list[Assignment] = field(default_factory=list)  # the latest, newest first

    @property
    def total_slots(self) -> int:
        return self.articles * self.queue.overlap

    @property
    def remaining_slots(self) -> int:
        return max(0, self.total_slots - self.submitted_slots)

    @property
    def percent(self) -> float:
        return 100.0 * self.submitted_slots / self.total_slots if self.total_slots else 0.0

    @property
    def on_track(self) -> bool | None:
        """Whether the expected completion is on or before the due date (None: unknown)."""
        if self.queue.due_date is None or (self.expected_completion is None
                                           and self.remaining_slots):
            return None
        return self.remaining_slots == 0 or self.expected_completion <= self.queue.due_date

    def as_dict(self) -> dict:
        """Return the figures as plain JSON-ready data."""
        q = self.queue
        return {
            "queue": q.name, "status": q.status, "overlap": q.overlap, "ordering": q.ordering,
            "lease_minutes": q.lease_minutes,
            "due_date": q.due_date.isoformat() if q.due_date else None,
            "articles": self.articles, "complete": self.complete,
            "in_progress": self.in_progress, "untouched": self.untouched,
            "submitted_slots": self.submitted_slots, "total_slots": self.total_slots,
            "percent": round(self.percent, 1),
            "median_minutes_per_article": _round(self.median_minutes),
            "pace_per_day": round(self.pace_per_day, 2),
            "expected_completion": self.expected_completion.isoformat()
            if self.expected_completion else None,
            "on_track": self.on_track,
            "stale_leases": self.stale_count,
            "stuck_articles": self.stuck_count,
            "reviewers": [
                {"username": r.username, "in_pool": r.in_pool, "submitted": r.submitted,
                 "in_progress": r.in_progress, "skipped": r.skipped, "expired": r.expired,
                 "revoked": r.revoked, "median_minutes": _round(r.median_minutes)}
                for r in self.reviewers
            ],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _minutes(started: datetime, finished: datetime) -> float:
    return max(0.0, (finished - started).total_seconds() / 60)


def queue_progress(queue: Queue, now: datetime | None = None, reviewers: bool = True,
                   lists: bool = True) -> QueueProgress:
    """Compute a queue's progress, with per-reviewer rows and lease and skip lists."""
    now = now or utcnow()
    overlap = queue.overlap
    row = db.session.execute(
        select(
            func.count(),
            func.sum(case((QueueArticle.submitted >= overlap, 1), else_=0)),
            func.sum(case(((QueueArticle.submitted == 0) & (QueueArticle.taken == 0), 1),
                          else_=0)),
            func.sum(case((QueueArticle.submitted > overlap, overlap),
                          else_=QueueArticle.submitted)),
        ).where(QueueArticle.queue_id == queue.id)
    ).one()
    articles, complete, untouched, slots = (int(v or 0) for v in row)
    progress = QueueProgress(queue=queue, articles=articles, complete=complete,
                             untouched=untouched, in_progress=articles - complete - untouched,
                             submitted_slots=slots)
    _pace(progress, now)
    _stuck(progress)
    if progress.stuck_count:  # the queue cannot finish at any pace: promise no date
        progress.expected_completion = None
    progress.stale_count = db.session.scalar(
        select(func.count()).where(Assignment.queue_id == queue.id,
                                   Assignment.status == Status.ACTIVE,
                                   Assignment.lease_expires_at < now)) or 0
    if reviewers:
        _reviewers(progress)
    if lists:
        _lists(progress, now)
    return progress


def _stuck(progress: QueueProgress) -> None:
    """Find the articles that can never get the queue's overlap.

    A reviewer gets an article at most once (pick_article), so an article short of its
    overlap can still reach: the slots held now (active or submitted) plus the pool members
    who never had it. Skips, expired or revoked leases and a shrunk pool lower that.
    """
    queue = progress.queue
    pool = select(QueueReviewer.user_id).where(QueueReviewer.queue_id == queue.id)
    pool_size = db.session.scalar(select(func.count()).select_from(pool.subquery())) or 0
    had = (select(Assignment.article_id, func.count(func.distinct(Assignment.reviewer_id))
                  .label("n"))
           .where(Assignment.queue_id == queue.id, Assignment.reviewer_id.in_(pool))
           .group_by(Assignment.article_id).subquery())
    # `taken` counts the slots held now (pool members or not); a pool member who never had
    # the article could still take one.
    possible = QueueArticle.taken + pool_size - func.coalesce(had.c.n, 0)
    base = (select(QueueArticle.article_id, Article.title, QueueArticle.submitted,
                   possible.label("possible"))
            .join(Article, Article.id == QueueArticle.article_id)
            .outerjoin(had, had.c.article_id == QueueArticle.article_id)
            .where(QueueArticle.queue_id == queue.id,
                   QueueArticle.submitted < queue.overlap, possible < queue.overlap))
    progress.stuck_count = db.session.scalar(
        select(func.count()).select_from(base.subquery())) or 0
    if progress.stuck_count:
        progress.stuck = [StuckArticle(*row) for row in db.session.execute(
            base.order_by(QueueArticle.article_id).limit(STUCK_SHOWN))]


def _reviewers(progress: QueueProgress) -> None:
    queue_id = progress.queue.id
    pool = set(db.session.scalars(
        select(QueueReviewer.user_id).where(QueueReviewer.queue_id == queue_id)))
    with_work = set(db.session.scalars(
        select(Assignment.reviewer_id).where(Assignment.queue_id == queue_id).distinct()))
    users = db.session.scalars(
        select(User).where(User.id.in_(pool | with_work)).order_by(User.username)).all()
    rows = {u.id: ReviewerProgress(u.id, u.username, u.label, u.id in pool) for u in users}
    for reviewer_id, status, n in db.session.execute(
        select(Assignment.reviewer_id, Assignment.status, func.count())
        .where(Assignment.queue_id == queue_id)
        .group_by(Assignment.reviewer_id, Assignment.status)
    ):
        name = "in_progress" if status == Status.ACTIVE else status
        setattr(rows[reviewer_id], name, n)
    durations: dict[int, list[float]] = {}
    for reviewer_id, started, submitted in db.session.execute(
        select(Assignment.reviewer_id, Assignment.started_at, Assignment.submitted_at)
        .where(Assignment.queue_id == queue_id, Assignment.status == Status.SUBMITTED,
               Assignment.submitted_at.is_not(None))
    ):
        durations.setdefault(reviewer_id, []).append(_minutes(started, submitted))
    for reviewer_id, minutes in durations.items():
        rows[reviewer_id].median_minutes = statistics.median(minutes)
    everything = [m for minutes in durations.values() for m in minutes]
    progress.median_minutes = statistics.median(everything) if everything else None
    progress.reviewers = list(rows.values())


def _pace(progress: QueueProgress, now: datetime) -> None:
    """Estimate submissions per day over the last week and when the queue will be done."""
    since = now - timedelta(days=PACE_WINDOW_DAYS)
    first, recent = db.session.execute(
        select(func.min(Assignment.submitted_at),
               func.sum(case((Assignment.submitted_at >= since, 1), else_=0)))
        .where(Assignment.queue_id == progress.queue.id, Assignment.status == Status.SUBMITTED)
    ).one()
    if not first or not recent:
        return
    # A queue younger than the window is measured over its own age (at least a day).
    days = max(1.0, min(PACE_WINDOW_DAYS, (now - first).total_seconds() / 86400))
    progress.pace_per_day = recent / days
    if progress.remaining_slots == 0:
        progress.expected_completion = now.date()
    else:
        progress.expected_completion = (
            now + timedelta(days=progress.remaining_slots / progress.pace_per_day)).date()


def _lists(progress: QueueProgress, now: datetime) -> None:
    base = select(Assignment).options(selectinload(Assignment.reviewer),
                                      selectinload(Assignment.article))
    queue_id = progress.queue.id
    progress.active = db.session.scalars(
        base.where(Assignment.queue_id == queue_id, Assignment.status == Status.ACTIVE)
        .order_by(Assignment.lease_expires_at)).all()
    progress.stale = [a for a in progress.active
                      if a.lease_expires_at is not None and a.lease_expires_at < now]
    progress.submitted = db.session.scalars(
        base.where(Assignment.queue_id == queue_id, Assignment.status == Status.SUBMITTED)
        .order_by(Assignment.submitted_at.desc(), Assignment.id.desc())
        .limit(SUBMITTED_SHOWN)).all()
    progress.skips = db.session.scalars(
        base.where(Assignment.queue_id == queue_id, Assignment.status == Status.SKIPPED)
        .order_by(Assignment.updated_at.desc()).limit(200)).all()


def all_queues() -> list[tuple[Queue, QueueProgress]]:
    """Return every queue with its progress counts, open ones first."""
    order = case((Queue.status == "open", 0), (Queue.status == "paused", 1), else_=2)
    queues = db.session.scalars(select(Queue).order_by(order, Queue.name)).all()
    return [(q, queue_progress(q, reviewers=False, lists=False)) for q in queues]


def queue_choices() -> list[tuple[int, str]]:
    """Return every queue as (id, name), by name."""
    return [tuple(q) for q in db.session.execute(select(Queue.id, Queue.name)
                                                .order_by(Queue.name))]


def queue_articles(queue_id: int, page: int, per_page: int) -> Pagination:
    """Return one page of a queue's articles with their counters, in hand-out date order."""
    return db.paginate(
        select(QueueArticle).options(selectinload(QueueArticle.article))
        .where(QueueArticle.queue_id == queue_id)
        .order_by(QueueArticle.sort_date, QueueArticle.article_id),
        page=page, per_page=per_page, error_out=False)


def own_assignments(user_id: int, limit: int = 500) -> list[Assignment]:
    """Return a reviewer's assignments in every queue, latest first, with article and queue."""
    return list(db.session.scalars(
        select(Assignment).options(selectinload(Assignment.article), selectinload(Assignment.queue))
        .where(Assignment.reviewer_id == user_id)
        .order_by(Assignment.updated_at.desc()).limit(limit)))


@dataclass
class QueueSummary:
    """A queue as one reviewer sees it on their home page."""

    id: int
    name: str
    description: str
    status: str
    due_date: date | None
    overlap: int
    lease_minutes: int
    articles: int
    submitted_slots: int
    my_submitted: int
    my_in_progress: int
    my_skipped: int
    active_assignment_id: int | None
    has_work: bool

    @property
    def total_slots(self) -> int:
        return self.articles * self.overlap

    @property
    def completion(self) -> float:
        """Return the share of all slots (articles x overlap) that are submitted, 0..1."""
        if not self.total_slots:
            return 0.0
        return min(1.0, self.submitted_slots / self.total_slots)

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def reviewer_queues(user) -> list[QueueSummary]:
    """Return the open and paused queues the user is in the pool of, with their progress."""
    queues = db.session.scalars(
        select(Queue)
        .join(QueueReviewer, QueueReviewer.queue_id == Queue.id)
        .where(QueueReviewer.user_id == user.id, Queue.status.in_(("open", "paused")))
        .order_by(Queue.due_date.is_(None), Queue.due_date, Queue.name)
    ).all()
    if not queues:
        return []
    ids = [q.id for q in queues]
    totals = {
        queue_id: (articles, submitted or 0)
        for queue_id, articles, submitted in db.session.execute(
            select(QueueArticle.queue_id, func.count(), func.sum(QueueArticle.submitted))
            .where(QueueArticle.queue_id.in_(ids))
            .group_by(QueueArticle.queue_id)
        )
    }
    mine: dict[tuple[int, str], int] = {
        (queue_id, status): n
        for queue_id, status, n in db.session.execute(
            select(Assignment.queue_id, Assignment.status, func.count())
            .where(Assignment.reviewer_id == user.id, Assignment.queue_id.in_(ids))
            .group_by(Assignment.queue_id, Assignment.status)
        )
    }
    active = dict(
        db.session.execute(
            select(Assignment.queue_id, func.min(Assignment.id))
            .where(Assignment.reviewer_id == user.id, Assignment.queue_id.in_(ids),
                   Assignment.status == Status.ACTIVE)
            .group_by(Assignment.queue_id)
        ).all()
    )
    summaries = []
    for q in queues:
        articles, submitted = totals.get(q.id, (0, 0))
        has_work = q.status == "open" and (
            q.id in active or pick_article(q, user.id) is not None
        )
        summaries.append(QueueSummary(
            id=q.id, name=q.name, description=q.description or "", status=q.status,
            due_date=q.due_date, overlap=q.overlap, lease_minutes=q.lease_minutes,
            articles=articles, submitted_slots=min(submitted, articles * q.overlap),
            my_submitted=mine.get((q.id, Status.SUBMITTED), 0),
            my_in_progress=mine.get((q.id, Status.ACTIVE), 0),
            my_skipped=mine.get((q.id, Status.SKIPPED), 0),
            active_assignment_id=active.get(q.id), has_work=has_work,
        ))
    return summaries


def pick_article(queue: Queue, user_id: int) -> tuple[int, int] | None:
    """Return (queue_article id, article id) of the next free article the user never had."""
    had = exists().where(
        Assignment.queue_id == queue.id,
        Assignment.article_id == QueueArticle.article_id,
        Assignment.reviewer_id == user_id,
    )
    stmt = select(QueueArticle.id, QueueArticle.article_id).where(
        QueueArticle.queue_id == queue.id, QueueArticle.taken < queue.overlap, ~had
    )
    # Each order matches an index of queue_articles, so this walks it and stops early.
    if queue.ordering == "oldest":
        stmt = stmt.order_by(QueueArticle.sort_date.asc(), QueueArticle.article_id.asc())
    elif queue.ordering == "newest":
        stmt = stmt.order_by(QueueArticle.sort_date.desc(), QueueArticle.article_id.desc())
    elif queue.ordering == "random":
        stmt = stmt.order_by(QueueArticle.sort_key, QueueArticle.id)
    else:  # fewest reviews first: breadth before depth
        stmt = stmt.order_by(QueueArticle.submitted, QueueArticle.taken, QueueArticle.id)
    row = db.session.execute(stmt.limit(1)).first()
    return (row[0], row[1]) if row else None


def pool(queue_id: int) -> list[User]:
    """Return the queue's reviewers by username."""
    return db.session.scalars(
        select(User).join(QueueReviewer, QueueReviewer.user_id == User.id)
        .where(QueueReviewer.queue_id == queue_id).order_by(User.username)).all()


def find_queue(name_or_id: str) -> Queue | None:
    """Return the queue with this name (or numeric id)."""
    queue = db.session.scalar(select(Queue).where(Queue.name == name_or_id))
    if queue is None and name_or_id.isdigit():
        queue = db.session.get(Queue, int(name_or_id))
    return queue


def users_by_name(usernames: list[str]) -> list[User]:
    """Return the users named, raising QueueError for unknown names."""
    names = [n.strip().lower() for n in usernames if n.strip()]
    users = db.session.scalars(select(User).where(User.username.in_(names))).all()
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise QueueError("No user named " + ", ".join(missing) + ".")
    return list(users)
