"""A lead downloads every export in Chromium; the HTML report renders with nothing fetched."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from annotator.agreement.services import recompute_all
from tests.browser.conftest import log_in, screenshot
from tests.exports_corpus import build
from tests.factories import PASSWORD

REPORT_URL = "http://report.invalid/agreement-report.html"
BUTTONS = {
    "Annotations (JSONL)": ".jsonl",
    "Annotations (CSV)": ".csv",
    "Reliability matrix (CSV)": ".csv",
    "Gold labels (CSV)": ".csv",
    "Articles (CSV)": ".csv",
    "Outlets (CSV)": ".csv",
    "Reviewers (CSV)": ".csv",
    "Domains (CSV)": ".csv",
    "Report (JSON)": ".json",
    "Report (XLSX)": ".xlsx",
    "Report (HTML)": ".html",
}


@pytest.fixture
def lead_page(page, live_server, live_app):
    """The hand-built corpus with its stored statistics, and the lead logged in."""
    live_app.config["WTF_CSRF_ENABLED"] = True
    corpus = build()
    recompute_all()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, corpus.lee.username, PASSWORD)
    page.errors = errors
    return page


def _download(page, name: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=name, exact=True).click()
    download = info.value
    target = folder / download.suggested_filename
    download.save_as(target)
    return target


def test_a_lead_downloads_every_export(lead_page, live_server, tmp_path):
    page = lead_page
    page.goto(f"{live_server}/exports/")
    page.get_by_label("Queue").select_option(label="Wave 1")
    page.get_by_role("button", name="Apply filter").click()
    page.wait_for_load_state()
    assert "Exporting: queue Wave 1" in page.inner_text("main")
    screenshot(page, "exports-index")
    files = {name: _download(page, name, tmp_path) for name in BUTTONS}
    for name, path in files.items():
        assert path.suffix == BUTTONS[name] and "_queue-wave-1_" in path.name, path.name

    lines = files["Annotations (JSONL)"].read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["_meta"]["filter"]["queue"] == "Wave 1"
    assert len(lines) == 1 + 27  # the metadata line, then 27 submitted labels
    assert len(pd.read_csv(files["Annotations (CSV)"], comment="#")) == 27
    assert pd.read_csv(files["Reliability matrix (CSV)"], comment="#").shape == (10, 4 + 3)
    gold = pd.read_csv(files["Gold labels (CSV)"], comment="#")
    assert gold.decided_by.value_counts()["unanimous"] == 5
    assert len(pd.read_csv(files["Outlets (CSV)"], comment="#")) == 2
    report = json.loads(files["Report (JSON)"].read_text(encoding="utf-8"))
    assert report["overall"]["alpha"] == pytest.approx(109 / 252)

    wb = load_workbook(io.BytesIO(files["Report (XLSX)"].read_bytes()))
    assert wb.sheetnames == ["overall", "outlets", "articles", "reviewers", "domains",
                             "metadata"]
    assert [c.value for c in wb["outlets"][1]][:3] == ["outlet", "domain", "articles"]
    assert not [e for e in page.errors if "Content Security Policy" in e]
    _render_report(page.context.new_page(), files["Report (HTML)"], tmp_path)


def _render_report(page, path: Path, folder: Path) -> None:
    """Open the report with every request intercepted: only the file itself may load."""
    seen: list[str] = []
    body = path.read_bytes()

    def handle(route):
        seen.append(route.request.url)
        if route.request.url == REPORT_URL:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)
        else:
            route.abort()

    page.route("**/*", handle)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(REPORT_URL)
    page.wait_for_load_state("networkidle")
    assert seen == [REPORT_URL] and requests == [REPORT_URL]
    assert page.locator("svg.chart-svg").count() == 2
    assert page.get_by_role("heading", name="Agreement report").is_visible()
    assert page.get_by_test_id("report-alpha").inner_text() == "0.433"  # 109/252
    screenshot(page, "export-html-report")
    pdf = folder / "report.pdf"
    page.pdf(path=str(pdf), format="A4")  # prints: the print stylesheet applies
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    assert seen == [REPORT_URL]  # printing fetched nothing either


def test_adjudication_and_outlet_pages(lead_page, live_server):
    page = lead_page
    page.goto(f"{live_server}/adjudication/")
    page.get_by_role("link", name="Disagreements").click()
    # The first to adjudicate is the one sentence without a majority (A1p2), not a
    # majority-settled one.
    page.get_by_role("link", name="Adjudicate", exact=True).first.click()
    assert page.get_by_role("heading", name="A1 headline").is_visible()
    screenshot(page, "adjudication-unit")
    page.get_by_label("opinion").check()
    page.get_by_label("Rationale").fill("Evaluative wording.")
    page.get_by_role("button", name="Save gold label").click()
    assert "Gold label saved: opinion." in page.inner_text(".flashes")
    page.goto(f"{live_server}/outlets/")
    page.get_by_role("link", name="Daily Example").click()
    assert page.get_by_test_id("supported").inner_text() == "75 %"
    assert page.get_by_test_id("outlet-alpha").inner_text() == "0.473"  # 107/226
    screenshot(page, "outlet-profile")
    assert not [e for e in page.errors if "Content Security Policy" in e]
