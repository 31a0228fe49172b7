"""Exports on the hand-built corpus (tests/exports_corpus.py): every count worked out by hand."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import krippendorff
import pandas as pd
import pytest
from openpyxl import load_workbook

from annotator.agreement.services import recompute_all
from annotator.annotations import label_stream
from annotator.exports import downloads
from annotator.exports.label_rows import pseudonym, pseudonym_key
from annotator.filters import ArticleFilter
from tests.exports_corpus import build
from tests.factories import make_assignment, make_queue

TODAY = date.today().isoformat()


@pytest.fixture
def corpus(app):
    return build()


@pytest.fixture
def lead_client(client, login_as, corpus):
    return login_as(corpus.lee)


def alias(app, user) -> str:
    return pseudonym(pseudonym_key(app.config["SECRET_KEY"]), user.id)


def jsonl(response) -> tuple[dict, list[dict]]:
    lines = response.get_data(as_text=True).splitlines()
    return json.loads(lines[0])["_meta"], [json.loads(line) for line in lines[1:]]


def frame(response) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(response.get_data(as_text=True)), comment="#")


def test_annotations_jsonl_one_row_per_submitted_label(app, corpus, lead_client):
    response = lead_client.get("/exports/annotations.jsonl")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="annotator-annotations_all_{TODAY}.jsonl"')
    meta, rows = jsonl(response)
    assert meta["export"] == "annotations" and meta["app_version"] == app.config["VERSION"]
    assert meta["filter"]["description"] == "all queues, all outlets, all dates"
    assert "text_hash" in " ".join(meta["definitions"])
    # Submitted labels: A1 4 sentences x 3 + A2 3 x 2 + A3 3 x 3 = 12 + 6 + 9 = 27;
    # cat's unsubmitted "opinion" on A2 is not among them.
    assert len(rows) == 27
    assert not [r for r in rows if r["article_id"] == corpus.a2.id
                and r["reviewer"] == alias(app, corpus.cat)]
    row = next(r for r in rows if r["unit_id"] == corpus.unit(corpus.a1, 1)
               and r["reviewer"] == alias(app, corpus.cat))
    unit = corpus.a1.units[1]
    assert row | {"text_hash": None, "labelled_at": None, "updated_at": None} == {
        "queue": "Wave 1", "article_id": corpus.a1.id, "article_url": "https://example.com/a1",
        "outlet": "Daily Example", "unit_id": unit.id, "position": 1, "kind": "body",
        "start": unit.start, "end": unit.end, "text": "First body.", "text_hash": None,
        "claim_cluster": None, "reviewer": alias(app, corpus.cat), "label": "claim",
        "sources": [{"url": "https://gov.example.org/report", "domain": "example.org",
                     "stance": "supports"}],
        "labelled_at": None, "updated_at": None, "submitted_at": "2024-01-01T00:00:00Z",
    }
    body = response.get_data(as_text=True)
    assert "ann" not in {r["reviewer"] for r in rows} and '"bob"' not in body


def test_annotations_with_names_when_the_lead_asks(corpus, lead_client):
    _, rows = jsonl(lead_client.get("/exports/annotations.jsonl?names=y"))
    # 27 labels: ann 4 + 3 + 3 = 10, bob 10, cat 4 + 3 = 7
    assert pd.Series([r["reviewer"] for r in rows]).value_counts().to_dict() == {
        "ann": 10, "bob": 10, "cat": 7}


def test_annotations_csv_reads_back_with_sources_in_aligned_columns(app, corpus, lead_client):
    response = lead_client.get("/exports/annotations.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.get_data(as_text=True)
    # The table only: the header row first, no "#" metadata lines (they are in the sidecar).
    assert text.startswith('"queue","article_id",') and "\n#" not in text
    df = frame(response)
    assert len(df) == 27
    a1p0 = df[(df.unit_id == corpus.unit(corpus.a1, 0))].set_index("reviewer")
    assert a1p0.loc[alias(app, corpus.bob), "source_urls"] == "https://www.example.com/y"
    assert a1p0.loc[alias(app, corpus.bob), "source_domains"] == "example.com"
    assert a1p0.loc[alias(app, corpus.cat), "source_count"] == 0
    # 8 links in all, on 8 distinct (reviewer, sentence) rows
    assert df.source_count.sum() == 8


@pytest.mark.parametrize(("query", "rows", "name"), [
    # Other Times is A3 only: 3 sentences x 3 reviewers
    ("outlet={other}", 9, "outlet-other-times"),
    # Published on or after 15 January: A2 (6 labels) and A3 (9)
    ("date_from=2024-01-15", 15, "2024-01-15-to-now"),
    # up to 10 January inclusive: A1 only (12)
    ("date_to=2024-01-10", 12, "start-to-2024-01-10"),
    ("queue={queue}", 27, "queue-wave-1"),
])
def test_filters_choose_the_rows_and_name_the_file(corpus, lead_client, query, rows, name):
    from annotator.models import Outlet

    other = Outlet.query.filter_by(name="Other Times").one()
    response = lead_client.get("/exports/annotations.jsonl?"
                               + query.format(other=other.id, queue=corpus.queue.id))
    meta, found = jsonl(response)
    assert len(found) == rows
    assert f"_{name}_{TODAY}.jsonl" in response.headers["Content-Disposition"]
    assert meta["filter"]["description"] != "all queues, all outlets, all dates"


def test_queue_filter_keeps_other_queues_out(corpus, lead_client):
    second = make_queue("Wave 2", overlap=2, reviewers=[corpus.ann], articles=[corpus.a3])
    make_assignment(second, corpus.a3, corpus.ann, "submitted", {0: "fact", 1: "fact", 2: "fact"})
    assert len(jsonl(lead_client.get("/exports/annotations.jsonl"))[1]) == 27 + 3
    _, rows = jsonl(lead_client.get(f"/exports/annotations.jsonl?queue={second.id}"))
    assert {r["queue"] for r in rows} == {"Wave 2"} and len(rows) == 3


def test_chunks_do_not_change_the_stream(corpus):
    everything = ArticleFilter()
    one = [(u.queue_id, u.unit_id, [lab.label for lab in u.labels])
           for u in label_stream.iter_units(everything, size=1)]
    many = [(u.queue_id, u.unit_id, [lab.label for lab in u.labels])
            for u in label_stream.iter_units(everything)]
    assert one == many and len(one) == 10  # 4 + 3 + 3 sentences
    assert [len(labels) for _, _, labels in one] == [3, 3, 3, 3, 2, 2, 2, 3, 3, 3]


def test_an_invalid_filter_is_refused(lead_client):
    response = lead_client.get("/exports/annotations.jsonl?date_from=2024-02-01&date_to=2024-01-01")
    assert response.status_code == 400
    assert lead_client.get("/exports/gold-labels.csv?queue=99999").status_code == 400


def test_reliability_matrix_reads_into_krippendorff(app, corpus, lead_client):
    df = frame(lead_client.get("/exports/reliability-matrix.csv"))
    reviewers = [alias(app, u) for u in (corpus.ann, corpus.bob, corpus.cat)]
    assert list(df.columns) == ["unit_id", "queue", "article_id", "position", *reviewers]
    assert len(df) == 10
    a2 = df[df.article_id == corpus.a2.id]
    assert a2[reviewers[2]].isna().all()  # cat submitted nothing on A2
    assert a2[reviewers[0]].tolist() == [1, 2, 4]  # ann: fact, claim, prediction
    # Hand-computed pooled nominal alpha over the 10 sentences (27 pairable values):
    # coincidence diagonal 9 + 0 + 5 + 2 = 16, so 27 - 16 = 11 disagreeing; value totals
    # n_fact 12, n_claim 6, n_opinion 6, n_prediction 3: expected 27^2 - (144+36+36+9) = 504.
    # alpha = 1 - 26 * 11 / 504 = 109 / 252.
    alpha = krippendorff.alpha(reliability_data=df.iloc[:, 4:].T.to_numpy(),
                               level_of_measurement="nominal")
    assert alpha == pytest.approx(109 / 252, abs=1e-12)


def test_gold_labels_say_how_each_was_decided(app, corpus, lead_client):
    df = frame(lead_client.get("/exports/gold-labels.csv"))
    assert len(df) == 10
    # unanimous: A1p0, A1p3, A2p0, A2p2, A3p0; majority: A1p1, A3p1, A3p2;
    # adjudicated: A2p1; unresolved: A1p2
    assert df.decided_by.value_counts().to_dict() == {
        "unanimous": 5, "majority": 3, "adjudicated": 1, "unresolved": 1}
    row = df[df.unit_id == corpus.unit(corpus.a2, 1)].iloc[0]
    assert (row.gold_label, row.n_claim, row.n_fact, row.labels) == ("claim", 1, 1, 2)
    assert row.rationale == "Attributed to the mayor."
    assert row.adjudicator == alias(app, corpus.lee)
    assert pd.isna(df[df.unit_id == corpus.unit(corpus.a1, 2)].iloc[0].gold_label)


def test_agreement_report_json_and_csv_tables(app, corpus, lead_client):
    recompute_all()
    response = lead_client.get("/exports/agreement-report.json")
    report = json.loads(response.get_data(as_text=True))
    assert report["meta"]["export"] == "agreement-report"
    assert "Krippendorff" in report["meta"]["definitions"]["method notes"]
    assert report["overall"]["alpha"] == pytest.approx(109 / 252)  # as in the matrix test
    # 24 coder pairs within sentences, 14 agree (3+1+0+3 + 1+0+1 + 3+1+1)
    assert report["overall"]["percent_agreement"] == pytest.approx(14 / 24)
    assert report["overall"]["sentences_adjudicated"] == 1
    outlets = {o["outlet"]: o for o in report["outlets"]}
    # Daily Example: 7 sentences; nominal alpha 107/226 (see test_outlets for the working)
    assert outlets["Daily Example"]["alpha"] == pytest.approx(107 / 226)
    assert outlets["Daily Example"]["supported_share"] == pytest.approx(3 / 4)
    assert outlets["Other Times"]["alpha"] == pytest.approx(5 / 13)
    assert {a["article_id"] for a in report["articles"]} == {corpus.a1.id, corpus.a2.id,
                                                             corpus.a3.id}
    reviewers = {r["reviewer"]: r for r in report["reviewers"]}
    # bob: 9 labels on sentences with gold, 7 match (misses A2p1 and A3p2)
    assert reviewers[alias(app, corpus.bob)]["accuracy"] == pytest.approx(7 / 9)
    assert [d["domain"] for d in report["domains"]][:3] == [
        "example.com", "example.org", "reuters.com"]
    df = frame(lead_client.get("/exports/agreement-outlets.csv"))
    assert df.set_index("outlet").loc["Other Times", "n_claim"] == 1
    assert len(frame(lead_client.get("/exports/agreement-articles.csv"))) == 3


def test_agreement_report_xlsx_and_html(app, corpus, lead_client):
    recompute_all()
    response = lead_client.get("/exports/agreement-report.xlsx")
    assert response.headers["Content-Disposition"].endswith(f'_all_{TODAY}.xlsx"')
    wb = load_workbook(io.BytesIO(response.get_data()))
    assert wb.sheetnames == ["overall", "outlets", "articles", "reviewers", "domains",
                             "metadata"]
    assert wb["articles"].max_row == 1 + 3
    html = lead_client.get("/exports/agreement-report.html")
    assert "default-src 'none'" in html.headers["Content-Security-Policy"]
    text = html.get_data(as_text=True)
    assert text.count("<svg") >= 3 and "<script" not in text
    assert "src=" not in text and "<link" not in text  # nothing to fetch
    assert "0.433" in text  # overall alpha 109/252 = 0.4325...


def test_cli_writes_dated_files(app, corpus, runner, tmp_path):
    result = runner.invoke(args=["export", "annotations", "--queue", "Wave 1", "--format", "csv",
                                 "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = tmp_path / f"annotator-annotations_queue-wave-1_{TODAY}.csv"
    assert written.exists()
    assert len(pd.read_csv(written)) == 27
    sidecar = json.loads((tmp_path / (written.name + "-metadata.json")).read_text())
    assert sidecar["url"] == written.name and sidecar["export"] == "annotations"
    assert sidecar["filter"]["description"].startswith("queue Wave 1")
    result = runner.invoke(args=["export", "gold", "--outlet", "Nowhere", "-o", str(tmp_path)])
    assert result.exit_code != 0 and "no outlet 'Nowhere'" in result.output
    recompute_all()
    result = runner.invoke(args=["export", "report", "--format", "xlsx", "--from", "2024-01-15",
                                 "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0, result.output
    assert load_workbook(tmp_path / "r.xlsx")["outlets"].max_row == 1 + 2


def test_reviewers_get_403_everywhere(corpus, client, login_as):
    login_as(corpus.ann)
    for url in ("/exports/", "/exports/annotations.jsonl", "/exports/annotations.csv",
                "/exports/reliability-matrix.csv", "/exports/gold-labels.csv",
                "/exports/agreement-report.html", "/exports/agreement-report.xlsx",
                "/exports/agreement-report.json", "/exports/agreement-articles.csv",
                "/exports/agreement-outlets.csv", "/exports/agreement-reviewers.csv",
                "/exports/agreement-domains.csv"):
        assert client.get(url).status_code == 403, url


def test_index_offers_every_export_with_the_filter(corpus, lead_client):
    page = lead_client.get(f"/exports/?queue={corpus.queue.id}&names=y").get_data(as_text=True)
    assert f"/exports/annotations.jsonl?queue={corpus.queue.id}&amp;names=y" in page
    assert "/exports/agreement-report.html" in page and "queue Wave 1" in page


def test_download_functions_work_without_a_request(app, corpus):
    download = downloads.gold_export(ArticleFilter())
    text = "".join(download.chunks)
    assert download.filename == f"annotator-gold-labels_all_{TODAY}.csv"
    assert text.count("\n") > 10


def test_an_export_reads_one_snapshot(app, corpus):
    from sqlalchemy import text

    from annotator.extensions import db

    a3p0 = corpus.unit(corpus.a3, 0)
    label_stream.begin_snapshot()
    stream = label_stream.iter_units(ArticleFilter(), size=1)  # one article per chunk
    first = next(stream)
    assert first.article_id == corpus.a1.id
    with db.engine.begin() as other:  # another connection changes a later article meanwhile
        other.execute(text("UPDATE annotations SET label = 'prediction' WHERE unit_id = :u"),
                      {"u": a3p0})
    rest = {u.unit_id: [lab.label for lab in u.labels] for u in stream}
    assert rest[a3p0] == ["fact", "fact", "fact"]  # as it was when the export began
    db.session.commit()
    again = {u.unit_id: [lab.label for lab in u.labels]
             for u in label_stream.iter_units(ArticleFilter())}
    assert again[a3p0] == ["prediction"] * 3


def test_a_download_starts_before_the_rows_are_read(corpus, lead_client):
    response = lead_client.get("/exports/annotations.jsonl", buffered=False)
    blocks = iter(response.response)
    first = next(blocks)  # what a proxy sees at once: the metadata line, on its own
    assert first.startswith(b'{"_meta":') and first.count(b"\n") == 1
    assert sum(block.count(b"\n") for block in blocks) == 27
    response.close()


@pytest.mark.parametrize("name", ["annotations.csv", "reliability-matrix.csv", "gold-labels.csv",
                                  "agreement-articles.csv", "agreement-outlets.csv",
                                  "agreement-reviewers.csv", "agreement-domains.csv"])
def test_every_csv_opens_clean_and_has_a_metadata_sidecar(app, corpus, lead_client, name):
    recompute_all()
    table = lead_client.get(f"/exports/{name}?queue={corpus.queue.id}")
    assert table.status_code == 200
    text = table.get_data(as_text=True)
    assert not any(line.startswith("#") for line in text.splitlines())
    assert len(pd.read_csv(io.StringIO(text)).columns) >= 3  # Excel and pandas: header first
    filename = table.headers["Content-Disposition"].split('filename="')[1].rstrip('"')
    side = lead_client.get(f"/exports/csv-metadata.json?file={name}&queue={corpus.queue.id}")
    assert side.status_code == 200 and side.headers["Content-Type"] == "application/json"
    assert side.headers["Content-Disposition"].endswith(f'{filename}-metadata.json"')
    meta = side.get_json()
    assert meta["url"] == filename and meta["app"] == "annotator"
    assert meta["filter"]["description"] == "queue Wave 1"
    assert "formula-like text" in meta["definitions"]
    header = next(csv.reader(io.StringIO(text)))
    if "columns" in meta:
        assert meta["columns"] == header


def test_the_metadata_route_says_which_files_it_knows(app, corpus, lead_client):
    response = lead_client.get("/exports/csv-metadata.json?file=secrets.csv")
    assert response.status_code == 400
    assert "annotations.csv" in response.get_data(as_text=True)
