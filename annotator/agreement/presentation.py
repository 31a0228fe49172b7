"""The agreement report's method notes and alpha chart, built once for the overview page and
the exported HTML report (and the notes for every export's metadata).

Pure: plain text and chart geometry from annotator.stats; no Flask, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.stats import charts
from annotator.stats.coefficients import METHOD_NOTES
from annotator.stats.intervals import EXACT_MAX
from annotator.stats.records import POOLING_NOTES
from annotator.stats.rollup import GroupFigures
from annotator.stats.scoring import DOMINANT_LABEL_SHARE, MIN_PAIRABLE_VALUES


def method_notes() -> str:
    """Return the agreement method notes with the pooling notes filled in."""
    pooling = POOLING_NOTES.format(exact_max=EXACT_MAX, min_values=MIN_PAIRABLE_VALUES,
                                   dominant=DOMINANT_LABEL_SHARE)
    return METHOD_NOTES + "\n" + pooling


def method_note_blocks() -> list[str]:
    """Return the method notes as blocks, one per heading or paragraph."""
    return method_notes().split("\n\n")


def alpha_chart(groups: Iterable[tuple[str, GroupFigures | None]]) -> charts.Chart:
    """Lay out each named group's pooled alpha with its interval; None draws as undefined."""
    return charts.alpha_chart([
        (name, None, None, None) if f is None
        else (name, f.alpha.value, f.interval.low, f.interval.high)
        for name, f in groups
    ])
