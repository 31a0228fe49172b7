"""Time the reviewer workspace on SQLite with an article of 300 sentences.

Prints, and asserts nothing about time:
  * the server time to render the annotation page (in process, Flask test client), median
    and p95, and the SQL statements per render;
  * the page weight: HTML plus every CSS and JS file it links (raw and gzipped);
  * the label save round trip on loopback against a real server on 127.0.0.1 (gunicorn as
    `make serve` runs it, gunicorn with one sync worker, werkzeug with keep-alive): one
    client, requests in sequence, timed with perf_counter; plus the SQL statements per save;
  * in Chromium (Playwright, Debian's /usr/bin/chromium) when it is installed, for a short
    and a long article: the page's own cost of one keypress (handler and the frame it
    renders; it should not grow with the article), as medians over several page loads;
    requests per label and page loads while labelling; the long page's cold
    DOMContentLoaded, median over --cold-runs loads (bench_potato.py loads it beside Potato's
    one-sentence page in one run, with the same cold_load).

The article is made of the sample article's real sentences (see build).

    .venv/bin/python bench/bench_workspace.py [--units 300] [--short 20] [--renders 60]
        [--saves 500] [--rounds 5] [--cold-runs 21]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
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


def build(n_units: int, username: str = "bench") -> int:
    """Store one article of n_units real sentences, a reviewer and an active assignment.

    The sentences are the sample article's (its own, about 160 bytes each on average, where
    the synthetic corpus makes 62-byte ones), repeated in order until there are n_units: the
    page weight and the per-unit markup are those of a real article of that length. The unit
    ids are seven digits, as in a database that has taken a few thousand articles.
    """
    first_id = 1_000_000 * (2 if username != "bench" else 1) + 1
    parsed = parse_file(SAMPLE.name, SAMPLE.read_bytes(), "text", outlet="Sample outlet")[0]
    body = [u for u in parsed.units if u.kind != "headline"]
    units = parsed.units[:1] + [body[i % len(body)] for i in range(n_units - 1)]
    outlet = db.session.scalar(db.select(Outlet).where(Outlet.name == "Sample outlet")) \
        or Outlet(name="Sample outlet", domain="sample-outlet.example")
    article = Article(outlet=outlet, title=parsed.title,
                      url=f"https://sample-outlet.example/a{n_units}",
                      published_at=parsed.published_at, text=parsed.text,
                      text_hash=hashlib.sha256(f"{n_units}:{parsed.text_hash}".encode()).hexdigest(),
                      units=[Unit(id=first_id + i, position=i, kind=u.kind, start=u.start,
                                  end=u.end, text=u.text) for i, u in enumerate(units)])
    reviewer = User(username=username, role="reviewer",
                    password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
    queue = Queue(name=f"Bench queue {n_units}", overlap=2)
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
        article_id = db.session.get(Assignment, assignment_id).article_id
        unit_ids = db.session.scalars(db.select(Unit.id).where(Unit.article_id == article_id)
                                      .order_by(Unit.position)).all()
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


def page_weight(app, html: str, assignment_id: int) -> None:
    """Print the size of the HTML and of every stylesheet and script it links."""
    with app.app_context():
        article_id = db.session.get(Assignment, assignment_id).article_id
        texts = db.session.scalars(db.select(Unit.text).where(Unit.article_id == article_id)).all()
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


# How each server is started: gunicorn exactly as `make serve` runs it (4 threaded workers,
# access log to stdout), gunicorn with one sync worker, and werkzeug with keep-alive.
SERVE_ARGS = ["--workers", "4", "--worker-class", "gthread", "--threads", "4", "--timeout", "600",
              "--access-logfile", "-"]
SERVERS = {
    "gunicorn-serve": "gunicorn as `make serve` runs it (4 gthread workers x 4 threads, access "
                      "log), new connection per request",
    "gunicorn": "gunicorn, one sync worker, new connection per request",
    "werkzeug": "werkzeug, keep-alive",
}


def start_server(kind: str, env: dict) -> tuple[subprocess.Popen, int]:
    """Start one of SERVERS on a free loopback port."""
    port = free_port()
    gunicorn = [str(Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}",
                "--log-level", "warning"]
    if kind == "gunicorn-serve":
        cmd = gunicorn + SERVE_ARGS + ["wsgi:app"]
    elif kind == "gunicorn":
        cmd = gunicorn + ["--workers", "1", "wsgi:app"]
    else:
        cmd = [sys.executable, "-c", WERKZEUG_SERVER, str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            time.sleep(0.5 if kind == "gunicorn-serve" else 0)  # let every worker boot
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{kind} did not start")


def log_in(port: int, username: str = "bench") -> tuple[http.client.HTTPConnection, str]:
    """Log in through the real form; return a connection and the session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/auth/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = f"username={username}&password={PASSWORD.replace(' ', '+')}&csrf_token={token}"
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


# One keypress, timed inside the page: the keydown handler (with the style and layout it forces
# itself), then the rendering of the frame that shows it (style, layout, paint, commit: from the
# frame's animation callbacks to a message posted from them, which runs once the frame is done).
# One keypress per frame, as a person types; a pause after each lets the save's answer land.
KEYPRESS_JS = """async (n) => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => {
    const t = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now() - t);
    channel.port2.postMessage(null);
  }));
  const out = [];
  await frame();
  await frame();
  for (let i = 0; i < n; i += 1) {
    const target = document.activeElement || document.body;
    const t0 = performance.now();
    target.dispatchEvent(new KeyboardEvent("keydown", {key: "1234"[i % 4], bubbles: true}));
    const handler = performance.now() - t0;
    out.push([handler, await frame()]);
    await new Promise((r) => setTimeout(r, 40));
  }
  return out;
}"""

# The navigation timing of a cold load, relative to the navigation's start.
NAV_JS = """(() => {
  const n = performance.getEntriesByType("navigation")[0];
  const mark = (name) => (performance.getEntriesByName(name)[0] || {startTime: NaN}).startTime;
  return {firstByte: n.responseStart, html: n.responseEnd, parsed: n.domInteractive,
          dcl: n.domContentLoadedEventEnd, assets: Math.max(...performance.getEntriesByType(
            "resource").map((r) => r.responseEnd)),
          init: (performance.getEntriesByName("annotate-init")[0] || {duration: NaN}).duration,
          annotate: mark("annotate-start"), localtime: mark("localtime-start"),
          fcp: mark("first-contentful-paint")};
})()"""


def _chromium(p):
    return p.chromium.launch(executable_path=CHROMIUM, headless=True,
                             args=["--no-sandbox", "--disable-gpu"])


def _logged_in_context(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{base}/auth/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return context, page


def spread(values: list[float], unit: str = "ms", digits: int = 1) -> str:
    """Median, quartiles and best of a list of figures."""
    q = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return (f"median {statistics.median(values):.{digits}f} {unit} (quartiles {q[0]:.{digits}f}-"
            f"{q[2]:.{digits}f}, best {min(values):.{digits}f}, {len(values)} runs)")


def keypress_costs(browser, base: str, articles: dict[int, tuple[int, str]], rounds: int,
                   keys: int) -> list[str]:
    """The page's own cost of one keypress for each article length, like for like: each round
    loads each article unlabelled and labels its first `keys` sentences (label, save, move on).
    The saves are answered inside the browser (so every round starts unlabelled and the server's
    time stays out of the figure); the rounds alternate between the articles so that a change
    of load on the machine reaches both."""
    pages = {}
    for n_units, (assignment_id, username) in sorted(articles.items()):
        context, page = _logged_in_context(browser, base, username)
        page.route("**/labels", lambda route: route.fulfill(
            status=200, body="{}", content_type="application/json"))
        pages[n_units] = (context, page, f"{base}/annotations/{assignment_id}")
    samples: dict[int, list[list[float]]] = {n: [] for n in pages}
    for _ in range(rounds):
        for n_units, (_, page, url) in pages.items():
            page.goto(url)
            page.wait_for_selector(".ws-chunk > li.cur")
            page.wait_for_timeout(300)
            samples[n_units].extend(page.evaluate(KEYPRESS_JS, min(keys, n_units - 1)))
    lines = []
    for n_units, values in samples.items():
        totals = [h + f for h, f in values]
        lines.append(
            f"browser, {n_units} sentences: one keypress inside the page: handler "
            f"{statistics.median(h for h, _ in values):.2f} ms + its frame "
            f"{statistics.median(f for _, f in values):.2f} ms; together "
            + spread(totals, digits=2).replace("runs", "keypresses"))
    for context, _, _ in pages.values():
        context.close()
    return lines


COLD_WAYS = ("straight", "settled")


def cold_load(browser, state, url: str, way: str) -> dict:
    """One cold load of a page in a new context (empty cache, the login's cookies in `state`),
    `way` "straight" (right after the context opens: the browser is still setting up the new
    window, as in earlier sessions' figures) or "settled" (once the new window has settled:
    the page's own cost); return its navigation timing (NAV_JS)."""
    cold = browser.new_context(storage_state=state, viewport={"width": 1366, "height": 768})
    page = cold.new_page()
    if way == "settled":
        page.goto("about:blank")
        page.wait_for_timeout(500)
    page.goto(url, wait_until="load")
    timing = page.evaluate(NAV_JS)
    cold.close()
    return timing


def cold_loads(browser, state, url: str, runs: int) -> list[str]:
    """Cold loads of one page, each in a new context (empty cache), both COLD_WAYS,
    alternating (see cold_load)."""
    timings: dict[str, list[dict]] = {way: [] for way in COLD_WAYS}
    for _ in range(runs):
        for way, samples in timings.items():
            samples.append(cold_load(browser, state, url, way))
    lines = []
    for way, samples in timings.items():
        lines.append(f"cold load, {way}: DOMContentLoaded " + spread([s["dcl"] for s in samples]))
        mid = sorted(samples, key=lambda s: s["dcl"])[len(samples) // 2]
        lines.append(
            f"  of which (median run): first byte {mid['firstByte']:.0f} ms, HTML received "
            f"{mid['html']:.0f} ms, parsed (domInteractive) {mid['parsed']:.0f} ms, CSS and JS "
            f"received {mid['assets']:.0f} ms, localtime.js starts {mid['localtime']:.0f} ms, "
            f"annotate.js starts {mid['annotate']:.0f} ms and takes {mid['init']:.1f} ms, "
            f"DOMContentLoaded done {mid['dcl']:.0f} ms; first contentful paint "
            f"{mid['fcp']:.0f} ms")
    return lines


def browser_figures(port: int, articles: dict[int, tuple[int, str]], rounds: int = 5,
                    cold_runs: int = 21) -> list[str]:
    """In Chromium: requests and page loads while labelling, the page's own cost of one
    keypress for each article length, and the longest page's cold DOMContentLoaded."""
    if not os.path.exists(CHROMIUM):
        return [f"browser: skipped (no Chromium at {CHROMIUM})"]
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    lines = []
    with sync_playwright() as p:
        browser = _chromium(p)
        lines += keypress_costs(browser, base, articles, rounds, keys=19)
        for n_units, (assignment_id, username) in sorted(articles.items()):
            context, page = _logged_in_context(browser, base, username)
            url = f"{base}/annotations/{assignment_id}"
            page.goto(url)
            page.wait_for_selector(".ws-chunk > li.cur")
            posts, loads = [], []
            page.on("request", lambda r, posts=posts: posts.append(r.url)
                    if r.method == "POST" else None)
            page.on("framenavigated", lambda f, loads=loads: loads.append(f.url))
            # Label every sentence still unlabelled (the save timings above labelled some),
            # each keypress a new label, saved by the server.
            todo = page.eval_on_selector_all(".ws-chunk > li:not([data-l])", "els => els.length")
            started = time.perf_counter()
            for i in range(todo):
                page.keyboard.press("2341"[i % 4])
            page.wait_for_function(
                "() => !document.querySelector('.ws-st.saving, .ws-st.failed')")
            elapsed = time.perf_counter() - started
            page.wait_for_timeout(1000)         # Playwright reports the last requests late
            lines.append(
                f"browser, {n_units} sentences: {len(posts) / todo:.2f} requests per label "
                f"({len(posts)} POSTs for {todo} labels), {len(loads)} page loads while "
                f"labelling; {elapsed / todo * 1000:.1f} ms per keypress end to end "
                "(Playwright's own overhead and the server's save included)")
            if n_units == max(articles):
                lines.append(f"cold loads of the {n_units}-sentence page in Chromium (new context, "
                             "empty cache) [bench/bench_potato.py measures it beside Potato's "
                             "one-sentence page in one run]:")
                lines += cold_loads(browser, context.storage_state(), url, cold_runs)
            context.close()
        browser.close()
    return lines


def main(argv: list[str] | None = None) -> None:
    """Build the articles, then print render time, page weight, save latency and browser figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--short", type=int, default=20, help="the short article's sentences")
    parser.add_argument("--renders", type=int, default=60)
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5,
                        help="page loads per article for the keypress cost (19 keypresses each)")
    parser.add_argument("--cold-runs", type=int, default=21, help="cold loads of each kind")
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
            short_id = build(args.short, "bench-short")
        html, unit_ids = in_process(app, assignment_id, args.renders)
        page_weight(app, html, assignment_id)
        for kind, note in SERVERS.items():
            proc, port = start_server(kind, env)
            try:
                times = time_saves(port, assignment_id, unit_ids, args.saves)
                print(f"label save round trip, {note}, on 127.0.0.1, {len(times)} saves in "
                      f"sequence: {ms(times)}  [target <= 3 ms]")
                if kind == "gunicorn-serve":
                    for line in browser_figures(port, {args.units: (assignment_id, "bench"),
                                                       args.short: (short_id, "bench-short")},
                                                args.rounds, args.cold_runs):
                        print(line)
            finally:
                proc.terminate()
                proc.wait(timeout=10)


if __name__ == "__main__":
    main(sys.argv[1:])
