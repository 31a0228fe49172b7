"""Export rows from plain data: pseudonyms, gold decisions, label rows and matrix rows.

Pure: no Flask, no database. A service feeds :class:`UnitLabels` groups (one sentence of one
queue with every submitted label on it) and these functions turn them into the rows the
writers write. Everything here runs once per label of a million-label export, so it is kept
to plain dicts, lists and tuples.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Sequence

from annotator.exports.writers import csv_cell, csv_line
from annotator.stats.sentences import UnitLabels, decide
from annotator.vocabulary import LABEL_CODES, LABELS

PSEUDONYM_HEX = 10  # 40 bits: no collision to expect below about a million reviewers


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def pseudonym_key(secret: str | bytes) -> bytes:
    """Derive the pseudonym key from the app secret (so the secret itself is never the key)."""
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, b"annotator.exports.reviewer-pseudonym", hashlib.sha256).digest()


def pseudonym(key: bytes, user_id: int) -> str:
    """Return a reviewer's stable pseudonym: r- and a shortened HMAC of the user id."""
    digest = hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()
    return "r-" + digest[:PSEUDONYM_HEX]


class ReviewerNames(dict):
    """Reviewer id -> the name an export shows: a pseudonym, or the username when asked."""

    def __init__(self, key: bytes, usernames: dict[int, str] | None = None) -> None:
        super().__init__()
        self.key = key
        self.usernames = usernames
        self._json: dict[int, str] = {}
        self._csv: dict[int, str] = {}

    def json(self, user_id: int) -> str:
        """Return the reviewer's shown name as a JSON string literal (cached)."""
        encoded = self._json.get(user_id)
        if encoded is None:
            encoded = self._json[user_id] = _ENCODE(self[user_id])
        return encoded

    def csv(self, user_id: int) -> str:
        """Return the reviewer's shown name as a CSV cell (cached)."""
        encoded = self._csv.get(user_id)
        if encoded is None:
            encoded = self._csv[user_id] = csv_cell(self[user_id])
        return encoded

    def __missing__(self, user_id: int) -> str:
        if self.usernames is not None and user_id in self.usernames:
            name = self.usernames[user_id]
        else:
            name = pseudonym(self.key, user_id)
        self[user_id] = name
        return name


def text_hash(text: str) -> str:
    """Return the SHA-256 of a sentence's text, hex (joins exports without copying text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


ANNOTATION_FIELDS = (
    "queue", "article_id", "article_url", "outlet", "unit_id", "position", "kind", "start",
    "end", "text", "text_hash", "claim_cluster", "reviewer", "label", "sources", "labelled_at",
    "updated_at", "submitted_at",
)  # fmt: skip
# CSV has no lists: the sources become aligned, "|"-separated columns ("|" is always
# percent-encoded in a stored URL, so it never occurs inside one).
ANNOTATION_CSV_FIELDS = (
    ANNOTATION_FIELDS[:14]
    + ("source_count", "source_urls", "source_domains", "source_stances")
    + ANNOTATION_FIELDS[15:]
)


def annotation_records(unit: UnitLabels, names: ReviewerNames) -> Iterator[dict]:
    """Yield one JSON-ready record per label of the unit."""
    base = {
        "queue": unit.queue, "article_id": unit.article_id, "article_url": unit.article_url,
        "outlet": unit.outlet, "unit_id": unit.unit_id, "position": unit.position,
        "kind": unit.kind, "start": unit.start, "end": unit.end, "text": unit.text,
        "text_hash": text_hash(unit.text), "claim_cluster": unit.cluster_id,
    }  # fmt: skip
    for lab in unit.labels:
        record = base.copy()
        record["reviewer"] = names[lab.reviewer_id]
        record["label"] = lab.label
        record["sources"] = [{"url": u, "domain": d, "stance": s} for u, d, s in lab.sources]
        record["labelled_at"] = lab.labelled_at
        record["updated_at"] = lab.updated_at
        record["submitted_at"] = lab.submitted_at
        yield record


_LABEL_JSON = {label: f',"label":"{label}","sources":' for label in LABELS}


def annotation_json_lines(unit: UnitLabels, names: ReviewerNames) -> Iterator[str]:
    """Yield annotation_records(unit, names) already encoded, one JSON text per label.

    This is the hot loop of a million-label export, so the sentence's fields are encoded once
    for all its labels, reviewer names once per export, and the times (ISO text made by the
    query: digits, '-', ':', 'T', 'Z') are quoted without an encoder.
    """
    head = _ENCODE({
        "queue": unit.queue, "article_id": unit.article_id, "article_url": unit.article_url,
        "outlet": unit.outlet, "unit_id": unit.unit_id, "position": unit.position,
        "kind": unit.kind, "start": unit.start, "end": unit.end, "text": unit.text,
        "text_hash": text_hash(unit.text), "claim_cluster": unit.cluster_id,
    })[:-1] + ',"reviewer":'  # fmt: skip
    encoded = names._json
    for lab in unit.labels:
        sources = (_ENCODE([{"url": u, "domain": d, "stance": s} for u, d, s in lab.sources])
                   if lab.sources else "[]")
        reviewer = encoded.get(lab.reviewer_id) or names.json(lab.reviewer_id)
        labelled = '"' + lab.labelled_at + '"' if lab.labelled_at else "null"
        updated = '"' + lab.updated_at + '"' if lab.updated_at else "null"
        submitted = '"' + lab.submitted_at + '"' if lab.submitted_at else "null"
        yield (f'{head}{reviewer}{_LABEL_JSON[lab.label]}{sources},"labelled_at":{labelled}'
               f',"updated_at":{updated},"submitted_at":{submitted}}}')


def annotation_csv_rows(unit: UnitLabels, names: ReviewerNames) -> Iterator[list]:
    """Yield one CSV row per label of the unit, in ANNOTATION_CSV_FIELDS order."""
    base = [unit.queue, unit.article_id, unit.article_url, unit.outlet, unit.unit_id,
            unit.position, unit.kind, unit.start, unit.end, unit.text, text_hash(unit.text),
            unit.cluster_id]
    for lab in unit.labels:
        src = lab.sources
        yield base + [
            names[lab.reviewer_id], lab.label, len(src),
            "|".join(s[0] for s in src), "|".join(s[1] for s in src), "|".join(s[2] for s in src),
            lab.labelled_at, lab.updated_at, lab.submitted_at,
        ]  # fmt: skip


_LABEL_CSV = {label: csv_cell(label) for label in LABELS}
_NO_SOURCES_CSV = ',0,"","",""'


def annotation_csv_lines(unit: UnitLabels, names: ReviewerNames) -> Iterator[str]:
    """Yield annotation_csv_rows(unit, names) already written as CSV lines (no newline).

    The hot loop of a million-label CSV export, like annotation_json_lines: the sentence's
    cells are written once for all its labels, reviewer names once per export, and the
    times (ISO text from the query, which starts with a digit) are quoted as they are.
    """
    head = csv_line((unit.queue, unit.article_id, unit.article_url, unit.outlet, unit.unit_id,
                     unit.position, unit.kind, unit.start, unit.end, unit.text,
                     text_hash(unit.text), unit.cluster_id)) + ","
    encoded = names._csv
    for lab in unit.labels:
        src = lab.sources
        if src:
            sources = (f",{len(src)},{csv_cell('|'.join(s[0] for s in src))},"
                       f"{csv_cell('|'.join(s[1] for s in src))},"
                       f"{csv_cell('|'.join(s[2] for s in src))}")
        else:
            sources = _NO_SOURCES_CSV
        reviewer = encoded.get(lab.reviewer_id) or names.csv(lab.reviewer_id)
        labelled = '"' + lab.labelled_at + '"' if lab.labelled_at else '""'
        updated = '"' + lab.updated_at + '"' if lab.updated_at else '""'
        submitted = '"' + lab.submitted_at + '"' if lab.submitted_at else '""'
        yield (f"{head}{reviewer},{_LABEL_CSV[lab.label]}{sources},{labelled},{updated},"
               f"{submitted}")


MATRIX_ID_FIELDS = ("unit_id", "queue", "article_id", "position")


def matrix_header(reviewer_names: Sequence[str]) -> list[str]:
    """Return the reliability matrix header: the sentence's ids, then one column per reviewer."""
    return list(MATRIX_ID_FIELDS) + list(reviewer_names)


def matrix_row(unit: UnitLabels, column_of: dict[int, int], width: int) -> list:
    """Return one sentence's matrix row: label codes under their reviewers, None where missing."""
    cells: list = [None] * width
    for lab in unit.labels:
        cells[column_of[lab.reviewer_id]] = LABEL_CODES[lab.label]
    return [unit.unit_id, unit.queue, unit.article_id, unit.position] + cells


GOLD_FIELDS = (
    "queue", "article_id", "article_url", "outlet", "unit_id", "position", "start", "end",
    "text", "text_hash", "labels", *(f"n_{label}" for label in LABELS), "gold_label",
    "decided_by", "adjudicator", "rationale", "adjudicated_at",
)  # fmt: skip


def gold_row(unit: UnitLabels, names: ReviewerNames) -> list:
    """Return one sentence's gold-label row, in GOLD_FIELDS order."""
    gold = unit.gold
    decision = decide([lab.label for lab in unit.labels], gold.label if gold else None)
    adjudicator = names[gold.adjudicator_id] if gold and gold.adjudicator_id else None
    return [
        unit.queue, unit.article_id, unit.article_url, unit.outlet, unit.unit_id, unit.position,
        unit.start, unit.end, unit.text, text_hash(unit.text), decision.total,
        *decision.counts.values(), decision.label, decision.decided_by, adjudicator,
        gold.rationale if gold else None, gold.decided_at if gold else None,
    ]  # fmt: skip
