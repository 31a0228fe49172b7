"""Claim index at scale on PostgreSQL: the rebuild (wall time, peak memory) and `similar`.

Run: `python bench/bench_claims_pg.py [--units N] [--url postgresql+psycopg://...]`. The
units bench_claims.fill_units writes (into a scratch SQLite file) are copied into a fresh
PostgreSQL database (dropped at the end), then indexed in a child process as in
bench_claims.py. The machine is shared: figures vary with the other processes' load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _app(url: str):
    from annotator import create_app

    return create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})


def _child(url: str) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_claims import rebuild_figures

    print(json.dumps(rebuild_figures(_app(url))))


def main(n_units: int, admin_url: str) -> None:
    import tempfile

    sys.path.insert(0, str(ROOT / "bench"))
    import bench_claims

    with tempfile.TemporaryDirectory() as tmp:
        source = f"{tmp}/units.sqlite"
        with bench_claims._app(source).app_context():
            from flask_migrate import upgrade

            upgrade()
        bench_claims.fill_units(source, n_units)
        run(source, admin_url)


def run(source: str, admin_url: str) -> None:
    import bench_claims  # main put bench/ on the path
    import psycopg
    from flask_migrate import upgrade

    name = f"claims_bench_{os.getpid()}"
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    try:
        with _app(url).app_context():
            upgrade()
        lite = sqlite3.connect(source)
        started = time.perf_counter()
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as pg:
            for table, columns in (
                    ("outlets", "id, name, created_at"),
                    ("articles", "id, outlet_id, title, text, text_hash, published_at, "
                                 "created_at"),
                    ("units", "id, article_id, position, kind, start_offset, end_offset, text")):
                with pg.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in lite.execute(f"SELECT {columns} FROM {table}"):
                        copy.write_row(row)
            for table in ("outlets", "articles", "units"):
                pg.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT max(id) FROM {table}))")
        n_units = lite.execute("SELECT count(*) FROM units").fetchone()[0]
        print(f"PostgreSQL: {n_units:,} units copied in {time.perf_counter() - started:.0f} s")
        child = subprocess.run([sys.executable, __file__, "--child", url], capture_output=True,
                               text=True, check=True,
                               env={**os.environ, "ANNOTATOR_ENV": "testing"})
        r = json.loads(child.stdout.strip().splitlines()[-1])
        print(bench_claims.rebuild_line(r))
        rng = random.Random(11)
        samples = [row[0] for row in lite.execute("SELECT text FROM units WHERE id IN ({})".format(
            ",".join(str(rng.randrange(1, n_units)) for _ in range(200))))]
        with _app(url).app_context():
            times = bench_claims.similar_times(samples)
        print(f"  claims similar: median {times['median']:.1f} ms, p95 "
              f"{times['p95']:.1f} ms, max {times['max']:.1f} ms over "
              f"{times['queries']} queries (target < 50 ms); load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        from annotator.extensions import db

        with _app(url).app_context():
            db.engine.dispose()
        with psycopg.connect(plain, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    os.environ.setdefault("ANNOTATOR_ENV", "testing")
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
        raise SystemExit(0)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    main(args.units, args.url)
