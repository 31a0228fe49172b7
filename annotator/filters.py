"""Which articles a page, report, export or queue covers: the one article filter. Pure.

A queue, an outlet, an inclusive range of publication days, an import batch and, for the
article lists, a search text. Reports and exports read the queue as "this queue's work";
article lists as "articles in this queue". The filter says itself in words, as a file-name
part, as metadata and as query-string arguments (and back); applying it to a query is
annotator.articles.queries.restrict_articles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 40
# Query-string argument -> field, as every filter form and link names them.
ARGS = {"queue": "queue_id", "outlet": "outlet_id", "date_from": "date_from",
        "date_to": "date_to", "batch": "batch_id", "q": "search"}


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles: a queue, an outlet, a publication date range, an import batch, a text.

    `queue_name` and `outlet_name` are for showing the filter; an `outlet_name` without an
    `outlet_id` selects the outlet by name (the command line's --outlet).
    """

    queue_id: int | None = None
    queue_name: str | None = None
    outlet_id: int | None = None
    outlet_name: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    batch_id: int | None = None
    search: str | None = None

    @property
    def is_empty(self) -> bool:
        """Tell whether the filter selects everything."""
        return not (self.queue_id or self.outlet_id or self.outlet_name or self.date_from
                    or self.date_to or self.batch_id or self.search)

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

    def args(self) -> dict[str, str]:
        """Return the filter as query-string arguments (for links that keep it)."""
        values = {arg: getattr(self, name) for arg, name in ARGS.items()}
        return {arg: value.isoformat() if isinstance(value, date) else str(value)
                for arg, value in values.items() if value}

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ArticleFilter:
        """Read the filter back from query-string arguments; ValueError names a bad one."""
        fields: dict[str, Any] = {}
        for arg, name in ARGS.items():
            raw = (args.get(arg) or "").strip()
            if not raw or raw == "0":
                continue
            try:
                if name.endswith("_id"):
                    fields[name] = int(raw)
                elif name.startswith("date_"):
                    fields[name] = date.fromisoformat(raw)
                else:
                    fields[name] = raw
            except ValueError:
                raise ValueError(f"{arg}: {raw!r} is not a valid value.") from None
        return cls(**fields)


def slugify(text: str) -> str:
    """Return text lower-cased with every run of other characters turned into one hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _SLUG_JUNK.sub("-", ascii_text.lower()).strip("-")[:SLUG_MAX].strip("-")
    return slug or "x"
