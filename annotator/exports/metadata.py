"""An export's file name and metadata block. Pure: no Flask, no database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from annotator.exports.writers import FORMULA_NOTE
from annotator.filters import ArticleFilter

# The definition every export carries: how CSV files keep formula-like text from running.
FORMULA_TERM = "formula-like text"


def export_filename(kind: str, flt: ArticleFilter, made: date, ext: str) -> str:
    """Return e.g. annotator-annotations_queue-election_2024-05-01.jsonl."""
    return f"annotator-{kind}_{flt.slug()}_{made.isoformat()}.{ext}"


def metadata(kind: str, flt: ArticleFilter, made: datetime, version: str,
             definitions: dict[str, str], **extra: Any) -> dict[str, Any]:
    """Return the block every export carries: what, which filter, when, which version, terms."""
    meta: dict[str, Any] = {
        "export": kind,
        "filter": flt.as_dict(),
        "generated_at": iso(made),
        "app": "annotator",
        "app_version": version,
    }
    meta.update(extra)
    meta["definitions"] = {**definitions, FORMULA_TERM: FORMULA_NOTE}
    return meta


def comment_block(meta: dict[str, Any], reading_hint: str) -> str:
    """Return the metadata as CSV comment lines ("# ..."), ending with a newline."""
    lines = [f"annotator export: {meta['export']}", reading_hint]
    for key, value in meta.items():
        if key in ("export", "definitions"):
            continue
        if isinstance(value, dict):
            value = value.get("description", value)
        lines.append(f"{key}: {value}")
    lines.append("definitions:")
    for key, text in meta.get("definitions", {}).items():
        for i, line in enumerate(str(text).splitlines() or [""]):
            lines.append(f"  {key}: {line}" if i == 0 else f"    {line}")
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def iso(moment: datetime | date | None) -> str | None:
    """Return a stored naive-UTC time as ISO 8601 with a Z, a date as YYYY-MM-DD, or None."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="seconds") + "Z"
    return moment.isoformat()
