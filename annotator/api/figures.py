"""The agreement figures of the reports as JSON-ready data for the API. Pure: no Flask, no SQL.

The numbers are the reports' own objects (annotator.stats.rollup), written out unrounded, so
the API says exactly what the overview page and the exports show.
"""

from __future__ import annotations

from typing import Any

from annotator.stats.rollup import GroupFigures, ReviewerFigures
from annotator.stats.sufficient import Stat
from annotator.vocabulary import LABELS


def stat(value: Stat | None) -> dict[str, Any] | None:
    """Return a statistic as {value, reason}: a number, or null with why it is undefined."""
    if value is None:
        return None
    return {"value": None if value.value is None else float(value.value),
            "reason": value.reason}


def _counts(counts) -> dict[str, int]:
    return {label: int(n) for label, n in zip(LABELS, counts, strict=False)}


def group(f: GroupFigures) -> dict[str, Any]:
    """Return pooled figures (everything a filter keeps, or one outlet)."""
    ci = f.interval
    return {
        "articles": int(f.articles), "sentences": int(f.sentences),
        "reviewers": int(f.reviewers), "pairable_values": int(f.pairable_values),
        "alpha": stat(f.alpha),
        "alpha_ci": [float(ci.low), float(ci.high)] if ci and ci.low is not None else None,
        "percent_agreement": stat(f.percent_agreement),
        "fleiss_kappa": stat(f.fleiss), "gwet_ac1": stat(f.ac1),
        "per_label_alpha": {str(k): stat(v) for k, v in (f.per_label or {}).items()},
        "label_counts": _counts(f.label_counts),
        "warnings": list(f.warnings),
    }


def reviewer(f: ReviewerFigures) -> dict[str, Any]:
    """Return one reviewer's figures against their colleagues."""
    return {
        "articles": int(f.articles), "sentences": int(f.sentences), "shared": int(f.shared),
        "kappa": stat(f.kappa), "percent_with_colleagues": stat(f.percent_with_colleagues),
        "majority_units": int(f.majority_units), "majority_agree": int(f.majority_agree),
        "gold_units": int(f.gold_units), "gold_agree": int(f.gold_agree),
        "alpha_without": stat(f.alpha_without),
        "alpha_change": None if f.alpha_change is None else float(f.alpha_change),
        "label_counts": _counts(f.label_counts), "warnings": list(f.warnings),
    }
