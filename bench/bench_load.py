"""Load: N reviewers labelling at once through gunicorn as `make serve` runs it.

For each backend (SQLite in a temp file, PostgreSQL in a throwaway database dropped after):
migrates a fresh database, creates N reviewers with a known password through the account
service (no forced password change), imports the packaged sample article and synthetic ones
(bench/corpus.py, about 30 sentences each) into one queue with overlap 3 whose pool is every
reviewer, and starts gunicorn exactly as `make serve` does (4 gthread workers x 4 threads,
600 s timeout, access log) on 127.0.0.1 and a free port, in production mode.

Then N client threads, one keep-alive HTTP connection each, act as the page does: GET the
login page, POST the login with its CSRF token, press "Start next article" on the home page,
GET the annotation page, save a label for every sentence (one JSON POST each, with the
X-CSRFToken header, as static/js/annotate.js sends it), correct every 10th label, add a
source to every 5th sentence (the source dialog's form post, then the page reload the
browser does after its redirect), submit, and start over until the time is up or the queue
has nothing left. There is no think time: each reviewer has one request in flight at a time.

Prints labels/s, the label save latency (p50/p95/p99), errors by status, the other
requests' latencies, where the CPU went and the load average. Then it stops gunicorn and
checks the database with SQLAlchemy: every acknowledged label stored once with the last
acknowledged value, its history rows, every acknowledged source and submit, at most
`overlap` submitted assignments per article (the queue's counters true), no reviewer
given an article twice. Prints "0 lost" or what is wrong; exits non-zero if anything is.
It asserts nothing about time.

    .venv/bin/python bench/bench_load.py [--backend sqlite|postgresql|both] [--reviewers 50]
                                         [--seconds 45] [--warmup 5] [--articles N]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from annotator import create_app  # noqa: E402
from annotator.config import database_url  # noqa: E402

PG_SERVER = os.environ.get("ANNOTATOR_BENCH_PG_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/")
SAMPLE = ROOT / "annotator" / "samples" / "azerbaijan-offensive-2023-09-19.txt"
PASSWORD = "load bench password"
LABELS = ("fact", "claim", "opinion", "prediction")
STANCES = ("supports", "contradicts", "context")
OVERLAP = 3
ARTICLE_CHARS = 1900  # about 30 sentences per synthetic article
# Bounds, so every loop ends by itself whatever the server does.
REQUEST_TIMEOUT = 120.0  # seconds per request
MAX_ARTICLES_PER_REVIEWER = 10_000
MAX_FAILED_ARTICLES = 5
LOGIN_ATTEMPTS = 10  # a person retries a login that failed with a server error
SAVE_ATTEMPTS = 3  # a label save the page would retry (no answer, 5xx) is tried this often
SETTLE_SECONDS = 180  # after the deadline, how long the main thread waits for the clients

CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"'
                     r'|<input[^>]*value="([^"]+)"[^>]*name="csrf_token"')
# The workspace writes these attributes unquoted (a lean page); quoted ones match too.
UNIT_RE = re.compile(r'<li id="?u(\d+)"?(?: value="?\d+"?)?'
                     r'(?: class="?[^" >]*"?)?(?: data-l="?(\w*)"?)?>')
START_RE = re.compile(r'<form method="post" action="(/annotations/queues/\d+/next)">')
ASSIGNMENT_RE = re.compile(r"^/annotations/(\d+)(?:#.*)?$")


# --- the database ----------------------------------------------------------------------------


def build(url: str, tmp: Path, n_reviewers: int, n_articles: int) -> dict:
    """Migrate, create the reviewers, import the articles and build the queue (in process)."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from annotator.articles.services import import_paths
    from annotator.auth.services import create_user
    from annotator.extensions import db
    from annotator.models import Article, Unit, User
    from annotator.queues.services import QueueFields, add_articles, create_queue

    # Production settings (scrypt password hashes, as the server will check them).
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": secrets.token_urlsafe(48),
                      "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        names = [f"reviewer{i:03d}" for i in range(n_reviewers)]
        for name in names:
            create_user(name, "reviewer", PASSWORD)
        forced = db.session.scalar(select(func.count()).where(
            User.must_change_password.is_(True)))
        if forced:
            raise RuntimeError(f"{forced} reviewer(s) would have to change their password")
        jsonl = corpus.write_jsonl(tmp / "articles.jsonl", max(0, n_articles - 1), seed=29,
                                   size=ARTICLE_CHARS)
        for paths, outlet in (([str(SAMPLE)], "Sample outlet"), ([str(jsonl)], None)):
            report = import_paths(paths, outlet=outlet, description="load bench")
            if report.failed:
                raise RuntimeError(f"import failed: {report.failed[0].error}")
        reviewer_ids = db.session.scalars(select(User.id).where(User.username.in_(names))).all()
        queue = create_queue(QueueFields(name="Load bench", overlap=OVERLAP), reviewer_ids)
        queue_id = queue.id
        article_ids = db.session.scalars(select(Article.id)).all()
        add_articles(queue_id, article_ids=article_ids)
        units = db.session.scalar(select(func.count()).select_from(Unit))
        db.session.remove()
        db.engine.dispose()
    return {"queue_id": queue_id, "articles": len(article_ids), "units": units,
            "usernames": names}


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, tmp: Path) -> tuple[subprocess.Popen, int]:
    """Start gunicorn with `make serve`'s options on a free loopback port; wait for /health."""
    port = free_port()
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "--workers", "4",
           "--worker-class", "gthread", "--threads", "4", "--timeout", "600",
           "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "wsgi:app"]
    log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115 (closed with the temp dir)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited: " + (tmp / "gunicorn.log").read_text()[-2000:])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                if _workers_ready(proc, 4, deadline):
                    return proc, port
                break
        except OSError:
            pass
        time.sleep(0.1)
    stop_gunicorn(proc)
    raise RuntimeError("gunicorn's 4 workers were not all up within 60 s")


def _workers_ready(proc: subprocess.Popen, n: int, deadline: float) -> bool:
    """Wait until n workers have loaded the app (their CPU time has stopped growing).

    The first worker answers /health while the others may still be importing the app; a
    client connecting then stays with that worker for as long as its keep-alive lasts.
    """
    previous: dict[int, float] = {}
    while time.monotonic() < deadline:
        workers = [p for p in gunicorn_pids(proc) if p != proc.pid]
        now = {p: cpu_seconds([p]) for p in workers}
        if len(workers) >= n and all(now[p] == previous.get(p) for p in workers):
            return True
        previous = now
        time.sleep(0.5)
    return False


def stop_gunicorn(proc: subprocess.Popen) -> None:
    """Stop gunicorn (our own process, by its pid): SIGTERM, then SIGKILL after 30 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def gunicorn_pids(proc: subprocess.Popen) -> list[int]:
    """The master and its workers (the processes whose parent is the master)."""
    pids = [proc.pid]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == proc.pid:
            pids.append(int(entry.name))
    return pids


def connections_by_worker(workers: list[int], port: int) -> dict[int, int]:
    """Map each client port connected to the server to the worker that holds the socket."""
    inodes: dict[str, int] = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == port and int(remote.split(":")[1], 16):
            inodes[fields[9]] = int(remote.split(":")[1], 16)
    found = {}
    for pid in workers:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    found[inodes[target[8:-1]]] = pid
        except OSError:
            continue
    return found


def cpu_seconds(pids) -> float:
    """User plus system CPU time of processes (0 for any that is gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def machine_busy() -> float:
    """CPU seconds spent by the whole machine (all cores, not idle or iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# --- the reviewers ---------------------------------------------------------------------------


class Client:
    """One browser: a keep-alive connection to 127.0.0.1 and a cookie jar."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.last_used = 0.0
        self.local_port: int | None = None  # of the current connection, to find its worker

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, str | None, str, float]:
        """Send one request; return (status, Location, body, seconds). Status 0: no answer."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        for attempt in (1, 2):
            # gunicorn closes a keep-alive connection idle for 2 s: open a new one instead.
            if self.conn is None or time.monotonic() - self.last_used > 1.5:
                self.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=REQUEST_TIMEOUT)
                fresh = True
            else:
                fresh = False
            try:
                self.conn.request(method, path, body, headers)
                response = self.conn.getresponse()
                data = response.read().decode("utf-8", "replace")
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError) as exc:
                self.close()
                # A reused connection the server had just closed: nothing was processed.
                if not fresh and attempt == 1 and not isinstance(exc, TimeoutError):
                    continue
                return 0, None, repr(exc), time.perf_counter() - started
            except OSError as exc:  # timeouts, refused connections
                self.close()
                return 0, None, repr(exc), time.perf_counter() - started
            elapsed = time.perf_counter() - started
            self.last_used = time.monotonic()
            if self.conn.sock is not None:
                self.local_port = self.conn.sock.getsockname()[1]
            for header in response.msg.get_all("Set-Cookie") or ():
                pair = header.split(";", 1)[0]
                name, _, value = pair.partition("=")
                lowered = header.lower()
                if not value or "max-age=0" in lowered or "expires=thu, 01 jan 1970" in lowered:
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            location = response.getheader("Location")
            if location:
                location = urlsplit(location)._replace(scheme="", netloc="").geturl()
            return response.status, location, data, elapsed
        raise AssertionError("unreachable")  # pragma: no cover


def csrf_token(page: str) -> str | None:
    match = CSRF_RE.search(page)
    return (match.group(1) or match.group(2)) if match else None


class Shared:
    """What the main thread tells every reviewer: when to start and when to stop."""

    def __init__(self, n: int, seconds: float, warmup: float) -> None:
        self.seconds, self.warmup = seconds, warmup
        self.started = self.deadline = float("inf")  # set as the barrier is released
        self.logged_in = threading.Barrier(n + 1, action=self._start_clock)
        self.stop = threading.Event()

    def _start_clock(self) -> None:
        """Every reviewer has logged in (or failed to): work begins, and after the warm-up
        (templates compiled, connections open, caches filled) the measured window."""
        self.started = time.monotonic() + self.warmup
        self.deadline = self.started + self.seconds


class Reviewer(threading.Thread):
    """One reviewer in a loop: take, label every sentence, add sources, submit."""

    def __init__(self, index: int, username: str, port: int, shared: Shared) -> None:
        super().__init__(name=f"reviewer-{index}", daemon=True)
        self.username, self.shared = username, shared
        self.client = Client(port)
        self.rng = random.Random(1000 + index)
        # (status, seconds, assignment, unit, label, changed, ok, sent at (monotonic))
        self.saves: list[tuple] = []
        self.requests: list[tuple[str, int, float, float]] = []  # (kind, status, seconds, sent)
        self.sources: Counter = Counter()  # acknowledged (assignment, unit) -> how many
        self.submitted: list[int] = []
        self.taken: list[int] = []
        self.failure: str | None = None
        self.outcome = "time up"
        self.login_seconds: float | None = None

    # -- plumbing

    def _time_up(self) -> bool:
        return self.shared.stop.is_set() or time.monotonic() >= self.shared.deadline

    def _do(self, kind: str, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, str | None, str]:
        sent = time.monotonic()
        status, location, data, seconds = self.client.request(method, path, body, headers)
        self.requests.append((kind, status, seconds, sent))
        return status, location, data

    def _form(self, kind: str, path: str, fields: dict) -> tuple[int, str | None, str]:
        return self._do(kind, "POST", path, urlencode(fields).encode(),
                        {"Content-Type": "application/x-www-form-urlencoded"})

    # -- the session

    def run(self) -> None:
        try:
            try:
                self._log_in()
            finally:
                self.shared.logged_in.wait()
            self._work()
        except threading.BrokenBarrierError:
            self.failure = self.failure or "the start barrier broke"
        except Exception as exc:  # report, do not hang the bench
            self.failure = f"{type(exc).__name__}: {exc}"
        finally:
            self.client.close()

    def _log_in(self) -> None:
        """Log in through the form; try again (as a person would) after a server error."""
        started = time.perf_counter()
        for attempt in range(1, LOGIN_ATTEMPTS + 1):
            status, _, page = self._do("login page", "GET", "/auth/login")
            token = csrf_token(page)
            if status == 200 and token:
                status, location, _ = self._form("login", "/auth/login", {
                    "csrf_token": token, "username": self.username, "password": PASSWORD,
                    "next": ""})
                if status == 302 and location == "/":
                    self._do("home", "GET", "/")  # the browser follows the redirect
                    self.login_seconds = time.perf_counter() - started
                    return
            if status not in (0, 500, 502, 503) or attempt == LOGIN_ATTEMPTS:
                raise RuntimeError(f"login answered {status} (attempt {attempt})")
            time.sleep(min(0.5 * attempt, 3.0))

    def _work(self) -> None:
        failed_articles = 0
        for _ in range(MAX_ARTICLES_PER_REVIEWER):
            if self._time_up():
                return
            status, _, home = self._do("home", "GET", "/")
            start = START_RE.search(home) if status == 200 else None
            if start is None:
                self.outcome = "nothing left" if status == 200 else f"home answered {status}"
                return
            if self._time_up():
                return
            status, location, _ = self._form("take", start.group(1),
                                             {"csrf_token": csrf_token(home)})
            match = ASSIGNMENT_RE.match(location or "") if status == 302 else None
            if match is None:
                if status == 302 and location == "/":
                    self.outcome = "nothing left"
                    return
                failed_articles += 1
                if failed_articles >= MAX_FAILED_ARTICLES:
                    self.outcome = f"gave up: take answered {status}"
                    return
                continue
            assignment_id = int(match.group(1))
            self.taken.append(assignment_id)
            if self._article(assignment_id):
                failed_articles = 0
            else:
                failed_articles += 1
                if failed_articles >= MAX_FAILED_ARTICLES:
                    self.outcome = "gave up after failed articles"
                    return
        self.outcome = "article limit"

    def _page(self, assignment_id: int) -> tuple[str | None, list[tuple[int, str]]]:
        status, _, page = self._do("annotation page", "GET", f"/annotations/{assignment_id}")
        if status != 200:
            return None, []
        return csrf_token(page), [(int(u), label or "") for u, label in UNIT_RE.findall(page)]

    def _article(self, assignment_id: int) -> bool:
        """Label, source and submit one article; return whether it was submitted."""
        token, units = self._page(assignment_id)
        if token is None or not units:
            return False
        for i, (unit_id, current) in enumerate(units):
            if current:  # resumed: already labelled
                continue
            if self._time_up():
                return False
            label = self.rng.choice(LABELS)
            if not self._save(assignment_id, unit_id, label, token):
                return False
            if i % 10 == 9 and not self._time_up():  # a second thought
                other = self.rng.choice([x for x in LABELS if x != label])
                if not self._save(assignment_id, unit_id, other, token):
                    return False
            if i % 5 == 4 and not self._time_up():
                token = self._add_source(assignment_id, unit_id, token) or token
        if self._time_up():
            return False
        status, location, _ = self._form("submit", f"/annotations/{assignment_id}/submit",
                                         {"csrf_token": token})
        if status == 302 and location == "/":
            self.submitted.append(assignment_id)
            return True
        return False

    def _save(self, assignment_id: int, unit_id: int, label: str, token: str) -> bool:
        """POST one label as annotate.js does; retry what the page would retry."""
        body = json.dumps({"unit_id": unit_id, "label": label}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRFToken": token}
        for attempt in range(SAVE_ATTEMPTS):
            sent = time.monotonic()
            status, _, data, seconds = self.client.request(
                "POST", f"/annotations/{assignment_id}/labels", body, headers)
            ok, changed = False, None
            if status == 200:
                try:
                    answer = json.loads(data)
                    ok = answer.get("unit_id") == unit_id and answer.get("label") == label
                    changed = bool(answer.get("changed"))
                except ValueError:
                    ok = False
            self.saves.append((status, seconds, assignment_id, unit_id, label, changed, ok,
                               sent))
            if ok:
                return True
            if status in (400, 403, 404, 409) or self._time_up():
                return False  # the page gives up on these too
            time.sleep(0.2 * (attempt + 1))
        return False

    def _add_source(self, assignment_id: int, unit_id: int, token: str) -> str | None:
        """Post the source dialog's form; follow the redirect as the browser does."""
        n = self.rng.randrange(10**6)
        path = f"/annotations/{assignment_id}/sources/new"
        status, location, _ = self._form("add source", path, {
            "csrf_token": token, "unit_id": unit_id,
            "url": f"https://www.example-wire.org/2023/09/report-{n}?utm_source=x",
            "stance": self.rng.choice(STANCES), "title": f"Wire report {n}",
            "note": "Checked against the <b>original</b> statement."})
        if status == 302 and (location or "").startswith(f"/annotations/{assignment_id}"):
            self.sources[(assignment_id, unit_id)] += 1
            page_token, _ = self._page(assignment_id)
            return page_token
        return None


# --- the figures -----------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile of seconds, in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered))) - 1))] * 1000


def load_text() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def pg_backend_pids(engine, name: str) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :d"),
                                 {"d": name}).scalars())


def run_load(port: int, usernames: list[str], args, proc: subprocess.Popen,
             pg: tuple | None) -> dict:
    """Log every reviewer in, let them work through the warm-up and the measured window."""
    shared = Shared(len(usernames), args.seconds, args.warmup)
    reviewers = [Reviewer(i, name, port, shared) for i, name in enumerate(usernames)]
    login_started = time.monotonic()
    for r in reviewers:
        r.start()
    try:
        shared.logged_in.wait(timeout=300)
    except threading.BrokenBarrierError:
        shared.stop.set()
    if shared.started == float("inf"):  # the barrier broke: nobody works, the window is empty
        shared.started = shared.deadline = time.monotonic()
    login_wall = time.monotonic() - login_started
    time.sleep(max(0.0, shared.started - time.monotonic()))  # the warm-up
    workers = [p for p in gunicorn_pids(proc) if p != proc.pid]
    before = {"server": cpu_seconds(gunicorn_pids(proc)), "client": _self_cpu(),
              "workers": {p: cpu_seconds([p]) for p in workers},
              "machine": machine_busy(), "load": load_text(),
              "pg": {p: cpu_seconds([p]) for p in pg_backend_pids(*pg)} if pg else {}}
    measured_from = time.monotonic()
    client_worker = connections_by_worker(workers, port)
    hard_stop = shared.deadline + SETTLE_SECONDS
    for r in reviewers:
        r.join(timeout=max(0.1, hard_stop - time.monotonic()))
    stragglers = sum(r.is_alive() for r in reviewers)
    shared.stop.set()
    pg_after = {p: cpu_seconds([p]) for p in pg_backend_pids(*pg)} if pg else {}
    after = {"server": cpu_seconds(gunicorn_pids(proc)), "client": _self_cpu(),
             "workers": {p: cpu_seconds([p]) for p in workers},
             "machine": machine_busy(), "load": load_text()}
    pg_cpu = sum(v - before["pg"].get(p, 0.0) for p, v in pg_after.items())
    return {"reviewers": reviewers, "started": shared.started,
            "window": max(0.0, min(time.monotonic(), shared.deadline) - shared.started),
            "cpu_span": time.monotonic() - measured_from, "login_wall": login_wall,
            "stragglers": stragglers, "before": before, "after": after,
            "pg_cpu": pg_cpu if pg else None, "warmup": args.warmup,
            "worker_of": {r.username: client_worker.get(r.client.local_port) for r in reviewers},
            "workers": workers}


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def report(result: dict) -> dict:
    """Print the figures of the measured window; return every acknowledged write."""
    reviewers, started, window = result["reviewers"], result["started"], result["window"]
    saves = [s for r in reviewers for s in r.saves]
    measured = [s for s in saves if s[7] >= started]
    acked = [s for s in measured if s[6]]
    latencies = [s[1] for s in measured]
    errors = Counter(s[0] for s in measured if not s[6])
    requests = [(r.username, *q) for r in reviewers for q in r.requests]
    print(f"  load average at the start of the window {result['before']['load']}, "
          f"at its end {result['after']['load']} ({os.cpu_count()} CPUs)")
    logins = [r.login_seconds for r in reviewers if r.login_seconds is not None]
    login_errors = Counter((k, s) for _, k, s, _, _ in requests
                           if k.startswith("login") and (s >= 400 or s == 0))
    print(f"  logins: {len(logins)} of {len(reviewers)} logged in within "
          f"{result['login_wall']:.1f} s (each p50 {pct(logins, 50):.0f} ms, max "
          f"{max(logins, default=0) * 1000:.0f} ms); errors: "
          + (", ".join(f"{k} {_status(s)}: {n}" for (k, s), n in sorted(login_errors.items()))
             or "none"))
    print(f"  measured window: {window:.1f} s after a {result['warmup']:.0f} s warm-up")
    rate = len(acked) / window if window > 0 else 0.0
    print(f"  label saves: {len(acked):,} acknowledged of {len(measured):,} sent "
          f"= {rate:.1f} labels/s   [target >= 150 labels/s at 50 reviewers on PostgreSQL]")
    print(f"  save latency: p50 {pct(latencies, 50):.1f} ms, p95 {pct(latencies, 95):.1f} ms, "
          f"p99 {pct(latencies, 99):.1f} ms, max {max(latencies, default=0) * 1000:.0f} ms"
          "   [target p95 < 500 ms]")
    print("  label save errors by status: "
          + (", ".join(f"{_status(s)}: {n}" for s, n in sorted(errors.items())) or "none"))
    other_errors = Counter((k, s) for _, k, s, _, sent in requests
                           if sent >= started and not k.startswith("login")
                           and (s >= 400 or s == 0))
    print("  other errors: " + (", ".join(f"{k} {_status(s)}: {n}" for (k, s), n
                                         in sorted(other_errors.items())) or "none"))
    by_kind = defaultdict(list)
    for _, kind, _, seconds, sent in requests:
        if sent >= started and not kind.startswith("login"):
            by_kind[kind].append(seconds)
    print("  other requests (p50 / p95 ms, count): " + "; ".join(
        f"{k} {pct(v, 50):.0f} / {pct(v, 95):.0f} ({len(v)})" for k, v in by_kind.items()))
    by_worker = defaultdict(list)
    for r in reviewers:
        by_worker[result["worker_of"].get(r.username)].extend(
            s[1] for s in r.saves if s[7] >= started)
    clients = Counter(result["worker_of"].values())
    print("  keep-alive connections per worker at the window's start, and their save p50: "
          + ", ".join(f"{clients.get(w, 0)} ({pct(by_worker.get(w, []), 50):.0f} ms)"
                      for w in result["workers"])
          + (f", {clients[None]} not found" if clients.get(None) else ""))
    outcomes = Counter(r.outcome for r in reviewers if not r.failure)
    print(f"  articles: {sum(len(r.taken) for r in reviewers)} taken, "
          f"{sum(len(r.submitted) for r in reviewers)} submitted (warm-up included); "
          "reviewers ended: " + ", ".join(f"{k} {n}" for k, n in outcomes.items())
          + (f"; {result['stragglers']} still running after {SETTLE_SECONDS} s"
             if result["stragglers"] else ""))
    failures = Counter(r.failure for r in reviewers if r.failure)
    for failure, n in failures.items():
        print(f"  !! {n} reviewer(s) stopped: {failure}")
    b, a = result["before"], result["after"]
    span = result["cpu_span"]
    capacity = span * (os.cpu_count() or 1)
    server = a["server"] - b["server"]
    client = a["client"] - b["client"]
    machine = a["machine"] - b["machine"]
    pg_cpu = result["pg_cpu"]
    per_worker = " + ".join(f"{a['workers'][p] - b['workers'][p]:.1f}" for p in b["workers"])
    parts = [f"gunicorn {server:.1f} s (workers {per_worker})", f"this client {client:.1f} s"]
    if pg_cpu is not None:
        parts.append(f"postgres backends {pg_cpu:.1f} s")
    parts.append(f"everything else {machine - server - client - (pg_cpu or 0.0):.1f} s")
    print(f"  CPU over {span:.1f} s ({capacity:.0f} CPU-s available): " + ", ".join(parts)
          + f"; machine busy {100 * machine / capacity:.0f}%")
    if acked:
        ours = server + (pg_cpu or 0.0)
        print(f"  CPU per acknowledged label, every request included: gunicorn "
              f"{server / len(acked) * 1000:.1f} ms"
              + (f", gunicorn + postgres {ours / len(acked) * 1000:.1f} ms" if pg_cpu else "")
              + f" (so 2 idle cores would top out near {2 * len(acked) / ours:.0f} labels/s)")
    return {"saves": saves, "sources": sum((r.sources for r in reviewers), Counter()),
            "submitted": [a for r in reviewers for a in r.submitted],
            "failed": bool(failures) or result["stragglers"] > 0}


def _status(code: int) -> str:
    return "no answer" if code == 0 else str(code)


# --- the database check ----------------------------------------------------------------------


def check_database(url: str, queue_id: int, acked: dict) -> int:
    """Compare what the clients were told with what is stored; return the count of problems."""
    last: dict[tuple[int, int], str] = {}
    changes: Counter = Counter()
    unacked: set[tuple[int, int]] = set()
    for _, _, assignment, unit, label, changed, ok, _ in acked["saves"]:
        if ok:  # each reviewer saves in sequence: the later acknowledgement is the later save
            last[(assignment, unit)] = label
            changes[(assignment, unit)] += bool(changed)
        else:
            unacked.add((assignment, unit))
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = defaultdict(list)
        for a, u, label in conn.execute(text(
                "SELECT assignment_id, unit_id, label FROM annotations")):
            stored[(a, u)].append(label)
        history = defaultdict(list)
        for a, u, new in conn.execute(text(
                "SELECT assignment_id, unit_id, new_label FROM annotation_history ORDER BY id")):
            history[(a, u)].append(new)
        sources = Counter((a, u) for a, u in conn.execute(text(
            "SELECT assignment_id, unit_id FROM source_links")))
        statuses = dict(conn.execute(text("SELECT id, status FROM assignments")).all())
        per_article = conn.execute(text(
            "SELECT qa.article_id, qa.taken, qa.submitted,"
            " (SELECT count(*) FROM assignments a WHERE a.queue_id = qa.queue_id"
            "   AND a.article_id = qa.article_id AND a.status = 'submitted'),"
            " (SELECT count(*) FROM assignments a WHERE a.queue_id = qa.queue_id"
            "   AND a.article_id = qa.article_id AND a.status IN ('active', 'submitted'))"
            " FROM queue_articles qa WHERE qa.queue_id = :q"), {"q": queue_id}).all()
        twice = conn.execute(text(
            "SELECT count(*) FROM (SELECT article_id, reviewer_id FROM assignments"
            " WHERE queue_id = :q GROUP BY article_id, reviewer_id HAVING count(*) > 1) t"),
            {"q": queue_id}).scalar()
    engine.dispose()

    lost = sum(1 for key in last if not stored.get(key))
    duplicated = sum(1 for key in last if len(stored.get(key, ())) > 1)
    wrong = sum(1 for key, label in last.items()
                if len(stored.get(key, ())) == 1 and stored[key][0] != label)
    history_short = sum(1 for key, n in changes.items() if len(history.get(key, ())) < n)
    history_off = sum(1 for key, label in last.items()
                      if history.get(key) and history[key][-1] != label)
    stray = sum(1 for key in stored if key not in last and key not in unacked)
    sources_lost = sum(max(0, n - sources.get(key, 0)) for key, n in acked["sources"].items())
    submits_lost = sum(1 for a in acked["submitted"] if statuses.get(a) != "submitted")
    over = sum(1 for _, taken, _, sub, _ in per_article if sub > OVERLAP or taken > OVERLAP)
    counters = sum(1 for _, taken, sub_counter, sub, holding in per_article
                   if sub_counter != sub or taken != holding)
    complete = sum(1 for row in per_article if row[3] == OVERLAP)
    partial = sum(1 for row in per_article if 0 < row[3] < OVERLAP)
    problems = {
        "acknowledged labels missing": lost, "stored more than once": duplicated,
        "stored with another value than the last acknowledged": wrong,
        "history rows missing": history_short, "history ending elsewhere": history_off,
        "labels stored that nobody sent": stray,
        "acknowledged sources missing": sources_lost,
        "acknowledged submits not submitted": submits_lost,
        "articles over their overlap": over, "articles with counters off": counters,
        "reviewer given an article twice": twice,
    }
    bad = {k: v for k, v in problems.items() if v}
    print(f"  database: {len(last):,} acknowledged labels ({len(unacked)} units with an "
          f"unacknowledged save), {sum(acked['sources'].values())} sources, "
          f"{len(acked['submitted'])} submits checked; articles with {OVERLAP} of {OVERLAP} "
          f"submitted {complete}, with fewer {partial}, none over {OVERLAP}: {over == 0}")
    if bad:
        print("  !! " + ", ".join(f"{k}: {v}" for k, v in bad.items()))
    else:
        print("  0 lost")
    return sum(bad.values())


# --- one backend -----------------------------------------------------------------------------


def run_backend(name: str, url: str, args, pg: tuple | None = None) -> int:
    """Build, serve, load and check one backend; return the count of problems."""
    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp_name:
        tmp = Path(tmp_name)
        began = time.perf_counter()
        built = build(url, tmp, args.reviewers, args.articles)
        print(f"{name}: {args.reviewers} reviewers, {built['articles']} articles "
              f"({built['units']:,} sentences), overlap {OVERLAP}; built in "
              f"{time.perf_counter() - began:.1f} s", flush=True)
        env = dict(os.environ, ANNOTATOR_ENV="production", SECRET_KEY=secrets.token_urlsafe(48),
                   DATABASE_URL=url, SESSION_COOKIE_SECURE="0", ANNOTATOR_INSTANCE_PATH=tmp_name,
                   FLASK_APP="wsgi.py")
        proc, port = start_gunicorn(env, tmp)
        try:
            print(f"  gunicorn 4 gthread workers x 4 threads on 127.0.0.1:{port}; "
                  f"{args.warmup:.0f} s warm-up + {args.seconds:.0f} s measured", flush=True)
            result = run_load(port, built["usernames"], args, proc, pg)
        finally:
            stop_gunicorn(proc)
        acked = report(result)
        if acked["failed"]:
            log = (tmp / "gunicorn.log").read_text(errors="replace").splitlines()
            errors = [line for line in log if "Error" in line or "Traceback" in line]
            for line in errors[-5:]:
                print(f"  gunicorn: {line[:200]}")
        problems = check_database(url, built["queue_id"], acked)
        if args.keep_log:
            shutil.copy(tmp / "gunicorn.log", Path(args.keep_log) / f"gunicorn-{name}.log")
        return problems


def _with_sqlite(args) -> int:
    with tempfile.TemporaryDirectory(prefix="bench_load_db_") as tmp:
        return run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite", args)


def _with_postgresql(args) -> int:
    server = create_engine(PG_SERVER + "postgres", isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # no server: say so and carry on
        print(f"postgresql: skipped ({type(exc).__name__}: {str(exc).splitlines()[0]})")
        return 0
    db_name = f"annotator_bench_{uuid.uuid4().hex[:10]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    try:
        return run_backend("postgresql", database_url(PG_SERVER + db_name, ""), args,
                           pg=(server, db_name))
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        server.dispose()


class LostWrites(Exception):
    """The database does not hold what the server acknowledged."""


def main(argv: list[str] | None = None) -> None:
    """Run the load on each backend, print the figures, raise LostWrites if anything is lost."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=45.0,
                        help="length of the load after every reviewer logged in")
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="seconds of load before the measured window (not counted)")
    parser.add_argument("--articles", type=int, default=0,
                        help="articles in the queue (default: enough for the time at 500 "
                             "labels/s)")
    parser.add_argument("--keep-log", metavar="DIR", help="copy gunicorn's log there")
    args = parser.parse_args(argv if argv is not None else [])
    if args.reviewers < 1 or args.seconds <= 0:
        parser.error("--reviewers and --seconds must be positive")
    if not args.articles:  # 500 labels/s, ~33 saves per ~30-sentence article, 3 slots each
        args.articles = max(args.reviewers,
                            int((args.seconds + args.warmup) * 500 / 33 / OVERLAP) + 1)
    print(f"load: {args.reviewers} reviewers, no think time, {args.seconds:.0f} s per backend; "
          f"machine {os.cpu_count()} CPUs, load average {load_text()}", flush=True)
    problems = 0
    if args.backend in ("sqlite", "both"):
        problems += _with_sqlite(args)
    if args.backend in ("postgresql", "both"):
        problems += _with_postgresql(args)
    if problems:
        raise LostWrites(f"{problems} problem(s) in the database check")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except LostWrites as exc:
        print(f"FAILED: {exc}")
        sys.exit(1)
