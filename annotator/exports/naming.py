"""What an export holds: its filter, file name and metadata block. Pure: no Flask, no database."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 40


class ArticleFilter(Protocol):
    """Any filter with these four fields (ExportFilter, the agreement reports' ReportFilter)."""

    queue_id: int | None
    outlet_id: int | None
    date_from: date | None
    date_to: date | None


@dataclass(frozen=True)
class ExportFilter:
    """Which labels an export covers: a queue, an outlet, a publication date range, or all."""

    queue_id: int | None = None
    queue_name: str | None = None
    outlet_id: int | None = None
    outlet_name: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_empty(self) -> bool:
        """Tell whether the filter selects everything."""
        return not (self.queue_id or self.outlet_id or self.date_from or self.date_to)

    def describe(self) -> str:
        """Return the filter in words, for headers and page titles."""
        parts = []
        if self.queue_id:
            parts.append(f"queue {self.queue_name or self.queue_id}")
        if self.outlet_id:
            parts.append(f"outlet {self.outlet_name or self.outlet_id}")
        if self.date_from and self.date_to:
            parts.append(f"published {self.date_from.isoformat()} to {self.date_to.isoformat()}")
        elif self.date_from:
            parts.append(f"published on or after {self.date_from.isoformat()}")
        elif self.date_to:
            parts.append(f"published on or before {self.date_to.isoformat()}")
        return ", ".join(parts) if parts else "all queues, all outlets, all dates"

    def slug(self) -> str:
        """Return the filter as a file-name part ("all" when it selects everything)."""
        parts = []
        if self.queue_id:
            parts.append("queue-" + slugify(self.queue_name or str(self.queue_id)))
        if self.outlet_id:
            parts.append("outlet-" + slugify(self.outlet_name or str(self.outlet_id)))
        if self.date_from or self.date_to:
            low = self.date_from.isoformat() if self.date_from else "start"
            high = self.date_to.isoformat() if self.date_to else "now"
            parts.append(f"{low}-to-{high}")
        return "_".join(parts) if parts else "all"

    def as_dict(self) -> dict[str, Any]:
        """Return the filter as JSON-ready data for a metadata block."""
        return {
            "queue": self.queue_name if self.queue_id else None,
            "queue_id": self.queue_id,
            "outlet": self.outlet_name if self.outlet_id else None,
            "outlet_id": self.outlet_id,
            "published_from": self.date_from.isoformat() if self.date_from else None,
            "published_to": self.date_to.isoformat() if self.date_to else None,
            "description": self.describe(),
        }


def slugify(text: str) -> str:
    """Return text lower-cased with every run of other characters turned into one hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _SLUG_JUNK.sub("-", ascii_text.lower()).strip("-")[:SLUG_MAX].strip("-")
    return slug or "x"


def export_filename(kind: str, flt: ExportFilter, made: date, ext: str) -> str:
    """Return e.g. annotator-annotations_queue-election_2024-05-01.jsonl."""
    return f"annotator-{kind}_{flt.slug()}_{made.isoformat()}.{ext}"


def metadata(kind: str, flt: ExportFilter, made: datetime, version: str,
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
    meta["definitions"] = definitions
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
