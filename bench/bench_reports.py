"""Time `flask agreement recompute` and the agreement overview on a million annotations.

Writes 20,000 articles x 10 sentences x 5 reviewers (1,000,000 submitted labels, 200
outlets, 4 queues, 60 reviewers) straight into a SQLite file with multi-row executemany
inserts, then times the rebuild of every article's statistics (the service behind
`flask agreement recompute`) and the overview page's server time through the test client
(median of several requests, without and with filters), plus the article drill-down and a
reviewer page. It prints figures; it asserts nothing about time.

    .venv/bin/python bench/bench_reports.py [--articles 20000] [--requests 7] [--keep FILE]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import outlets as corpus_outlets  # noqa: E402

from annotator import create_app  # noqa: E402
from annotator.extensions import db  # noqa: E402
from annotator.models.auth import UserSession  # noqa: E402

LABELS = ("fact", "claim", "opinion", "prediction")
PREVALENCE = (0.45, 0.25, 0.20, 0.10)
N_OUTLETS, N_QUEUES, N_REVIEWERS, SENTENCES, PER_ARTICLE = 200, 4, 60, 10, 5
STAMP = "2024-06-01 12:00:00.000000"


def _app(url: str):
    return create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})


def build(path: str, n_articles: int, seed: int = 11) -> float:
    """Create the schema with the migrations, then bulk-insert the corpus; return seconds."""
    from flask_migrate import upgrade

    app = _app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        db.engine.dispose()
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    cur = con.cursor()
    cur.executemany("INSERT INTO outlets (id, name, domain, created_at) VALUES (?,?,?,?)",
                    [(i + 1, o.name, o.domain, STAMP)
                     for i, o in enumerate(corpus_outlets(N_OUTLETS))])
    users = [(i, f"reviewer{i:02d}", "reviewer") for i in range(1, N_REVIEWERS + 1)]
    users.append((N_REVIEWERS + 1, "bench-lead", "lead"))
    cur.executemany(
        "INSERT INTO users (id, username, role, active, password_hash, must_change_password,"
        " session_token, created_at) VALUES (?,?,?,1,'x',0,?,?)",
        [(i, name, role, f"{i:032x}", STAMP) for i, name, role in users])
    cur.executemany(
        "INSERT INTO queues (id, name, description, overlap, status, ordering, lease_minutes,"
        " lock_version, created_at) VALUES (?,?,'',?, 'open','oldest',120,0,?)",
        [(q + 1, f"Bench queue {q + 1}", PER_ARTICLE, STAMP) for q in range(N_QUEUES)])
    ids = np.arange(1, n_articles + 1)
    outlet = rng.integers(1, N_OUTLETS + 1, size=n_articles)
    days = rng.integers(0, 730, size=n_articles)
    published = [f"{np.datetime64('2023-01-01') + int(d)} 08:00:00.000000" for d in days]
    queue = (ids - 1) % N_QUEUES + 1
    cur.executemany(
        "INSERT INTO articles (id, outlet_id, title, published_at, text, text_hash, created_at)"
        " VALUES (?,?,?,?,?,?,?)",
        ((int(i), int(o), f"Bench article {i}", p, f"Text of article {i}.", f"{i:064x}", STAMP)
         for i, o, p in zip(ids, outlet, published, strict=True)))
    cur.executemany(
        "INSERT INTO units (id, article_id, position, kind, start_offset, end_offset, text)"
        " VALUES (?,?,?,?,0,20,'A sentence of text.')",
        ((int(a) * SENTENCES + p - SENTENCES + 1, int(a), p, "headline" if p == 0 else "body")
         for a in ids for p in range(SENTENCES)))
    cur.executemany(
        "INSERT INTO queue_articles (queue_id, article_id, added_at, sort_key, taken,"
        " submitted, sort_date) VALUES (?,?,?,0.5,?,?,?)",
        ((int(q), int(a), STAMP, PER_ARTICLE, PER_ARTICLE, p)
         for q, a, p in zip(queue, ids, published, strict=True)))
    reviewers = np.argsort(rng.random((n_articles, N_REVIEWERS)), axis=1)[:, :PER_ARTICLE] + 1
    assignment_ids = np.arange(1, n_articles * PER_ARTICLE + 1).reshape(n_articles, PER_ARTICLE)
    cur.executemany(
        "INSERT INTO assignments (id, queue_id, article_id, reviewer_id, status, started_at,"
        " updated_at, submitted_at) VALUES (?,?,?,?,'submitted',?,?,?)",
        ((int(assignment_ids[i, k]), int(queue[i]), int(ids[i]), int(reviewers[i, k]),
          STAMP, STAMP, STAMP) for i in range(n_articles) for k in range(PER_ARTICLE)))
    # Labels: a hidden reference per sentence; each reviewer is right with their own skill.
    truth = rng.choice(len(LABELS), size=(n_articles, SENTENCES), p=PREVALENCE)
    skill = rng.uniform(0.55, 0.95, size=N_REVIEWERS + 1)[reviewers]  # articles x reviewers
    right = rng.random((n_articles, SENTENCES, PER_ARTICLE)) < skill[:, None, :]
    wrong = (truth[..., None] + rng.integers(1, len(LABELS), size=right.shape)) % len(LABELS)
    label = np.where(right, truth[..., None], wrong)
    a_idx, s_idx, k_idx = (x.ravel() for x in np.indices(label.shape))
    unit_ids = (ids[a_idx] * SENTENCES + s_idx - SENTENCES + 1).tolist()
    names = np.array(LABELS)[label.ravel()].tolist()
    cur.executemany(
        "INSERT INTO annotations (assignment_id, unit_id, label, created_at, updated_at)"
        " VALUES (?,?,?,?,?)",
        zip(assignment_ids[a_idx, k_idx].tolist(), unit_ids, names,
            [STAMP] * len(names), [STAMP] * len(names), strict=True))
    con.commit()
    con.close()
    return time.perf_counter() - started


def _median_ms(client, url: str, n: int) -> tuple[float, float, int]:
    """Return the median wall and CPU milliseconds of n requests, and the last status.

    The test client serves in this process and thread, so CPU time is the server's own
    work; wall time also counts waiting for a core when the machine is busy.
    """
    wall, cpu, status = [], [], 0
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        status = response.status_code
    return statistics.median(wall), statistics.median(cpu), status


def measure(path: str, requests: int) -> None:
    """Time the rebuild and the report pages on the built database."""
    from annotator.agreement.services import recompute_all
    from annotator.models import User

    app = _app(f"sqlite:///{path}")
    with app.app_context():
        for run in (1, 2):
            started_cpu = time.process_time()
            result = recompute_all()
            print(f"recompute (run {run}): {result.articles:,} articles, {result.labels:,} labels"
                  f" in {result.seconds:.2f} s ({time.process_time() - started_cpu:.2f} s CPU)")
        size = db.session.execute(db.text(
            "SELECT sum(length(stats) + length(coder_records) + length(pair_records))"
            " FROM agreement_article_stats")).scalar()
        print(f"stored records: {size / 1e6:.1f} MB")
        lead = db.session.scalar(db.select(User).where(User.username == "bench-lead"))
        login = UserSession(user_id=lead.id)  # the session cookie names a login
        db.session.add(login)
        db.session.commit()
        lead.login_session_id = login.id
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = lead.get_id()
            session["_fresh"] = True
        client.get("/agreement/")  # warm-up: templates compiled, caches filled
        pages = [
            ("overview, no filter", "/agreement/"),
            ("overview, one outlet", "/agreement/?outlet=17"),
            ("overview, one queue", "/agreement/?queue=2"),
            ("overview, 3 months", "/agreement/?date_from=2024-01-01&date_to=2024-03-31"),
            ("overview, sorted by title, page 40", "/agreement/?sort=title&page=40"),
            ("article drill-down", "/agreement/articles/1234?queue=2"),
            ("reviewer page", "/agreement/reviewers/7"),
        ]
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for name, url in pages:
            wall, cpu, status = _median_ms(client, url, requests)
            print(f"{name:36s} median {wall:6.1f} ms wall, {cpu:6.1f} ms CPU"
                  f" over {requests} requests (HTTP {status})")
        db.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """Build the corpus in a temporary SQLite file (or --keep FILE) and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=7)
    parser.add_argument("--keep", help="build into this file and keep it")
    args = parser.parse_args(argv if argv is not None else [])
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or os.path.join(tmp, "bench.sqlite")
        if os.path.exists(path):
            print(f"using the existing {path}")
        else:
            seconds = build(path, args.articles)
            labels = args.articles * SENTENCES * PER_ARTICLE
            print(f"built {args.articles:,} articles, {labels:,} annotations in {seconds:.1f} s")
        measure(path, args.requests)


if __name__ == "__main__":
    main(sys.argv[1:])
