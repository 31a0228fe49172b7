"""Cluster bootstrap intervals for pooled nominal alpha, resampling articles: many groups at once.

An article contributes its coincidence row sums n_c and its observed disagreement (n minus the
diagonal); a resample's alpha is a function of their sums. Small groups resample articles one
by one; large groups draw the summed statistics from the normal distribution with the exact
mean and covariance of article resampling (see POOLING_NOTES). Pure: numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.stats.batch import DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED

# Up to this many articles a group's resamples draw articles; above, the normal limit. On the
# benchmark corpus the two intervals differ by 0.002-0.004 on average at 15-25 articles, about
# the Monte Carlo error of 1000 resamples, while drawing articles costs resamples x articles.
EXACT_MAX = 20
TOO_FEW_ARTICLES = "fewer than two articles with pairable values: nothing to resample"
ALWAYS_UNDEFINED = "alpha was undefined in every resample"


@dataclass(frozen=True)
class Interval:
    """A percentile interval, or the reason there is none."""

    low: float | None
    high: float | None
    reason: str | None = None
    method: str = ""


def contributions(coincidence: np.ndarray) -> np.ndarray:
    """Return per article [n_1..n_q, observed disagreement] from k x q x q coincidence matrices."""
    o = np.asarray(coincidence, dtype=np.float64)
    totals = o.sum(axis=2)
    diagonal = np.diagonal(o, axis1=1, axis2=2)
    return np.column_stack([totals, totals.sum(axis=1) - diagonal.sum(axis=1)])


def _alphas(sums: np.ndarray) -> np.ndarray:
    """Return nominal alpha of each summed contribution (last axis), NaN where undefined."""
    q = sums.shape[-1] - 1
    n = np.zeros(sums.shape[:-1])
    squares = np.zeros(sums.shape[:-1])
    used = np.zeros(sums.shape[:-1], dtype=np.int64)
    for c in range(q):  # column by column: much faster than reducing a short last axis
        column = sums[..., c]
        n += column
        squares += column * column
        used += column > 0.5
    expected = n * n - squares
    defined = (used >= 2) & (expected > 0)
    safe = np.where(defined, expected, 1.0)
    return np.where(defined, 1.0 - (n - 1.0) * sums[..., q] / safe, np.nan)


def _percentiles(alphas: np.ndarray, probs: tuple[float, float]) -> np.ndarray:
    """Return each row's percentiles over its defined values (NaN rows give NaN), linear."""
    ordered = np.sort(alphas, axis=1)  # NaN sorts last
    count = (~np.isnan(alphas)).sum(axis=1)
    out = np.full((len(alphas), len(probs)), np.nan)
    rows = np.flatnonzero(count)
    for j, prob in enumerate(probs):
        pos = prob * (count[rows] - 1)
        lo = np.floor(pos).astype(np.intp)
        hi = np.minimum(lo + 1, count[rows] - 1)
        frac = pos - lo
        out[rows, j] = ordered[rows, lo] * (1 - frac) + ordered[rows, hi] * frac
    return out


def _normal_sums(x: np.ndarray, cuts: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Return groups x resamples x columns sums drawn from resampling's normal limit.

    ``x`` holds the groups' articles one group after another (group g is x[cuts[g]:cuts[g+1]],
    none empty). Resampling a group's k articles gives its column sums the mean sum(x) and
    the covariance sum((x - mean)(x - mean)'): the contributions' scatter matrix.
    """
    p = x.shape[1]
    starts = cuts[:-1]
    k = np.diff(cuts).astype(np.float64)
    total = np.add.reduceat(x, starts, axis=0)
    scatter = np.add.reduceat((x[:, :, None] * x[:, None, :]).reshape(len(x), p * p), starts,
                              axis=0).reshape(-1, p, p)
    mean = total / k[:, None]
    cov = scatter - k[:, None, None] * mean[:, :, None] * mean[:, None, :]
    w, v = np.linalg.eigh(cov)
    root = v * np.sqrt(np.clip(w, 0.0, None))[:, None, :]  # root @ root.T == cov
    # One product for every group: z @ [root_1' | root_2' | ...], then split by group.
    draws = z @ root.transpose(0, 2, 1).transpose(1, 0, 2).reshape(p, -1)
    return total[:, None, :] + draws.reshape(len(z), -1, p).transpose(1, 0, 2)


def group_intervals(
    contrib: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> list[Interval]:
    """Return one interval per group (``groups`` indexes 0..n_groups-1), seeded.

    Every group uses the same seeded random numbers, so a group's interval depends on its
    articles only: the same outlet shows the same interval in every filter that keeps it.
    """
    contrib = np.asarray(contrib, dtype=np.float64)
    groups = np.asarray(groups, dtype=np.int64)
    useful = contrib[:, :-1].sum(axis=1) > 0  # articles without pairable values add nothing
    contrib, groups = contrib[useful], groups[useful]
    sizes = np.bincount(groups, minlength=n_groups)
    rng = np.random.default_rng(seed)
    uniform = rng.random((resamples, EXACT_MAX))
    normal = rng.standard_normal((resamples, contrib.shape[1]))
    order = np.argsort(groups, kind="stable")
    x, cuts = contrib[order], np.searchsorted(groups[order], np.arange(n_groups + 1))
    alphas = np.full((n_groups, resamples), np.nan)
    large = np.flatnonzero(sizes > EXACT_MAX)
    if large.size:
        keep = np.concatenate([np.arange(cuts[g], cuts[g + 1]) for g in large])
        alphas[large] = _alphas(
            _normal_sums(x[keep], np.concatenate([[0], np.cumsum(sizes[large])]), normal))
    for g in np.flatnonzero((sizes >= 2) & (sizes <= EXACT_MAX)):
        k = int(sizes[g])
        draws = (uniform[:, :k] * k).astype(np.intp)  # articles drawn with replacement
        alphas[g] = _alphas(x[cuts[g] : cuts[g + 1]][draws].sum(axis=1))
    tail = (1.0 - confidence) / 2.0
    bounds = _percentiles(alphas, (tail, 1.0 - tail))
    result = []
    for g in range(n_groups):
        if sizes[g] < 2:
            result.append(Interval(None, None, TOO_FEW_ARTICLES))
        elif np.isnan(bounds[g, 0]):
            result.append(Interval(None, None, ALWAYS_UNDEFINED))
        else:
            method = "articles resampled" if sizes[g] <= EXACT_MAX else "normal limit"
            result.append(Interval(float(bounds[g, 0]), float(bounds[g, 1]), None, method))
    return result


# The normal quantile of a two-sided 95% interval (scipy.stats.norm.ppf(0.975)).
Z95 = 1.959963984540054
NO_ITEMS = "no items: nothing to estimate"


def wilson(successes: int, n: int, z: float = Z95) -> Interval:
    """Return the Wilson score interval for a share of ``successes`` out of ``n``.

    Wilson (1927): centre (p + z²/2n) / (1 + z²/n), half-width
    z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n). Unlike the Wald interval it stays within
    [0, 1] and is not empty at 0 or n successes, which small outlet samples hit often.
    """
    if n <= 0:
        return Interval(None, None, NO_ITEMS, "Wilson score")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n ({successes} of {n})")
    p = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return Interval(max(0.0, float(centre - half)), min(1.0, float(centre + half)), None,
                    "Wilson score")
