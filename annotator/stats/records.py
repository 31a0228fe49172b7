"""Per-article agreement records, built for many articles in one vectorised pass, and pooled.

A report stores, per article (one queue's reviewers on one article's sentences), three packed
numpy record arrays: the article's additive :class:`AgreementStats` fields, one record per
reviewer (what the reviewer table needs) and one per reviewer pair (their contingency table).
Every field adds up across articles, so a report for any filter is a sum of stored records.
Pure: numpy and the statistics engine only.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from annotator.stats.scoring import DOMINANT_LABEL_SHARE, MIN_PAIRABLE_VALUES
from annotator.stats.sufficient import AgreementStats

POOLING_NOTES = """\
How the reports pool articles

Units are the sentences of an article; its coders are the reviewers whose assignment for it
in a queue is submitted. An article labelled in two queues counts once per queue. Every
figure for a filter (queue, outlet, publication dates) is computed from the SUM of the
articles' stored statistics (coincidence matrices, pair counts, label counts), never as an
average of article scores, so it equals the figure over the union of their sentences.
Reports use the nominal level: the four labels have no order.

The 95% interval beside a pooled alpha is a cluster bootstrap over ARTICLES: sentences of one
article share a text and a set of reviewers, so they are not independent, and resampling
sentences would give intervals that are too narrow. Each resample draws the group's articles
with replacement and recomputes alpha from the summed statistics; the interval is the 2.5th
to 97.5th percentile of 1000 resamples. The random draws are seeded and the same for every
group, so an interval depends only on its articles: it is the same on every view, and an
outlet shows the same interval in the outlet table and when the report is filtered to it.
Groups of more than {exact_max} articles draw each resample's summed statistics from the
normal distribution with the exact mean and covariance that resampling articles gives them
(their limit by the central limit theorem) instead of drawing articles one by one;
alpha is still computed per resample, so its skew is kept. With fewer than two articles
there is no interval.

Reviewer table: "kappa with colleagues" is Cohen's kappa of one table that pools every
(sentence, colleague) pair the reviewer shares: rows are the reviewer's labels, columns the
colleague's. "Agrees with majority" is the share of the reviewer's sentences on which at
least two other reviewers labelled and more than half of them chose one label, and the
reviewer chose it too. "Alpha without" is the pooled alpha recomputed with that reviewer's
labels removed from every article; a rise means the others agree better without them.

Warnings: "fewer than two reviewers" (nothing can be compared), "few pairable values"
(fewer than {min_values} labels on sentences with two or more labels: one label more or less
moves the figure a lot), "one label above {dominant:.0%}" (chance-corrected figures such as
alpha and kappa become low or undefined even when reviewers mostly agree; read percent
agreement and AC1 beside them).
"""


@lru_cache
def article_dtype(q: int) -> np.dtype:
    """Return the packed record of one article's additive statistics over q labels."""
    return np.dtype([
        ("coincidence", "<f8", (q, q)),
        ("proportion_sums", "<f8", (q,)),
        ("unit_agreement_sum", "<f8"),
        ("rated_units", "<i4"),
        ("pairable_units", "<i4"),
        ("agreeing_pairs", "<i8"),
        ("total_pairs", "<i8"),
        ("label_counts", "<i4", (q,)),
        ("units", "<i4"),
        ("coders", "<i4"),
    ])  # fmt: skip


@lru_cache
def coder_dtype(q: int) -> np.dtype:
    """Return the packed record of one reviewer on one article."""
    return np.dtype([
        ("reviewer", "<i8"),
        ("units", "<i4"),  # sentences the reviewer labelled
        ("label_counts", "<i4", (q,)),
        ("majority_units", "<i4"),  # sentences where the others had a majority label
        ("majority_agree", "<i4"),  # ... and the reviewer chose it
        # Sentences with a majority label of all labels (gold before adjudication), and how
        # often the reviewer chose it: accuracy against gold, corrected for adjudications.
        ("gold_units", "<i4"),
        ("gold_agree", "<i4"),
        ("versus", "<i4", (q, q)),  # own label x colleague's label, over shared sentences
        # The reviewer's share of the article's coincidence matrix: its diagonal and row sums.
        ("delta_diagonal", "<f8", (q,)),
        ("delta_totals", "<i4", (q,)),
    ])  # fmt: skip


@lru_cache
def pair_dtype(q: int) -> np.dtype:
    """Return the packed record of one reviewer pair (coder_a < coder_b) on one article."""
    return np.dtype([("coder_a", "<i8"), ("coder_b", "<i8"), ("table", "<i4", (q, q))])


@dataclass(frozen=True)
class Records:
    """Records for n articles: one each, and reviewer and pair records with their article."""

    articles: np.ndarray
    coders: np.ndarray
    coder_article: np.ndarray
    pairs: np.ndarray
    pair_article: np.ndarray
    # Per article: labelled sentences decided unanimously, by majority, unresolved (before
    # adjudication; adjudication.decisions defines them).
    settled: np.ndarray


    def alpha(self) -> np.ndarray:
        """Return each article's nominal alpha (NaN where undefined)."""
        o = self.articles["coincidence"]
        return nominal_alpha(o.sum(axis=2), np.diagonal(o, axis1=1, axis2=2))

    def percent_agreement(self) -> np.ndarray:
        """Return each article's agreeing / all coder pairs (NaN without pairs)."""
        total = self.articles["total_pairs"].astype(np.float64)
        agree = self.articles["agreeing_pairs"].astype(np.float64)
        return np.divide(agree, total, out=np.full(len(total), np.nan), where=total > 0)

    def pairable_values(self) -> np.ndarray:
        """Return each article's number of pairable values."""
        return np.rint(self.articles["coincidence"].sum(axis=(1, 2))).astype(np.int64)

    def packed(self) -> list[tuple[bytes, bytes, bytes]]:
        """Return each article's (article, coders, pairs) records as bytes, for storage."""
        n = len(self.articles)
        cut_c = np.searchsorted(self.coder_article, np.arange(n + 1))
        cut_p = np.searchsorted(self.pair_article, np.arange(n + 1))
        return [
            (
                self.articles[i : i + 1].tobytes(),
                self.coders[cut_c[i] : cut_c[i + 1]].tobytes(),
                self.pairs[cut_p[i] : cut_p[i + 1]].tobytes(),
            )
            for i in range(n)
        ]


def nominal_alpha(totals: np.ndarray, diagonal: np.ndarray) -> np.ndarray:
    """Return nominal alpha from coincidence row sums n_c and diagonal o_cc (NaN if undefined).

    alpha = 1 - (n - 1)(n - sum o_cc) / (n^2 - sum n_c^2); undefined with fewer than two used
    values (no pairable value, or every pairable value the same label).
    """
    totals = np.asarray(totals, dtype=np.float64)
    diagonal = np.asarray(diagonal, dtype=np.float64)
    n = totals.sum(axis=-1)
    expected = n * n - (totals * totals).sum(axis=-1)
    observed = n - diagonal.sum(axis=-1)
    defined = (totals > 0.5).sum(axis=-1) >= 2
    safe = np.where(defined, expected, 1.0)
    return np.where(defined, 1.0 - (n - 1.0) * observed / safe, np.nan)


def group_sums(records: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Add up structured records by group index (0..n_groups-1), field by field."""
    groups = np.asarray(groups, dtype=np.int64)
    out = np.zeros(n_groups, dtype=records.dtype)
    if n_groups == 1 and len(records):  # one group: a plain column sum is much faster
        for name in records.dtype.names:
            out[name][0] = records[name].sum(axis=0, dtype=np.float64)
        return out
    for name in records.dtype.names:
        width = int(np.prod(records.dtype[name].shape, dtype=np.int64))
        column = records[name].reshape(len(records), width).astype(np.float64)
        sums = np.empty((n_groups, column.shape[1]))
        for j in range(column.shape[1]):
            sums[:, j] = np.bincount(groups, weights=column[:, j], minlength=n_groups)
        if np.issubdtype(records.dtype[name].base, np.integer):
            sums = np.rint(sums)
        out[name] = sums.reshape(out[name].shape)
    return out


def to_stats(record: np.void | np.ndarray, values: Sequence[Hashable]) -> AgreementStats:
    """Return one (summed) article record as the engine's AgreementStats."""
    return AgreementStats(
        values=tuple(values),
        coincidence=np.asarray(record["coincidence"], dtype=np.float64),
        proportion_sums=np.asarray(record["proportion_sums"], dtype=np.float64),
        rated_units=int(record["rated_units"]),
        pairable_units=int(record["pairable_units"]),
        unit_agreement_sum=float(record["unit_agreement_sum"]),
        agreeing_pairs=int(record["agreeing_pairs"]),
        total_pairs=int(record["total_pairs"]),
    )


def unpack(blobs: Sequence[bytes], dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Decode stored record blobs into one array and the index of the blob each came from."""
    arr = np.frombuffer(b"".join(blobs), dtype=dtype)
    lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs))
    return arr, np.repeat(np.arange(len(blobs)), lengths // dtype.itemsize)


def figure_warnings(reviewers: int, pairable_values: int, label_counts: np.ndarray,
                    labels: Sequence[Hashable]) -> list[str]:
    """Return the warnings for a figure resting on too little (see POOLING_NOTES)."""
    warnings = []
    if reviewers < 2:
        warnings.append(f"fewer than two reviewers ({reviewers})")
    if pairable_values < MIN_PAIRABLE_VALUES:
        warnings.append(f"few pairable values ({pairable_values} < {MIN_PAIRABLE_VALUES})")
    counts = np.asarray(label_counts, dtype=np.float64)
    total = float(counts.sum())
    if total and counts.max() / total > DOMINANT_LABEL_SHARE:
        top = labels[int(counts.argmax())]
        warnings.append(f"'{top}' is {counts.max() / total:.0%} of all labels")
    return warnings


def _sum_rows(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Add up the rows of ``values`` (rows x columns) by ``index`` into n rows."""
    values = values.reshape(len(values), int(np.prod(values.shape[1:], dtype=np.int64)))
    out = np.empty((n, values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(index, weights=values[:, j], minlength=n)
    return out


def build_records(
    n_articles: int,
    q: int,
    units: np.ndarray,
    coder_article: np.ndarray,
    coder_id: np.ndarray,
    label_article: np.ndarray,
    label_unit: np.ndarray,
    label_coder: np.ndarray,
    label_value: np.ndarray,
) -> Records:
    """Build every article's records in one pass, from one row per coder and one per label.

    ``units[a]`` is article a's number of sentences; coder rows say reviewer ``coder_id`` has a
    submitted assignment on article ``coder_article``; label rows say that reviewer gave the
    unit ``label_unit`` (any number naming it within its article, such as its id) of
    ``label_article`` the label index ``label_value`` (0..q-1).
    """
    ca, cid = (np.asarray(x, dtype=np.int64) for x in (coder_article, coder_id))
    la, lu, lc, lv = (np.asarray(x, dtype=np.int64)
                      for x in (label_article, label_unit, label_coder, label_value))
    order = np.lexsort((cid, ca))
    ca, cid = ca[order], cid[order]
    span = int(max(cid.max(initial=0), lc.max(initial=0))) + 1
    ckey = ca * span + cid
    if np.any(np.diff(ckey) == 0):
        raise ValueError("a reviewer appears twice on one article")
    unit_span = int(lu.max(initial=0)) + 1
    if n_articles * unit_span * span < 2**62:
        order = np.argsort((la * unit_span + lu) * span + lc)  # one key sorts fastest
    else:  # pragma: no cover (ids too large to pack into one integer)
        order = np.lexsort((lc, lu, la))
    la, lu, lc, lv = la[order], lu[order], lc[order], lv[order]
    if lv.size and (lv.min() < 0 or lv.max() >= q):
        raise ValueError("label indices must lie in 0..q-1")
    rec = np.searchsorted(ckey, la * span + lc)
    if np.any(rec >= len(ckey)) or np.any(ckey[np.minimum(rec, len(ckey) - 1)] != la * span + lc):
        raise ValueError("a label comes from a reviewer without a coder row on that article")

    n_rows = len(la)
    first = np.ones(n_rows, dtype=bool)
    first[1:] = (la[1:] != la[:-1]) | (lu[1:] != lu[:-1])
    if np.any(~first[1:] & (lc[1:] == lc[:-1])):
        raise ValueError("a reviewer labelled one unit twice")
    unit = np.cumsum(first) - 1
    n_units = int(unit[-1]) + 1 if n_rows else 0
    unit_article = la[first]
    counts = np.bincount(unit * q + lv, minlength=n_units * q).reshape(n_units, q)

    articles = np.zeros(n_articles, dtype=article_dtype(q))
    _article_fields(articles, counts, unit_article, q)
    articles["units"] = np.asarray(units, dtype=np.int64)
    articles["coders"] = np.bincount(ca, minlength=n_articles)
    coders = np.zeros(len(ckey), dtype=coder_dtype(q))
    coders["reviewer"] = cid
    _coder_fields(coders, counts, unit, rec, lv, q)
    pairs, pair_article = _pair_records(counts, unit, la, lc, lv, q)
    return Records(articles, coders, ca, pairs, pair_article,
                   _settled(counts, unit_article, n_articles))


def _settled(counts: np.ndarray, unit_article: np.ndarray, n: int) -> np.ndarray:
    """Count each article's labelled units: unanimous, majority, unresolved (n x 3)."""
    m = counts.sum(axis=1)
    top = counts.max(axis=1, initial=0)
    unanimous = (m >= 2) & (top == m)
    majority = (m >= 2) & (top * 2 > m) & ~unanimous
    out = np.zeros((n, 3), dtype=np.int64)
    for k, which in enumerate((unanimous, majority, ~(unanimous | majority))):
        out[:, k] = np.bincount(unit_article, weights=which, minlength=n)
    return out


def _article_fields(out: np.ndarray, counts: np.ndarray, unit_article: np.ndarray, q: int) -> None:
    """Fill the additive statistics of every article from its units' label counts."""
    n = len(out)
    c = counts.astype(np.float64)
    m = c.sum(axis=1)
    pairable = m >= 2
    w = np.where(pairable, 1.0 / np.maximum(m - 1.0, 1.0), 0.0)
    o = c[:, :, None] * c[:, None, :]
    idx = np.arange(q)
    o[:, idx, idx] -= c
    o *= w[:, None, None]
    same = (counts * (counts - 1)).sum(axis=1)
    ordered = m * (m - 1.0)
    agreement = np.where(pairable, same / np.where(pairable, ordered, 1.0), 0.0)
    out["coincidence"] = _sum_rows(unit_article, o, n).reshape(n, q, q)
    out["proportion_sums"] = _sum_rows(unit_article, c / np.maximum(m, 1.0)[:, None], n)
    out["unit_agreement_sum"] = np.bincount(unit_article, weights=agreement, minlength=n)
    out["rated_units"] = np.bincount(unit_article, weights=m >= 1, minlength=n)
    out["pairable_units"] = np.bincount(unit_article, weights=pairable, minlength=n)
    out["agreeing_pairs"] = np.rint(np.bincount(unit_article, weights=same / 2, minlength=n))
    out["total_pairs"] = np.rint(np.bincount(unit_article, weights=ordered / 2, minlength=n))
    out["label_counts"] = np.rint(_sum_rows(unit_article, c, n))


def _coder_fields(out: np.ndarray, counts: np.ndarray, unit: np.ndarray, rec: np.ndarray,
                  lv: np.ndarray, q: int) -> None:
    """Fill each reviewer record from the label rows (row i: reviewer record rec[i]).

    Works label by label on contiguous columns: a million rows x q as one strided matrix
    is several times slower.
    """
    n = len(out)
    m = counts.sum(axis=1)[unit].astype(np.float64)  # values on the row's unit
    m_others = m - 1.0
    # Weights of a unit's own coincidences (1/(m-1)) and of the unit without this reviewer.
    w_all = (m >= 2) / np.maximum(m - 1.0, 1.0)
    w_others = (m_others >= 2) / np.maximum(m_others - 1.0, 1.0)
    row_label = rec * q + lv
    out["units"] = np.bincount(rec, minlength=n)
    out["label_counts"] = np.bincount(row_label, minlength=n * q).reshape(n, q)
    top = np.zeros(len(lv))
    top_label = np.zeros(len(lv), dtype=np.int64)
    versus = np.empty((n, q, q))
    delta_diagonal = np.empty((n, q))
    delta_totals = np.empty((n, q))
    for k in range(q):
        mine = counts[unit, k].astype(np.float64)
        others = mine - (lv == k)
        better = others > top
        top[better], top_label[better] = others[better], k
        versus[:, :, k] = np.bincount(row_label, weights=others, minlength=n * q).reshape(n, q)
        diagonal = mine * (mine - 1.0) * w_all - others * (others - 1.0) * w_others
        delta_diagonal[:, k] = np.bincount(rec, weights=diagonal, minlength=n)
        totals = mine * (m >= 2) - others * (m_others >= 2)
        delta_totals[:, k] = np.bincount(rec, weights=totals, minlength=n)
    majority = (m_others >= 2) & (top * 2 > m_others)
    out["majority_units"] = np.bincount(rec, weights=majority, minlength=n)
    out["majority_agree"] = np.bincount(rec, weights=majority & (top_label == lv), minlength=n)
    # The majority of all labels, the reviewer's own included (decisions.py's gold).
    unit_counts = counts[unit]
    gold = (m >= 2) & (unit_counts.max(axis=1, initial=0) * 2 > m)
    out["gold_units"] = np.bincount(rec, weights=gold, minlength=n)
    agree = gold & (unit_counts.argmax(axis=1) == lv) if len(lv) else gold
    out["gold_agree"] = np.bincount(rec, weights=agree, minlength=n)
    out["versus"] = np.rint(versus)
    out["delta_diagonal"] = delta_diagonal
    out["delta_totals"] = np.rint(delta_totals)


def _pair_records(counts: np.ndarray, unit: np.ndarray, la: np.ndarray, lc: np.ndarray,
                  lv: np.ndarray, q: int) -> tuple[np.ndarray, np.ndarray]:
    """Return one contingency table per (article, coder_a < coder_b), sorted by article."""
    dtype = pair_dtype(q)
    if not len(unit):
        return np.zeros(0, dtype=dtype), np.zeros(0, dtype=np.int64)
    max_m = int(counts.sum(axis=1).max())
    firsts, seconds = [], []
    for d in range(1, max_m):
        i = np.flatnonzero(unit[:-d] == unit[d:])
        firsts.append(i)
        seconds.append(i + d)
    a = np.concatenate(firsts) if firsts else np.zeros(0, dtype=np.int64)
    b = np.concatenate(seconds) if seconds else np.zeros(0, dtype=np.int64)
    ids, dense = np.unique(lc, return_inverse=True)
    n_ids = len(ids)
    key = (la[a] * n_ids + dense[a]) * n_ids + dense[b]
    keys, which = np.unique(key, return_inverse=True)
    tables = np.bincount(which * q * q + lv[a] * q + lv[b], minlength=len(keys) * q * q)
    pairs = np.zeros(len(keys), dtype=dtype)
    pairs["coder_a"] = ids[(keys // n_ids) % n_ids]
    pairs["coder_b"] = ids[keys % n_ids]
    pairs["table"] = tables.reshape(len(keys), q, q)
    return pairs, keys // (n_ids * n_ids)
