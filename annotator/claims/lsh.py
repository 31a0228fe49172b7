"""Candidate pairs at scale: MinHash signatures, LSH keys and a vectorised score bound.

Pure (numpy only). A sentence's shingles (:func:`annotator.claims.matching.shingles`) get a
MinHash signature of BANDS bands of ROWS hashes each; two sentences that agree on all hashes
of one band share a key. With 16 bands of 3 a pair whose shingle sets have Jaccard similarity
0.6 shares a key with probability 0.98, at 0.4 with 0.65, at 0.2 with 0.12, at 0.05 with
0.002. One more key per sentence comes from its first PREFIX_WORDS content words. Units that
share a key are candidates (:func:`candidate_pairs`); :func:`could_relate` drops, many pairs
at a time, those the verifier (:func:`annotator.claims.matching.compare`) could not keep.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.claims.matching import RELATED_SCORE, Features, shingles

BANDS = 16
ROWS = 3
HASHES = BANDS * ROWS
# Index keys per sentence: the LSH bands, and one key of its first PREFIX_WORDS content words
# (a copy with its trailing clause cut shares that key even when the cut leaves too few
# words for the bands to meet).
PREFIX_WORDS = 4
KEYS = BANDS + 1
# A key shared by more units than this is a common phrase: its units are paired with the
# first few only (every member still reaches the others through them).
BUCKET_ALL_PAIRS = 24
BUCKET_ANCHORS = 4

_rng = np.random.default_rng(20261130)
_MULT = (_rng.integers(1, 2**63, size=HASHES, dtype=np.uint64) | np.uint64(1))
_ADD = _rng.integers(0, 2**63, size=HASHES, dtype=np.uint64)
_BAND_MULT = (_rng.integers(1, 2**63, size=(BANDS, ROWS), dtype=np.uint64) | np.uint64(1))
_BAND_SALT = _rng.integers(0, 2**63, size=BANDS, dtype=np.uint64)
_KEY_MASK = np.uint64(2**63 - 1)


def word_hash(word: str) -> int:
    """Return a word's 32-bit hash, the same in every process (unlike hash())."""
    return zlib.crc32(word.encode("utf-8"))


class WordHasher:
    """Hash words with a cache: a corpus has far fewer distinct words than words."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def __call__(self, words: Iterable[str]) -> list[int]:
        cache = self._cache
        out = []
        for word in words:
            value = cache.get(word)
            if value is None:
                value = cache[word] = word_hash(word)
            out.append(value)
        return out


def signatures(word_hashes: Sequence[Sequence[int]], chunk: int = 50_000) -> np.ndarray:
    """Return the MinHash signatures (n x HASHES, uint64) of sentences given as word hashes.

    Every sentence needs at least one word. Hashing is multiply-add mod 2**64 and the top 32
    bits (a multiply-shift family), computed for a chunk of words at a time.
    """
    lengths = np.fromiter((len(h) for h in word_hashes), dtype=np.int64, count=len(word_hashes))
    if (lengths == 0).any():
        raise ValueError("every sentence needs at least one word")
    flat = np.fromiter((v for h in word_hashes for v in h), dtype=np.uint64,
                       count=int(lengths.sum()))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    out = np.empty((len(lengths), HASHES), dtype=np.uint64)
    first = 0
    while first < len(lengths):
        # As many sentences as fit in about `chunk` words (at least one).
        last = int(np.searchsorted(ends, starts[first] + chunk, side="right"))
        last = max(last, first + 1)
        words = flat[starts[first]:ends[last - 1]]
        hashed = (words[:, None] * _MULT[None, :] + _ADD[None, :]) >> np.uint64(32)
        out[first:last] = np.minimum.reduceat(hashed, starts[first:last] - starts[first], axis=0)
        first = last
    return out


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """Return the LSH keys (n x BANDS, int64, non-negative) of MinHash signatures."""
    bands = sigs.reshape(len(sigs), BANDS, ROWS)
    mixed = (bands * _BAND_MULT[None, :, :]).sum(axis=2, dtype=np.uint64) + _BAND_SALT[None, :]
    mixed ^= mixed >> np.uint64(29)
    return (mixed & _KEY_MASK).astype(np.int64)


def sort_keys(unit_ids: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return every (key, unit id) as two flat arrays sorted by key then unit, repeats dropped.

    The order of the key index's primary key: what the rebuild writes and groups.
    """
    width = keys.shape[1]
    narrow = np.int32 if len(unit_ids) == 0 or int(unit_ids.max()) < 2**31 else np.int64
    ids = unit_ids.astype(narrow)
    if len(ids) > 1 and not bool((np.diff(ids) >= 0).all()):
        flat_ids = np.repeat(ids, width)
        order = np.lexsort((flat_ids, keys.reshape(-1)))
        return _unique_rows(keys.reshape(-1)[order], flat_ids[order])
    # Ids in order: a stable sort by key alone gives (key, id) order. Memory: the keys, the
    # order and the two results (ids as int32), no repeated-id array.
    order = np.argsort(keys.reshape(-1), kind="stable")
    flat_keys = keys.reshape(-1)[order]
    order //= width
    flat_ids = ids[order]
    del order
    return _unique_rows(flat_keys, flat_ids)


def _unique_rows(flat_keys: np.ndarray, flat_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    repeated = np.zeros(len(flat_keys), dtype=bool)
    repeated[1:] = (flat_keys[1:] == flat_keys[:-1]) & (flat_ids[1:] == flat_ids[:-1])
    if not repeated.any():
        return flat_keys, flat_ids
    return flat_keys[~repeated], flat_ids[~repeated]


def prefix_keys(feats: Sequence[Features]) -> np.ndarray:
    """Return one key per sentence from its first PREFIX_WORDS content words (n, int64)."""
    values = [zlib.crc32(("^" + " ".join(f.words[:PREFIX_WORDS])).encode("utf-8"))
              for f in feats]
    mixed = np.array(values, dtype=np.uint64) * _MULT[0] + _ADD[0]
    mixed ^= mixed >> np.uint64(31)
    return (mixed & _KEY_MASK).astype(np.int64)


def index_keys(feats: Sequence[Features], hasher: WordHasher) -> np.ndarray:
    """Return every index key (n x KEYS) of indexable sentences: LSH bands and the prefix."""
    sigs = signatures([hasher(shingles(f)) for f in feats])
    return np.concatenate((band_keys(sigs), prefix_keys(feats)[:, None]), axis=1)


def candidate_pairs(flat_keys: np.ndarray, flat_ids: np.ndarray) -> np.ndarray:
    """Return the distinct candidate pairs (m x 2, low id first) of units sharing a key.

    Takes the output of :func:`sort_keys`. A key shared by more than BUCKET_ALL_PAIRS units
    pairs each with the BUCKET_ANCHORS first ones only, so a claim repeated thousands of times
    costs thousands of pairs, not millions. Keys held by exactly two units (most shared
    keys) are paired without a Python loop.
    """
    if len(flat_keys) == 0:
        return np.empty((0, 2), dtype=np.int64)
    boundaries = np.flatnonzero(np.diff(flat_keys)) + 1
    starts = np.concatenate(([0], boundaries))
    sizes = np.diff(np.concatenate((starts, [len(flat_keys)])))
    twos = starts[sizes == 2]
    left: list[np.ndarray] = [flat_ids[twos]]
    right: list[np.ndarray] = [flat_ids[twos + 1]]
    for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist(), strict=True):
        members = flat_ids[start:start + size]
        if size <= BUCKET_ALL_PAIRS:
            i, j = _TRIU[size]
        else:
            i = np.repeat(np.arange(BUCKET_ANCHORS), size)
            j = np.tile(np.arange(size), BUCKET_ANCHORS)
            keep = i < j
            i, j = i[keep], j[keep]
        left.append(members[i])
        right.append(members[j])
    a, b = np.concatenate(left).astype(np.int64), np.concatenate(right).astype(np.int64)
    low, high = np.minimum(a, b), np.maximum(a, b)
    keep = low != high
    packed = np.unique((low[keep] << 32) | high[keep])
    return np.stack((packed >> 32, packed & 0xFFFFFFFF), axis=1)


_TRIU = {n: np.triu_indices(n, k=1) for n in range(2, BUCKET_ALL_PAIRS + 1)}


# --- score prefilter: the verifier's score bound, for many pairs at once -------------------------

# What a scored item is reduced to: a 40-bit hash, so an item hash and a pair's index (below
# 2**24) pack into one 64-bit integer.
_ITEM_BITS = 40
_ITEM_MASK = (1 << _ITEM_BITS) - 1
PREFILTER_PAIRS = 1 << 17  # pairs per vectorised step (below 2**24; about 40 MB an array)


def item_hash(item: str) -> int:
    """Return a scored item's 40-bit hash, the same in every process."""
    data = item.encode("utf-8")
    return ((zlib.crc32(data) << 8) ^ zlib.adler32(data)) & _ITEM_MASK


class ItemHasher:
    """Hash scored items (words, "#3", "@mar") with a cache."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def __call__(self, f: Features) -> list[int]:
        cache = self._cache
        out = []
        for item in f.scored:
            value = cache.get(item)
            if value is None:
                value = cache[item] = item_hash(item)
            out.append(value)
        return out


@dataclass
class ScoredSets:
    """The scored sets of many sentences as hashes: row i holds values[offsets[i]:offsets[i+1]]
    (distinct, uint64 below 2**40) and sizes[i] items (the set's exact size)."""

    offsets: np.ndarray
    values: np.ndarray
    sizes: np.ndarray

    @classmethod
    def of(cls, feats: Sequence[Features], hasher: ItemHasher | None = None) -> ScoredSets:
        hasher = hasher or ItemHasher()
        rows = [sorted(set(hasher(f))) for f in feats]
        sizes = np.fromiter((len(f.scored) for f in feats), dtype=np.int32, count=len(feats))
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        values = np.fromiter((v for r in rows for v in r), dtype=np.uint64,
                             count=int(offsets[-1]))
        return cls(offsets, values, sizes)

    @classmethod
    def concat(cls, parts: Sequence[ScoredSets]) -> ScoredSets:
        if not parts:
            return cls(np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.uint64),
                       np.empty(0, dtype=np.int32))
        offsets = [parts[0].offsets]
        base = int(parts[0].offsets[-1])
        for part in parts[1:]:
            offsets.append(part.offsets[1:] + base)
            base += int(part.offsets[-1])
        return cls(np.concatenate(offsets), np.concatenate([p.values for p in parts]),
                   np.concatenate([p.sizes for p in parts]))


def _gather(sets: ScoredSets, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (values, index of the row in `rows`) of the given rows' items, flattened."""
    starts = sets.offsets[rows]
    lengths = sets.offsets[rows + 1] - starts
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    firsts = np.cumsum(lengths) - lengths
    positions = np.repeat(starts - firsts, lengths) + np.arange(int(lengths.sum()),
                                                                dtype=np.int64)
    return sets.values[positions], owner


def could_relate(sets: ScoredSets, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Return which pairs of rows (left[i], right[i]) may score RELATED_SCORE or more.

    The same score as :func:`score` (mean of Jaccard and containment of the scored sets)
    with each item replaced by its hash: a hash collision can only add to the intersection,
    so a pair kept out here scores below RELATED_SCORE for the verifier too (no pair the
    verifier would keep is lost). Vectorised, PREFILTER_PAIRS pairs at a time.
    """
    keep = np.zeros(len(left), dtype=bool)
    for first in range(0, len(left), PREFILTER_PAIRS):
        a = left[first:first + PREFILTER_PAIRS]
        b = right[first:first + PREFILTER_PAIRS]
        va, oa = _gather(sets, a)
        vb, ob = _gather(sets, b)
        packed = np.concatenate(((oa.astype(np.uint64) << np.uint64(_ITEM_BITS)) | va,
                                 (ob.astype(np.uint64) << np.uint64(_ITEM_BITS)) | vb))
        del va, oa, vb, ob
        packed.sort()
        same = packed[1:] == packed[:-1]
        inter = np.bincount((packed[1:][same] >> np.uint64(_ITEM_BITS)).astype(np.int64),
                            minlength=len(a)).astype(np.float64)
        del packed, same
        sa = sets.sizes[a].astype(np.float64)
        sb = sets.sizes[b].astype(np.float64)
        inter = np.minimum(inter, np.minimum(sa, sb))
        union = np.maximum(sa + sb - inter, 1.0)
        both = (inter / union + inter / np.maximum(np.minimum(sa, sb), 1.0)) / 2
        # score() rounds to 4 places: a raw 0.59995 is kept.
        keep[first:first + len(a)] = both >= RELATED_SCORE - 1e-4
    return keep
