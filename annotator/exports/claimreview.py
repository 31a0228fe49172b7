"""The ClaimReview export: one schema.org ClaimReview per published verdict, as JSON Lines
or one JSON array, streamed in verdict id order (annotator.verdicts.claimreview builds each)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from annotator.exports.downloads import MIMETYPES, Download
from annotator.exports.writers import jsonl_stream
from annotator.timeutil import utcnow
from annotator.verdicts.claimreview import Desk, claim_review
from annotator.verdicts.served import published_verdicts

FORMATS = ("jsonl", "json")


def desk_from(config: Mapping) -> Desk:
    """Return the publishing desk an app's configuration names."""
    return Desk(config["CLAIMREVIEW_DESK_NAME"], config["CLAIMREVIEW_DESK_URL"],
                config["CLAIMREVIEW_URL_PATTERN"])


def documents(desk: Desk) -> Iterator[dict]:
    """Yield the ClaimReview of every published verdict."""
    for verdict in published_verdicts():
        yield claim_review(verdict, desk)


def _array(desk: Desk) -> Iterator[str]:
    yield "["
    for i, doc in enumerate(documents(desk)):
        yield ("," if i else "") + "\n" + json.dumps(doc, ensure_ascii=False)
    yield "\n]\n"


def claimreview_export(fmt: str, desk: Desk) -> Download:
    """Return the export as JSON Lines (one document per line) or a JSON array."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown ClaimReview format {fmt!r}")
    name = f"claimreview-{utcnow().date().isoformat()}.{fmt}"
    if fmt == "jsonl":
        return Download(name, MIMETYPES["jsonl"], jsonl_stream(None, documents(desk)))
    return Download(name, MIMETYPES["json"], _array(desk))
