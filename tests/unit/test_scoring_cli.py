"""Scoring reliability data from CSV and the ``flask agreement score`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from annotator.agreement.cli import agreement_cli
from annotator.stats.scoring import (
    MIN_PAIRABLE_VALUES,
    RecordError,
    read_records,
    score_records,
)

DATA = Path(__file__).parent / "data"
# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units with missing values, as unit,coder,label rows.
K2011_C = DATA / "krippendorff_2011_c.csv"


@pytest.fixture()
def cli() -> FlaskCliRunner:
    """A CLI runner for a bare app with only the agreement commands registered."""
    app = Flask(__name__)
    app.cli.add_command(agreement_cli)
    return app.test_cli_runner()


def score(cli: FlaskCliRunner, path: Path, *options: str) -> dict:
    result = cli.invoke(args=["agreement", "score", str(path), *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def write(tmp_path: Path, text: str, name: str = "labels.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- the paper example


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_cli_reproduces_krippendorff_paper(cli: FlaskCliRunner, level: str, published: float):
    report = score(cli, K2011_C, "--level", level)
    assert report["level"] == level
    assert round(report["alpha"], 3) == published
    assert (report["units"], report["coders"], report["pairable_values"]) == (12, 4, 40)
    low, high = report["alpha_ci"]
    assert low <= report["alpha"] <= high
    assert report["bootstrap"]["resamples"] == 1000


def test_cli_report_holds_every_figure(cli: FlaskCliRunner) -> None:
    report = score(cli, K2011_C)
    # Gwet (2014) handbook values for this data set, as irrCAC documents them.
    assert round(report["fleiss_kappa"], 5) == 0.76117
    assert round(report["gwet_ac1"], 5) == 0.77544
    assert report["percent_agreement"] == pytest.approx(43 / 55)
    assert report["labels"] == ["1", "2", "3", "4", "5"]
    assert set(report["per_label"]) == {"1", "2", "3", "4", "5"}
    assert len(report["pairwise"]) == 6
    first = report["pairwise"][0]
    assert set(first) == {
        "coder_a", "coder_b", "cohen_kappa", "scott_pi", "percent_agreement", "n", "reasons"
    }  # fmt: skip
    assert (first["coder_a"], first["coder_b"], first["n"]) == ("A", "B", 9)
    assert report["warnings"] == [] and report["reasons"] == {}


def test_cli_seed_reproduces_the_interval(cli: FlaskCliRunner) -> None:
    one = score(cli, K2011_C, "--seed", "7", "--bootstrap", "300")
    again = score(cli, K2011_C, "--seed", "7", "--bootstrap", "300")
    other = score(cli, K2011_C, "--seed", "8", "--bootstrap", "300")
    assert one["alpha_ci"] == again["alpha_ci"] != other["alpha_ci"]
    assert one["bootstrap"]["seed"] == 7 and one["bootstrap"]["resamples"] == 300


def test_cli_without_bootstrap(cli: FlaskCliRunner) -> None:
    report = score(cli, K2011_C, "--bootstrap", "0")
    assert report["alpha_ci"] is None
    assert "not requested" in report["reasons"]["alpha_ci"]


# ---------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "missing header"),
        ("1,ann,fact\n2,ann,claim\n", 1, "missing header"),
        ("\nunit,reviewer,label\n1,ann,fact\n", 2, "wrong columns"),
        ("unit,coder,label,note\n", 1, "wrong columns"),
        ("unit,coder,label\n1,ann,fact\n2,ann\n", 3, "expected 3 columns, got 2"),
        ("unit,coder,label\n1,,fact\n", 2, "must not be empty"),
        ("unit,coder,label\n1,ann,fact\n1,bob,fact\n1,ann,claim\n", 4, "on line 2"),
    ],
)
def test_cli_rejects_bad_files_naming_file_and_line(
    cli: FlaskCliRunner, tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text)
    result = cli.invoke(args=["agreement", "score", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{path}, line {line}:" in result.stderr
    assert message in result.stderr


def test_cli_rejects_non_numeric_labels_at_numeric_levels(
    cli: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "unit,coder,label\n1,ann,3\n1,bob,high\n")
    result = cli.invoke(args=["agreement", "score", str(path), "--level", "interval"])
    assert result.exit_code == 2
    assert f"{path}, line 3: label 'high' is not a number" in result.stderr
    assert score(cli, path)["labels"] == ["3", "high"]  # fine as nominal labels


def test_cli_rejects_missing_and_unreadable_files(cli: FlaskCliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    result = cli.invoke(args=["agreement", "score", str(missing)])
    assert result.exit_code == 2 and "nope.csv" in result.stderr
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"unit,coder,label\n1,a,\xff\n")
    result = cli.invoke(args=["agreement", "score", str(binary)])
    assert result.exit_code == 2 and "not UTF-8" in result.stderr


def test_cli_rejects_unknown_level(cli: FlaskCliRunner) -> None:
    result = cli.invoke(args=["agreement", "score", str(K2011_C), "--level", "circular"])
    assert result.exit_code == 2


# ---------------------------------------------------------------------------- degenerate data


def test_cli_one_coder_gives_nulls_with_reasons(cli: FlaskCliRunner, tmp_path: Path) -> None:
    report = score(cli, write(tmp_path, "unit,coder,label\n1,ann,fact\n2,ann,claim\n"))
    for key in ("alpha", "alpha_ci", "fleiss_kappa", "gwet_ac1", "percent_agreement"):
        assert report[key] is None
        assert report["reasons"][key]
    assert report["pairwise"] == []
    assert report["per_label"] == {"claim": None, "fact": None}
    assert any("fewer than two coders" in w for w in report["warnings"])
    assert any(f"fewer than {MIN_PAIRABLE_VALUES}" in w for w in report["warnings"])


def test_cli_one_label_everywhere(cli: FlaskCliRunner, tmp_path: Path) -> None:
    rows = "".join(f"{u},{c},fact\n" for u in range(12) for c in ("ann", "bob"))
    path = write(tmp_path, "unit,coder,label\n" + rows)
    result = cli.invoke(args=["agreement", "score", str(path)])
    assert "NaN" not in result.stdout
    report = json.loads(result.stdout)
    assert report["alpha"] is None and "expected disagreement is 0" in report["reasons"]["alpha"]
    assert report["percent_agreement"] == 1.0  # still given where pairs exist
    (pair,) = report["pairwise"]
    assert pair["percent_agreement"] == 1.0 and pair["cohen_kappa"] is None
    assert set(pair["reasons"]) == {"cohen_kappa", "scott_pi"}
    assert any("'fact' is 100% of all values" in w for w in report["warnings"])


def test_cli_header_only_file(cli: FlaskCliRunner, tmp_path: Path) -> None:
    report = score(cli, write(tmp_path, "unit,coder,label\n"))
    assert (report["units"], report["coders"], report["coded_values"]) == (0, 0, 0)
    assert report["alpha"] is None and report["per_label"] == {}


def test_cli_coders_without_shared_units(cli: FlaskCliRunner, tmp_path: Path) -> None:
    report = score(cli, write(tmp_path, "unit,coder,label\n1,ann,fact\n2,bob,claim\n"))
    (pair,) = report["pairwise"]
    assert pair["n"] == 0 and pair["percent_agreement"] is None
    assert pair["reasons"]["percent_agreement"] == "the two coders share no unit"


def test_agreement_group_lists_score(cli: FlaskCliRunner) -> None:
    result = cli.invoke(args=["agreement", "--help"])
    assert result.exit_code == 0 and "score" in result.stdout


# ---------------------------------------------------------------------------- records


def test_read_records_accepts_csv_variants() -> None:
    text = '\ufeffLabel,Unit,Coder\n\n"fact, mostly",s1,ann\nclaim,s1,bob\n,s2,ann\n'
    records = read_records(text)
    assert [(r.unit, r.coder, r.label, r.line) for r in records] == [
        ("s1", "ann", "fact, mostly", 3),
        ("s1", "bob", "claim", 4),
    ]  # header in any column order, blank line skipped, empty label = missing


def test_read_records_parses_numbers_at_numeric_levels() -> None:
    text = "unit,coder,label\n1,a,2\n1,b,2.5\n1,c,002\n"
    assert [r.label for r in read_records(text, "interval")] == [2, 2.5, 2]
    with pytest.raises(RecordError, match="negative") as info:
        read_records("unit,coder,label\n1,a,-1\n", "ratio")
    assert info.value.line == 2
    with pytest.raises(RecordError, match="finite"):
        read_records("unit,coder,label\n1,a,nan\n", "interval")


def test_identical_duplicates_are_accepted_once() -> None:
    records = read_records("unit,coder,label\n1,a,x\n1,a,x\n1,b,y\n")
    assert len(records) == 2


def test_score_records_takes_plain_triples() -> None:
    triples = [(1, "a", "x"), (1, "b", "x"), (2, "a", "y"), (2, "b", "x")]
    report = score_records(triples, seed=3, resamples=100)
    assert report["units"] == 2 and report["percent_agreement"] == 0.5
    json.dumps(report, allow_nan=False)  # JSON-ready as it is
    with pytest.raises(RecordError, match="both"):
        score_records([(1, "a", "x"), (1, "a", "y")])


def test_score_records_full_label_set_sets_ac1_q() -> None:
    triples = [(u, c, "fact") for u in range(5) for c in ("a", "b")]
    assert score_records(triples, resamples=0)["gwet_ac1"] is None
    labels = ["fact", "claim", "opinion", "prediction"]
    report = score_records(triples, resamples=0, labels=labels)
    assert report["gwet_ac1"] == 1.0
    assert report["per_label"]["claim"] is None
