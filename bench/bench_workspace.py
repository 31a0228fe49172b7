"""Time the reviewer workspace on SQLite with an article of 300 sentences.

Prints, and asserts nothing about time:
  * the server time to render the annotation page (in process, Flask test client), median
    and p95, and the SQL statements per render;
  * the page weight: HTML plus every CSS and JS file it links (raw and gzipped);
  * the label save round trip on loopback against a real server (gunicorn with one sync
    worker, and werkzeug with keep-alive) on 127.0.0.1: one client, requests in sequence,
    timed with perf_counter; plus the SQL statements per save;
  * requests per label and page loads while labelling, counted in Chromium (Playwright,
    Debian's /usr/bin/chromium) when it is installed.

    .venv/bin/python bench/bench_workspace.py [--units 300] [--renders 60] [--saves 500]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from markupsafe import escape  # noqa: E402
from sqlalchemy import event  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from annotator import create_app  # noqa: E402
from annotator.articles.parsing import parse_file  # noqa: E402
from annotator.extensions import db  # noqa: E402
from annotator.models import Article, Assignment, Outlet, Queue, QueueArticle, Unit, User  # noqa: E402
from annotator.models.auth import UserSession  # noqa: E402

PASSWORD = "bench password 300"
SECRET = "bench-secret-" + "k" * 40
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WERKZEUG_SERVER = """
import sys
from werkzeug.serving import WSGIRequestHandler, make_server
import wsgi

class Quiet(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a browser would use
    def log_request(self, *args, **kwargs):
        pass

make_server("127.0.0.1", int(sys.argv[1]), wsgi.app, request_handler=Quiet).serve_forever()
"""


SAMPLE = ROOT / "annotator" / "samples" / "azerbaijan-offensive-2023-09-19.txt"


def build(n_units: int) -> int:
    """Store one article of n_units real sentences, a reviewer and an active assignment.

    The sentences are the sample article's (about 165 bytes each on average, where the
    synthetic corpus makes 62-byte ones), repeated in order until there are n_units: the page
    weight and the per-unit markup are those of a real article of that length.
    """
    parsed = parse_file(SAMPLE.name, SAMPLE.read_bytes(), "text", outlet="Sample outlet")[0]
    body = [u for u in parsed.units if u.kind != "headline"]
    units = parsed.units[:1] + [body[i % len(body)] for i in range(n_units - 1)]
    outlet = Outlet(name="Sample outlet", domain="sample-outlet.example")
    article = Article(outlet=outlet, title=parsed.title, url="https://sample-outlet.example/a",
                      published_at=parsed.published_at, text=parsed.text,
                      text_hash=parsed.text_hash,
                      units=[Unit(position=i, kind=u.kind, start=u.start, end=u.end, text=u.text)
                             for i, u in enumerate(units)])
    reviewer = User(username="bench", role="reviewer",
                    password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
    queue = Queue(name="Bench queue", overlap=2)
    db.session.add_all([article, reviewer, queue])
    db.session.flush()
    db.session.add(QueueArticle(queue_id=queue.id, article_id=article.id, taken=1))
    assignment = Assignment(queue_id=queue.id, article_id=article.id, reviewer_id=reviewer.id)
    db.session.add(assignment)
    db.session.commit()
    return assignment.id


class StatementCounter:
    """Record the SQL statements an engine runs while active."""

    def __init__(self, engine) -> None:
        self.engine, self.statements = engine, []

    def _hit(self, conn, cursor, statement, *args) -> None:
        table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", statement)
        verb = " ".join(statement.split()[:2 if statement.startswith("BEGIN") else 1])
        self.statements.append(f"{verb} {table.group(1)}" if table else verb)

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._hit)


def ms(values: list[float]) -> str:
    """Format the median and p95 of seconds as milliseconds."""
    p95 = sorted(values)[max(0, int(len(values) * 0.95) - 1)]
    return f"median {statistics.median(values) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def in_process(app, assignment_id: int, renders: int) -> tuple[str, list[str]]:
    """Time page renders and count statements per render and per save; return the HTML."""
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "bench"))
        login = UserSession(user_id=user.id)  # the session cookie names a login
        db.session.add(login)
        db.session.commit()
        user.login_session_id = login.id
        unit_ids = db.session.scalars(db.select(Unit.id).order_by(Unit.position)).all()
        user_id = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
    url = f"/annotations/{assignment_id}"
    client.get(url)  # warm templates and caches
    times = []
    for _ in range(renders):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as per_render:
        client.get(url)
    with StatementCounter(engine) as per_save:  # a first label: insert and history
        saved = client.post(f"{url}/labels", json={"unit_id": unit_ids[1], "label": "fact"},
                            headers={"X-CSRFToken": token})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    print(f"render annotation page ({len(unit_ids)} units), server time in process: {ms(times)}"
          f"  [target < 50 ms]")
    print(f"SQL per render: {len(per_render.statements)} statements")
    print(f"SQL per label save: {len(per_save.statements)} statements plus COMMIT: "
          + ", ".join(per_save.statements))
    return html, [str(u) for u in unit_ids]


def page_weight(app, html: str) -> None:
    """Print the size of the HTML and of every stylesheet and script it links."""
    with app.app_context():
        texts = db.session.scalars(db.select(Unit.text)).all()
    text_bytes = sum(len(escape(t).encode()) for t in texts)
    overhead = (len(html.encode()) - text_bytes) / len(texts)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    sizes = {"HTML": len(html.encode())}
    static = Path(app.static_folder)
    for path in assets:
        sizes[path] = (static / path.removeprefix("/static/")).stat().st_size
    raw = sum(sizes.values())
    zipped = len(gzip.compress(html.encode())) + sum(
        len(gzip.compress((static / p.removeprefix("/static/")).read_bytes())) for p in assets)
    parts = ", ".join(f"{name} {size / 1024:.1f}" for name, size in sizes.items())
    print(f"page weight: {raw / 1024:.1f} KB raw ({parts}), {zipped / 1024:.1f} KB gzipped"
          "  [target < 150 KB]")
    print(f"  sentences average {text_bytes / len(texts):.0f} bytes; the HTML adds "
          f"{overhead:.0f} bytes per unit (page chrome included)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kind: str, env: dict) -> tuple[subprocess.Popen, int]:
    """Start gunicorn (one sync worker) or werkzeug on a free loopback port."""
    port = free_port()
    if kind == "gunicorn":
        cmd = [str(Path(sys.executable).with_name("gunicorn")), "--workers", "1",
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
    else:
        cmd = [sys.executable, "-c", WERKZEUG_SERVER, str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{kind} did not start")


def log_in(port: int) -> tuple[http.client.HTTPConnection, str]:
    """Log in through the real form; return a connection and the session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/auth/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = f"username=bench&password={PASSWORD.replace(' ', '+')}&csrf_token={token}"
    conn.request("POST", "/auth/login", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    return conn, response.getheader("Set-Cookie").split(";", 1)[0]


def time_saves(port: int, assignment_id: int, unit_ids: list[str], saves: int) -> list[float]:
    """Save labels one after another through HTTP, each a change, and time each round trip."""
    conn, cookie = log_in(port)
    conn.request("GET", f"/annotations/{assignment_id}", headers={"Cookie": cookie})
    page = conn.getresponse().read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "X-CSRFToken": token, "Cookie": cookie}
    labels = ("fact", "claim", "opinion", "prediction")
    path = f"/annotations/{assignment_id}/labels"
    times = []
    for i in range(saves + 20):
        body = json.dumps({"unit_id": int(unit_ids[i % len(unit_ids)]),
                           "label": labels[(i // len(unit_ids) + i) % 4]})
        started = time.perf_counter()
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        assert response.status == 200, response.status
        if i >= 20:  # the first requests warm the worker
            times.append(elapsed)
    conn.close()
    return times


def browser_requests(port: int, assignment_id: int, n_labels: int) -> str:
    """Label n units with the keyboard in Chromium; count POSTs and page loads."""
    if not os.path.exists(CHROMIUM):
        return f"skipped (no Chromium at {CHROMIUM})"
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{base}/auth/login")
        page.get_by_label("Username").fill("bench")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{base}/annotations/{assignment_id}")
        page.evaluate("""() => { for (const li of document.querySelectorAll('.ws-units > li'))
            { li.dataset.l = ''; } }""")  # make every unit "unlabelled" so keys walk them all
        page.locator(".ws-units > li").first.focus()
        page.keyboard.press("Home")
        posts, loads = [], []
        page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
        page.on("framenavigated", lambda f: loads.append(f.url))
        started = time.perf_counter()
        for i in range(n_labels):
            page.keyboard.press("1234"[i % 4])
        page.wait_for_function("() => !document.querySelector('.ws-st.saving, .ws-st.failed')")
        elapsed = time.perf_counter() - started
        browser.close()
    return (f"{len(posts) / n_labels:.2f} requests per label ({len(posts)} POSTs for "
            f"{n_labels} labels), {len(loads)} page loads while labelling; "
            f"{elapsed / n_labels * 1000:.1f} ms per keypress end to end")


def main(argv: list[str] | None = None) -> None:
    """Build the article, then print render time, page weight, save latency and requests."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--renders", type=int, default=60)
    parser.add_argument("--saves", type=int, default=500)
    args = parser.parse_args(argv if argv is not None else [])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (figures scale with it)")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite"
        env = dict(os.environ, ANNOTATOR_ENV="development", SECRET_KEY=SECRET, DATABASE_URL=url,
                   ANNOTATOR_INSTANCE_PATH=tmp, SESSION_COOKIE_SECURE="0")
        app = create_app({"ENV_NAME": "development", "SECRET_KEY": SECRET,
                          "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            assignment_id = build(args.units)
        html, unit_ids = in_process(app, assignment_id, args.renders)
        page_weight(app, html)
        for kind in ("gunicorn", "werkzeug"):
            proc, port = start_server(kind, env)
            try:
                times = time_saves(port, assignment_id, unit_ids, args.saves)
                note = "one sync worker, new connection per request" if kind == "gunicorn" \
                    else "keep-alive"
                print(f"label save round trip, {kind} on 127.0.0.1 ({note}), {len(times)} "
                      f"saves in sequence: {ms(times)}  [target <= 3 ms]")
                if kind == "gunicorn":
                    print("browser: " + browser_requests(port, assignment_id, args.units))
            finally:
                proc.terminate()
                proc.wait(timeout=10)


if __name__ == "__main__":
    main(sys.argv[1:])
