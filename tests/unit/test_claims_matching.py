"""The claim matcher's pure parts: verification, LSH candidates, clusters with rejections."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.claims import lsh, matching
from annotator.claims.clustering import Edge, clusters, keep_ids

BASE = "The central bank raised its main interest rate to 4.5 percent, citing stubborn inflation."


@pytest.mark.parametrize("other", [
    BASE,
    "The ministry said that the central bank raised its main interest rate to 4.5 percent, "
    "citing stubborn inflation.",
    "The central bank raised its main interest rate to 4.5 percent, according to Reuters.",
    "According to Reuters, the central bank raised its main interest rate to 4.5 percent, "
    "citing stubborn inflation.",
    "Citing stubborn inflation, the central bank raised its main interest rate to 4.5 percent.",
    "the central bank raised its main interest rate to 4.5 per cent, citing stubborn inflation!",
    "The central bank also raised its main interest rate to 4.5 percent, citing inflation.",
    "\u201cThe central bank raised its main interest rate to 4.5 percent\u201d, citing stubborn "
    "inflation.",
])
def test_same_claim(other):
    verdict = matching.compare_texts(BASE, other)
    assert verdict.kind == matching.SAME, verdict


@pytest.mark.parametrize(("other", "differs"), [
    ("The central bank raised its main interest rate to 5.25 percent, citing stubborn "
     "inflation.", matching.NUMBERS),
    ("The central bank did not raise its main interest rate to 4.5 percent, citing stubborn "
     "inflation.", matching.NEGATION),
    ("The central bank never raised its main interest rate to 4.5 percent, citing stubborn "
     "inflation.", matching.NEGATION),
])
def test_changed_number_or_negation_is_related_never_same(other, differs):
    verdict = matching.compare_texts(BASE, other)
    assert verdict.kind == matching.RELATED
    assert differs in verdict.differs


def test_number_words_and_digits_are_the_same_quantity():
    a = "Three soldiers were killed near the northern border on Monday."
    assert matching.compare_texts(a, a.replace("Three", "3")).kind == matching.SAME
    verdict = matching.compare_texts(a, a.replace("Three", "Five"))
    assert verdict.differs == (matching.NUMBERS,)
    verdict = matching.compare_texts(a, a.replace("Monday", "Thursday"))
    assert verdict.differs == (matching.DATES,)


def test_swapped_actors_and_opposites():
    verdict = matching.compare_texts("Russia accused Ukraine of shelling the nuclear plant.",
                                     "Ukraine accused Russia of shelling the nuclear plant.")
    assert verdict.kind == matching.RELATED and matching.ACTORS in verdict.differs
    verdict = matching.compare_texts("Israel said Hamas fired 30 rockets at southern towns.",
                                     "Hamas said Israel fired 30 rockets at southern towns.")
    assert matching.ACTORS in verdict.differs
    verdict = matching.compare_texts("The council approved the school budget for next year.",
                                     "The council rejected the school budget for next year.")
    assert verdict.differs == (matching.NEGATION,)


def test_a_cut_clause_with_a_number_or_negation_is_not_a_change():
    full = ("The court sentenced the former minister to six years in prison, without admitting "
            "any of the 3 appeals.")
    cut = "The court sentenced the former minister to six years in prison."
    assert matching.compare_texts(full, cut).kind == matching.SAME


def test_different_statements_on_one_topic_do_not_match():
    verdict = matching.compare_texts(
        BASE, "The central bank said inflation in services had slowed for a third month.")
    assert verdict.kind is None


def test_short_sentences_are_not_indexed():
    assert not matching.indexable(matching.features("He said so."))
    assert matching.indexable(matching.features(BASE))


def test_lsh_finds_near_copies_and_not_strangers():
    texts = [BASE,
             "Officials said the central bank raised its main interest rate to 4.5 percent.",
             "Farmers in Ashford debated the new tram extension at the weekly market.",
             "A storm left thousands of coastal homes without power for two nights."]
    feats = [matching.features(t) for t in texts]
    keys = lsh.index_keys(feats, lsh.WordHasher())
    assert keys.shape == (4, lsh.KEYS) and (keys >= 0).all()
    pairs = lsh.candidate_pairs(*lsh.sort_keys(np.arange(4), keys)).tolist()
    assert pairs == [[0, 1]]
    # The same words give the same keys in any process (no salted hash()).
    again = lsh.index_keys([matching.features(BASE)], lsh.WordHasher())
    assert (again[0] == keys[0]).all()


def test_a_crowded_key_pairs_with_anchors_only():
    n = lsh.BUCKET_ALL_PAIRS + 10
    keys = np.zeros((n, 1), dtype=np.int64)
    pairs = lsh.candidate_pairs(*lsh.sort_keys(np.arange(n), keys))
    assert len(pairs) < n * lsh.BUCKET_ANCHORS
    assert {int(b) for a, b in pairs} | {int(a) for a, b in pairs} == set(range(n))


def test_clusters_respect_rejections_and_confirmations():
    edges = [Edge(1, 2, 0.9), Edge(2, 3, 0.8), Edge(3, 4, 0.95), Edge(5, 6, 0.5, confirmed=True)]
    assert sorted(map(sorted, clusters(edges, []))) == [[1, 2, 3, 4], [5, 6]]
    # 1 and 3 rejected: the chain through 2 may not join them; the stronger edge wins.
    groups = sorted(map(sorted, clusters(edges, [(1, 3)])))
    assert [1, 3] not in [[a, b] for g in groups for a in g for b in g if a < b]
    assert [3, 4] in [sorted(g) for g in groups] or [2, 3, 4] in groups
    assert [5, 6] in groups


def test_cluster_ids_are_kept():
    groups = [{1, 2, 3}, {4, 5}, {6, 7}]
    old = {1: 10, 2: 10, 4: 10, 5: 11, 6: 12}
    assigned = {frozenset(g): cid for g, cid in keep_ids(groups, old)}
    assert assigned[frozenset({1, 2, 3})] == 10
    assert assigned[frozenset({4, 5})] == 11
    assert assigned[frozenset({6, 7})] == 12
    assert keep_ids([{8, 9}], old) == [({8, 9}, None)]


def test_score_bound_keeps_exactly_the_pairs_that_can_relate():
    import random
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import claims_corpus

    records, _labels = claims_corpus.build(seed=3, copies=2, bases=40)
    texts = sorted({s for r in records for s in r["text"].split("\n\n") if s.strip()})
    feats = [f for f in (matching.features(t) for t in texts) if matching.indexable(f)]
    sets = lsh.ScoredSets.of(feats)
    rng = random.Random(1)
    left = np.array([rng.randrange(len(feats)) for _ in range(4000)], dtype=np.int64)
    right = np.array([rng.randrange(len(feats)) for _ in range(4000)], dtype=np.int64)
    # Near pairs too: each sentence with its neighbours in sorted order (copies sort close).
    near = np.arange(len(feats) - 1, dtype=np.int64)
    left, right = np.concatenate((left, near)), np.concatenate((right, near + 1))
    kept = lsh.could_relate(sets, left, right)
    exact = np.array([matching.score(feats[a], feats[b]) >= matching.RELATED_SCORE
                      for a, b in zip(left.tolist(), right.tolist(), strict=True)])
    assert exact.sum() > 50 and (~exact).sum() > 1000
    assert not (exact & ~kept).any()  # never drops a pair the verifier would keep
    assert (kept == exact).all()  # and, hashes not colliding here, keeps no other
    concat = lsh.ScoredSets.concat([lsh.ScoredSets.of(feats[:7]),
                                         lsh.ScoredSets.of(feats[7:])])
    assert (lsh.could_relate(concat, left, right) == kept).all()
