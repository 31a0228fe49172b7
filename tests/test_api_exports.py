"""Every export of the exports page has its API twin, and the twin sends the same file.

Both doors are asked for each file of the page (found in the URL map, so a new page export
without a twin fails here) with the same filter; the clock is fixed so that the time an
export carries is the same too. The CSV metadata sidecars are compared the same way.
"""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest
from openpyxl import load_workbook

from annotator.agreement.services import recompute_all
from annotator.auth import tokens
from annotator.exports import files
from tests.exports_corpus import build

MADE = datetime(2026, 11, 30, 12, 0, 0)
CLOCKS = ("annotator.exports.downloads", "annotator.exports.report",
          "annotator.exports.comparison", "annotator.exports.claimreview",
          "annotator.exports.views", "annotator.api.exports")
# The page's query string and the API's for the same choice (the API's comparison takes the
# arguments of GET /api/v1/outlets/compare).
WEB_FILTER, API_FILTER = "queue={queue}&names=y", "queue={queue}&names=true"
WEB_COMPARE = "outlet={a}&outlet={b}&sort=alpha&dir=desc"
API_COMPARE = "outlet_id={a}&outlet_id={b}&sort=alpha&descending=true"


@pytest.fixture
def world(app, client, login_as, monkeypatch):
    """The export corpus, the clock fixed, the lead's page session and API token."""
    for module in CLOCKS:
        monkeypatch.setattr(f"{module}.utcnow", lambda: MADE)
    corpus = build()
    recompute_all()
    token = tokens.create_token(corpus.lee, "twins").secret
    login_as(corpus.lee)
    values = {"queue": corpus.queue.id, "a": corpus.a1.outlet_id, "b": corpus.a3.outlet_id}
    return client, {"Authorization": f"Bearer {token}"}, values


def page_files(app) -> list[str]:
    """Return the path of every file the exports page offers (not the page, not metadata)."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith("exports.")
                  and rule.endpoint not in ("exports.index", "exports.csv_metadata"))


def same_file(web, api) -> None:
    assert (web.status_code, api.status_code) == (200, 200)
    for header in ("Content-Type", "Content-Disposition", "Content-Security-Policy"):
        assert web.headers.get(header) == api.headers.get(header), header
    if web.mimetype.endswith(".sheet"):  # a workbook zips its own creation time: the cells
        sheets = [{ws.title: list(ws.values) for ws in load_workbook(io.BytesIO(r.data))}
                  for r in (web, api)]
        assert sheets[0] == sheets[1]
    else:
        assert web.data == api.data


def test_the_page_offers_the_files_this_test_knows(app):
    # Should the page gain a file, the twin test below covers it at once; this pins the list.
    expected = {f"/exports/{name}" for name in files.FILTERED} | {
        "/exports/claimreview.jsonl", "/exports/claimreview.json",
        "/exports/outlet-comparison.csv", "/exports/outlet-comparison.csv-metadata.json",
        "/exports/outlet-comparison.xlsx", "/exports/outlet-comparison.html"}
    assert set(page_files(app)) == expected


def test_every_page_export_has_an_api_twin_with_the_same_bytes(app, world):
    client, token, values = world
    for path in page_files(app):
        if "outlet-comparison" in path:
            web_query, api_query = WEB_COMPARE, API_COMPARE
        elif "claimreview" in path:
            web_query = api_query = ""
        else:
            web_query, api_query = WEB_FILTER, API_FILTER
        web = client.get(f"{path}?{web_query.format(**values)}", buffered=True)
        api = client.get(f"/api/v1{path}?{api_query.format(**values)}", headers=token,
                         buffered=True)
        same_file(web, api)
    labels = client.get(f"/api/v1/exports/annotations.csv?queue={values['queue']}",
                        headers=token, buffered=True)
    assert labels.data.count(b"\n") == 1 + 27  # the header and every submitted label


@pytest.mark.parametrize("name", files.CSV_FILES)
def test_the_api_sidecar_equals_the_pages(app, world, name):
    client, token, values = world
    web = client.get(f"/exports/csv-metadata.json?file={name}&{WEB_FILTER.format(**values)}",
                     buffered=True)
    api = client.get(f"/api/v1/exports/{name}-metadata.json?{API_FILTER.format(**values)}",
                     headers=token, buffered=True)
    same_file(web, api)
    meta = json.loads(api.data)
    table = client.get(f"/api/v1/exports/{name}?{API_FILTER.format(**values)}", headers=token,
                       buffered=True)
    filename = table.headers["Content-Disposition"].split('filename="')[1].rstrip('"')
    assert meta["url"] == filename and meta["generated_at"] == "2026-11-30T12:00:00Z"
    assert meta["filter"]["description"] == "queue Wave 1"
    assert api.headers["Content-Disposition"] == f'attachment; filename="{filename}-metadata.json"'


def test_the_api_sidecar_is_documented_and_refuses_other_files(app, world):
    client, token, _ = world
    spec = client.get("/api/v1/openapi.json").get_json()
    path = spec["paths"]["/api/v1/exports/{name}-metadata.json"]
    content = path["get"]["responses"]["200"]["content"]["application/json"]
    assert content["schema"]["$ref"].endswith("/CsvMetadata")
    names = next(p for p in path["parameters"] if p["name"] == "name")
    assert set(names["schema"]["enum"]) == set(files.CSV_FILES)
    for path in ("annotations.jsonl-metadata.json", "secrets.csv-metadata.json"):
        assert client.get(f"/api/v1/exports/{path}", headers=token).status_code == 404
