"""The HTTP API's figures: a label save through the API beside the web's save, the annotations
exports (JSON Lines, CSV) through the API and the web in rows/s, and the agreement overview
over a million labels (200 and 304 from its ETag).

1. Label saves: a fresh SQLite database (bench_load.build: two reviewers, a queue of synthetic
   articles), gunicorn started exactly as `make serve` runs it (bench_load.start_gunicorn).
   One reviewer saves labels as the page does (a JSON POST with X-CSRFToken, the session
   cookie), the other through PUT /api/v1/assignments/<id>/labels/<unit> with a token; each
   over one keep-alive connection, the two alternating, so both see the same machine. Prints
   median and p95 of each and the API's median over the web's.
2. and 3. On bench_exports' corpus (20,000 articles x 10 sentences x 5 reviewers = 1,000,000
   submitted labels, statistics stored), in this process through the test client with a lead
   token: GET /api/v1/exports/annotations.jsonl and .csv streamed to the end (rows/s, rows
   per CPU second, and whether the API's bytes are the web's), and GET /api/v1/agreement
   (median of a few) then the same with If-None-Match (median of 50); beside each, the web's
   own export and overview page through the same client (a lead's session), so both are
   taken under the same load.

Prints figures; asserts no time. The machine may be shared: figures are taken under its load.

    .venv/bin/python bench/bench_api.py [--saves 300] [--articles 20000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_exports  # noqa: E402
import bench_load  # noqa: E402

from annotator import create_app  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _token(url: str, username: str) -> str:
    from sqlalchemy import select

    from annotator.auth.tokens import create_token
    from annotator.extensions import db
    from annotator.models import User

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        secret = create_token(user, "bench").secret
        db.engine.dispose()
    return secret


def _web_reviewer(port: int, username: str, queue_id: int):
    """Log in through the form, take an article; return the client, CSRF token, units, url."""
    web = bench_load.Client(port)
    _, _, page, _ = web.request("GET", "/auth/login")
    form = {"csrf_token": bench_load.csrf_token(page), "username": username,
            "password": bench_load.PASSWORD}
    from urllib.parse import urlencode

    status, _, _, _ = web.request("POST", "/auth/login", urlencode(form).encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 302, status
    _, _, home, _ = web.request("GET", "/")
    status, location, _, _ = web.request(
        "POST", f"/annotations/queues/{queue_id}/next",
        urlencode({"csrf_token": bench_load.csrf_token(home)}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"})
    assignment = bench_load.ASSIGNMENT_RE.match(location).group(1)
    _, _, page, _ = web.request("GET", f"/annotations/{assignment}")
    units = [int(u) for u, _ in bench_load.UNIT_RE.findall(page)]
    return web, bench_load.csrf_token(page), units, f"/annotations/{assignment}/labels"


def _api_reviewer(port: int, token: str, queue_id: int):
    api = bench_load.Client(port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    status, _, body, _ = api.request("POST", f"/api/v1/queues/{queue_id}/next", b"", headers)
    assert status == 200, body
    assignment = json.loads(body)["assignment"]["id"]
    _, _, body, _ = api.request("GET", f"/api/v1/assignments/{assignment}", None, headers)
    units = [s["id"] for s in json.loads(body)["sentences"]]
    return api, headers, units, f"/api/v1/assignments/{assignment}/labels"


def label_saves(saves: int) -> None:
    """Alternate web and API label saves against gunicorn; print median and p95 of each."""
    labels = ("fact", "claim", "opinion", "prediction")
    with tempfile.TemporaryDirectory(prefix="bench_api_") as tmp_name:
        tmp = Path(tmp_name)
        url = f"sqlite:///{tmp / 'api.db'}"
        # Three reviewers: the queue's overlap (bench_load.OVERLAP) needs a pool that large;
        # two of them save.
        built = bench_load.build(url, tmp, bench_load.OVERLAP, 4)
        web_user, api_user = built["usernames"][:2]
        token = _token(url, api_user)
        env = dict(os.environ, ANNOTATOR_ENV="production", SECRET_KEY=secrets.token_urlsafe(48),
                   DATABASE_URL=url, SESSION_COOKIE_SECURE="0", ANNOTATOR_INSTANCE_PATH=tmp_name,
                   FLASK_APP="wsgi.py")
        proc, port = bench_load.start_gunicorn(env, tmp)
        try:
            web, csrf, web_units, web_path = _web_reviewer(port, web_user, built["queue_id"])
            api, headers, api_units, api_path = _api_reviewer(port, token, built["queue_id"])
            times: dict[str, list[float]] = {"web": [], "api": []}
            failed = 0
            for i in range(saves + 20):  # the first 20 of each warm up
                label = labels[i % 4]
                unit = web_units[i % len(web_units)]
                status, _, _, took = web.request(
                    "POST", web_path, json.dumps({"unit_id": unit, "label": label}).encode(),
                    {"Content-Type": "application/json", "X-CSRFToken": csrf})
                failed += status != 200
                if i >= 20:
                    times["web"].append(took * 1000)
                unit = api_units[i % len(api_units)]
                status, _, _, took = api.request(
                    "PUT", f"{api_path}/{unit}", json.dumps({"label": label}).encode(), headers)
                failed += status != 200
                if i >= 20:
                    times["api"].append(took * 1000)
        finally:
            bench_load.stop_gunicorn(proc)
    web_median, api_median = statistics.median(times["web"]), statistics.median(times["api"])
    print(f"label save, gunicorn (make serve's options), SQLite, {saves} each, keep-alive, "
          f"alternating; {failed} failed")
    for name in ("web", "api"):
        print(f"  {name}: median {statistics.median(times[name]):.2f} ms, "
              f"p95 {pct(times[name], 0.95):.2f} ms")
    print(f"  API / web median: {api_median / web_median:.2f} (target <= 1.20)")


def _stream(client, url: str, headers: dict) -> tuple[int, float, float, int]:
    """Stream a download to its end; return its lines, seconds, CPU seconds and a CRC-32.

    The CRC leaves out a JSON Lines file's first line (its _meta says when it was made).
    """
    began, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, headers=headers, buffered=False)
    rows = 0
    crc = 0
    first = url.endswith(".jsonl")
    for chunk in response.response:
        chunk = chunk if isinstance(chunk, bytes) else chunk.encode()
        if first:
            chunk, first = chunk.split(b"\n", 1)[1], False
            rows += 1
        rows += chunk.count(b"\n")
        crc = zlib.crc32(chunk, crc)
    response.close()
    return rows, time.perf_counter() - began, time.process_time() - cpu, crc


def _median_ms(client, url: str, headers: dict, n: int) -> float:
    wall = []
    for _ in range(n):
        began = time.perf_counter()
        client.get(url, headers=headers)
        wall.append((time.perf_counter() - began) * 1000)
    return statistics.median(wall)


def corpus_figures(n_articles: int, keep: str | None, export: bool = True) -> None:
    """Export rows/s through the API and the overview's 200 and 304 on the million labels."""
    with tempfile.TemporaryDirectory(prefix="bench_api_corpus_") as tmp_name:
        folder = Path(keep or tmp_name)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"exports-{n_articles}.db"
        if not path.exists():
            began = time.perf_counter()
            labels = bench_exports.build(path, n_articles)
            print(f"corpus: {labels:,} submitted labels built in "
                  f"{time.perf_counter() - began:.0f} s")
        # Work on a copy brought to this checkout's newest migration: the kept corpus is
        # shared with other checkouts, whose migrations may differ.
        work = Path(tmp_name) / ("work-" + path.name)
        for suffix in ("", "-wal"):
            if Path(f"{path}{suffix}").exists():
                shutil.copyfile(f"{path}{suffix}", f"{work}{suffix}")
        url = f"sqlite:///{work}"
        from flask_migrate import upgrade
        from sqlalchemy import delete, func, select

        from annotator.auth.services import authenticate, create_user
        from annotator.auth.tokens import create_token
        from annotator.database import write_transaction
        from annotator.extensions import db
        from annotator.models import Annotation, FiguresCache, User

        app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url,
                          "SECRET_KEY": bench_exports.SECRET})
        # As wsgi.py does for the served app: the objects built so far leave the cyclic
        # collector's sight (a full collection over them took about 80 ms).
        gc.collect()
        gc.freeze()
        with app.app_context():
            upgrade()
            lead = db.session.scalar(select(User).where(User.username == "bench-api-lead"))
            if lead is None:
                lead, _ = create_user("bench-api-lead", "lead", "bench-api-password")
            headers = {"Authorization": f"Bearer {create_token(lead, 'bench').secret}"}
            client = app.test_client()

            web = app.test_client()
            login = authenticate("bench-api-lead", "bench-api-password", "127.0.0.1")
            with web.session_transaction() as session:
                session["_user_id"] = login.user.get_id()
                session["_fresh"] = True

            # Every annotation export format through both doors, one after the other, so
            # each pair is taken under the same load.
            for fmt in ("jsonl", "csv") if export else ():
                digests = []
                for name, door, url, extra in (
                        ("API", client, f"/api/v1/exports/annotations.{fmt}", headers),
                        ("web", web, f"/exports/annotations.{fmt}", {})):
                    rows, seconds, cpu, digest = _stream(door, url, extra)
                    digests.append(digest)
                    print(f"export annotations.{fmt} through the {name}: {rows:,} lines in "
                          f"{seconds:.1f} s = {rows / seconds:,.0f} rows/s (target >= 100,000; "
                          f"{rows / cpu:,.0f} per CPU second), load average "
                          f"{os.getloadavg()[0]:.1f}", flush=True)
                same = "the same bytes" if digests[0] == digests[1] else "DIFFERENT bytes"
                print(f"  annotations.{fmt}: API and web gave {same}", flush=True)

            def cold(door, url: str, extra: dict) -> float:
                """Median of 5 with the figures cache emptied before each (uncached path)."""
                wall = []
                for _ in range(5):
                    with write_transaction():
                        db.session.execute(delete(FiguresCache))
                    began = time.perf_counter()
                    door.get(url, headers=extra)
                    wall.append((time.perf_counter() - began) * 1000)
                return statistics.median(wall)

            api_cold, web_cold = (cold(client, "/api/v1/agreement", headers),
                                  cold(web, "/agreement/", {}))
            client.get("/api/v1/agreement", headers=headers)  # stores the figures
            api_ms = _median_ms(client, "/api/v1/agreement", headers, 5)
            web_ms = _median_ms(web, "/agreement/", {}, 5)
            tag = client.get("/api/v1/agreement", headers=headers).headers["ETag"]
            cached_ms = _median_ms(client, "/api/v1/agreement",
                                   {**headers, "If-None-Match": tag}, 50)
            status = client.get("/api/v1/agreement",
                                headers={**headers, "If-None-Match": tag}).status_code
            labels = db.session.scalar(select(func.count()).select_from(Annotation))
            print(f"agreement overview, {labels:,} labels (target < 200 ms): uncached (figures "
                  f"cache emptied before each) API median {api_cold:.0f} ms, web overview page "
                  f"{web_cold:.0f} ms; cached figures API {api_ms:.1f} ms, web page "
                  f"{web_ms:.1f} ms; {status} from its ETag median {cached_ms:.2f} ms "
                  f"(target < 5); load average {os.getloadavg()[0]:.1f}")
            db.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--keep", help="directory to keep (and reuse) the corpus in")
    parser.add_argument("--skip-saves", action="store_true",
                        help="leave out the label saves (part 1), e.g. while iterating")
    parser.add_argument("--skip-export", action="store_true",
                        help="leave out the annotations export (part 2)")
    args = parser.parse_args(argv if argv is not None else [])
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine)")
    if not args.skip_saves:
        label_saves(args.saves)
    corpus_figures(args.articles, args.keep, export=not args.skip_export)


if __name__ == "__main__":
    main(sys.argv[1:])
