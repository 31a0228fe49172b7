"""Stored per-article records and their pooled figures agree with the statistics engine."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.stats import charts, intervals, rollup
from annotator.stats.batch import bootstrap_alpha_stats
from annotator.stats.coefficients import (
    agreement_stats,
    encode,
    krippendorff_alpha,
    pair_tables,
    sum_stats,
)
from annotator.stats.records import (
    build_records,
    group_sums,
    nominal_alpha,
    to_stats,
    unpack,
)
from annotator.stats.sufficient import alpha_from_coincidence, cohen_kappa_from_table

LABELS = ("fact", "claim", "opinion", "prediction")
Q = len(LABELS)


def random_corpus(seed: int, n_articles: int = 40, n_reviewers: int = 12):
    """Return {article: {unit: {reviewer: label index}}} and the coders of each article."""
    rng = np.random.default_rng(seed)
    corpus, coders = {}, {}
    for a in range(n_articles):
        ids = [int(r) for r in rng.choice(n_reviewers, rng.integers(1, min(6, n_reviewers + 1)),
                                               replace=False) + 1]
        coders[a] = ids
        truth = rng.integers(0, Q, size=8)
        data = {}
        for u in range(int(rng.integers(1, 9))):
            for r in ids:
                if rng.random() < 0.85:
                    label = int(truth[u]) if rng.random() < 0.7 else int(rng.integers(0, Q))
                    data.setdefault(u, {})[r] = label
        corpus[a] = data
    return corpus, coders


def records_of(corpus, coders):
    ca = [a for a in coders for _ in coders[a]]
    cid = [r for a in coders for r in coders[a]]
    rows = [(a, u, r, v) for a, data in corpus.items() for u, row in data.items()
            for r, v in row.items()]
    la, lu, lc, lv = (np.array(x, dtype=np.int64) for x in zip(*rows, strict=True))
    return build_records(len(coders), Q, np.full(len(coders), 8), np.array(ca), np.array(cid),
                         la, lu, lc, lv)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_article_records_equal_the_engine_per_article(seed: int) -> None:
    corpus, coders = random_corpus(seed)
    records = records_of(corpus, coders)
    alphas = records.alpha()
    for a, data in corpus.items():
        expected = agreement_stats(data, values=range(Q))
        got = to_stats(records.articles[a], range(Q))
        np.testing.assert_allclose(got.coincidence, expected.coincidence, atol=1e-12)
        np.testing.assert_allclose(got.proportion_sums, expected.proportion_sums, atol=1e-12)
        assert got.rated_units == expected.rated_units
        assert got.pairable_units == expected.pairable_units
        assert got.agreeing_pairs == expected.agreeing_pairs
        assert got.total_pairs == expected.total_pairs
        assert got.unit_agreement_sum == pytest.approx(expected.unit_agreement_sum, abs=1e-12)
        reference = krippendorff_alpha(data, values=range(Q))
        if reference.defined:
            assert alphas[a] == pytest.approx(reference.value, abs=1e-12)
        else:
            assert np.isnan(alphas[a])
        assert records.articles["coders"][a] == len(coders[a])


def test_pair_records_equal_the_engine_pair_tables() -> None:
    corpus, coders = random_corpus(4)
    records = records_of(corpus, coders)
    for a, data in corpus.items():
        if not data:
            continue
        enc = encode(data, values=range(Q))
        expected = {k: t for k, t in pair_tables(enc).items() if t.sum()}
        mine = records.pairs[records.pair_article == a]
        got = {(int(p["coder_a"]), int(p["coder_b"])): p["table"] for p in mine}
        assert got.keys() == expected.keys()
        for key, table in expected.items():
            np.testing.assert_array_equal(got[key], table)


def test_packed_records_round_trip_and_pool_to_the_union() -> None:
    corpus, coders = records_input = random_corpus(5)
    records = records_of(*records_input)
    packed = records.packed()
    articles, _ = unpack([p[0] for p in packed], records.articles.dtype)
    coder_rows, coder_article = unpack([p[1] for p in packed], records.coders.dtype)
    np.testing.assert_array_equal(articles, records.articles)
    np.testing.assert_array_equal(coder_article, records.coder_article)
    pooled = group_sums(articles, np.zeros(len(articles), dtype=np.int64), 1)[0]
    union = sum_stats([agreement_stats(d, values=range(Q)) for d in corpus.values()])
    np.testing.assert_allclose(pooled["coincidence"], union.coincidence, atol=1e-9)
    assert pooled["total_pairs"] == union.total_pairs
    assert len(coder_rows) == sum(len(c) for c in coders.values())


def test_nominal_alpha_matches_the_engine_and_flags_undefined() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        counts = rng.integers(0, 6, size=(12, Q))
        o = agreement_stats({i: dict(enumerate(np.repeat(np.arange(Q), c)))
                             for i, c in enumerate(counts)}, values=range(Q)).coincidence
        got = nominal_alpha(o.sum(axis=1), np.diag(o))
        expected = alpha_from_coincidence(o, range(Q))
        assert got == pytest.approx(expected.value, abs=1e-12)
    assert np.isnan(nominal_alpha(np.array([4.0, 0, 0, 0]), np.array([4.0, 0, 0, 0])))
    assert np.isnan(nominal_alpha(np.zeros(Q), np.zeros(Q)))


def test_reviewer_figures_match_the_engine_without_that_reviewer() -> None:
    corpus, coders = random_corpus(6)
    records = records_of(corpus, coders)
    figures = {f.reviewer_id: f for f in rollup.reviewers(records.articles, records.coders, LABELS)}
    reviewer = max(figures, key=lambda r: figures[r].articles)
    f = figures[reviewer]
    without = sum_stats(
        [agreement_stats({u: {c: v for c, v in row.items() if c != reviewer}
                          for u, row in d.items()}, values=range(Q)) for d in corpus.values()])
    assert f.alpha_without.value == pytest.approx(
        alpha_from_coincidence(without.coincidence, range(Q)).value, abs=1e-12)
    # Kappa with colleagues: one table of (own label, colleague's label) over shared sentences.
    table = np.zeros((Q, Q), dtype=np.int64)
    agree = total = 0
    for data in corpus.values():
        for row in data.values():
            if reviewer not in row:
                continue
            others = [v for c, v in row.items() if c != reviewer]
            for v in others:
                table[row[reviewer], v] += 1
            if len(others) >= 2:
                top = max(set(others), key=others.count)
                if others.count(top) * 2 > len(others):
                    total += 1
                    agree += row[reviewer] == top
    assert f.kappa.value == pytest.approx(cohen_kappa_from_table(table).value, abs=1e-12)
    assert (f.majority_units, f.majority_agree) == (total, agree)
    pairs = {p.coder_b: p for p in rollup.colleagues(records.pairs, reviewer)}
    assert sum(p.n for p in pairs.values()) == f.shared


def test_build_records_refuses_inconsistent_rows() -> None:
    one = np.array([0])
    with pytest.raises(ValueError, match="without a coder row"):
        build_records(1, Q, one, one, np.array([1]), one, one, np.array([2]), one)
    with pytest.raises(ValueError, match="twice"):
        build_records(1, Q, one, one, one, np.array([0, 0]), np.array([0, 0]),
                      np.array([0, 0]), np.array([1, 2]))


def test_no_labels_at_all_gives_empty_undefined_records() -> None:
    empty = np.zeros(0, dtype=np.int64)
    records = build_records(1, Q, np.array([3]), np.array([0]), np.array([7]),
                            empty, empty, empty, empty)
    assert np.isnan(records.alpha()[0]) and np.isnan(records.percent_agreement()[0])
    assert records.coders["reviewer"].tolist() == [7] and len(records.pairs) == 0


def test_article_bootstrap_is_seeded_and_close_to_the_engine() -> None:
    corpus, coders = random_corpus(7, n_articles=20, n_reviewers=4)
    records = records_of(corpus, coders)
    contrib = intervals.contributions(records.articles["coincidence"])
    groups = np.zeros(len(contrib), dtype=np.int64)
    first = intervals.group_intervals(contrib, groups, 1)[0]
    assert first == intervals.group_intervals(contrib, groups, 1)[0]
    assert first.method == "articles resampled"
    stats = [to_stats(r, range(Q)) for r in records.articles]
    engine = bootstrap_alpha_stats(stats)
    point = records.alpha()
    pooled = alpha_from_coincidence(records.articles["coincidence"].sum(axis=0), range(Q)).value
    assert first.low < pooled < first.high
    assert abs(first.low - engine.low) < 0.05 and abs(first.high - engine.high) < 0.05
    assert not np.isnan(point).all()


def test_normal_limit_agrees_with_resampling_articles(monkeypatch) -> None:
    corpus, coders = random_corpus(8, n_articles=300, n_reviewers=6)
    contrib = intervals.contributions(records_of(corpus, coders).articles["coincidence"])
    groups = np.zeros(len(contrib), dtype=np.int64)
    normal = intervals.group_intervals(contrib, groups, 1)[0]
    monkeypatch.setattr(intervals, "EXACT_MAX", 10_000)
    exact = intervals.group_intervals(contrib, groups, 1)[0]
    assert normal.method == "normal limit" and exact.method == "articles resampled"
    assert normal.low == pytest.approx(exact.low, abs=0.015)
    assert normal.high == pytest.approx(exact.high, abs=0.015)


def test_too_few_articles_give_no_interval() -> None:
    contrib = np.array([[3.0, 3.0, 0, 0, 2.0], [0, 0, 0, 0, 0]])
    result = intervals.group_intervals(contrib, np.array([0, 1]), 2)
    assert [r.reason for r in result] == [intervals.TOO_FEW_ARTICLES] * 2


def test_charts_place_rows_and_hide_the_overflow() -> None:
    rows = [(f"Outlet {i}", 0.5, 0.4, 0.6) for i in range(charts.MAX_ROWS + 5)]
    chart = charts.alpha_chart(rows + [("Undefined", None, None, None)])
    assert len(chart.rows) == charts.MAX_ROWS and chart.hidden == 6
    assert chart.plot_left < chart.rows[0].low < chart.rows[0].point < chart.rows[0].high
    negative = charts.alpha_chart([("Bad", -0.3, -0.6, 0.1)])
    assert negative.ticks[0].label == "-1.0" and negative.rows[0].point > negative.plot_left
    mix = charts.mix_chart([("A", [0.5, 0.25, 0.25, 0.0])], LABELS)
    assert [s.label for s in mix.rows[0].segments] == ["fact", "claim", "opinion"]
    assert sum(s.width for s in mix.rows[0].segments) == pytest.approx(
        mix.plot_right - mix.plot_left, abs=0.5)
    assert [charts.heat_bucket(s) for s in (0, 0.05, 0.5, 1.0)] == [0, 1, 3, 5]


def test_a_group_gets_the_same_interval_alone_or_among_others() -> None:
    corpus, coders = random_corpus(9, n_articles=140, n_reviewers=6)
    contrib = intervals.contributions(records_of(corpus, coders).articles["coincidence"])
    groups = np.minimum(np.arange(len(contrib)) // 15, 2)  # 15, 15 (resampled), the rest
    together = intervals.group_intervals(contrib, groups, 3)
    for g in range(3):
        alone = intervals.group_intervals(contrib[groups == g], np.zeros((groups == g).sum(),
                                                                         dtype=np.int64), 1)
        assert alone[0] == together[g]
    big = np.r_[groups, groups] * 0  # one group of 280 articles: the normal limit
    both = np.r_[contrib, contrib]
    assert intervals.group_intervals(both, big, 1)[0] == intervals.group_intervals(
        both, np.r_[big, [1]][:-1], 2)[0]
