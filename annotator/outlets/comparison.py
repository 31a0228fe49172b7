"""Outlets side by side: rows of agreement, label mix, corroboration, verdict mix and
prediction record, their columns, sorting, and the cells the exports write.

Pure: figures in (the agreement rollup's GroupFigures, the outlet tally's OutletFigures, a
verdicts TrackRecord), rows out. No Flask, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator.outlets.tallies import UNRESOLVED, OutletFigures
from annotator.verdicts.track import Step, TrackRecord
from annotator.vocabulary import LABELS

MAX_OUTLETS = 12
DEFAULT_OUTLETS = 6
MIX_KEYS = (*LABELS, UNRESOLVED)


@dataclass
class ComparisonRow:
    """One outlet of the comparison."""

    outlet_id: int
    name: str
    figures: OutletFigures
    agreement: Any | None  # stats.rollup.GroupFigures, None without stored statistics
    track: TrackRecord

    @property
    def alpha(self) -> float | None:
        return None if self.agreement is None else self.agreement.alpha.value


def _value(stat: Any) -> float | None:
    return None if stat is None else stat.value


# sort key -> (what it sorts by, the row's value)
SORTS = {
    "name": ("outlet name", lambda r: r.name.lower()),
    "alpha": ("alpha", lambda r: r.alpha),
    "supported": ("supported share", lambda r: r.figures.supported_share),
    "contradicted": ("contradicted share", lambda r: r.figures.contradicted_share),
    "verdicts": ("published verdicts", lambda r: r.track.verdicts.n),
    "false": ("share mostly false or false", lambda r: r.track.verdicts.false_share),
    "came_true": ("share of predictions that came true",
                  lambda r: r.track.predictions.came_true_share),
    "pending": ("pending predictions", lambda r: r.track.predictions.pending),
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
        *(f"share_{k}" for k in MIX_KEYS), "facts_and_claims", "supported_share",
        "contradicted_share", "verdicts", *(f"n_{s.name.replace(' ', '_')}" for s in steps),
        "false_share", "false_low", "false_high", "verdicts_below_rule",
        "predictions_resolved", "predictions_decided", "came_true", "came_true_share",
        "came_true_low", "came_true_high", "predictions_pending", "predictions_below_rule",
    )  # fmt: skip


def row_cells(row: ComparisonRow, steps: Sequence[Step]) -> list:
    """Return one outlet's cells in the order of :func:`fields`."""
    f, a, v, p = row.figures, row.agreement, row.track.verdicts, row.track.predictions
    interval = a.interval if a is not None else None
    shares = f.mix_shares
    return [
        row.name, f.articles, f.sentences, row.alpha,
        interval.low if interval else None, interval.high if interval else None,
        *(shares[k] for k in MIX_KEYS), f.factual, f.supported_share, f.contradicted_share,
        v.n, *(v.counts.get(s.name, 0) for s in steps), v.false_share, v.false_interval.low,
        v.false_interval.high, "; ".join(v.below_rule), p.resolved, p.decided, p.came_true,
        p.came_true_share, p.came_true_interval.low, p.came_true_interval.high, p.pending,
        "; ".join(p.below_rule),
    ]  # fmt: skip
