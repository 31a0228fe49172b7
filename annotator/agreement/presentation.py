"""The agreement report's words and alpha chart, built once for the pages and the exports.

The method notes (each paragraph opened by one plain sentence), the plain verdict on an
alpha and its interval, the "which number to read" note, the warnings of an outlet row, and
the alpha chart: the overview page, the outlet pages and every export read them from here.

Pure: plain text and chart geometry from annotator.stats; no Flask, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from annotator.stats import charts
from annotator.stats.coefficients import METHOD_NOTES
from annotator.stats.intervals import EXACT_MAX
from annotator.stats.records import POOLING_NOTES
from annotator.stats.rollup import GroupFigures
from annotator.stats.scoring import DOMINANT_LABEL_SHARE, MIN_PAIRABLE_VALUES

# Krippendorff (2004, "Content Analysis", 12.2.4): rely on variables with alpha >= .800;
# consider .667 <= alpha < .800 only for drawing tentative conclusions.
RELIABLE = 0.800
TENTATIVE = 0.667
VERDICT_RULE = ("Krippendorff's rule: 0.800 or more is reliable; 0.667 to 0.800 supports "
                "tentative conclusions only; below 0.667 the labels are not reliable.")

# Outlet rows: below this many articles, or publication dates spanning fewer days, an
# outlet's figures describe a few stories rather than the outlet.
MIN_ARTICLES = 20
MIN_SPAN_DAYS = 30

WHICH_NUMBER = (
    "Which number to read: Krippendorff's alpha is the headline. It says how far the "
    "reviewers agree beyond what chance would give, and it copes with sentences that not "
    "everyone labelled. Percent agreement is the plain share of reviewer pairs that chose the "
    "same label; it looks high whenever one label is common, so read it beside alpha, never "
    "instead of it. Fleiss' kappa is another chance-corrected figure and lands close to alpha. "
    "Gwet's AC1 corrects for chance differently and stays high when one label dominates: when "
    "alpha is low but percent agreement and AC1 are high, reviewers mostly agree on a skewed "
    "mix of labels rather than disagree."
)

# One plain sentence before each paragraph of the method notes, keyed by how the paragraph
# starts; the formulas follow unchanged.
PLAIN = {
    "Units are sentences": "In short: every sentence is compared across the reviewers who "
                           "labelled it; a sentence only one reviewer labelled cannot show "
                           "agreement.",
    "Krippendorff's alpha": "In short: alpha is 1 when reviewers always agree, 0 when they agree "
                            "no more than chance would, and below 0 when they disagree "
                            "systematically.",
    "Per-label alpha": "In short: how reliably reviewers tell one label apart from all the "
                       "others.",
    "Bootstrap interval": "In short: the range the true alpha probably lies in; a wide range "
                          "means too little data to be sure.",
    "Fleiss' kappa": "In short: another chance-corrected agreement figure, usually close to "
                     "alpha.",
    "Gwet's AC1": "In short: a chance-corrected figure that stays meaningful when one label is "
                  "far more common than the rest.",
    "Percent agreement": "In short: the share of reviewer pairs that chose the same label, with "
                         "no allowance for chance.",
    "Pairwise": "In short: how each two reviewers agree on the sentences both labelled.",
    "Units are the sentences": "In short: a report adds up the articles it covers, as if they "
                               "were one long article.",
    "The 95% interval": "In short: the interval comes from re-drawing whole articles many "
                        "times, because sentences of one article are not independent.",
    "Reviewer table": "In short: how each reviewer agrees with colleagues, and whether the "
                      "others agree better without them.",
    "Warnings": "In short: a warning means the figure rests on too little or too one-sided "
                "data to be read on its own.",
}


def _with_plain(notes: str) -> str:
    blocks = []
    for block in notes.split("\n\n"):
        plain = next((text for start, text in PLAIN.items() if block.startswith(start)), None)
        blocks.append(f"{plain}\n{block}" if plain else block)
    return "\n\n".join(blocks)


def method_notes() -> str:
    """Return the method notes with the pooling notes, each paragraph in plain words first."""
    pooling = POOLING_NOTES.format(exact_max=EXACT_MAX, min_values=MIN_PAIRABLE_VALUES,
                                   dominant=DOMINANT_LABEL_SHARE)
    return _with_plain(METHOD_NOTES + "\n" + pooling)


@dataclass(frozen=True)
class Verdict:
    """A plain reading of an alpha: a level (reliable, tentative, unreliable, none) and words."""

    level: str
    headline: str
    interval: str
    rule: str = VERDICT_RULE


def verdict_level(alpha: float | None) -> str:
    """Return 'reliable', 'tentative', 'unreliable', or 'none' for an undefined alpha."""
    if alpha is None:
        return "none"
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative"
    return "unreliable"


_HEADLINES = {
    "reliable": "Reliable: the reviewers agree well enough to draw conclusions from these labels.",
    "tentative": "Tentative conclusions only: the reviewers agree somewhat, not enough to rely "
                 "on these labels alone.",
    "unreliable": "Not reliable: the reviewers disagree too much to draw conclusions from "
                  "these labels.",
    "none": "No verdict yet: alpha cannot be computed until at least two reviewers label the "
            "same sentences with some variety.",
}


def verdict(alpha: float | None, low: float | None = None, high: float | None = None) -> Verdict:
    """Read an alpha and its 95% interval in plain words, by Krippendorff's thresholds."""
    level = verdict_level(alpha)
    if alpha is None:
        words = "There is no interval either."
    elif low is None or high is None:
        words = "There is no interval: it needs at least two articles."
    else:
        ends = {verdict_level(low), verdict_level(high)}
        where = (f"the true value most likely lies between {low:.3f} and {high:.3f}")
        if ends == {level}:
            words = f"With 95% confidence {where}, so the verdict holds across that range."
        else:
            names = {"reliable": "reliable", "tentative": "tentative",
                     "unreliable": "unreliable"}
            span = sorted(ends | {level}, key=["unreliable", "tentative", "reliable"].index)
            words = (f"With 95% confidence {where}: anything from "
                     f"{names[span[0]]} to {names[span[-1]]}, so more data would settle it.")
    return Verdict(level, _HEADLINES[level], words)


def group_verdict(figures: GroupFigures | None) -> Verdict:
    """Read a group's pooled alpha and interval in plain words."""
    if figures is None:
        return verdict(None)
    return verdict(figures.alpha.value, figures.interval.low, figures.interval.high)


def sample_warnings(articles: int, span_days: int | None) -> list[str]:
    """Return the small-sample warnings of an outlet: too few articles, too short a span."""
    found = []
    if articles < MIN_ARTICLES:
        found.append(f"too few articles ({articles}, fewer than {MIN_ARTICLES})")
    if span_days is None:
        found.append("no publication dates, so no span")
    elif span_days < MIN_SPAN_DAYS:
        found.append(f"too short a span ({span_days} days, under {MIN_SPAN_DAYS})")
    return found


def outlet_warnings(articles: int, span_days: int | None,
                    agreement: GroupFigures | None) -> list[str]:
    """Return every warning of an outlet row, the same on each page and in each export.

    The sample-size rules (articles, span) and the agreement figure's rules (reviewers,
    pairable values, one label dominating: annotator.stats.records.figure_warnings).
    """
    return sample_warnings(articles, span_days) + (list(agreement.warnings) if agreement else [])


def method_note_blocks() -> list[str]:
    """Return the method notes as blocks, one per heading or paragraph."""
    return method_notes().split("\n\n")


def method_note_parts() -> list[tuple[str | None, str]]:
    """Return the method notes as (plain sentence or None, rest) blocks, for the pages."""
    parts = []
    for block in method_note_blocks():
        first, _, rest = block.partition("\n")
        if first.startswith("In short: "):
            parts.append((first, rest))
        else:
            parts.append((None, block))
    return parts


def alpha_chart(groups: Iterable[tuple[str, GroupFigures | None]]) -> charts.Chart:
    """Lay out each named group's pooled alpha with its interval; None draws as undefined."""
    return charts.alpha_chart([
        (name, None, None, None) if f is None
        else (name, f.alpha.value, f.interval.low, f.interval.high)
        for name, f in groups
    ])
