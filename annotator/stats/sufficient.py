"""Additive sufficient statistics of reliability data and the coefficients computed from them.

Per article a report stores an :class:`AgreementStats` (over the fixed label set) and, per coder
pair, a contingency table; both add up across articles, and every coefficient here is a
function of those sums, so a pooled figure never needs the raw labels again. Pure: numpy only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

Level = Literal["nominal", "ordinal", "interval", "ratio"]

LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

NO_PAIRABLE_UNITS = "no unit has values from two or more coders, so no two values can be compared"

NO_VARIATION = (
    "every pairable value is the same, so the expected disagreement is 0 and alpha is 0/0"
)

ONE_CATEGORY = "every rated value is the same label, so chance agreement is 1 and kappa is 0/0"

FEW_CATEGORIES = "the label set has fewer than two labels, so AC1's chance agreement is 0/0"

NO_SHARED_UNITS = "the two coders share no unit"

PAIR_ONE_LABEL = (
    "both coders used one and the same label on their shared units, "
    "so chance agreement is 1 and the coefficient is 0/0"
)

LABEL_UNUSED = "the label does not occur among the pairable values"

LABEL_EVERYWHERE = "every pairable value is this label, so its alpha is 0/0"


@dataclass(frozen=True)
class Stat:
    """A statistic that is either a number or undefined with a reason."""

    value: float | None
    reason: str | None = None

    @classmethod
    def undefined(cls, reason: str) -> Stat:
        """Return an undefined statistic carrying its reason."""
        return cls(None, reason)

    @property
    def defined(self) -> bool:
        """Tell whether the statistic has a value."""
        return self.value is not None


def check_level(level: str) -> None:
    """Raise ValueError unless ``level`` is a known level of measurement."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")


def unit_coincidences(counts: np.ndarray) -> np.ndarray:
    """Return each unit's coincidence matrix, units x values x values (zero if unpairable)."""
    counts = np.asarray(counts, dtype=np.float64)
    m = counts.sum(axis=1)
    w = np.where(m >= 2, 1.0 / np.maximum(m - 1.0, 1.0), 0.0)
    outer = counts[:, :, None] * counts[:, None, :]
    idx = np.arange(counts.shape[1])
    outer[:, idx, idx] -= counts  # a value is never paired with itself
    return outer * w[:, None, None]


@dataclass(frozen=True, eq=False)
class AgreementStats:
    """Additive sufficient statistics of one or more articles over a fixed, ordered value set.

    ``coincidence`` is Krippendorff's o_ck summed over pairable units; ``proportion_sums[k]``
    sums r_uk / r_u over units with at least one value (``rated_units``);
    ``unit_agreement_sum`` sums sum_k r_uk(r_uk - 1) / (r_u(r_u - 1)) over ``pairable_units``;
    ``agreeing_pairs`` / ``total_pairs`` count unordered coder pairs within units.
    Add two with ``+`` (same ``values`` required) or :func:`sum_stats`.
    """

    values: tuple[Hashable, ...]
    coincidence: np.ndarray
    proportion_sums: np.ndarray
    rated_units: int
    pairable_units: int
    unit_agreement_sum: float
    agreeing_pairs: int
    total_pairs: int

    @classmethod
    def empty(cls, values: Sequence[Hashable]) -> AgreementStats:
        """Return the statistics of no units at all (the identity for ``+``)."""
        q = len(values)
        return cls(tuple(values), np.zeros((q, q)), np.zeros(q), 0, 0, 0.0, 0, 0)

    @classmethod
    def from_counts(cls, counts: np.ndarray, values: Sequence[Hashable]) -> AgreementStats:
        """Build the statistics from a units x values count matrix."""
        counts = np.asarray(counts, dtype=np.int64)
        if counts.ndim != 2 or counts.shape[1] != len(values):
            raise ValueError("counts must be a units x values matrix matching values")
        m = counts.sum(axis=1)
        rated = m >= 1
        pairable = m >= 2
        c = counts.astype(np.float64)
        w = np.where(pairable, 1.0 / np.maximum(m - 1.0, 1.0), 0.0)
        weighted = c * w[:, None]
        o = weighted.T @ c
        o[np.diag_indices_from(o)] -= weighted.sum(axis=0)
        props = (c[rated] / m[rated, None]).sum(axis=0)
        same = (counts * (counts - 1)).sum(axis=1)  # ordered agreeing pairs per unit
        ordered_pairs = m * (m - 1)
        agreement = float((same[pairable] / ordered_pairs[pairable]).sum())
        return cls(
            values=tuple(values),
            coincidence=o,
            proportion_sums=props,
            rated_units=int(rated.sum()),
            pairable_units=int(pairable.sum()),
            unit_agreement_sum=agreement,
            agreeing_pairs=int(same.sum() // 2),
            total_pairs=int(ordered_pairs.sum() // 2),
        )

    @property
    def value_totals(self) -> np.ndarray:
        """Return n_c, the number of pairable values per value."""
        return self.coincidence.sum(axis=1)

    @property
    def pairable_values(self) -> int:
        """Return n, the number of values in pairable units."""
        return int(round(float(self.coincidence.sum())))

    def __add__(self, other: AgreementStats) -> AgreementStats:
        if not isinstance(other, AgreementStats):
            return NotImplemented
        if tuple(other.values) != tuple(self.values):
            raise ValueError("cannot add statistics over different value sets")
        return AgreementStats(
            values=self.values,
            coincidence=self.coincidence + other.coincidence,
            proportion_sums=self.proportion_sums + other.proportion_sums,
            rated_units=self.rated_units + other.rated_units,
            pairable_units=self.pairable_units + other.pairable_units,
            unit_agreement_sum=self.unit_agreement_sum + other.unit_agreement_sum,
            agreeing_pairs=self.agreeing_pairs + other.agreeing_pairs,
            total_pairs=self.total_pairs + other.total_pairs,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (for storing per article); inverse of ``from_dict``."""
        return {
            "values": list(self.values),
            "coincidence": self.coincidence.tolist(),
            "proportion_sums": self.proportion_sums.tolist(),
            "rated_units": self.rated_units,
            "pairable_units": self.pairable_units,
            "unit_agreement_sum": self.unit_agreement_sum,
            "agreeing_pairs": self.agreeing_pairs,
            "total_pairs": self.total_pairs,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> AgreementStats:
        """Rebuild statistics stored with ``to_dict``."""
        q = len(d["values"])
        o = np.asarray(d["coincidence"], dtype=np.float64).reshape(q, q)
        return cls(
            values=tuple(d["values"]),
            coincidence=o,
            proportion_sums=np.asarray(d["proportion_sums"], dtype=np.float64).reshape(q),
            rated_units=int(d["rated_units"]),
            pairable_units=int(d["pairable_units"]),
            unit_agreement_sum=float(d["unit_agreement_sum"]),
            agreeing_pairs=int(d["agreeing_pairs"]),
            total_pairs=int(d["total_pairs"]),
        )


def sum_stats(
    items: Iterable[AgreementStats], values: Sequence[Hashable] | None = None
) -> AgreementStats:
    """Add per-article statistics; ``values`` is needed only to sum an empty list."""
    total: AgreementStats | None = None if values is None else AgreementStats.empty(values)
    for item in items:
        total = item if total is None else total + item
    if total is None:
        raise ValueError("sum_stats needs values= to sum an empty list")
    return total


def difference_matrix(
    values: Sequence[Hashable], level: str = "nominal", value_totals: np.ndarray | None = None
) -> np.ndarray:
    """Return Krippendorff's squared metric differences d_ck; ordinal needs ``value_totals``."""
    check_level(level)
    q = len(values)
    if level == "nominal":
        return 1.0 - np.eye(q)
    if level == "ordinal":
        if value_totals is None:
            raise ValueError("the ordinal metric needs the value totals n_c")
        n = np.asarray(value_totals, dtype=np.float64)
        cum = np.cumsum(n)
        # sum_{g=c..k} n_g - (n_c + n_k)/2 == cum_k - cum_c + (n_c - n_k)/2, squared for any c, k
        return (cum[None, :] - cum[:, None] + (n[:, None] - n[None, :]) / 2.0) ** 2
    v = np.asarray(values, dtype=np.float64)
    diff = v[:, None] - v[None, :]
    if level == "interval":
        return diff**2
    total = v[:, None] + v[None, :]
    ratio = np.divide(diff, total, out=np.zeros((q, q)), where=total != 0)
    return ratio**2


def alpha_from_coincidence(
    coincidence: np.ndarray, values: Sequence[Hashable], level: str = "nominal"
) -> Stat:
    """Compute Krippendorff's alpha from a coincidence matrix over ordered ``values``."""
    o = np.asarray(coincidence, dtype=np.float64)
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    if n <= 0.5:
        return Stat.undefined(NO_PAIRABLE_UNITS)
    # n_c are whole counts; fewer than two used values is exactly the D_e = 0 case, tested
    # on counts rather than on a float D_e so rounding cannot turn 0/0 into a number.
    if int((n_c > 0.5).sum()) < 2:
        return Stat.undefined(NO_VARIATION)
    delta = difference_matrix(values, level, n_c)
    observed = float((o * delta).sum())
    expected = float(n_c @ delta @ n_c)
    return Stat(1.0 - (n - 1.0) * observed / expected)


def alpha_from_stats(stats: AgreementStats, level: str = "nominal") -> Stat:
    """Compute Krippendorff's alpha from (pooled) sufficient statistics."""
    return alpha_from_coincidence(stats.coincidence, stats.values, level)


def per_label_alpha_from_coincidence(
    coincidence: np.ndarray, values: Sequence[Hashable]
) -> dict[Hashable, Stat]:
    """Compute nominal alpha of each value against all others from one coincidence matrix."""
    o = np.asarray(coincidence, dtype=np.float64)
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    result: dict[Hashable, Stat] = {}
    for k, label in enumerate(values):
        if n <= 0.5:
            result[label] = Stat.undefined(NO_PAIRABLE_UNITS)
            continue
        n1, n0 = float(n_c[k]), n - float(n_c[k])
        if n1 <= 0.5:
            result[label] = Stat.undefined(LABEL_UNUSED)
        elif n0 <= 0.5:
            result[label] = Stat.undefined(LABEL_EVERYWHERE)
        else:
            # binary recode: o_10 = row k off the diagonal; alpha = 1 - (n-1) o_10 / (n_1 n_0)
            o10 = float(n_c[k] - o[k, k])
            result[label] = Stat(1.0 - (n - 1.0) * o10 / (n1 * n0))
    return result


def per_label_alpha_from_stats(stats: AgreementStats) -> dict[Hashable, Stat]:
    """Compute per-label (one against the rest) nominal alpha from sufficient statistics."""
    return per_label_alpha_from_coincidence(stats.coincidence, stats.values)


def fleiss_from_stats(stats: AgreementStats) -> Stat:
    """Compute Fleiss' kappa (Gwet's generalisation to varying raters, as irrCAC fleiss())."""
    if stats.pairable_units == 0:
        return Stat.undefined(NO_PAIRABLE_UNITS)
    if int((stats.proportion_sums > 0).sum()) < 2:
        return Stat.undefined(ONE_CATEGORY)
    p_a = stats.unit_agreement_sum / stats.pairable_units
    p_k = stats.proportion_sums / stats.rated_units
    p_e = float((p_k**2).sum())
    return Stat((p_a - p_e) / (1.0 - p_e))


def ac1_from_stats(stats: AgreementStats) -> Stat:
    """Compute Gwet's AC1 (irrCAC gwet(), identity weights) with q = len(stats.values)."""
    q = len(stats.values)
    if stats.pairable_units == 0:
        return Stat.undefined(NO_PAIRABLE_UNITS)
    if q < 2:
        return Stat.undefined(FEW_CATEGORIES)
    p_a = stats.unit_agreement_sum / stats.pairable_units
    pi = stats.proportion_sums / stats.rated_units
    p_e = float((pi * (1.0 - pi)).sum()) / (q - 1)  # at most 1/q, so 1 - p_e > 0
    return Stat((p_a - p_e) / (1.0 - p_e))


def percent_agreement_from_stats(stats: AgreementStats) -> Stat:
    """Return agreeing coder pairs / all coder pairs within units."""
    if stats.total_pairs == 0:
        return Stat.undefined(NO_PAIRABLE_UNITS)
    return Stat(stats.agreeing_pairs / stats.total_pairs)


@dataclass(frozen=True)
class PairAgreement:
    """Agreement of two coders on the units both coded."""

    coder_a: Hashable
    coder_b: Hashable
    n: int
    percent_agreement: Stat
    cohen_kappa: Stat
    scott_pi: Stat


def _pair_chance(table: np.ndarray) -> tuple[float, np.ndarray, np.ndarray] | Stat:
    """Return (n, row shares, column shares) of a pair table, or the reason it is undefined."""
    t = np.asarray(table, dtype=np.float64)
    n = float(t.sum())
    if n == 0:
        return Stat.undefined(NO_SHARED_UNITS)
    a, b = t.sum(axis=1) / n, t.sum(axis=0) / n
    used_a, used_b = np.flatnonzero(a), np.flatnonzero(b)
    if len(used_a) == 1 and len(used_b) == 1 and used_a[0] == used_b[0]:
        return Stat.undefined(PAIR_ONE_LABEL)
    return n, a, b


def cohen_kappa_from_table(table: np.ndarray) -> Stat:
    """Compute Cohen's kappa from a square contingency table (rows: coder A, cols: coder B)."""
    parts = _pair_chance(table)
    if isinstance(parts, Stat):
        return parts
    n, a, b = parts
    p_o = float(np.trace(np.asarray(table, dtype=np.float64))) / n
    p_e = float(a @ b)
    return Stat((p_o - p_e) / (1.0 - p_e))


def scott_pi_from_table(table: np.ndarray) -> Stat:
    """Compute Scott's pi from a square contingency table (chance from pooled label shares)."""
    parts = _pair_chance(table)
    if isinstance(parts, Stat):
        return parts
    n, a, b = parts
    p_o = float(np.trace(np.asarray(table, dtype=np.float64))) / n
    pooled = (a + b) / 2.0
    p_e = float(pooled @ pooled)
    return Stat((p_o - p_e) / (1.0 - p_e))


def pair_agreement_from_table(
    coder_a: Hashable, coder_b: Hashable, table: np.ndarray
) -> PairAgreement:
    """Summarise one coder pair's contingency table."""
    t = np.asarray(table)
    n = int(t.sum())
    pct = Stat(float(np.trace(t)) / n) if n else Stat.undefined(NO_SHARED_UNITS)
    return PairAgreement(
        coder_a, coder_b, n, pct, cohen_kappa_from_table(t), scott_pi_from_table(t)
    )
