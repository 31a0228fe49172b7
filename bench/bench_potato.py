"""Cold load of our 300-sentence annotation page beside Potato 2.12.1's one-sentence page.

Both pages are loaded cold in the same Chromium launch (bench_workspace's launch options and
its cold_load, so both are measured the same way: a new context with an empty cache and the
login's cookies, the page loaded until its load event, DOMContentLoaded read from the
navigation timing), in the same run, alternating page by page and run by run, for both of
bench_workspace's ways ("straight" and "settled"). Prints median, quartiles and best for each
page and the ratio ours / Potato's; asserts nothing about time.

Our page: an article of --units real sentences (bench_workspace.build), served by gunicorn as
`make serve` runs it. Potato's page: `/annotate` of a task with one sentence and one radio
scheme with our four labels, served by `potato start` (Flask's threaded server, as Potato
runs itself), logged in through its passwordless login (`require_password: false`).

Potato is never a dependency of this package: it lives in its own virtualenv, by default
<tmp>/potato-2.12.1-venv, which this bench creates with pip when it is missing (or give
--potato-venv PATH). If it cannot be installed (offline), the bench says so and stops.

    flock /tmp/bench.lock .venv/bin/python bench/bench_potato.py [--units 300] [--cold-runs 21]
        [--potato-venv PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_workspace as ws  # noqa: E402

POTATO = "potato-annotation==2.12.1"
SENTENCE = ws.SAMPLE.read_text().split("\n\n")[2].split(". ")[0] + "."
POTATO_CONFIG = """annotation_task_name: Bench
task_dir: .
data_files:
  - data.jsonl
item_properties:
  id_key: id
  text_key: text
output_annotation_dir: annotation_output
require_password: false
user_config:
  allow_all_users: true
annotation_schemes:
  - annotation_type: radio
    name: label
    description: "Label"
    labels: [fact, claim, opinion, prediction]
    sequential_key_binding: true
"""


def potato_venv(path: Path) -> Path | None:
    """Return the `potato` script of the virtualenv at path, creating it if missing;
    None (and say why) when Potato cannot be installed."""
    script = path / "bin" / "potato"
    if script.exists():
        return script
    print(f"Potato: installing {POTATO} into {path} ...", flush=True)
    try:
        venv.create(path, with_pip=True)
        done = subprocess.run([str(path / "bin" / "python"), "-m", "pip", "install", "-q",
                               POTATO], capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"Potato: skipped, could not create its virtualenv ({exc})")
        return None
    if done.returncode or not script.exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        print(f"Potato: skipped, pip could not install {POTATO} (offline?): {tail[0]}")
        return None
    return script


def start_potato(script: Path, task_dir: Path) -> tuple[subprocess.Popen, int]:
    """Write the one-sentence task into task_dir and start Potato on a free loopback port."""
    (task_dir / "config.yaml").write_text(POTATO_CONFIG)
    (task_dir / "data.jsonl").write_text(json.dumps({"id": "s1", "text": SENTENCE}) + "\n")
    port = ws.free_port()
    log = open(task_dir / "potato.log", "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen([str(script), "start", "config.yaml", "-p", str(port)],
                            cwd=task_dir, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"Potato did not start; see {task_dir / 'potato.log'}")


# What a page is made of, once loaded: its HTML, and the scripts and stylesheets it fetches.
MAKEUP_JS = """(() => {
  const r = performance.getEntriesByType("resource");
  const n = (t) => r.filter((e) => e.initiatorType === t).length;
  return `${(document.documentElement.outerHTML.length / 1024).toFixed(1)} KB of HTML, `
    + `${document.querySelectorAll("script[src]").length} scripts, `
    + `${document.querySelectorAll("link[rel=stylesheet]").length} stylesheets, `
    + `${r.length} requests after the HTML (${n("script")} script, ${n("link")} link, `
    + `${n("css")} from CSS)`;
})()"""


def makeup(browser, state: dict, url: str) -> str:
    """Describe the page at url (MAKEUP_JS), loaded with the login in state."""
    context = browser.new_context(storage_state=state, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    described = page.evaluate(MAKEUP_JS)
    context.close()
    return described


def potato_state(browser, base: str) -> dict:
    """Log in to Potato as a new user (its login form's POST) and check the annotation page."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    response = context.request.post(f"{base}/auth", form={"email": "bench"})
    assert response.ok and response.url.endswith("/annotate"), (response.status, response.url)
    page = context.new_page()
    page.goto(f"{base}/annotate")
    assert page.locator("input[type=radio][value=prediction]").count() == 1, "no radio scheme"
    assert SENTENCE in page.content(), "the sentence is not on Potato's page"
    state = context.storage_state()
    context.close()
    return state


def compare(browser, pages: dict[str, tuple[dict, str]], runs: int) -> list[str]:
    """Cold-load every page `runs` times in each way, alternating pages (the first page of
    each run alternates too); print the spread of DOMContentLoaded and the ratio."""
    names = list(pages)
    dcl = {(name, way): [] for name in names for way in ws.COLD_WAYS}
    first_byte = {(name, way): [] for name in names for way in ws.COLD_WAYS}
    for run in range(runs):
        for way in ws.COLD_WAYS:
            for name in (names if run % 2 == 0 else names[::-1]):
                state, url = pages[name]
                timing = ws.cold_load(browser, state, url, way)
                dcl[name, way].append(timing["dcl"])
                first_byte[name, way].append(timing["firstByte"])
    ours, theirs = names
    lines = []
    for way in ws.COLD_WAYS:
        lines.append(f"cold load, {way}:")
        for name in names:
            lines.append(f"  {name}: DOMContentLoaded " + ws.spread(dcl[name, way])
                         + f"; first byte median {statistics.median(first_byte[name, way]):.0f} ms")
        a, b = dcl[ours, way], dcl[theirs, way]
        lines.append(f"  ratio {ours} / {theirs}: median "
                     f"{statistics.median(a) / statistics.median(b):.2f}, best "
                     f"{min(a) / min(b):.2f} (below 1: ours loads faster)")
    return lines


def main(argv: list[str] | None = None) -> None:
    """Install Potato if needed, start both servers, and compare the two cold loads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--cold-runs", type=int, default=21, help="cold loads of each page and way")
    parser.add_argument("--potato-venv", type=Path,
                        default=Path(tempfile.gettempdir()) / "potato-2.12.1-venv")
    args = parser.parse_args(argv if argv is not None else [])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (figures scale with it)")
    if not os.path.exists(ws.CHROMIUM):
        print(f"browser: skipped (no Chromium at {ws.CHROMIUM})")
        return
    script = potato_venv(args.potato_venv)
    if script is None:
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite"
        env = dict(os.environ, ANNOTATOR_ENV="development", SECRET_KEY=ws.SECRET,
                   DATABASE_URL=url, ANNOTATOR_INSTANCE_PATH=tmp, SESSION_COOKIE_SECURE="0")
        app = ws.create_app({"ENV_NAME": "development", "SECRET_KEY": ws.SECRET,
                             "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            assignment_id = ws.build(args.units)
        task_dir = Path(tmp) / "potato"
        task_dir.mkdir()
        servers = []
        try:
            servers.append(ws.start_server("gunicorn-serve", env))
            servers.append(start_potato(script, task_dir))
            (_, port), (_, potato_port) = servers
            with sync_playwright() as p:
                browser = ws._chromium(p)
                context, _ = ws._logged_in_context(browser, f"http://127.0.0.1:{port}", "bench")
                ours = (context.storage_state(), f"http://127.0.0.1:{port}/annotations/{assignment_id}")
                context.close()
                theirs = (potato_state(browser, f"http://127.0.0.1:{potato_port}"),
                          f"http://127.0.0.1:{potato_port}/annotate")
                print(f"cold loads in Chromium (new context, empty cache), {args.cold_runs} runs "
                      f"each, alternating: our {args.units}-sentence page (gunicorn as `make "
                      f"serve`) and Potato 2.12.1's one-sentence page (`potato start`):")
                pages = {f"ours ({args.units} sentences)": ours, "Potato (1 sentence)": theirs}
                for name, (state, page_url) in pages.items():
                    print(f"  {name}: {makeup(browser, state, page_url)}")
                for line in compare(browser, pages, args.cold_runs):
                    print(line)
                browser.close()
        finally:
            for proc, _ in servers:
                proc.terminate()
                proc.wait(timeout=10)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average after: {load}")


if __name__ == "__main__":
    main(sys.argv[1:])
