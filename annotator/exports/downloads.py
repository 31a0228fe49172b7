"""Exports of labels, the reliability matrix and gold labels, streamed for any filter.

A CSV file holds its table only, so it opens clean in a spreadsheet; its metadata (filter,
time, version, definitions) is a sidecar JSON file, `<file>.csv-metadata.json` (the W3C
"CSV on the Web" name), built by `sidecar`. JSON Lines and XLSX keep their metadata inline.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from annotator.annotations import label_stream
from annotator.articles.queries import matching_articles
from annotator.claims.queries import export_clusters
from annotator.config import VERSION
from annotator.exports.label_rows import (
    ANNOTATION_CSV_FIELDS,
    GOLD_FIELDS,
    PSEUDONYM_HEX,
    ReviewerNames,
    annotation_csv_lines,
    annotation_json_lines,
    gold_row,
    matrix_header,
    matrix_row,
    pseudonym_key,
)
from annotator.exports.metadata import export_filename, metadata
from annotator.exports.writers import (
    csv_stream,
    csv_text_stream,
    jsonl_text_stream,
    matrix_csv_stream,
)
from annotator.filters import ArticleFilter
from annotator.models.articles import Article
from annotator.timeutil import utcnow
from annotator.vocabulary import LABEL_CODES

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}

SCOPE = ("Labels of submitted assignments only (work in progress is left out). A sentence "
         "labelled in two queues appears once per queue.")
REVIEWER = (f"A pseudonym: 'r-' and the first {PSEUDONYM_HEX} hex digits of an HMAC-SHA256 of "
            "the user id under a key derived from the server's secret, so a reviewer has the "
            "same pseudonym in every export from this server; the username instead when the "
            "export was made with names.")
ANNOTATION_DEFINITIONS = {
    "scope": SCOPE + " One row per label.",
    "reviewer": REVIEWER,
    "position": "The sentence's place in the article, from 0 (the headline).",
    "start, end": "Character offsets of the sentence in the article's stored text "
                  "(Unicode code points, end exclusive).",
    "text_hash": "SHA-256 of the sentence text (UTF-8), hexadecimal.",
    "claim_cluster": "The id of the claim (claim memory) the sentence states, shared by every "
                     "sentence of any article that states the same claim; empty when the claim "
                     "appears nowhere else. `flask claims export` lists each claim.",
    "sources": "Sources the reviewer linked to the sentence: URL, registered domain, stance "
               "(supports, contradicts or context). In CSV: source_urls, source_domains and "
               "source_stances hold them in the same order, separated by '|'.",
    "labelled_at, updated_at, submitted_at": "UTC: first labelled, last changed, and when "
                                             "the reviewer submitted the article.",
}
MATRIX_DEFINITIONS = {
    "scope": SCOPE + " One row per sentence and queue, one column per reviewer.",
    "values": "Label codes (nominal): " + ", ".join(f"{c} = {k}" for k, c in LABEL_CODES.items())
              + "; NA where the reviewer did not label the sentence.",
    "reviewer columns": REVIEWER,
    "reading": "R: m <- read.csv(path, comment.char = '#'); irr::kripp.alpha(t(as.matrix("
               "m[, -(1:4)])), method = 'nominal'). Python: df = pandas.read_csv(path, "
               "comment='#'); krippendorff.alpha(reliability_data=df.iloc[:, 4:].T.to_numpy()"
               ", level_of_measurement='nominal').",
}
GOLD_DEFINITIONS = {
    "scope": SCOPE + " One row per sentence and queue.",
    "labels, n_<label>": "How many submitted labels the sentence has, and how many of each.",
    "decided_by": "adjudicated: a lead chose the gold label (this wins over any count); "
                  "unanimous: two or more labels, all the same; majority: one label on more "
                  "than half of the labels (2 of 3, 3 of 5); unresolved: none of these (a tie, "
                  "no majority, or a single label), so gold_label is empty.",
    "adjudicator": REVIEWER.replace("reviewer has", "lead has"),
}
CLAIM_DEFINITIONS = {
    "scope": "One line per claim of claim memory (the sentences of any articles that state "
             "the same claim) that appears in at least one article of the filter; each line "
             "lists all of the claim's appearances, in any article.",
    "cluster": "The claim's id: the claim_cluster column of the annotation exports.",
    "units": "Every sentence that states the claim, earliest publication first: unit_id, "
             "article_id, outlet, published_at (UTC; null when the article has no date), text.",
    "related": "Sentences outside the claim related to one of its sentences, never merged "
               "with it unless a lead confirms the match: unit_id and what differs (numbers, "
               "dates, negation, actors, wording).",
}


@dataclass
class Download:
    """A file to send: its name, media type and the text or bytes blocks that make it."""

    filename: str
    mimetype: str
    chunks: Iterator[str] | Iterator[bytes]
    # A CSV's metadata and header, for its sidecar file (None: the file carries its own).
    metadata: Callable[[], dict] | None = None
    columns: tuple[str, ...] = ()


SIDECAR_SUFFIX = "-metadata.json"
SIDECAR_NOTE = ("The CSV file named in 'url' holds only the table: a header row, then one row "
                "per record. This file describes it: the filter, when and by which version it "
                "was made, and what each column means.")


def sidecar(download: Download) -> Download:
    """Return the metadata file of a CSV download: <its name>-metadata.json."""
    if download.metadata is None:
        raise ValueError(f"{download.filename} carries its metadata inline")
    meta = {"url": download.filename, "about": SIDECAR_NOTE, **download.metadata()}
    if download.columns:
        meta["columns"] = list(download.columns)
    text = json.dumps(meta, ensure_ascii=False, indent=2, default=str) + "\n"
    return Download(download.filename + SIDECAR_SUFFIX, MIMETYPES["json"], iter([text]))


def reviewer_names(with_names: bool = False) -> ReviewerNames:
    """Return the reviewer naming for an export: pseudonyms, or usernames when asked."""
    config = current_app.config
    secret = config.get("EXPORT_PSEUDONYM_KEY") or config["SECRET_KEY"]
    return ReviewerNames(pseudonym_key(secret), label_stream.usernames() if with_names else None)


def _meta(kind: str, flt: ArticleFilter, made: datetime, definitions: dict, **extra) -> dict:
    return metadata(kind, flt, made, VERSION, definitions, **extra)


def _name(kind: str, flt: ArticleFilter, made: datetime, ext: str) -> str:
    return export_filename(kind, flt, made.date(), ext)


def annotations_export(flt: ArticleFilter, fmt: str, with_names: bool = False) -> Download:
    """Stream every submitted label of the filter as JSON Lines or CSV, one row per label."""
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"annotations come as jsonl or csv, not {fmt!r}")
    made = utcnow()
    meta = _meta("annotations", flt, made, ANNOTATION_DEFINITIONS,
                 reviewer_names="usernames" if with_names else "pseudonyms")

    def generate() -> Iterator[str]:
        label_stream.begin_snapshot()
        names = reviewer_names(with_names)
        units = label_stream.iter_units(flt, sources=True, clusters=True)
        if fmt == "jsonl":
            yield from jsonl_text_stream(meta, (line for unit in units
                                                for line in annotation_json_lines(unit, names)))
        else:
            yield from csv_text_stream(ANNOTATION_CSV_FIELDS, (
                line for unit in units for line in annotation_csv_lines(unit, names)))

    if fmt == "jsonl":
        return Download(_name("annotations", flt, made, fmt), MIMETYPES[fmt], generate())
    return Download(_name("annotations", flt, made, fmt), MIMETYPES[fmt], generate(),
                    lambda: meta, tuple(ANNOTATION_CSV_FIELDS))


def matrix_export(flt: ArticleFilter, with_names: bool = False) -> Download:
    """Stream the sentence x reviewer reliability matrix (label codes, NA where missing)."""
    made = utcnow()

    def generate() -> Iterator[str]:
        label_stream.begin_snapshot()
        names = reviewer_names(with_names)
        ids = label_stream.reviewer_ids(flt)
        column_of = {rid: i for i, rid in enumerate(ids)}
        rows = (matrix_row(unit, column_of, len(ids))
                for unit in label_stream.iter_units(flt, sources=False))
        yield from matrix_csv_stream(matrix_header([names[i] for i in ids]), rows)

    def meta() -> dict:
        ids = label_stream.reviewer_ids(flt)
        return _meta("reliability-matrix", flt, made, MATRIX_DEFINITIONS, reviewers=len(ids),
                     reviewer_names="usernames" if with_names else "pseudonyms")

    return Download(_name("reliability-matrix", flt, made, "csv"), MIMETYPES["csv"], generate(),
                    meta)


def gold_export(flt: ArticleFilter, with_names: bool = False) -> Download:
    """Stream one row per sentence with its gold label and how it was decided."""
    made = utcnow()
    meta = _meta("gold-labels", flt, made, GOLD_DEFINITIONS,
                 reviewer_names="usernames" if with_names else "pseudonyms")

    def generate() -> Iterator[str]:
        label_stream.begin_snapshot()
        names = reviewer_names(with_names)
        rows = (gold_row(unit, names)
                for unit in label_stream.iter_units(flt, sources=False, gold=True))
        yield from csv_stream(GOLD_FIELDS, rows)

    return Download(_name("gold-labels", flt, made, "csv"), MIMETYPES["csv"], generate(),
                    lambda: meta, tuple(GOLD_FIELDS))


def claims_export(flt: ArticleFilter, with_names: bool = False) -> Download:
    """Stream one JSON line per claim appearing in the filter's articles (claim memory), as
    `flask claims export` writes them, after the metadata line."""
    made = utcnow()
    meta = _meta("claims", flt, made, CLAIM_DEFINITIONS)
    articles = None if flt.is_empty else matching_articles(select(Article.id), flt)

    def generate() -> Iterator[str]:
        yield from jsonl_text_stream(meta, (json.dumps(record, ensure_ascii=False)
                                            for record in export_clusters(articles)))

    return Download(_name("claims", flt, made, "jsonl"), MIMETYPES["jsonl"], generate())
