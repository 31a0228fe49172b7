"""Time the outlet comparison, track records, the due list and the ClaimReview export.

Builds the reports bench's corpus (20,000 articles x 10 sentences x 5 reviewers: 1,000,000
submitted labels, 200 outlets; bench_reports.build), rebuilds the stored per-article
statistics, then writes 20,000 verdicts (16,000 published) and 4,000 predictions (half
resolved) straight into the file. It prints the server time of the comparison page (6 and
12 outlets), an outlet profile, the verdict list and the due list through the test client,
the track records of all 200 outlets, and the ClaimReview export. It asserts nothing.

    .venv/bin/python bench/bench_verdicts.py [--articles 20000] [--requests 7] [--keep FILE]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_reports import PER_ARTICLE, SENTENCES, STAMP, _app, build  # noqa: E402

from annotator.extensions import db  # noqa: E402
from annotator.models.auth import UserSession  # noqa: E402
from annotator.vocabulary import DEFAULT_RATINGS, OUTCOMES  # noqa: E402

N_VERDICTS, N_PREDICTIONS, N_SOURCES = 20_000, 4_000, 50_000
STANCES = ("supports", "contradicts", "context")


def _median_ms(client, url: str, n: int) -> tuple[float, float, int]:
    """Return the median wall and CPU ms of n requests (the body read), and the last status."""
    wall, cpu, status = [], [], 0
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        response.get_data()
        response.close()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        status = response.status_code
    return statistics.median(wall), statistics.median(cpu), status


def add_sources(path: str, n_articles: int, seed: int = 9) -> float:
    """Link N_SOURCES sources to random labels of submitted work; return seconds."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    con = sqlite3.connect(path)
    cur = con.cursor()
    if cur.execute("SELECT count(*) FROM source_links").fetchone()[0]:
        con.close()
        return 0.0
    article = rng.integers(1, n_articles + 1, size=N_SOURCES)
    position = rng.integers(0, SENTENCES, size=N_SOURCES)
    slot = rng.integers(0, PER_ARTICLE, size=N_SOURCES)
    stance = rng.choice(len(STANCES), size=N_SOURCES, p=(0.6, 0.25, 0.15))
    cur.executemany(
        "INSERT INTO source_links (assignment_id, unit_id, url, domain, stance, created_at,"
        " updated_at) VALUES (?,?,?,?,?,?,?)",
        ((int((a - 1) * PER_ARTICLE + k + 1), int(a * SENTENCES + p - SENTENCES + 1),
          f"https://source{int(a) % 300}.example/{i}", f"source{int(a) % 300}.example",
          STANCES[int(s)], STAMP, STAMP)
         for i, (a, p, k, s) in enumerate(zip(article, position, slot, stance, strict=True))))
    con.commit()
    con.close()
    return time.perf_counter() - started


def add_checks(path: str, n_articles: int, seed: int = 5) -> float:
    """Write the scale, verdicts (4 in 5 published) and predictions; return seconds."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    cur = con.cursor()
    cur.executemany(
        "INSERT INTO verdict_ratings (id, position, name, score, counts_false) VALUES (?,?,?,?,?)",
        [(i, i, name, score, int(false))
         for i, (name, score, false) in enumerate(DEFAULT_RATINGS, start=1)])
    outlets = dict(cur.execute("SELECT id, outlet_id FROM articles").fetchall())
    lead = cur.execute("SELECT id FROM users WHERE username = 'bench-lead'").fetchone()[0]
    units = rng.choice(n_articles * SENTENCES, size=N_VERDICTS + N_PREDICTIONS, replace=False) + 1
    article_of = (units - 1) // SENTENCES + 1
    ratings = rng.choice(len(DEFAULT_RATINGS), size=N_VERDICTS,
                         p=(0.25, 0.2, 0.2, 0.15, 0.15, 0.05)) + 1
    published = rng.random(N_VERDICTS) < 0.8
    cur.executemany(
        "INSERT INTO verdicts (id, unit_id, article_id, outlet_id, rating_id, rationale, status,"
        " author_id, editor_id, published_by_id, published_at, version, created_at, updated_at)"
        " VALUES (?,?,?,?,?,'',?,?,?,?,?,1,?,?)",
        ((i + 1, int(units[i]), int(article_of[i]), outlets[int(article_of[i])], int(ratings[i]),
          "published" if published[i] else "draft", lead, lead,
          lead if published[i] else None, STAMP if published[i] else None, STAMP, STAMP)
         for i in range(N_VERDICTS)))
    days = rng.integers(0, 900, size=N_PREDICTIONS)
    outcome = rng.choice(len(OUTCOMES), size=N_PREDICTIONS)
    resolved = rng.random(N_PREDICTIONS) < 0.5
    cur.executemany(
        "INSERT INTO predictions (id, unit_id, article_id, outlet_id, resolves_by, outcome,"
        " outcome_note, scheduled_by_id, version, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,'',?,1,?,?)",
        ((j + 1, int(units[N_VERDICTS + j]), int(article_of[N_VERDICTS + j]),
          outlets[int(article_of[N_VERDICTS + j])],
          str(np.datetime64("2023-03-01") + int(days[j])),
          OUTCOMES[int(outcome[j])] if resolved[j] else None, lead, STAMP, STAMP)
         for j in range(N_PREDICTIONS)))
    con.commit()
    con.close()
    return time.perf_counter() - started


def measure(path: str, requests: int) -> None:
    from annotator.agreement.services import recompute_all
    from annotator.exports.claimreview import claimreview_export, desk_from
    from annotator.models import User
    from annotator.verdicts.served import track_records
    from annotator.verdicts.track import SampleRule

    app = _app(f"sqlite:///{path}")
    with app.app_context():
        if not db.session.execute(db.text("SELECT count(*) FROM agreement_article_stats")).scalar():
            result = recompute_all()
            print(f"recompute: {result.articles:,} articles in {result.seconds:.1f} s")
        lead = db.session.scalar(db.select(User).where(User.username == "bench-lead"))
        login = UserSession(user_id=lead.id)
        db.session.add(login)
        db.session.commit()
        lead.login_session_id = login.id
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = lead.get_id()
            session["_fresh"] = True
        client.get("/outlets/compare")  # warm-up
        twelve = "&".join(f"outlet={i}" for i in range(1, 13))
        pages = [
            ("comparison, 6 outlets (default)", "/outlets/compare"),
            ("comparison, 12 outlets, sorted", f"/outlets/compare?{twelve}&sort=false&dir=desc"),
            ("comparison CSV, 12 outlets", f"/exports/outlet-comparison.csv?{twelve}"),
            ("outlet profile with track record", "/outlets/17"),
            ("verdict list", "/verdicts/"),
            ("due list (and the nav count)", "/verdicts/predictions/due"),
        ]
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for name, url in pages:
            wall, cpu, status = _median_ms(client, url, requests)
            print(f"{name:36s} median {wall:6.1f} ms wall, {cpu:6.1f} ms CPU"
                  f" over {requests} requests (HTTP {status})")
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            records = track_records(None, SampleRule(), date(2026, 1, 1))
            timings.append((time.perf_counter() - started) * 1000)
        print(f"{'track records, all outlets':36s} median {sorted(timings)[len(timings) // 2]:6.1f}"
              f" ms ({len(records)} outlets)")
        started = time.perf_counter()
        download = claimreview_export("jsonl", desk_from(app.config))
        size = sum(len(chunk) for chunk in download.chunks)
        print(f"{'ClaimReview JSONL export':36s} {(time.perf_counter() - started) * 1000:8.1f} ms"
              f" ({size / 1e6:.1f} MB)")
        db.engine.dispose()


def main(argv: list[str] | None = None) -> None:
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
            print(f"built {args.articles:,} articles, {args.articles * SENTENCES * 5:,}"
                  f" annotations in {seconds:.1f} s")
            print(f"added {N_VERDICTS:,} verdicts, {N_PREDICTIONS:,} predictions in"
                  f" {add_checks(path, args.articles):.1f} s")
        print(f"source links: {N_SOURCES:,} ({add_sources(path, args.articles):.1f} s to add)")
        measure(path, args.requests)


if __name__ == "__main__":
    main(sys.argv[1:])
