"""Export rows, names and writers on plain data: no app, no database."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import krippendorff
import pandas as pd
import pytest
from openpyxl import load_workbook

from annotator.exports.label_rows import (
    ANNOTATION_CSV_FIELDS,
    ANNOTATION_FIELDS,
    GOLD_FIELDS,
    ReviewerNames,
    annotation_csv_rows,
    annotation_records,
    gold_row,
    matrix_header,
    matrix_row,
    pseudonym,
    pseudonym_key,
    text_hash,
)
from annotator.exports.metadata import comment_block, export_filename, metadata
from annotator.exports.writers import (
    CSV_READING_HINT,
    csv_stream,
    jsonl_stream,
    matrix_csv_stream,
    meta_rows,
    write_xlsx,
)
from annotator.filters import ArticleFilter
from annotator.stats.coefficients import krippendorff_alpha
from annotator.stats.sentences import Gold, Label, UnitLabels, decide, unit_agreement
from annotator.vocabulary import LABELS

KEY = pseudonym_key("test-secret")
T0 = datetime(2024, 3, 1, 9, 30)


def unit(labels: list[tuple[int, str]], gold: Gold | None = None, text: str = "It rained.",
         unit_id: int = 7) -> UnitLabels:
    return UnitLabels(
        queue_id=1, queue="Election", article_id=3, article_url="https://news.example/a",
        outlet_id=2, outlet="Daily Example", outlet_domain="example.com",
        published_at=datetime(2024, 2, 1), unit_id=unit_id, position=1, kind="body", start=10,
        end=10 + len(text), text=text,
        labels=[Label(rid, lab, "2024-03-01T09:30:00Z", "2024-03-01T09:30:00Z",
                      "2024-03-02T00:00:00Z") for rid, lab in labels],
        gold=gold,
    )  # fmt: skip


# --- names and metadata ---------------------------------------------------------------------

def test_filter_slug_and_file_name_carry_the_filter_and_date():
    everything = ArticleFilter()
    assert everything.slug() == "all"
    assert export_filename("annotations", everything, date(2024, 5, 1), "jsonl") == (
        "annotator-annotations_all_2024-05-01.jsonl")
    flt = ArticleFilter(queue_id=4, queue_name="Élection 2024: wave #2", outlet_id=9,
                       outlet_name="The Daily/Herald", date_from=date(2024, 1, 1))
    assert flt.slug() == "queue-election-2024-wave-2_outlet-the-daily-herald_2024-01-01-to-now"
    assert flt.describe() == (
        "queue Élection 2024: wave #2, outlet The Daily/Herald, published on or after 2024-01-01")


def test_metadata_and_comment_block_say_what_the_file_holds():
    flt = ArticleFilter(outlet_id=9, outlet_name="Herald", date_to=date(2024, 2, 29))
    meta = metadata("gold-labels", flt, datetime(2024, 5, 1, 12, 0, 5), "0.1.0",
                    {"decided_by": "how\nit was decided"}, reviewers=3)
    assert meta["generated_at"] == "2024-05-01T12:00:05Z"
    assert meta["app_version"] == "0.1.0"
    assert meta["filter"]["published_to"] == "2024-02-29"
    block = comment_block(meta, CSV_READING_HINT)
    lines = block.splitlines()
    assert all(line.startswith("#") for line in lines)
    assert "# annotator export: gold-labels" in lines
    assert "# filter: outlet Herald, published on or before 2024-02-29" in lines
    assert "#   decided_by: how" in lines and "#     it was decided" in lines


def test_pseudonyms_are_stable_distinct_and_keyed():
    a = pseudonym(KEY, 1)
    assert a == pseudonym(KEY, 1) and a.startswith("r-") and len(a) == 12
    assert len({pseudonym(KEY, i) for i in range(5000)}) == 5000
    assert pseudonym(pseudonym_key("another-secret"), 1) != a
    names = ReviewerNames(KEY, {1: "alice"})
    assert names[1] == "alice" and names[2] == pseudonym(KEY, 2)


# --- gold decisions -----------------------------------------------------------------------

@pytest.mark.parametrize(("labels", "adjudicated", "label", "how"), [
    (["fact", "fact", "fact"], None, "fact", "unanimous"),
    (["fact", "fact"], None, "fact", "unanimous"),
    (["fact", "fact", "claim"], None, "fact", "majority"),        # 2 of 3 > 1.5
    (["claim"] * 3 + ["fact"] * 2, None, "claim", "majority"),    # 3 of 5 > 2.5
    (["fact", "claim"], None, None, "unresolved"),                # 1 of 2 is not > 1
    (["fact", "fact", "claim", "claim", "opinion"], None, None, "unresolved"),  # 2 of 5
    (["fact"], None, None, "unresolved"),                          # nobody corroborated it
    ([], None, None, "unresolved"),
    (["fact", "fact", "fact"], "claim", "claim", "adjudicated"),  # the lead wins over counts
])
def test_decide(labels, adjudicated, label, how):
    decision = decide(labels, adjudicated)
    assert (decision.label, decision.decided_by) == (label, how)
    assert decision.total == len(labels)
    assert list(decision.counts) == list(LABELS)


def test_unit_agreement_is_the_share_of_agreeing_pairs():
    assert unit_agreement(["fact"]) is None
    # 3 labels -> 3 pairs; fact-fact agrees, the 2 pairs with claim do not: 1/3
    assert unit_agreement(["fact", "fact", "claim"]) == pytest.approx(1 / 3)
    assert unit_agreement(["fact", "fact"]) == 1.0


# --- rows -------------------------------------------------------------------------------

def test_annotation_records_one_per_label_with_sources():
    u = unit([(5, "fact"), (6, "claim")])
    u.labels[0].sources = [("https://a.example/x", "example", "supports"),
                           ("https://gov.example/y", "gov.example", "contradicts")]
    names = ReviewerNames(KEY)
    records = list(annotation_records(u, names))
    assert [tuple(r) for r in records] == [ANNOTATION_FIELDS] * 2
    first = records[0]
    assert first["reviewer"] == pseudonym(KEY, 5) and first["label"] == "fact"
    assert first["text_hash"] == text_hash("It rained.") and len(first["text_hash"]) == 64
    assert first["sources"][1] == {"url": "https://gov.example/y", "domain": "gov.example",
                                   "stance": "contradicts"}
    assert first["labelled_at"] == "2024-03-01T09:30:00Z"
    assert first["submitted_at"] == "2024-03-02T00:00:00Z"
    assert records[1]["sources"] == []
    rows = list(annotation_csv_rows(u, names))
    assert len(rows[0]) == len(ANNOTATION_CSV_FIELDS)
    row = dict(zip(ANNOTATION_CSV_FIELDS, rows[0], strict=True))
    assert row["source_count"] == 2
    assert row["source_urls"] == "https://a.example/x|https://gov.example/y"
    assert row["source_stances"] == "supports|contradicts"


def test_matrix_rows_put_codes_under_their_reviewers():
    column_of = {5: 0, 6: 1, 9: 2}
    assert matrix_header(["r-a", "r-b", "r-c"]) == [
        "unit_id", "queue", "article_id", "position", "r-a", "r-b", "r-c"]
    row = matrix_row(unit([(5, "fact"), (9, "prediction")]), column_of, 3)
    assert row == [7, "Election", 3, 1, 1, None, 4]  # fact = 1, prediction = 4, r-b missing


def test_gold_row_says_how_it_was_decided():
    names = ReviewerNames(KEY, {42: "lead"})
    row = dict(zip(GOLD_FIELDS, gold_row(unit([(5, "fact"), (6, "claim"), (7, "claim")]),
                                         names), strict=True))
    assert (row["labels"], row["n_fact"], row["n_claim"]) == (3, 1, 2)
    assert (row["gold_label"], row["decided_by"], row["adjudicator"]) == (
        "claim", "majority", None)
    gold = Gold("opinion", "Loaded wording.", 42, "2024-04-01T00:00:00Z")
    row = dict(zip(GOLD_FIELDS, gold_row(unit([(5, "fact"), (6, "claim")], gold), names),
                   strict=True))
    assert (row["gold_label"], row["decided_by"], row["adjudicator"]) == (
        "opinion", "adjudicated", "lead")
    assert row["rationale"] == "Loaded wording." and row["adjudicated_at"] == "2024-04-01T00:00:00Z"


# --- writers ------------------------------------------------------------------------------

def test_jsonl_stream_meta_line_then_records_in_blocks():
    records = ({"i": i, "text": "ü" * 50} for i in range(3000))
    chunks = list(jsonl_stream({"export": "x"}, records))
    assert len(chunks) > 2  # written in blocks, not one string
    lines = "".join(chunks).splitlines()
    assert json.loads(lines[0]) == {"_meta": {"export": "x"}}
    assert [json.loads(line)["i"] for line in lines[1:]] == list(range(3000))
    assert "ü" in lines[1]  # UTF-8, not \u escapes


def test_csv_stream_survives_hashes_quotes_and_newlines_in_text():
    header = ["id", "text", "missing"]
    rows = [[1, 'He said "#1" ,then\nleft', None], [2, "# not a comment", "x"]]
    text = "".join(csv_stream(header, rows, comment="# about\n# more\n"))
    frame = pd.read_csv(io.StringIO(text), comment="#")
    assert frame["text"].tolist() == ['He said "#1" ,then\nleft', "# not a comment"]
    assert pd.isna(frame["missing"][0]) and frame["id"].tolist() == [1, 2]


def test_matrix_csv_reads_into_krippendorff_with_the_engines_alpha():
    # 4 sentences x 3 reviewers; reviewer r-c skipped sentence 2.
    data = {1: {"a": "fact", "b": "fact", "c": "claim"},
            2: {"a": "claim", "b": "claim"},
            3: {"a": "opinion", "b": "fact", "c": "opinion"},
            4: {"a": "prediction", "b": "prediction", "c": "prediction"}}
    column_of = {"a": 0, "b": 1, "c": 2}
    rows = [matrix_row(unit([(r, lab) for r, lab in coded.items()], unit_id=uid), column_of, 3)
            for uid, coded in data.items()]
    text = "".join(matrix_csv_stream(matrix_header(["r-a", "r-b", "r-c"]), rows,
                                     comment="# header\n"))
    assert ",NA\n" in text
    frame = pd.read_csv(io.StringIO(text), comment="#")
    ours = krippendorff_alpha(data, level="nominal").value
    theirs = krippendorff.alpha(reliability_data=frame.iloc[:, 4:].T.to_numpy(),
                                level_of_measurement="nominal")
    assert theirs == pytest.approx(ours, abs=1e-12)


def test_xlsx_keeps_formula_like_text_as_text_and_drops_control_characters():
    buffer = io.BytesIO()
    write_xlsx(buffer, [("articles", ["title", "n"], [["=HYPERLINK(\"x\")", 1],
                                                      ["bell\x07here", 2]])],
               meta_rows({"export": "report", "filter": {"description": "all"},
                          "definitions": {"alpha": "Krippendorff's alpha"}}))
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    assert wb.sheetnames == ["articles", "metadata"]
    ws = wb["articles"]
    assert ws["A2"].value == '=HYPERLINK("x")' and ws["A2"].data_type == "s"
    assert ws["A3"].value == "bell\ufffdhere"
    meta = [[c.value for c in row] for row in wb["metadata"].iter_rows()]
    assert ["filter.description", "all"] in meta and ["alpha", "Krippendorff's alpha"] in meta


# --- outlet and domain tallies --------------------------------------------------------------

def test_tally_self_only_mixed_stances_and_unresolved():
    from annotator.outlets.tallies import DomainTally, Tally

    a = unit([(1, "fact"), (2, "fact")])  # unanimous fact, outlet domain example.com
    a.labels[0].sources = [("https://example.com/1", "example.com", "supports")]
    a.labels[1].sources = [("https://example.com/2", "example.com", "supports")]
    b = unit([(1, "claim"), (2, "fact")], unit_id=8)  # unresolved: not in the source shares
    b.labels[0].sources = [("https://x.org/1", "x.org", "contradicts")]
    c = unit([(1, "claim"), (2, "claim")], unit_id=9)
    c.outlet_domain = None  # no known own domain: never "self only"
    c.labels[0].sources = [("https://example.com/3", "example.com", "supports")]
    tally = Tally().add_all([a, b, c])
    out = tally.outlets[2]
    assert (out.articles, out.sentences, out.factual) == (1, 3, 2)
    assert out.mix["unresolved"] == 1
    # a: supported, only by its own domain; c: supported; b is unresolved so not counted
    assert (out.supported, out.self_only, out.contradicted) == (2, 1, 0)
    domains = DomainTally()
    # reviewer 1 gives x.org two stances on one sentence: "mixed", which agrees with nothing
    domains.add_sentence([(1, "x.org", "supports"), (1, "x.org", "contradicts"),
                          (2, "x.org", "supports"), (3, "x.org", "supports")])
    x = domains.domains["x.org"]
    # pairs: (mixed, supports), (mixed, supports), (supports, supports): 1 of 3 agree
    assert (x.citations, x.pairs, x.agreeing_pairs, x.sentences) == (4, 3, 1, 1)


def test_encoded_json_lines_equal_the_records():
    from annotator.exports.label_rows import annotation_json_lines

    u = unit([(5, "fact"), (6, "claim")], text='He said "no" — ünïcode\n')
    u.labels[1].sources = [("https://a.example/x", "a.example", "context")]
    names = ReviewerNames(KEY)
    lines = list(annotation_json_lines(u, names))
    assert [json.loads(line) for line in lines] == list(annotation_records(u, names))
    assert [list(json.loads(line)) for line in lines] == [list(ANNOTATION_FIELDS)] * 2


@pytest.mark.parametrize("cluster", [None, 12])
def test_written_csv_lines_equal_the_csv_writers_rows(cluster):
    from annotator.exports.label_rows import annotation_csv_lines
    from annotator.exports.writers import csv_text_stream

    # Cells a spreadsheet would run (=, +, -, @), quotes, commas, newlines, "#", no URL, a
    # username that is a formula, sources with a trigger, a label never changed (no times).
    u = unit([(5, "fact"), (6, "claim"), (8, "opinion")],
             text='=SUM(A1) said "no", then\n# left — ünïcode\r\n')
    u.queue, u.outlet, u.article_url, u.cluster_id = "-Election", '@"Daily", Ex', None, cluster
    u.labels[0].sources = [("https://a.example/x", "a.example", "supports"),
                           ("https://b.example/y?q=1,2", "+b.example", "context")]
    u.labels[2].labelled_at = u.labels[2].updated_at = None
    names = ReviewerNames(KEY, {5: '=HYPERLINK("x")', 6: "ann, \"the\" reviewer"})
    written = "".join(csv_text_stream(ANNOTATION_CSV_FIELDS, annotation_csv_lines(u, names)))
    expected = "".join(csv_stream(ANNOTATION_CSV_FIELDS, annotation_csv_rows(u, names)))
    assert written == expected
    assert written.count("\n") == 1 + 3 * 3  # the header, three labels with two in the text
    assert "'=SUM(A1)" in written and "'=HYPERLINK" in written
