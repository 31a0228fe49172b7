"""Outlets side by side: rows of agreement, label mix, corroboration, verdict mix and
prediction record, their columns, sorting, and the cells the exports write.

Every figure comes from stored or small tables, so the comparison does not walk the labels:
agreement and the label mix pool the stored per-article statistics (the label mix is the
share of the reviewers' labels, as on the agreement report's chart), corroboration counts
the sentences with a supporting or contradicting source among the labelled sentences, and
the track record reads the verdict and prediction rows. Pure: figures in (the agreement
rollup's GroupFigures, Corroboration counts, a verdicts TrackRecord), rows out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator.outlets.tallies import share
from annotator.verdicts.track import Step, TrackRecord
from annotator.vocabulary import LABELS

MAX_OUTLETS = 12
DEFAULT_OUTLETS = 6
DEFINITIONS = {
    "label mix (comparison)": "Share of the reviewers' submitted labels that are fact, claim, "
                              "opinion, prediction (stored per-article statistics).",
    "with a supporting source": "Share of the sentences of the outlet's labelled articles "
                                "(per queue, from the stored statistics) on which a reviewer "
                                "linked a source marked 'supports'.",
    "with a contradicting source": "Likewise for a source marked 'contradicts'.",
}


@dataclass
class Corroboration:
    """Labelled sentences, and how many carry a supporting / contradicting source."""

    sentences: int = 0
    supported: int = 0
    contradicted: int = 0

    @property
    def supported_share(self) -> float | None:
        return share(self.supported, self.sentences)

    @property
    def contradicted_share(self) -> float | None:
        return share(self.contradicted, self.sentences)


@dataclass
class ComparisonRow:
    """One outlet of the comparison."""

    outlet_id: int
    name: str
    agreement: Any | None  # stats.rollup.GroupFigures, None without stored statistics
    corroboration: Corroboration
    track: TrackRecord

    @property
    def alpha(self) -> float | None:
        return None if self.agreement is None else self.agreement.alpha.value

    @property
    def articles(self) -> int:
        return 0 if self.agreement is None else self.agreement.articles

    @property
    def label_shares(self) -> dict[str, float | None]:
        """Each label's share of the reviewers' labels (None without stored statistics)."""
        if self.agreement is None or not sum(self.agreement.label_counts):
            return dict.fromkeys(LABELS)
        return dict(zip(LABELS, self.agreement.label_shares, strict=True))


# sort key -> (what it sorts by, the row's value)
SORTS = {
    "name": ("outlet name", lambda r: r.name.lower()),
    "alpha": ("alpha", lambda r: r.alpha),
    "supported": ("supported share", lambda r: r.corroboration.supported_share),
    "contradicted": ("contradicted share", lambda r: r.corroboration.contradicted_share),
    "verdicts": ("published verdicts", lambda r: r.track.verdicts.n),
    "false": ("share mostly false or false", lambda r: r.track.verdicts.false_share),
    "came_true": ("share of predictions that came true",
                  lambda r: r.track.predictions.came_true_share),
    "pending": ("pending predictions", lambda r: r.track.predictions.pending),
    "original": ("share of repeated claims that appeared there first",
                 lambda r: r.track.repeats.original_share),
}


def sort_rows(rows: list[ComparisonRow], key: str, descending: bool) -> list[ComparisonRow]:
    """Sort by one column; outlets without the figure come last either way."""
    getter = SORTS.get(key, SORTS["name"])[1]
    present = [r for r in rows if getter(r) is not None]
    absent = [r for r in rows if getter(r) is None]
    present.sort(key=lambda r: (getter(r), r.name.lower()), reverse=descending)
    return present + sorted(absent, key=lambda r: r.name.lower())


def fields(steps: Sequence[Step]) -> tuple[str, ...]:
    """Return the export's columns for a rating scale."""
    return (
        "outlet", "articles", "sentences", "alpha", "alpha_low", "alpha_high",
        *(f"label_share_{k}" for k in LABELS), "supported_sentences", "supported_share",
        "contradicted_sentences", "contradicted_share", "verdicts",
        *(f"n_{s.name.replace(' ', '_')}" for s in steps),
        "false_share", "false_low", "false_high", "verdicts_below_rule",
        "predictions_resolved", "predictions_decided", "came_true", "came_true_share",
        "came_true_low", "came_true_high", "predictions_pending", "predictions_below_rule",
        "clustered_sentences", "original_share", "original_low", "original_high",
        "false_repeats",
    )  # fmt: skip


def row_cells(row: ComparisonRow, steps: Sequence[Step]) -> list:
    """Return one outlet's cells in the order of :func:`fields`."""
    c, a, v, p = row.corroboration, row.agreement, row.track.verdicts, row.track.predictions
    r = row.track.repeats
    interval = a.interval if a is not None else None
    shares = row.label_shares
    return [
        row.name, row.articles, c.sentences, row.alpha,
        interval.low if interval else None, interval.high if interval else None,
        *(shares[k] for k in LABELS), c.supported, c.supported_share, c.contradicted,
        c.contradicted_share,
        v.n, *(v.counts.get(s.name, 0) for s in steps), v.false_share, v.false_interval.low,
        v.false_interval.high, "; ".join(v.below_rule), p.resolved, p.decided, p.came_true,
        p.came_true_share, p.came_true_interval.low, p.came_true_interval.high, p.pending,
        "; ".join(p.below_rule), r.clustered, r.original_share, r.original_interval.low,
        r.original_interval.high, r.false_repeats,
    ]  # fmt: skip
