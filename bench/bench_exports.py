"""Benchmark the streamed exports: 1,000,000 labels to JSON Lines in constant memory.

Builds, once, a SQLite file with the issue's corpus shape (20,000 articles x 10 sentences x
5 reviewers out of 50 = 1,000,000 submitted labels, 200 outlets, a source on about one label
in ten) with bulk inserts, then runs each export in a fresh child process that writes the
file to disk and reports rows, seconds and its own peak RSS (VmHWM, which starts afresh at
exec), so the figure is the export's alone and not the data build's. A last child runs the
JSONL export under tracemalloc for the Python heap's peak. Prints figures; asserts no time.

    .venv/bin/python bench/bench_exports.py [--articles 20000] [--keep DIR] [--only KINDS]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

LABELS = ("fact", "claim", "opinion", "prediction")
SENTENCES = 10
REVIEWERS_PER_ARTICLE = 5
REVIEWERS = 50
OUTLETS = 200
SOURCE_SHARE = 0.1
SECRET = "bench-secret-" + "k" * 40
BATCH = 20_000


def build(path: Path, n_articles: int, seed: int = 1) -> int:
    """Create the schema with the migrations and bulk-insert the corpus; return labels."""
    from flask_migrate import upgrade

    from annotator import create_app
    from annotator.extensions import db

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    rng = random.Random(seed)
    writer = corpus._Writer(rng)  # the generator's seeded sentence templates
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    now = "2024-06-01 12:00:00.000000"
    conn.executemany("INSERT INTO users (id, username, role, active, password_hash, "
                     "must_change_password, session_token, created_at) "
                     "VALUES (?, ?, 'reviewer', 1, 'x', 0, ?, ?)",
                     [(i, f"reviewer{i}", f"{i:032x}", now) for i in range(1, REVIEWERS + 1)])
    conn.executemany("INSERT INTO outlets (id, name, domain, created_at) VALUES (?, ?, ?, ?)",
                     [(i + 1, o.name, o.domain, now)
                      for i, o in enumerate(corpus.outlets(OUTLETS))])
    conn.execute("INSERT INTO queues (id, name, description, overlap, status, ordering, "
                 "lease_minutes, lock_version, created_at) "
                 "VALUES (1, 'Bench', '', 5, 'open', 'oldest', 120, 0, ?)", (now,))
    start = datetime(2023, 1, 1)
    rows: dict[str, list] = {k: [] for k in ("articles", "units", "qa", "assignments",
                                             "annotations", "sources")}
    unit_id = assignment_id = annotation_id = source_id = 0
    for article_id in range(1, n_articles + 1):
        sentences = [writer.sentence() for _ in range(SENTENCES)]
        text = "\n\n".join(sentences)
        published = (start + timedelta(minutes=rng.randrange(525_600))).isoformat(" ")
        outlet_id = rng.randrange(OUTLETS) + 1
        rows["articles"].append((article_id, outlet_id, f"Article {article_id}",
                                 f"https://bench.example/a/{article_id}", published, text,
                                 hashlib.sha256(text.encode()).hexdigest(), now))
        rows["qa"].append((1, article_id, now, rng.random(), published, 5, 5))
        offset, first_unit = 0, unit_id + 1
        for position, sentence in enumerate(sentences):
            unit_id += 1
            rows["units"].append((unit_id, article_id, position, "body", offset,
                                  offset + len(sentence), sentence))
            offset += len(sentence) + 2
        truth = rng.choices(range(4), weights=(4, 3, 1.5, 1.5), k=SENTENCES)
        for reviewer in rng.sample(range(1, REVIEWERS + 1), REVIEWERS_PER_ARTICLE):
            assignment_id += 1
            rows["assignments"].append((assignment_id, 1, article_id, reviewer, now, now,
                                        now))
            for position in range(SENTENCES):
                label = truth[position] if rng.random() < 0.8 else rng.randrange(4)
                annotation_id += 1
                rows["annotations"].append((annotation_id, assignment_id,
                                            first_unit + position, LABELS[label], now, now))
                if rng.random() < SOURCE_SHARE:
                    source_id += 1
                    domain = f"source{rng.randrange(500)}.org"
                    rows["sources"].append((source_id, assignment_id, first_unit + position,
                                            f"https://{domain}/{source_id}", domain,
                                            rng.choice(("supports", "contradicts", "context")),
                                            now, now))
        if len(rows["annotations"]) >= BATCH or article_id == n_articles:
            _flush(conn, rows)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    with app.app_context():  # the stored per-article statistics the agreement report reads
        from annotator.agreement.services import recompute_all

        recompute_all()
        db.engine.dispose()
    return annotation_id


def _flush(conn: sqlite3.Connection, rows: dict[str, list]) -> None:
    statements = {
        "articles": "INSERT INTO articles (id, outlet_id, title, url, published_at, text, "
                    "text_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        "units": "INSERT INTO units (id, article_id, position, kind, start_offset, end_offset, "
                 "text) VALUES (?, ?, ?, ?, ?, ?, ?)",
        "qa": "INSERT INTO queue_articles (queue_id, article_id, added_at, sort_key, sort_date, "
              "taken, submitted) VALUES (?, ?, ?, ?, ?, ?, ?)",
        "assignments": "INSERT INTO assignments (id, queue_id, article_id, reviewer_id, status, "
                       "started_at, updated_at, submitted_at) "
                       "VALUES (?, ?, ?, ?, 'submitted', ?, ?, ?)",
        "annotations": "INSERT INTO annotations (id, assignment_id, unit_id, label, created_at, "
                       "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        "sources": "INSERT INTO source_links (id, assignment_id, unit_id, url, domain, stance, "
                   "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    }
    for name, sql in statements.items():
        conn.executemany(sql, rows[name])
        rows[name].clear()


def run_export(path: Path, kind: str, out: Path, trace: bool) -> dict:
    """Run one export into a file (in this process) and return its figures."""
    import tracemalloc

    from annotator import create_app
    from annotator.exports import downloads, report
    from annotator.filters import ArticleFilter

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "SECRET_KEY": SECRET})
    with app.app_context():
        flt = ArticleFilter()
        download = {
            "annotations-jsonl": lambda: downloads.annotations_export(flt, "jsonl"),
            "annotations-csv": lambda: downloads.annotations_export(flt, "csv"),
            "matrix": lambda: downloads.matrix_export(flt),
            "gold": lambda: downloads.gold_export(flt),
            "report-html": lambda: report.download(flt, "html"),
        }[kind]()
        if trace:
            tracemalloc.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        lines = size = 0
        with out.open("w", encoding="utf-8") as fh:
            for chunk in download.chunks:
                lines += chunk.count("\n")
                size += len(chunk)
                fh.write(chunk)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        heap = tracemalloc.get_traced_memory()[1] if trace else None
    header = {"annotations-jsonl": 1, "report-html": lines}.get(kind)
    if header is None:  # CSV: comment lines and the header row
        with out.open(encoding="utf-8") as fh:
            header = sum(1 for line in fh if line.startswith("#")) + 1
    return {"kind": kind, "rows": lines - header, "seconds": seconds, "cpu": cpu, "chars": size,
            "peak_rss_mb": peak_rss_mb(),
            "heap_peak_mb": None if heap is None else heap / 2**20}


def labels_in(path: Path) -> int:
    """Count the labels in the bench database."""
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM annotations").fetchone()[0]


def peak_rss_mb() -> float:
    """Return this process's peak resident set size in MB.

    VmHWM belongs to the process image, so it starts afresh at exec; getrusage's ru_maxrss
    survives execve on Linux and would report the parent's peak (the data build) instead.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _child(path: Path, kind: str, workdir: Path, trace: bool = False) -> dict:
    out = workdir / f"{kind}.out"
    args = [sys.executable, __file__, "--child", kind, "--db", str(path), "--out", str(out)]
    if trace:
        args.append("--trace")
    result = subprocess.run(args, capture_output=True, text=True, check=True,
                            env={**os.environ, "ANNOTATOR_ENV": "testing"})
    out.unlink(missing_ok=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    """Build the corpus once, then time each export in its own process and print figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--keep", help="directory to keep (and reuse) the SQLite file in")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only", help="run only these exports (comma-separated)")
    args = parser.parse_args(sys.argv[1:] if __name__ == "__main__" else [])
    if args.child:
        print(json.dumps(run_export(Path(args.db), args.child, Path(args.out), args.trace)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.keep or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / f"bench-exports-{args.articles}.sqlite"
        if not path.exists():
            started = time.perf_counter()
            labels = build(path, args.articles)
            print(f"built {labels:,} submitted labels ({args.articles:,} articles x "
                  f"{SENTENCES} sentences x {REVIEWERS_PER_ARTICLE} reviewers, {OUTLETS} "
                  f"outlets) in {time.perf_counter() - started:.1f} s: "
                  f"{path.stat().st_size / 2**20:.0f} MB SQLite", flush=True)
        kinds = ("annotations-jsonl", "annotations-csv", "matrix", "gold")
        for kind in args.only.split(",") if args.only else kinds:
            r = _child(path, kind, workdir)
            print(f"{kind:18} {r['rows']:>10,} rows in {r['seconds']:6.2f} s = "
                  f"{r['rows'] / r['seconds']:>9,.0f} rows/s ({r['rows'] / r['cpu']:>9,.0f} per "
                  f"CPU second), {r['chars'] / 2**20:4.0f} MB written, peak RSS "
                  f"{r['peak_rss_mb']:4.0f} MB", flush=True)
        r = _child(path, "report-html", workdir)
        print(f"agreement report (HTML) over all {labels_in(path):,} labels: "
              f"{r['seconds']:.1f} s, {r['chars'] / 2**10:.0f} KB, peak RSS "
              f"{r['peak_rss_mb']:.0f} MB", flush=True)
        r = _child(path, "annotations-jsonl", workdir, trace=True)
        print(f"annotations-jsonl under tracemalloc: Python heap peak "
              f"{r['heap_peak_mb']:.1f} MB while writing {r['rows']:,} rows "
              f"(peak RSS {r['peak_rss_mb']:.0f} MB)")
        print("targets (issue 6): >= 100,000 rows/s and peak memory < 300 MB for 1,000,000 "
              f"labels to JSONL; load average during the run {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} CPUs (rows/s by wall clock slow down when others run)")


if __name__ == "__main__":
    main()
