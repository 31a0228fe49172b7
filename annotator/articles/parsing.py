"""Turn an uploaded or command-line file into article records with sentence units.

Pure: bytes in, dataclasses out. Three formats:

* text  - one article: headline line, optional dateline, paragraphs (see
          annotator/samples/azerbaijan-offensive-2023-09-19.txt).
* jsonl - one JSON object per line: title, text, optional url, outlet, published_at.
* csv   - a header row naming the same fields, one article per record.

Every article gets a *stored text*: the headline, a blank line, then the kept paragraphs and
caption lines in source order (lines of one source block joined by a line break, blocks by a
blank line), without boilerplate, dateline or "click to enlarge" tails. Unit offsets index into
that text, so ``article.text[u.start:u.end] == u.text``.

Dates: a dateline or published_at without a timezone is kept as written (naive); one with a
UTC offset is converted to UTC and stored naive, matching how the database stores times.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Literal

from annotator.articles.cleaning import (  # noqa: F401  (re-exported constants)
    BOILERPLATE,
    CAPTION_MAX_CHARS,
    TRAILERS,
    body_blocks,
    clean_line,
)
from annotator.articles.datelines import looks_like_dateline, naive_utc, parse_dateline
from annotator.segmentation import split_sentences
from annotator.urls import normalise_url

UnitKind = Literal["headline", "body", "caption"]

FORMATS = ("text", "jsonl", "csv")
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
FIELDS = ("title", "text", "url", "outlet", "published_at")
REQUIRED_FIELDS = ("title", "text")
MAX_BYTES = 10 * 1024 * 1024
# A first line longer than this is a paragraph, not a headline (Article.title holds 500).
TITLE_MAX_CHARS = 300
OUTLET_MAX_CHARS = 200  # Outlet.name
# C0/C1 controls (tab kept for whitespace collapsing), bidi overrides, zero-width space, BOM.
# Line numbers in messages count \n, \r\n and \r, as editors do. Inside article text the
# other Unicode line breaks (form feed, U+2028 ...) break lines too, as they do for
# segmentation; turning them into \n keeps a unit from ever spanning one.
_NEWLINES = re.compile(r"\r\n?")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
# csv's own cap on one field (131,072 characters) would refuse an article text the size limits
# allow; no field can be longer than a whole file.
csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
# Half of a UTF-16 pair, which JSON can spell ("\ud800") but no text can hold.
_SURROGATE = re.compile("[\ud800-\udfff]")

class ArticleFormatError(ValueError):
    """A file that cannot be imported; str() reads "name:line: message"."""

    def __init__(self, filename: str, line: int | None, message: str) -> None:
        super().__init__(filename, line, message)
        self.filename = filename
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = self.filename if self.line is None else f"{self.filename}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParsedUnit:
    """One labelable unit; text == article text[start:end]."""

    position: int
    kind: UnitKind
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """One article ready to store: cleaned text, metadata and its units in reading order."""

    title: str
    text: str
    published_at: datetime | None
    url: str | None
    outlet: str | None
    text_hash: str
    units: list[ParsedUnit]
    line: int


@dataclass(slots=True)
class _Record:
    """Raw fields of one article as read from the file, before cleaning."""

    line: int
    title: str
    body: str
    published_at: datetime | None = None
    url: str | None = None
    outlet: str | None = None


def parse_file(
    name: str,
    data: bytes,
    fmt: str | None = None,
    *,
    outlet: str | None = None,
    url: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_chars: int | None = None,
    max_units: int | None = None,
    cut_trailer: bool = True,
) -> list[ParsedArticle]:
    """Parse one file into articles, or raise ArticleFormatError naming file and line.

    outlet and url are defaults for records that do not carry their own; url is refused for
    a file holding more than one article (Article.url is unique). With cut_trailer (the
    default) everything after a trailer such as "Leave a Reply" is dropped. max_chars and
    max_units (the app's ARTICLE_MAX_CHARS and ARTICLE_MAX_UNITS; None: no limit) refuse an
    article whose stored text or whose units would be more.
    """
    fmt = _resolve_format(name, fmt)
    # Before decoding: a 50 MB upload is refused without reading it into a str.
    if len(data) > max_bytes:
        raise ArticleFormatError(
            name, None, f"file is {len(data):,} bytes, over the limit of {max_bytes:,}"
        )
    text = _decode(name, data)
    if not text.strip():
        raise ArticleFormatError(name, None, "file is empty")
    if fmt == "text":
        records = [_read_text(name, text)]
    elif fmt == "jsonl":
        records = list(_read_jsonl(name, text))
    else:
        records = list(_read_csv(name, text))
    if not records:
        raise ArticleFormatError(name, None, "no articles in file")
    if url is not None and len(records) > 1:
        raise ArticleFormatError(
            name, None, f"one url given for {len(records)} articles; give each record its own"
        )
    return [
        _build(name, rec, default_outlet=outlet, default_url=url, cut_trailer=cut_trailer,
               max_chars=max_chars, max_units=max_units)
        for rec in records
    ]


def hash_text(text: str) -> str:
    """Return the sha256 hex digest used to recognise a re-imported article text."""
    lines = _NEWLINES.sub("\n", text).split("\n")
    return hashlib.sha256("\n".join(line.rstrip() for line in lines).encode()).hexdigest()


def _resolve_format(name: str, fmt: str | None) -> str:
    """Return the format to parse name with, from fmt or the file extension."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise ArticleFormatError(
                name, None, f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}"
            )
        return fmt
    suffix = PurePath(name).suffix.lower()
    if suffix not in EXTENSIONS:
        known = ", ".join(EXTENSIONS)
        what = f"extension {suffix!r}" if suffix else "no extension"
        raise ArticleFormatError(name, None, f"unknown file type ({what}); expected {known}")
    return EXTENSIONS[suffix]


def _decode(name: str, data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), refusing binary and other encodings."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleFormatError(name, None, "file is UTF-16; save it as UTF-8")
    if b"\x00" in data:
        raise ArticleFormatError(name, None, "binary file (contains NUL bytes)")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]  # so error offsets below count from the text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ArticleFormatError(
            name,
            line,
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at column {column}); save it as UTF-8",
        ) from None
    return unicodedata.normalize("NFC", text)


def _read_text(name: str, text: str) -> _Record:
    """Read the plain-text layout: title line, optional dateline, paragraphs."""
    lines = _NEWLINES.sub("\n", text).split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    title_index = nonblank[0]
    title = lines[title_index].strip()
    if looks_like_dateline(title):
        raise ArticleFormatError(
            name, title_index + 1, f"no title: the first line is a date ({title!r})"
        )
    body_start = title_index + 1
    published_at = None
    if len(nonblank) > 1 and looks_like_dateline(lines[nonblank[1]]):
        date_index = nonblank[1]
        try:
            published_at = parse_dateline(lines[date_index])
        except ValueError as exc:
            raise ArticleFormatError(name, date_index + 1, str(exc)) from None
        body_start = date_index + 1
    body = "\n".join(lines[body_start:])
    return _Record(line=title_index + 1, title=title, body=body, published_at=published_at)


def _read_jsonl(name: str, text: str) -> Iterator[_Record]:
    """Read one JSON object per non-blank line."""
    for number, line in enumerate(_NEWLINES.sub("\n", text).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ArticleFormatError(
                name, number, f"malformed JSON: {exc.msg} at column {exc.colno}"
            ) from None
        except RecursionError:
            # An article is one flat object; arrays in arrays a thousand deep are not one.
            raise ArticleFormatError(
                name, number, "malformed JSON: arrays or objects nested too deeply"
            ) from None
        except ValueError as exc:  # a number of more than 4,300 digits, say
            reason = str(exc).split(";")[0]
            raise ArticleFormatError(name, number, f"unreadable JSON: {reason}") from None
        if not isinstance(obj, dict):
            raise ArticleFormatError(
                name, number, f"expected a JSON object, found {_json_type(obj)}"
            )
        unknown = sorted(set(obj) - set(FIELDS))
        if unknown:
            raise ArticleFormatError(
                name, number, f"unknown field {unknown[0]!r}; allowed: {', '.join(FIELDS)}"
            )
        for field in REQUIRED_FIELDS:
            if field not in obj:
                raise ArticleFormatError(name, number, f"missing field {field!r}")
        values = {}
        for field in FIELDS:
            value = obj.get(field)
            if value is not None and not isinstance(value, str):
                raise ArticleFormatError(
                    name, number, f"{field!r} must be a string, found {_json_type(value)}"
                )
            if value is not None and (half := _SURROGATE.search(value)):
                raise ArticleFormatError(
                    name, number, f"{field!r} holds a lone surrogate "
                    f"(\\u{ord(half.group()):04x}), half of a character; fix its escape",
                )
            values[field] = value
        yield _record_from_fields(name, number, values)


def _json_type(value: object) -> str:
    """Name a JSON value's type the way the user wrote it."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _read_csv(name: str, text: str) -> Iterator[_Record]:
    """Read a CSV file with a header row naming FIELDS; quoted fields may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        header = [column.strip().lower() for column in next(reader)]
        for column in header:
            if not column:
                raise ArticleFormatError(name, 1, "empty column name in the header row")
            if column not in FIELDS:
                raise ArticleFormatError(
                    name, 1, f"unknown column {column!r}; allowed: {', '.join(FIELDS)}"
                )
            if header.count(column) > 1:
                raise ArticleFormatError(name, 1, f"column {column!r} appears twice")
        for field in REQUIRED_FIELDS:
            if field not in header:
                raise ArticleFormatError(
                    name, 1, f"missing required column {field!r} in the header row"
                )
        start = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) != len(header):
                    raise ArticleFormatError(
                        name, start, f"expected {len(header)} fields, found {len(row)}"
                    )
                values = dict.fromkeys(FIELDS)
                values.update(zip(header, (cell or None for cell in row), strict=True))
                yield _record_from_fields(name, start, values)
            start = reader.line_num + 1
    except csv.Error as exc:
        where = "" if reader.line_num == start else f" (record starting at line {start})"
        raise ArticleFormatError(name, reader.line_num, f"malformed CSV: {exc}{where}") from None


def _record_from_fields(name: str, line: int, values: dict[str, str | None]) -> _Record:
    """Check the fields shared by the JSONL and CSV formats and make a record."""
    for field in REQUIRED_FIELDS:
        if not (values.get(field) or "").strip():
            raise ArticleFormatError(name, line, f"empty {field!r}")
    published_at = None
    raw_date = (values.get("published_at") or "").strip()
    if raw_date:
        try:
            written = datetime.fromisoformat(raw_date)
        except ValueError:
            raise ArticleFormatError(
                name, line, f"unparseable date {raw_date!r} (expected ISO 8601, e.g. "
                "2023-09-19T13:04:00+04:00)",
            ) from None
        try:
            published_at = naive_utc(written)
        except ValueError:
            raise ArticleFormatError(
                name, line, f"published_at {raw_date!r} is out of range: in UTC it falls "
                "outside the years 1 to 9999",
            ) from None
    return _Record(
        line=line,
        title=values["title"] or "",
        body=values["text"] or "",
        published_at=published_at,
        url=values.get("url"),
        outlet=values.get("outlet"),
    )


def _build(
    name: str,
    record: _Record,
    *,
    default_outlet: str | None,
    default_url: str | None,
    cut_trailer: bool,
    max_chars: int | None = None,
    max_units: int | None = None,
) -> ParsedArticle:
    """Clean one record into its stored text and units, within the size limits given."""
    title = _MARKDOWN_HEADING.sub("", clean_line(record.title.replace("\n", " ")))
    if not any(ch.isalnum() for ch in title):
        raise ArticleFormatError(name, record.line, "no title")
    if len(title) > TITLE_MAX_CHARS:
        raise ArticleFormatError(
            name,
            record.line,
            f"no title: the first line has {len(title)} characters, a headline at most "
            f"{TITLE_MAX_CHARS}",
        )
    url = record.url if record.url and record.url.strip() else default_url
    if url is not None:
        try:
            url = normalise_url(url)
        except ValueError as exc:
            line = record.line if record.url else None  # None: the url= default was bad
            raise ArticleFormatError(name, line, f"invalid url: {exc}") from None
    outlet = clean_line(record.outlet or default_outlet or "") or None
    if outlet is not None and len(outlet) > OUTLET_MAX_CHARS:
        line = record.line if record.outlet else None
        raise ArticleFormatError(
            name, line, f"outlet name longer than {OUTLET_MAX_CHARS} characters"
        )
    blocks = body_blocks(record.body, title, cut_trailer)
    if not blocks:
        raise ArticleFormatError(name, record.line, "no article text after the title")
    if max_chars is not None:
        # The stored text's length, known before the (slower) sentence splitting.
        size = len(title) + sum(2 + sum(len(item) for _, item in block) + len(block) - 1
                                for block in blocks)
        if size > max_chars:
            raise ArticleFormatError(
                name, record.line, f"article is {size:,} characters long, over the limit of "
                f"{max_chars:,} set by ARTICLE_MAX_CHARS; split it or raise the limit",
            )

    pieces = [title]
    offset = len(title)
    units = [ParsedUnit(0, "headline", 0, len(title), title)]
    for block in blocks:
        for index, (kind, item) in enumerate(block):
            separator = "\n" if index else "\n\n"
            pieces.append(separator)
            pieces.append(item)
            offset += len(separator)
            if kind == "caption":
                units.append(ParsedUnit(len(units), "caption", offset, offset + len(item), item))
            else:
                for span in split_sentences(item):
                    sentence = item[span.start : span.end]
                    if sentence.strip():
                        start = offset + span.start
                        units.append(
                            ParsedUnit(len(units), "body", start, start + len(sentence), sentence)
                        )
            offset += len(item)
            if max_units is not None and len(units) > max_units:
                raise ArticleFormatError(
                    name, record.line, f"article has more than {max_units:,} units (headline, "
                    "sentences and captions), the limit set by ARTICLE_MAX_UNITS; split it or "
                    "raise the limit",
                )
    text = "".join(pieces)

    return ParsedArticle(
        title=title,
        text=text,
        published_at=record.published_at,
        url=url,
        outlet=outlet,
        text_hash=hash_text(text),
        units=units,
        line=record.line,
    )
