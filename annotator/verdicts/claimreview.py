"""schema.org ClaimReview documents for published verdicts. Pure: no Flask, no database.

One JSON-LD object per verdict, with the properties Google's Fact Check markup asks for
(claimReviewed, reviewRating with alternateName, url, author, datePublished, itemReviewed as
a Claim) and schema.org's Claim fields (author, datePublished, appearance, firstAppearance).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

CONTEXT = "https://schema.org"


@dataclass(frozen=True)
class Desk:
    """The organisation that publishes the verdicts (from configuration)."""

    name: str
    url: str
    url_pattern: str  # "{id}" is the verdict's id, "{unit_id}" the sentence's

    def review_url(self, verdict_id: int, unit_id: int) -> str:
        return self.url_pattern.format(id=verdict_id, unit_id=unit_id)


@dataclass(frozen=True)
class PublishedVerdict:
    """What one ClaimReview says: the sentence, where it appeared, and its rating."""

    verdict_id: int
    unit_id: int
    claim: str
    rating: str
    score: int | None
    best: int | None
    worst: int | None
    published_at: datetime | date
    outlet: str
    outlet_url: str | None
    claim_date: datetime | date | None
    appearances: Sequence[str]
    first_appearance: str | None = None


def _day(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    return (moment.date() if isinstance(moment, datetime) else moment).isoformat()


def _work(url: str) -> dict:
    return {"@type": "CreativeWork", "url": url}


def claim_review(v: PublishedVerdict, desk: Desk) -> dict:
    """Return the ClaimReview of one published verdict as a JSON-LD object."""
    rating: dict = {"@type": "Rating", "alternateName": v.rating}
    if v.score is not None:
        rating["ratingValue"] = v.score
        if v.best is not None:
            rating["bestRating"] = v.best
        if v.worst is not None:
            rating["worstRating"] = v.worst
    author: dict = {"@type": "Organization", "name": v.outlet}
    if v.outlet_url:
        author["url"] = v.outlet_url
    claim: dict = {"@type": "Claim", "author": author}
    if v.claim_date is not None:
        claim["datePublished"] = _day(v.claim_date)
    if v.appearances:
        claim["appearance"] = [_work(url) for url in v.appearances]
    if v.first_appearance:
        claim["firstAppearance"] = _work(v.first_appearance)
    return {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": desk.review_url(v.verdict_id, v.unit_id),
        "claimReviewed": v.claim,
        "datePublished": _day(v.published_at),
        "author": {"@type": "Organization", "name": desk.name, "url": desk.url},
        "reviewRating": rating,
        "itemReviewed": claim,
    }
