"""Inter-annotator agreement statistics over plain data: no Flask, no database.

Reliability data is a mapping ``unit -> {coder: value}``; a coder who did not code a unit is
simply absent (``None`` and float NaN also count as missing). Every coefficient is computed from
per-unit category counts through :class:`AgreementStats`, the additive sufficient statistics a
report sums over articles, so a pooled value and a value over the union of units agree by
construction. Undefined results are :class:`Stat` objects with ``value=None`` and a reason.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from annotator.stats.sufficient import (
    FEW_CATEGORIES,
    LABEL_EVERYWHERE,
    LABEL_UNUSED,
    LEVELS,
    NO_PAIRABLE_UNITS,
    NO_SHARED_UNITS,
    NO_VARIATION,
    ONE_CATEGORY,
    PAIR_ONE_LABEL,
    AgreementStats,
    Level,
    PairAgreement,
    Stat,
    ac1_from_stats,
    alpha_from_coincidence,
    alpha_from_stats,
    check_level,
    cohen_kappa_from_table,
    difference_matrix,
    fleiss_from_stats,
    pair_agreement_from_table,
    per_label_alpha_from_coincidence,
    per_label_alpha_from_stats,
    percent_agreement_from_stats,
    scott_pi_from_table,
    sum_stats,
    unit_coincidences,
)

__all__ = [
    "FEW_CATEGORIES",
    "LABEL_EVERYWHERE",
    "LABEL_UNUSED",
    "LEVELS",
    "METHOD_NOTES",
    "NO_PAIRABLE_UNITS",
    "NO_SHARED_UNITS",
    "NO_VARIATION",
    "ONE_CATEGORY",
    "PAIR_ONE_LABEL",
    "AgreementStats",
    "Encoded",
    "Level",
    "PairAgreement",
    "ReliabilityData",
    "Stat",
    "ac1_from_stats",
    "agreement_stats",
    "alpha_from_coincidence",
    "alpha_from_stats",
    "check_level",
    "coincidence_matrix",
    "cohen_kappa_from_table",
    "difference_matrix",
    "encode",
    "fleiss_from_stats",
    "fleiss_kappa",
    "gwet_ac1",
    "is_missing",
    "krippendorff_alpha",
    "order_values",
    "pair_agreement_from_table",
    "pair_tables",
    "pairwise_agreement",
    "per_label_alpha",
    "per_label_alpha_from_coincidence",
    "per_label_alpha_from_stats",
    "percent_agreement",
    "percent_agreement_from_stats",
    "scott_pi_from_table",
    "sum_stats",
    "unit_coincidences",
    "value_counts",
]

ReliabilityData = Mapping[Hashable, Mapping[Hashable, Any]]


METHOD_NOTES = """\
How the agreement figures are computed

Units are sentences, coders are reviewers, values are labels. A unit with m values (m coders
labelled it) is pairable when m >= 2; it then holds m(m-1)/2 unordered pairs of values.
Units with fewer than two values are left out of every pair-based figure. Only alpha uses the
level of measurement; every other figure treats values as unordered labels.

Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
alpha = 1 - (n - 1) * sum_ck o_ck d_ck / sum_ck n_c n_k d_ck, where the coincidence matrix
o_ck sums over pairable units the ordered value pairs (c, k) from different coders, each
weighted 1/(m - 1); n_c are its row sums and n the number of pairable values. d_ck is the
metric difference: nominal 1 if c != k; ordinal (sum of n_g for g from c to k - (n_c + n_k)/2)^2;
interval (c - k)^2; ratio ((c - k)/(c + k))^2. Alpha is undefined when no unit is pairable or
when all pairable values are equal (expected disagreement 0, alpha = 0/0).

Per-label alpha: each label against all others (binary recode), nominal alpha, read off the
same coincidence matrix.

Bootstrap interval: the 2.5th and 97.5th percentiles of alpha over 1000 resamples (by default)
that draw pairable units with replacement; resamples in which alpha is undefined are dropped
and counted. A fixed seed makes the interval reproducible. Pooled reports resample articles.

Fleiss' kappa, generalised to units with different numbers of raters as in Gwet's irrCAC
fleiss(): P_a is the mean over pairable units of sum_k r_ik(r_ik - 1) / (r_i(r_i - 1)); p_k is
the mean over units with at least one rating of r_ik / r_i; P_e = sum_k p_k^2;
kappa = (P_a - P_e) / (1 - P_e). With the same number of raters on every unit this is Fleiss
(1971). Undefined when no unit is pairable or every value is the same label.

Gwet's AC1 (irrCAC gwet(), identity weights): the same P_a and p_k; P_e = sum_k p_k(1 - p_k)/(q - 1)
with q the number of labels in the label set (not only the labels used);
AC1 = (P_a - P_e) / (1 - P_e). Undefined when no unit is pairable or q < 2.

Percent agreement: agreeing pairs / all pairs, counted over every unordered pair of coders
within each pairable unit. A unit with m values has m(m-1)/2 pairs, so units coded by more
reviewers weigh more; for two coders without missing values it is the share of units on which
they chose the same label.

Pairwise (every pair of coders, on the units both coded; n is the number of such units):
percent agreement p_o; Cohen's kappa (p_o - p_e)/(1 - p_e) with p_e = sum_k a_k b_k from each
coder's own label shares; Scott's pi with p_e = sum_k ((a_k + b_k)/2)^2 from the pooled shares.
Undefined when the coders share no unit, or both used one and the same label only.
"""


def is_missing(value: Any) -> bool:
    """Tell whether a cell counts as not coded (None or NaN)."""
    if value is None:
        return True
    try:
        return bool(isinstance(value, numbers.Real) and math.isnan(value))
    except TypeError:
        return False


def order_values(values: Iterable[Hashable], level: str = "nominal") -> tuple[Hashable, ...]:
    """Return the distinct values in the order alpha uses (ascending for numeric levels)."""
    check_level(level)
    distinct = list(dict.fromkeys(values))
    if level != "nominal":
        for v in distinct:
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
                raise ValueError(f"value {v!r} is not a finite number, needed at level {level!r}")
            if level == "ratio" and v < 0:
                raise ValueError(f"value {v!r} is negative, which the ratio level does not allow")
        return tuple(sorted(distinct))
    return _stable_order(distinct)


def _stable_order(items: Iterable[Hashable]) -> tuple[Hashable, ...]:
    """Return distinct items sorted, falling back to a type-and-repr order for mixed types."""
    distinct = list(dict.fromkeys(items))
    try:
        return tuple(sorted(distinct))
    except TypeError:
        # Mixed types (e.g. str and int) cannot be compared; any fixed order will do.
        return tuple(sorted(distinct, key=lambda v: (type(v).__name__, repr(v))))


@dataclass(frozen=True)
class Encoded:
    """Reliability data as codes: ``codes[unit, coder]`` indexes ``values``; -1 is missing."""

    units: tuple[Hashable, ...]
    coders: tuple[Hashable, ...]
    values: tuple[Hashable, ...]
    codes: np.ndarray

    def counts(self) -> np.ndarray:
        """Return the units x values matrix of how many coders chose each value."""
        return value_counts(self.codes, len(self.values))


def encode(
    data: ReliabilityData, values: Sequence[Hashable] | None = None, level: str = "nominal"
) -> Encoded:
    """Turn ``unit -> {coder: value}`` into codes over ``values`` (default: sorted observed)."""
    units = tuple(data)
    coders = _stable_order(c for u in units for c in data[u])
    observed = [v for u in units for v in data[u].values() if not is_missing(v)]
    if values is None:
        ordered = order_values(observed, level)
    elif level == "nominal":
        ordered = tuple(dict.fromkeys(values))  # a given label set keeps the caller's order
    else:
        ordered = order_values(values, level)
    index = {v: i for i, v in enumerate(ordered)}
    coder_index = {c: j for j, c in enumerate(coders)}
    codes = np.full((len(units), len(coders)), -1, dtype=np.int64)
    for i, u in enumerate(units):
        for c, v in data[u].items():
            if is_missing(v):
                continue
            if v not in index:
                raise ValueError(f"value {v!r} of unit {u!r} is not in the given value set")
            codes[i, coder_index[c]] = index[v]
    return Encoded(units, coders, ordered, codes)


def value_counts(codes: np.ndarray, n_values: int) -> np.ndarray:
    """Count, per unit (row of ``codes``), how many coders chose each value index."""
    codes = np.asarray(codes)
    rows, cols = np.nonzero(codes >= 0)
    flat = rows * n_values + codes[rows, cols]
    n_units = codes.shape[0]
    return np.bincount(flat, minlength=n_units * n_values).reshape(n_units, n_values)


def agreement_stats(
    data: ReliabilityData, values: Sequence[Hashable] | None = None, level: str = "nominal"
) -> AgreementStats:
    """Compute the additive statistics of one article's reliability data."""
    enc = encode(data, values, level)
    return AgreementStats.from_counts(enc.counts(), enc.values)


def coincidence_matrix(
    data: ReliabilityData, values: Sequence[Hashable] | None = None, level: str = "nominal"
) -> tuple[np.ndarray, tuple[Hashable, ...]]:
    """Return Krippendorff's coincidence matrix and the value order of its rows and columns."""
    stats = agreement_stats(data, values, level)
    return stats.coincidence, stats.values


def krippendorff_alpha(
    data: ReliabilityData, level: str = "nominal", values: Sequence[Hashable] | None = None
) -> Stat:
    """Compute Krippendorff's alpha with missing values at the given level of measurement."""
    return alpha_from_stats(agreement_stats(data, values, level), level)


def per_label_alpha(
    data: ReliabilityData, values: Sequence[Hashable] | None = None
) -> dict[Hashable, Stat]:
    """Compute each label's nominal alpha against all other labels."""
    return per_label_alpha_from_stats(agreement_stats(data, values))


def fleiss_kappa(data: ReliabilityData, values: Sequence[Hashable] | None = None) -> Stat:
    """Compute Fleiss' kappa, generalised to units with different numbers of raters.

    P_a is the mean over units with at least two ratings of sum_k r_ik(r_ik-1)/(r_i(r_i-1));
    p_k is the mean over units with at least one rating of r_ik/r_i; P_e = sum_k p_k^2.
    This is what irrCAC's ``fleiss()`` computes and equals Fleiss (1971) on complete data.
    """
    return fleiss_from_stats(agreement_stats(data, values))


def gwet_ac1(data: ReliabilityData, values: Sequence[Hashable] | None = None) -> Stat:
    """Compute Gwet's AC1; q is ``len(values)``, by default the number of labels observed."""
    return ac1_from_stats(agreement_stats(data, values))


def percent_agreement(data: ReliabilityData) -> Stat:
    """Return the share of agreeing pairs among all coder pairs within units."""
    return percent_agreement_from_stats(agreement_stats(data))


def pair_tables(enc: Encoded) -> dict[tuple[Hashable, Hashable], np.ndarray]:
    """Return each coder pair's values x values contingency table (additive across articles)."""
    q = len(enc.values)
    tables: dict[tuple[Hashable, Hashable], np.ndarray] = {}
    for i, j in combinations(range(len(enc.coders)), 2):
        a, b = enc.codes[:, i], enc.codes[:, j]
        both = (a >= 0) & (b >= 0)
        flat = np.bincount(a[both] * q + b[both], minlength=q * q)
        tables[(enc.coders[i], enc.coders[j])] = flat.reshape(q, q)
    return tables


def pairwise_agreement(
    data: ReliabilityData, values: Sequence[Hashable] | None = None
) -> list[PairAgreement]:
    """Compute percent agreement, Cohen's kappa and Scott's pi for every pair of coders."""
    enc = encode(data, values)
    return [pair_agreement_from_table(a, b, t) for (a, b), t in pair_tables(enc).items()]
