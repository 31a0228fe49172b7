"""Writers for the export formats: CSV, JSON Lines and XLSX. Pure: no Flask, no database.

The CSV and JSONL writers are generators that take rows lazily and yield text in blocks, so a
response or a file receives a million rows without the rows ever being held together.

Every cell of every CSV goes through spreadsheet_cells: text that a spreadsheet would run as a
formula (OWASP's CSV-injection rule) gets a leading "'"; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

BLOCK_CHARS = 1 << 16  # yield about 64 KB at a time
# One encoder, built once: json.dumps with options builds a new encoder on every call.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
CSV_READING_HINT = (
    'Lines starting with "#" are this header. Read with pandas.read_csv(path, comment="#") '
    'or R read.csv(path, comment.char = "#"); text cells are quoted, so "#" inside them is data.'
)
# OWASP's rule against CSV injection: a cell starting with one of these is a formula to Excel,
# LibreOffice or Google Sheets, quoted or not; a leading "'" makes it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERS = frozenset(FORMULA_TRIGGERS)
FORMULA_NOTE = (
    "In CSV files a text cell that starts with =, +, -, @, a tab or a carriage return is "
    "written with a ' in front, so a spreadsheet shows it as text instead of running it as a "
    "formula (OWASP's rule against CSV injection); drop that first ' to get the text as "
    "stored. Numbers are written as numbers, negative ones too. JSON, JSON Lines and XLSX "
    "files hold the text as stored (XLSX as text cells, never formulas)."
)
# Where a spreadsheet splits a line into cells: commas, or semicolons or tabs in some locales
# (a quote opening the cell is dropped before the cell is read).
_CELL_BREAK = re.compile(r'([,;\t]"?)')


def jsonl_stream(meta: dict[str, Any] | None, records: Iterable[dict]) -> Iterator[str]:
    """Yield JSON Lines: a {"_meta": ...} line when meta is given, then one line per record."""
    return jsonl_text_stream(meta, map(_JSON.encode, records))


def jsonl_text_stream(meta: dict[str, Any] | None, lines: Iterable[str]) -> Iterator[str]:
    """Yield JSON Lines from records already encoded (one JSON text each, no newline)."""
    if meta is not None:
        yield _JSON.encode({"_meta": meta}) + "\n"
    yield from _line_blocks(lines)


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[Any]],
               comment: str | None = None) -> Iterator[str]:
    """Yield CSV text: the comment block, the header, then the rows (text cells quoted)."""
    buffer = io.StringIO()
    # Quoting every text cell keeps a "#" in a sentence from reading as a comment; empty
    # cells (None) come out as "" which pandas and R read as missing.
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    if comment:
        buffer.write(_comment_text(comment))
    writer.writerow(spreadsheet_cells(header))
    for row in rows:
        writer.writerow(spreadsheet_cells(row))
        if buffer.tell() >= BLOCK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text_stream(header: Sequence[str], lines: Iterable[str]) -> Iterator[str]:
    """Yield CSV text from rows already written (csv_line, or csv_cell joined; no newline).

    The same text csv_stream writes for the same rows, without the csv module's work per
    cell: for exports whose rows share most of their cells (a sentence's, for each label).
    """
    yield csv_line(header) + "\n"
    yield from _line_blocks(lines)


def csv_cell(value: Any) -> str:
    """Return one cell as csv_stream writes it: made safe (spreadsheet_cells), text quoted.

    The csv module's QUOTE_NONNUMERIC: None and text are quoted (a quote doubled), numbers
    bare (floats by repr).
    """
    if isinstance(value, str):
        if value[:1] in _TRIGGERS:
            value = "'" + value
        return '"' + value.replace('"', '""') + '"' if '"' in value else '"' + value + '"'
    if value is None:
        return '""'
    if isinstance(value, float):
        return repr(value)
    return str(value)


def csv_line(cells: Iterable[Any]) -> str:
    """Return one CSV row as csv_stream writes it, without the line end."""
    return ",".join(map(csv_cell, cells))


def _line_blocks(lines: Iterable[str]) -> Iterator[str]:
    """Yield the lines, each ended by a newline, joined into blocks of about BLOCK_CHARS."""
    block: list[str] = []
    size = 0
    for line in lines:
        block.append(line)
        size += len(line)
        if size >= BLOCK_CHARS:
            block.append("")
            yield "\n".join(block)
            block, size = [], 0
    if block:
        block.append("")
        yield "\n".join(block)


def matrix_csv_stream(header: Sequence[str], rows: Iterable[Sequence[Any]],
                      comment: str | None = None) -> Iterator[str]:
    """Yield a reliability matrix: ids and label codes bare, missing cells as NA, text quoted."""
    buffer = io.StringIO()
    if comment:
        buffer.write(_comment_text(comment))
    buffer.write(",".join(_quote(name) for name in spreadsheet_cells(header)) + "\n")
    for row in rows:
        buffer.write(",".join(_matrix_cell(cell) for cell in spreadsheet_cells(row)) + "\n")
        if buffer.tell() >= BLOCK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def spreadsheet_cells(cells: Iterable[Any]) -> list[Any]:
    """Return a row's cells as a spreadsheet must read them: data, never a formula.

    A text cell starting with =, +, -, @, a tab or a carriage return gets a leading "'"
    (OWASP); numbers (a negative alpha too), None and other text pass unchanged. The one
    place every CSV cell goes through: rows, headers and the comment block's lines.
    """
    # One type test and one set lookup per cell: a million-row export calls this per row.
    return [("'" + cell if cell[:1] in _TRIGGERS else cell) if isinstance(cell, str) else cell
            for cell in cells]


def _comment_text(comment: str) -> str:
    """Return the "#" comment block with every cell a spreadsheet would cut from it made safe.

    pandas and R skip these lines, but a spreadsheet shows them, cut into cells at each
    comma (or semicolon or tab): the filter's outlet or queue name may hold a formula.
    """
    lines = []
    for line in comment.split("\n"):
        parts = _CELL_BREAK.split(line)
        parts[2::2] = spreadsheet_cells(parts[2::2])
        lines.append("".join(parts))
    return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + str(text).replace('"', '""') + '"'


def _matrix_cell(cell: Any) -> str:
    if cell is None:
        return "NA"  # what R's read.csv and pandas both read as missing
    if isinstance(cell, int):
        return str(cell)
    return _quote(cell)


def xlsx_cell_value(value: Any) -> Any:
    """Return a value openpyxl can store as data: no control characters, no formulas."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_xlsx(fileobj: IO[bytes],
               sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
               meta_rows: Iterable[Sequence[Any]]) -> None:
    """Write a workbook in write-only mode: one sheet per (title, header, rows), then metadata."""
    wb = Workbook(write_only=True)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(list(header))
        for row in rows:
            ws.append([_text_cell(ws, v) for v in row])
    ws = wb.create_sheet("metadata")
    for row in meta_rows:
        ws.append([_text_cell(ws, v) for v in row])
    wb.save(fileobj)


def _text_cell(ws, value: Any) -> Any:
    value = xlsx_cell_value(value)
    if isinstance(value, str) and value.startswith("="):
        # openpyxl stores a string starting with "=" as a formula; force it to stay text.
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def meta_rows(meta: dict[str, Any]) -> Iterator[list[str]]:
    """Yield (key, value) rows of a metadata block for a spreadsheet's metadata sheet."""
    for key, value in meta.items():
        if key == "definitions":
            continue
        if isinstance(value, dict):
            for sub, inner in value.items():
                yield [f"{key}.{sub}", "" if inner is None else str(inner)]
        else:
            yield [key, "" if value is None else str(value)]
    yield []
    yield ["definition", "meaning"]
    for key, text in meta.get("definitions", {}).items():
        yield [key, str(text)]
