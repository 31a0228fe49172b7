"""Cluster bootstrap intervals for pooled nominal alpha, resampling articles: many groups at once.

An article contributes its coincidence row sums n_c and its observed disagreement (n minus the
diagonal); a resample's alpha is a function of their sums. Small groups resample articles one
by one; large groups draw the summed statistics from the normal distribution with the exact
mean and covariance of article resampling (see POOLING_NOTES). Pure: numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.agreement.batch import DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED

# Up to this many articles a group's resamples draw articles; above, the normal limit.
EXACT_MAX = 50
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
    totals, observed = sums[..., :-1], sums[..., -1]
    n = totals.sum(axis=-1)
    expected = n * n - (totals * totals).sum(axis=-1)
    defined = ((totals > 0.5).sum(axis=-1) >= 2) & (expected > 0)
    safe = np.where(defined, expected, 1.0)
    return np.where(defined, 1.0 - (n - 1.0) * observed / safe, np.nan)


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


def _exact_sums(x: np.ndarray, rng: np.random.Generator, resamples: int) -> np.ndarray:
    """Return resamples x columns sums of x over articles drawn with replacement."""
    k = len(x)
    draws = (rng.random((resamples, k)) * k).astype(np.intp)
    return x[draws].sum(axis=1)


def _normal_sums(x: np.ndarray, groups: np.ndarray, n_groups: int, seeds: list[list[int]],
                 resamples: int) -> np.ndarray:
    """Return n_groups x resamples x columns sums drawn from resampling's normal limit.

    Resampling k articles gives the column sums mean sum(x) and covariance
    sum((x - mean)(x - mean)'), the same as the article contributions' scatter matrix.
    """
    p = x.shape[1]
    k = np.bincount(groups, minlength=n_groups).astype(np.float64)
    total = np.stack([np.bincount(groups, x[:, j], n_groups) for j in range(p)], axis=1)
    outer = (x[:, :, None] * x[:, None, :]).reshape(len(x), p * p)
    scatter = np.stack([np.bincount(groups, outer[:, j], n_groups) for j in range(p * p)], axis=1)
    mean = total / np.maximum(k, 1.0)[:, None]
    cov = scatter.reshape(n_groups, p, p) - k[:, None, None] * mean[:, :, None] * mean[:, None, :]
    w, v = np.linalg.eigh(cov)
    root = v * np.sqrt(np.clip(w, 0.0, None))[:, None, :]  # root @ root.T == cov
    z = np.stack([
        np.random.default_rng(s).standard_normal((resamples, p), dtype=np.float32) for s in seeds
    ])  # fmt: skip
    return total[:, None, :] + z @ root.transpose(0, 2, 1)


def group_intervals(
    contrib: np.ndarray,
    groups: np.ndarray,
    keys: list[int],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> list[Interval]:
    """Return one interval per group (articles' ``groups`` index ``keys``), seeded per key."""
    contrib = np.asarray(contrib, dtype=np.float64)
    groups = np.asarray(groups, dtype=np.int64)
    useful = contrib[:, :-1].sum(axis=1) > 0  # articles without pairable values add nothing
    contrib, groups = contrib[useful], groups[useful]
    sizes = np.bincount(groups, minlength=len(keys))
    seeds = [[seed, int(key) & 0x7FFFFFFF] for key in keys]
    tail = (1.0 - confidence) / 2.0
    samples: dict[int, np.ndarray] = {}
    large = np.flatnonzero(sizes > EXACT_MAX)
    if large.size:
        pick = np.isin(groups, large)
        dense = np.searchsorted(large, groups[pick])
        sums = _normal_sums(contrib[pick], dense, len(large), [seeds[g] for g in large],
                            resamples)
        for i, g in enumerate(large):
            samples[int(g)] = sums[i]
    order = np.argsort(groups, kind="stable")
    cuts = np.searchsorted(groups[order], np.arange(len(keys) + 1))
    for g in np.flatnonzero((sizes >= 2) & (sizes <= EXACT_MAX)):
        x = contrib[order[cuts[g] : cuts[g + 1]]]
        samples[int(g)] = _exact_sums(x, np.random.default_rng(seeds[g]), resamples)
    bounds = np.full((len(keys), 2), np.nan)
    if samples:
        which = sorted(samples)
        bounds[which] = _percentiles(_alphas(np.stack([samples[g] for g in which])),
                                     (tail, 1.0 - tail))
    result = []
    for g in range(len(keys)):
        if sizes[g] < 2:
            result.append(Interval(None, None, TOO_FEW_ARTICLES))
        elif np.isnan(bounds[g, 0]):
            result.append(Interval(None, None, ALWAYS_UNDEFINED))
        else:
            method = "articles resampled" if sizes[g] <= EXACT_MAX else "normal limit"
            result.append(Interval(float(bounds[g, 0]), float(bounds[g, 1]), None, method))
    return result
