"""Pooled report figures from stored per-article records: groups, reviewers, reviewer pairs.

Everything here sums records (annotator.stats.records) and applies the statistics engine
to the sums. Pure: numpy and the engine only.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, is_dataclass

import numpy as np

from annotator.stats.intervals import Interval, contributions, group_intervals
from annotator.stats.records import figure_warnings, group_sums, nominal_alpha, to_stats
from annotator.stats.sentences import SettledCounts
from annotator.stats.sufficient import (
    NO_PAIRABLE_UNITS,
    NO_VARIATION,
    PairAgreement,
    Stat,
    ac1_from_stats,
    alpha_from_stats,
    cohen_kappa_from_table,
    fleiss_from_stats,
    pair_agreement_from_table,
    per_label_alpha_from_stats,
    percent_agreement_from_stats,
)

# Below this many shared sentences a reviewer's kappa with colleagues is flagged.
MIN_SHARED_UNITS = 20
OVERALL = -1


@dataclass
class GroupFigures:
    """Pooled figures for a set of articles (an outlet, or everything the filter keeps)."""

    key: int
    articles: int
    sentences: int
    reviewers: int
    pairable_values: int
    alpha: Stat
    interval: Interval
    percent_agreement: Stat
    label_counts: list[int]
    warnings: list[str]
    fleiss: Stat | None = None
    ac1: Stat | None = None
    per_label: dict[Hashable, Stat] = field(default_factory=dict)
    coincidence: list[list[float]] = field(default_factory=list)

    @property
    def label_shares(self) -> list[float]:
        """Return each label's share of all labels given (zeros when none)."""
        total = sum(self.label_counts)
        return [c / total if total else 0.0 for c in self.label_counts]


@dataclass
class ReviewerFigures:
    """One reviewer's agreement with colleagues over the filtered articles."""

    reviewer_id: int
    articles: int
    sentences: int
    label_counts: list[int]
    shared: int
    kappa: Stat
    percent_with_colleagues: Stat
    majority_units: int
    majority_agree: int
    alpha_without: Stat
    alpha_change: float | None
    warnings: list[str]
    # Sentences with a gold label (the majority of all labels; reports add adjudications).
    gold_units: int = 0
    gold_agree: int = 0

    @property
    def majority_share(self) -> float | None:
        """Return the share of majority sentences where the reviewer sided with the majority."""
        return self.majority_agree / self.majority_units if self.majority_units else None

    @property
    def accuracy(self) -> float | None:
        """Return the share of the reviewer's gold-labelled sentences where they chose gold."""
        return self.gold_agree / self.gold_units if self.gold_units else None


def _stat(value: float, reason: str) -> Stat:
    return Stat.undefined(reason) if np.isnan(value) else Stat(float(value))


def _distinct_per_group(group_of_row: np.ndarray, ids: np.ndarray, n_groups: int) -> np.ndarray:
    """Count distinct ids per group."""
    if not len(ids):
        return np.zeros(n_groups, dtype=np.int64)
    span = int(ids.max()) + 1
    pairs = np.unique(group_of_row.astype(np.int64) * span + ids)
    return np.bincount(pairs // span, minlength=n_groups)


def pool_groups(
    articles: np.ndarray,
    group_of_article: np.ndarray,
    keys: Sequence[int],
    coders: np.ndarray,
    coder_article: np.ndarray,
    labels: Sequence[Hashable],
) -> list[GroupFigures]:
    """Return pooled figures for each group (``group_of_article`` indexes ``keys``)."""
    return _pool(articles, group_of_article, keys, coders, coder_article, labels)[0]


def _pool(articles: np.ndarray, group_of_article: np.ndarray, keys: Sequence[int],
          coders: np.ndarray, coder_article: np.ndarray,
          labels: Sequence[Hashable]) -> tuple[list[GroupFigures], np.ndarray]:
    n = len(keys)
    sums = group_sums(articles, group_of_article, n)
    n_articles = np.bincount(group_of_article, minlength=n)
    reviewers = _distinct_per_group(group_of_article[coder_article], coders["reviewer"], n)
    o = sums["coincidence"]
    alphas = nominal_alpha(o.sum(axis=2), np.diagonal(o, axis1=1, axis2=2))
    intervals = group_intervals(contributions(articles["coincidence"]), group_of_article, n)
    result = []
    for g, key in enumerate(keys):
        stats = to_stats(sums[g], labels)
        pairable = stats.pairable_values
        result.append(GroupFigures(
            key=int(key),
            articles=int(n_articles[g]),
            sentences=int(sums["units"][g]),
            reviewers=int(reviewers[g]),
            pairable_values=pairable,
            alpha=_stat(alphas[g], NO_PAIRABLE_UNITS if pairable == 0 else NO_VARIATION),
            interval=intervals[g],
            percent_agreement=percent_agreement_from_stats(stats),
            label_counts=[int(c) for c in sums["label_counts"][g]],
            warnings=figure_warnings(int(reviewers[g]), pairable, sums["label_counts"][g],
                                     labels),
        ))  # fmt: skip
    return result, sums


def overall(articles: np.ndarray, coders: np.ndarray, coder_article: np.ndarray,
            labels: Sequence[Hashable]) -> GroupFigures:
    """Return the pooled figures of every article, with Fleiss, AC1 and per-label alpha."""
    everything = np.zeros(len(articles), dtype=np.int64)
    pooled, sums = _pool(articles, everything, [OVERALL], coders, coder_article, labels)
    figures, stats = pooled[0], to_stats(sums[0], labels)
    figures.alpha = alpha_from_stats(stats)  # the engine's own value and reason, headline
    figures.fleiss = fleiss_from_stats(stats)
    figures.ac1 = ac1_from_stats(stats)
    figures.per_label = per_label_alpha_from_stats(stats)
    figures.coincidence = stats.coincidence.tolist()
    return figures


def reviewers(articles: np.ndarray, coders: np.ndarray,
              labels: Sequence[Hashable]) -> list[ReviewerFigures]:
    """Return each reviewer's figures: kappa with colleagues, majority, alpha without them."""
    if not len(coders):
        return []
    total = group_sums(articles, np.zeros(len(articles), dtype=np.int64), 1)[0]
    o = total["coincidence"]
    all_totals, all_diagonal = o.sum(axis=1), np.diagonal(o)
    alpha_all = nominal_alpha(all_totals, all_diagonal)
    ids, which = np.unique(coders["reviewer"], return_inverse=True)
    sums = group_sums(coders, which, len(ids))
    rows_per = np.bincount(which, minlength=len(ids))
    without = nominal_alpha(all_totals - sums["delta_totals"],
                            all_diagonal - sums["delta_diagonal"])
    result = []
    for i, reviewer_id in enumerate(ids):
        versus = sums["versus"][i]
        shared = int(versus.sum())
        warnings = []
        if shared < MIN_SHARED_UNITS:
            warnings.append(f"few shared sentences with colleagues ({shared})")
        change = None if np.isnan(without[i]) or np.isnan(alpha_all) else without[i] - alpha_all
        result.append(ReviewerFigures(
            reviewer_id=int(reviewer_id),
            articles=int(rows_per[i]),
            sentences=int(sums["units"][i]),
            label_counts=[int(c) for c in sums["label_counts"][i]],
            shared=shared,
            kappa=cohen_kappa_from_table(versus),
            percent_with_colleagues=(Stat(float(np.trace(versus)) / shared) if shared
                                     else Stat.undefined("no shared sentences")),
            majority_units=int(sums["majority_units"][i]),
            majority_agree=int(sums["majority_agree"][i]),
            alpha_without=_stat(without[i], NO_VARIATION),
            alpha_change=None if change is None else float(change),
            warnings=warnings,
            gold_units=int(sums["gold_units"][i]),
            gold_agree=int(sums["gold_agree"][i]),
        ))  # fmt: skip
    return result


def colleagues(pairs: np.ndarray, reviewer_id: int) -> list[PairAgreement]:
    """Return the reviewer's agreement with each colleague, pooled over shared articles.

    In each result ``coder_a`` is the reviewer, ``coder_b`` the colleague; tables are
    oriented so rows are the reviewer's labels.
    """
    first = pairs["coder_a"] == reviewer_id
    second = pairs["coder_b"] == reviewer_id
    other = np.concatenate([pairs["coder_b"][first], pairs["coder_a"][second]])
    tables = np.concatenate([pairs["table"][first],
                             np.transpose(pairs["table"][second], (0, 2, 1))])
    if not len(other):
        return []
    ids, which = np.unique(other, return_inverse=True)
    summed = np.zeros((len(ids),) + tables.shape[1:], dtype=np.int64)
    np.add.at(summed, which, tables)
    return [pair_agreement_from_table(reviewer_id, int(c), summed[i]) for i, c in enumerate(ids)]


# --- pooled figures as JSON (what the database's figures cache stores) ----------------------


def _plain(value):
    """Write figures for json: a dataclass as its fields (dataclasses.asdict deep-copies
    every value, ten times slower), a numpy scalar as its Python number (floats keep every
    bit: json writes their repr)."""
    if is_dataclass(value):
        return vars(value)
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON data: {type(value).__name__}")


def figures_json(overall: GroupFigures, outlets: Sequence[GroupFigures],
                 reviewers: Sequence[ReviewerFigures], settled: SettledCounts | None,
                 outlet_warnings: dict[int, list[str]]) -> str:
    """Return a report's pooled figures as JSON text; figures_from_json reads it back equal."""
    return json.dumps({
        "overall": overall, "outlets": list(outlets), "reviewers": list(reviewers),
        "settled": settled,
        "outlet_warnings": [[k, v] for k, v in outlet_warnings.items()],
    }, default=_plain, separators=(",", ":"))


def _stat_of(data: dict | None) -> Stat | None:
    return None if data is None else Stat(**data)


def _group_of(data: dict) -> GroupFigures:
    return GroupFigures(**{
        **data, "alpha": Stat(**data["alpha"]), "interval": Interval(**data["interval"]),
        "percent_agreement": Stat(**data["percent_agreement"]),
        "fleiss": _stat_of(data["fleiss"]), "ac1": _stat_of(data["ac1"]),
        "per_label": {k: Stat(**v) for k, v in data["per_label"].items()}})


def _reviewer_of(data: dict) -> ReviewerFigures:
    return ReviewerFigures(**{
        **data, "kappa": Stat(**data["kappa"]),
        "percent_with_colleagues": Stat(**data["percent_with_colleagues"]),
        "alpha_without": Stat(**data["alpha_without"])})


def figures_from_json(text: str) -> dict:
    """Read figures_json's text back: overall, outlets, reviewers, settled, outlet_warnings."""
    data = json.loads(text)
    return {
        "overall": _group_of(data["overall"]),
        "outlets": [_group_of(f) for f in data["outlets"]],
        "reviewers": [_reviewer_of(f) for f in data["reviewers"]],
        "settled": None if data["settled"] is None else SettledCounts(**data["settled"]),
        "outlet_warnings": {int(k): v for k, v in data["outlet_warnings"]},
    }
