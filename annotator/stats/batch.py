"""Vectorised agreement: nominal alpha for many articles in one pass, and bootstrap intervals.

Both work on per-unit (or per-article) coincidence contributions, which add up: an alpha for
a set of units is a function of the sum of their contributions, so thousands of alphas are a
few matrix products instead of a Python loop. Pure: numpy only.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.stats.coefficients import ReliabilityData, encode
from annotator.stats.sufficient import (
    NO_PAIRABLE_UNITS,
    AgreementStats,
    alpha_from_coincidence,
    check_level,
    difference_matrix,
    unit_coincidences,
)

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0  # a fixed default keeps a report's interval the same on every page view
DEFAULT_CONFIDENCE = 0.95
# Resample weights are drawn in chunks of at most this many cells to bound memory (~32 MB).
_CHUNK_CELLS = 1 << 22


def batch_nominal_alpha(
    article_idx: np.ndarray,
    unit_idx: np.ndarray,
    label_idx: np.ndarray,
    n_articles: int | None = None,
    n_labels: int | None = None,
) -> np.ndarray:
    """Return nominal alpha per article (NaN where undefined) from one row per coded value.

    Row i says: in article ``article_idx[i]``, unit ``unit_idx[i]`` got label ``label_idx[i]``
    from one coder. Rows must already be one per (unit, coder); units are numbered within
    their article. Alpha is NaN for an article with no pairable unit or one label only.
    """
    a = np.asarray(article_idx, dtype=np.int64)
    u = np.asarray(unit_idx, dtype=np.int64)
    lab = np.asarray(label_idx, dtype=np.int64)
    if not (a.shape == u.shape == lab.shape) or a.ndim != 1:
        raise ValueError("article_idx, unit_idx and label_idx must be 1-D arrays of one length")
    if n_articles is None:
        n_articles = int(a.max()) + 1 if a.size else 0
    if n_labels is None:
        n_labels = int(lab.max()) + 1 if lab.size else 0
    if a.size == 0:
        return np.full(n_articles, np.nan)
    if a.min() < 0 or u.min() < 0 or lab.min() < 0:
        raise ValueError("indices must be non-negative")
    if a.max() >= n_articles or lab.max() >= n_labels:
        raise ValueError("an article or label index is not below n_articles / n_labels")

    units_per_article = int(u.max()) + 1
    key = a * units_per_article + u
    dense = n_articles * units_per_article <= 4 * a.size + 1024
    if dense:
        # Units numbered densely within articles: the key itself is the row, no sort needed.
        n_units, unit_row = n_articles * units_per_article, key
    else:
        uniq, unit_row = np.unique(key, return_inverse=True)
        n_units, unit_article = len(uniq), uniq // units_per_article
    counts = np.bincount(unit_row * n_labels + lab, minlength=n_units * n_labels)
    counts = counts.reshape(n_units, n_labels)

    m = counts.sum(axis=1)
    pairable = m >= 2
    weight = np.where(pairable, 1.0 / np.maximum(m - 1, 1), 0.0)
    # A unit's off-diagonal coincidence mass: (m^2 - sum_c n_c^2) / (m - 1); 0 if unpairable.
    unit_observed = (m * m - np.einsum("ij,ij->i", counts, counts)) * weight
    pairable_counts = counts * pairable[:, None]
    if dense:
        observed = unit_observed.reshape(n_articles, units_per_article).sum(axis=1)
        n_c = pairable_counts.reshape(n_articles, units_per_article, n_labels).sum(axis=1)
    else:
        observed = np.bincount(unit_article, weights=unit_observed, minlength=n_articles)
        cells = (unit_article[:, None] * n_labels + np.arange(n_labels)).ravel()
        n_c = np.bincount(cells, weights=pairable_counts.ravel(), minlength=n_articles * n_labels)
        n_c = n_c.reshape(n_articles, n_labels)
    n_c = n_c.astype(np.float64)
    n = n_c.sum(axis=1)
    expected = n * n - np.einsum("ij,ij->i", n_c, n_c)
    defined = (n_c > 0.5).sum(axis=1) >= 2  # also false when the article has no pairable unit
    alpha = np.full(n_articles, np.nan)
    alpha[defined] = 1.0 - (n[defined] - 1.0) * observed[defined] / expected[defined]
    return alpha


@dataclass(frozen=True)
class BootstrapInterval:
    """A percentile bootstrap interval for alpha, or the reason there is none."""

    low: float | None
    high: float | None
    reason: str | None
    resamples: int
    defined_resamples: int
    seed: int | None
    confidence: float

    @property
    def interval(self) -> tuple[float, float] | None:
        """Return (low, high), or None when undefined."""
        if self.low is None or self.high is None:
            return None
        return (self.low, self.high)


def bootstrap_alpha(
    data: ReliabilityData,
    level: str = "nominal",
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
    values: Sequence[Hashable] | None = None,
) -> BootstrapInterval:
    """Bootstrap alpha by resampling pairable units with replacement (seeded, vectorised)."""
    enc = encode(data, values, level)
    return bootstrap_alpha_counts(enc.counts(), enc.values, level, resamples, seed, confidence)


def bootstrap_alpha_counts(
    counts: np.ndarray,
    values: Sequence[Hashable],
    level: str = "nominal",
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> BootstrapInterval:
    """Bootstrap alpha from a units x values count matrix, resampling pairable units."""
    counts = np.asarray(counts, dtype=np.float64)
    counts = counts[counts.sum(axis=1) >= 2]  # unpairable units add nothing to any resample
    return _bootstrap(unit_coincidences(counts), values, level, resamples, seed, confidence)


def bootstrap_alpha_stats(
    articles: Sequence[AgreementStats],
    level: str = "nominal",
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> BootstrapInterval:
    """Bootstrap pooled alpha by resampling whole articles from their stored statistics.

    Sentences of one article are not independent, so a pooled report resamples articles.
    """
    if not articles:
        return _undefined(NO_PAIRABLE_UNITS, resamples, seed, confidence)
    values = articles[0].values
    if any(s.values != values for s in articles):
        raise ValueError("all articles must share one value set")
    stack = np.stack([s.coincidence for s in articles])
    return _bootstrap(stack, values, level, resamples, seed, confidence)


def _undefined(reason: str, resamples: int, seed: int | None, conf: float) -> BootstrapInterval:
    return BootstrapInterval(None, None, reason, resamples, 0, seed, conf)


def _bootstrap(
    coincidences: np.ndarray,
    values: Sequence[Hashable],
    level: str,
    resamples: int,
    seed: int | None,
    confidence: float,
) -> BootstrapInterval:
    """Resample the rows of a clusters x q x q stack of coincidence contributions."""
    check_level(level)
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    point = alpha_from_coincidence(coincidences.sum(axis=0), values, level)
    if not point.defined:
        return _undefined(point.reason or "", resamples, seed, confidence)

    k, q = coincidences.shape[0], coincidences.shape[1]
    marginals = coincidences.sum(axis=2)  # n_c of each cluster
    ordinal = level == "ordinal"
    if ordinal:
        flat = coincidences.reshape(k, q * q)  # the ordinal metric moves with the marginals
    else:
        delta = difference_matrix(values, level)
        disagreement = (coincidences * delta).sum(axis=(1, 2))

    rng = np.random.default_rng(seed)
    chunk = max(1, min(resamples, _CHUNK_CELLS // max(k, 1)))
    alphas: list[np.ndarray] = []
    done = 0
    while done < resamples:
        b = min(chunk, resamples - done)
        # Multinomial resample weights: how often each cluster was drawn in each resample.
        draws = rng.integers(0, k, size=(b, k))
        offsets = (np.arange(b) * k)[:, None]
        weights = np.bincount((draws + offsets).ravel(), minlength=b * k).reshape(b, k)
        weights = weights.astype(np.float64)
        n_b = weights @ marginals
        if ordinal:
            o_b = (weights @ flat).reshape(b, q, q)
            cum = np.cumsum(n_b, axis=1)
            d_b = (cum[:, None, :] - cum[:, :, None] + (n_b[:, :, None] - n_b[:, None, :]) / 2) ** 2
            observed = (o_b * d_b).sum(axis=(1, 2))
            expected = np.einsum("bc,bck,bk->b", n_b, d_b, n_b)
        else:
            observed = weights @ disagreement
            expected = np.einsum("bc,ck,bk->b", n_b, delta, n_b)
        defined = (n_b > 0.5).sum(axis=1) >= 2
        tot = n_b.sum(axis=1)
        alphas.append(1.0 - (tot[defined] - 1.0) * observed[defined] / expected[defined])
        done += b

    sample = np.concatenate(alphas)
    if sample.size == 0:
        reason = "alpha was undefined in every bootstrap resample"
        return _undefined(reason, resamples, seed, confidence)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(sample, [tail, 1.0 - tail])
    return BootstrapInterval(
        float(low), float(high), None, resamples, int(sample.size), seed, confidence
    )
