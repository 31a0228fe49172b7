"""Time "next article" (queues.services.take_next) with a big queue and a long history.

Builds 100,000 articles in one queue and 50 reviewers' history (overlap 3, the front of
the queue done) on SQLite (a temp file) and on PostgreSQL (a throwaway database, dropped
after), then times take_next server-side for every queue order and prints median and
p95 per backend. It prints figures; it asserts nothing about time.

    .venv/bin/python bench/bench_next_article.py [--articles N] [--samples N] [--backend sqlite]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text, update  # noqa: E402

from annotator import create_app  # noqa: E402
from annotator.extensions import db  # noqa: E402
from annotator.models import (  # noqa: E402
    Article,
    Assignment,
    Outlet,
    Queue,
    QueueArticle,
    QueueReviewer,
    User,
)

PG_SERVER = os.environ.get("ANNOTATOR_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/")
ORDERS = ("oldest", "newest", "random", "fewest")
CHUNK = 5000


def build(n_articles: int, n_reviewers: int, history: int, overlap: int = 3) -> tuple[int, list]:
    """Fill the database: articles, one queue holding them all, reviewers and their history."""
    rng = random.Random(7)
    db.session.execute(insert(Outlet), [{"id": i, "name": f"Outlet {i}"} for i in range(1, 21)])
    start = datetime(2020, 1, 1)
    for lo in range(0, n_articles, CHUNK):
        db.session.execute(insert(Article), [
            {"id": i + 1, "outlet_id": i % 20 + 1, "title": f"Article {i}",
             "published_at": start + timedelta(minutes=7 * i) if i % 50 else None,
             "text": f"Body of article {i}.", "created_at": start,
             "text_hash": hashlib.sha256(str(i).encode()).hexdigest()}
            for i in range(lo, min(lo + CHUNK, n_articles))
        ])
    db.session.execute(insert(User), [
        {"id": i, "username": f"bench{i}", "role": "reviewer", "password_hash": "x",
         "session_token": uuid.uuid4().hex} for i in range(1, n_reviewers + 1)
    ])
    queue = Queue(name="bench", overlap=overlap, ordering="oldest", lease_minutes=120)
    db.session.add(queue)
    db.session.flush()
    db.session.execute(insert(QueueReviewer), [
        {"queue_id": queue.id, "user_id": i} for i in range(1, n_reviewers + 1)])
    # History: the oldest articles are done, each by `overlap` different reviewers.
    done_articles = n_reviewers * history // overlap
    counts = {}
    rows = []
    for k in range(done_articles * overlap):
        article_id = k // overlap + 1
        reviewer_id = (k % n_reviewers) + 1
        rows.append({"queue_id": queue.id, "article_id": article_id, "reviewer_id": reviewer_id,
                     "status": "submitted", "started_at": start, "updated_at": start,
                     "submitted_at": start})
        counts[article_id] = counts.get(article_id, 0) + 1
    for lo in range(0, len(rows), CHUNK):
        db.session.execute(insert(Assignment), rows[lo:lo + CHUNK])
    for lo in range(0, n_articles, CHUNK):
        db.session.execute(insert(QueueArticle), [
            {"queue_id": queue.id, "article_id": i, "sort_key": rng.random(),
             "taken": counts.get(i, 0), "submitted": counts.get(i, 0), "added_at": start,
             "sort_date": start + timedelta(minutes=7 * (i - 1)) if (i - 1) % 50 else start}
            for i in range(lo + 1, min(lo + CHUNK, n_articles) + 1)
        ])
    db.session.commit()
    return queue.id, list(range(1, n_reviewers + 1))


def time_take_next(queue_id: int, reviewer_ids: list[int], samples: int) -> list[float]:
    """Time take_next for reviewers in turn; submit each assignment outside the timing."""
    from annotator.queues import services

    users = [db.session.get(User, i) for i in reviewer_ids]
    times = []
    for k in range(samples):
        user = users[k % len(users)]
        started = time.perf_counter()
        assignment = services.take_next(user, queue_id)
        times.append((time.perf_counter() - started) * 1000)
        if assignment is None:
            raise RuntimeError("the queue ran dry: raise --articles")
        assignment.submit()
        db.session.commit()
    return times


def run_backend(name: str, url: str, args) -> None:
    """Build and time one backend, printing one line per queue order."""
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        began = time.perf_counter()
        upgrade()
        queue_id, reviewers = build(args.articles, args.reviewers, args.history)
        db.session.execute(text("ANALYZE"))  # fresh planner statistics, as autovacuum would
        db.session.commit()
        print(f"{name}: built {args.articles:,} articles, {args.reviewers} reviewers "
              f"x {args.history} submitted in {time.perf_counter() - began:.1f} s", flush=True)
        for order in ORDERS:
            db.session.execute(update(Queue).where(Queue.id == queue_id).values(ordering=order))
            db.session.commit()
            time_take_next(queue_id, reviewers, 5)  # warm caches
            times = sorted(time_take_next(queue_id, reviewers, args.samples))
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            median = statistics.median(times)
            print(f"  {name:<10} order={order:<7} take_next median {median:6.2f} ms"
                  f"  p95 {p95:6.2f} ms  (n={len(times)})", flush=True)
        db.session.remove()
        db.engine.dispose()


def _with_sqlite(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite", args)


def _with_postgresql(args) -> None:
    server = create_engine(PG_SERVER + "postgres", isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # no server: say so and carry on
        print(f"postgresql: skipped ({type(exc).__name__}: {str(exc).splitlines()[0]})")
        return
    name = f"annotator_bench_{uuid.uuid4().hex[:10]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run_backend("postgresql", PG_SERVER + name, args)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def main(argv: list[str] | None = None) -> None:
    """Run the bench on each backend and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--history", type=int, default=200,
                        help="submitted articles per reviewer before timing")
    parser.add_argument("--samples", type=int, default=200, help="timed calls per order")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args(argv if argv is not None else [])
    print(f"take_next with {args.articles:,} articles in the queue, overlap 3, "
          f"{args.reviewers} reviewers with {args.history} submitted each")
    if args.backend in ("sqlite", "both"):
        _with_sqlite(args)
    if args.backend in ("postgresql", "both"):
        _with_postgresql(args)


if __name__ == "__main__":
    main(sys.argv[1:])
