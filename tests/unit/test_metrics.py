"""Agreement statistics: published worked examples, degenerate cases, pooling, batch, bootstrap."""

from __future__ import annotations

import json
import math
import warnings

import krippendorff
import numpy as np
import pytest

from annotator.stats import coefficients as m
from annotator.stats.batch import (
    batch_nominal_alpha,
    bootstrap_alpha,
    bootstrap_alpha_counts,
    bootstrap_alpha_stats,
)

# ---------------------------------------------------------------------------- helpers


def from_rows(rows: dict[str, list], missing=None) -> dict:
    """Build unit -> {coder: value} from coder -> values-per-unit rows (``missing`` = not coded)."""
    n_units = len(next(iter(rows.values())))
    return {
        u + 1: {c: vals[u] for c, vals in rows.items() if vals[u] is not missing}
        for u in range(n_units)
    }


def from_pair_table(table: list[list[int]], labels: list) -> dict:
    """Expand a two-coder contingency table (rows: coder A, columns: coder B) into units."""
    data, unit = {}, 0
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            for _ in range(count):
                data[unit] = {"A": labels[i], "B": labels[j]}
                unit += 1
    return data


def from_count_table(table: list[list[int]]) -> dict:
    """Expand a units x categories count table (Fleiss' layout) into units with raters r0, r1..."""
    data = {}
    for u, row in enumerate(table):
        values = [k for k, count in enumerate(row) for _ in range(count)]
        data[u] = {f"r{i}": v for i, v in enumerate(values)}
    return data


def val(stat: m.Stat) -> float:
    assert stat.defined, stat.reason
    return stat.value


# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section A: binary data,
# two observers, no missing data. Published alpha = 0.095.
K2011_A = from_rows(
    {"Ben": [0, 1, 0, 0, 0, 0, 0, 0, 1, 0], "Gerry": [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]}
)
# Same paper, section B: nominal data, two observers, no missing data. Published alpha = 0.692.
K2011_B = from_rows({"Ben": list("aabbdcccedda"), "Gerry": list("babbbccceddd")})
# Same paper, section C: four observers, twelve units, missing values ("*" -> None).
# Published: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
K2011_C_ROWS = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
K2011_C = from_rows(K2011_C_ROWS)

# Wikipedia "Krippendorff's alpha", computational example (3 coders, 15 units):
# nominal 0.691, interval 0.811 (also the krippendorff package's doctest).
WIKI_ALPHA = from_rows(
    {
        "A": [None] * 5 + [3, 4, 1, 2, 1, 1, 3, 3, None, 3],
        "B": [1, None, 2, 1, 3, 3, 4, 3] + [None] * 7,
        "C": [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
    }
)

# Hayes & Krippendorff (2007) "Answering the call for a standard reliability measure for coding
# data", Communication Methods and Measures 1(1), p. 84: 5 observers, 40 units, ordinal alpha
# 0.7598 (the SPSS/SAS KALPHA macro output printed in the paper).
HK2007 = [
    (1, 1, 2, None, 2), (1, 1, 0, 1, None), (2, 3, 3, 3, None), (None, 0, 0, None, 0),
    (0, 0, 0, None, 0), (0, 0, 0, None, 0), (1, 0, 2, None, 1), (1, None, 2, 0, None),
    (2, 2, 2, None, 2), (2, 1, 1, 1, None), (None, 1, 0, 0, None), (0, 0, 0, 0, None),
    (1, 2, 2, 2, None), (3, 3, 2, 2, 3), (1, 1, 1, None, 1), (1, 1, 1, None, 1),
    (2, 1, 2, None, 2), (1, 2, 3, 3, None), (1, 1, 0, 1, None), (0, 0, 0, None, 0),
    (0, 0, 1, 1, None), (0, 0, None, 0, 0), (2, 3, 3, 3, None), (0, 0, 0, 0, None),
    (1, 2, None, 2, 2), (0, 1, 1, 1, None), (0, 0, 0, 1, 0), (1, 2, 1, 2, None),
    (1, 1, 2, 2, None), (1, 1, 2, None, 2), (1, 1, 0, None, 0), (2, 1, 2, 1, None),
    (2, 2, None, 2, 2), (3, 2, 2, 2, None), (2, 2, 2, None, 2), (2, 2, 3, None, 2),
    (2, 2, 2, None, 2), (2, 2, None, 1, 2), (2, 2, 2, 2, None), (1, 1, 1, None, 1),
]  # fmt: skip
HK2007_DATA = {
    u: {f"obs{i + 1}": v for i, v in enumerate(row) if v is not None}
    for u, row in enumerate(HK2007)
}

# Fleiss (1971) "Measuring nominal scale agreement among many raters", Psychological Bulletin
# 76(5), Table 1: 30 patients, 6 psychiatrists, 5 diagnoses. Published P = .556, Pe = .220,
# kappa = .430. Rows are the raters' diagnoses (as in R irr's `diagnoses` and statsmodels' tests).
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip
FLEISS_1971_DATA = {u: {f"p{i}": d for i, d in enumerate(row)} for u, row in enumerate(FLEISS_1971)}

# Wikipedia "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories; kappa 0.210.
WIKI_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip


# ---------------------------------------------------------------------------- Krippendorff


def test_krippendorff_2011_binary_two_observers() -> None:
    o, values = m.coincidence_matrix(K2011_A)
    assert values == (0, 1)
    np.testing.assert_allclose(o, [[10, 4], [4, 2]])  # the paper's coincidence matrix
    assert round(val(m.krippendorff_alpha(K2011_A)), 3) == 0.095


def test_krippendorff_2011_nominal_two_observers() -> None:
    assert round(val(m.krippendorff_alpha(K2011_B)), 3) == 0.692


def test_krippendorff_2011_coincidence_matrix_with_missing_values() -> None:
    o, values = m.coincidence_matrix(K2011_C)
    assert values == (1, 2, 3, 4, 5)
    t, f = 1 / 3, 4 / 3  # the paper's entries 1/3 and 4/3
    expected = [
        [7, f, t, t, 0],
        [f, 10, f, t, 0],
        [t, f, 8, t, 0],
        [t, t, t, 4, 0],
        [0, 0, 0, 0, 3],
    ]
    np.testing.assert_allclose(o, expected)
    np.testing.assert_allclose(o.sum(axis=1), [9, 13, 10, 5, 3])  # n_c; n = 40
    # Unit 12 has a single value: not pairable, so it is absent from the matrix.


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_four_levels(level: str, published: float) -> None:
    assert round(val(m.krippendorff_alpha(K2011_C, level)), 3) == published


def test_krippendorff_2011_ordinal_differences() -> None:
    # The paper's ordinal metric table for n_c = 9, 13, 10, 5, 3: e.g. delta(1,2) = 11^2,
    # delta(1,5) = 34^2, delta(4,5) = 4^2.
    d = m.difference_matrix((1, 2, 3, 4, 5), "ordinal", np.array([9, 13, 10, 5, 3.0]))
    assert d[0, 1] == 11**2 and d[0, 4] == 34**2 and d[3, 4] == 4**2 and d[2, 2] == 0


def test_wikipedia_alpha_example() -> None:
    assert round(val(m.krippendorff_alpha(WIKI_ALPHA, "nominal")), 3) == 0.691
    assert round(val(m.krippendorff_alpha(WIKI_ALPHA, "interval")), 3) == 0.811


def test_hayes_krippendorff_2007_ordinal() -> None:
    assert round(val(m.krippendorff_alpha(HK2007_DATA, "ordinal")), 4) == 0.7598


# ---------------------------------------------------------------------------- Fleiss


def test_fleiss_1971_psychiatric_diagnoses() -> None:
    stats = m.agreement_stats(FLEISS_1971_DATA)
    assert round(stats.unit_agreement_sum / stats.pairable_units, 3) == 0.556  # P-bar
    p = stats.proportion_sums / stats.rated_units
    assert round(float((p**2).sum()), 3) == 0.220  # P-bar-e
    assert round(val(m.fleiss_kappa(FLEISS_1971_DATA)), 3) == 0.430


def test_wikipedia_fleiss_example() -> None:
    assert round(val(m.fleiss_kappa(from_count_table(WIKI_FLEISS))), 3) == 0.210


# ---------------------------------------------------------------------------- Cohen and Scott


@pytest.mark.parametrize(
    ("table", "kappa", "digits"),
    [
        # Wikipedia "Cohen's kappa", simple example: p_o = 0.7, p_e = 0.5, kappa = 0.4.
        ([[20, 5], [10, 15]], 0.4, 3),
        # Wikipedia, "same percentages, different numbers": kappa 0.1304 and 0.2593.
        ([[45, 15], [25, 15]], 0.1304, 4),
        ([[25, 35], [5, 35]], 0.2593, 4),
        # Cohen (1960), Educational and Psychological Measurement 20(1), p. 45: kappa = .492.
        ([[88, 14, 18], [10, 40, 10], [2, 6, 12]], 0.492, 3),
    ],
)
def test_published_cohen_kappa(table: list[list[int]], kappa: float, digits: int) -> None:
    assert round(val(m.cohen_kappa_from_table(np.array(table))), digits) == kappa
    labels = list(range(len(table)))
    (pair,) = m.pairwise_agreement(from_pair_table(table, labels))
    assert round(val(pair.cohen_kappa), digits) == kappa


def test_krippendorff_2004_pi_and_kappa() -> None:
    # Krippendorff (2004) Content Analysis, 2nd ed., pp. 246-248 (as transcribed in DKPro
    # Statistics' tests): same pooled marginals, so pi = .186 for both tables, while kappa is
    # .186 and .258; percent agreement .460 in both.
    labels = ["a", "b", "c"]
    for table, kappa in [([[12, 9, 9], [9, 14, 9], [9, 9, 20]], 0.186),
                         ([[12, 18, 18], [0, 14, 18], [0, 0, 20]], 0.258)]:  # fmt: skip
        (pair,) = m.pairwise_agreement(from_pair_table(table, labels))
        assert round(val(pair.scott_pi), 3) == 0.186
        assert round(val(pair.cohen_kappa), 3) == kappa
        assert round(val(pair.percent_agreement), 3) == 0.460
        assert pair.n == 100


# ---------------------------------------------------------------------------- Gwet


def test_gwet_handbook_four_raters() -> None:
    # Gwet (2014) Handbook of Inter-Rater Reliability, 4th ed.: 4 raters, 12 units with missing
    # ratings (Krippendorff's data again); AC1 = 0.7754, Fleiss' kappa = 0.7612 (irrCAC's
    # documented output for its raw_4raters data set: 0.77544 and 0.76117).
    assert round(val(m.gwet_ac1(K2011_C)), 5) == 0.77544
    assert round(val(m.fleiss_kappa(K2011_C)), 5) == 0.76117


def test_gwet_handbook_pregnancy_table() -> None:
    # Gwet (2014): 2 abstractors, 100 women, 3 pregnancy types; AC1 = 0.8493 with
    # pa = 0.89, pe = 0.26992 (irrCAC's documented output for cont3x3abstractors).
    table = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
    data = from_pair_table(table, ["Ectopic", "AIU", "NIU"])
    assert round(val(m.gwet_ac1(data)), 5) == 0.84933
    assert round(val(m.percent_agreement(data)), 2) == 0.89


def test_gwet_ac1_matches_irrcac_on_published_data() -> None:
    pd = pytest.importorskip("pandas")
    from irrCAC.raw import CAC

    for data in (K2011_C, FLEISS_1971_DATA, HK2007_DATA):
        enc = m.encode(data)
        frame = pd.DataFrame(
            np.where(enc.codes >= 0, enc.codes, np.nan).astype(float), columns=enc.coders
        )
        cac = CAC(frame, digits=15)
        assert val(m.gwet_ac1(data)) == pytest.approx(cac.gwet()["est"]["coefficient_value"])
        assert val(m.fleiss_kappa(data)) == pytest.approx(cac.fleiss()["est"]["coefficient_value"])


# ---------------------------------------------------------------------------- percent, per label


def test_percent_agreement_counts_coder_pairs() -> None:
    # K2011_C: 55 coder pairs within units, 43 of them agree.
    stats = m.agreement_stats(K2011_C)
    assert (stats.agreeing_pairs, stats.total_pairs) == (43, 55)
    assert val(m.percent_agreement(K2011_C)) == pytest.approx(43 / 55)


def test_per_label_alpha_equals_alpha_of_binary_recode() -> None:
    per_label = m.per_label_alpha(K2011_C)
    for label, stat in per_label.items():
        recoded = {u: {c: int(v == label) for c, v in cv.items()} for u, cv in K2011_C.items()}
        assert val(stat) == pytest.approx(val(m.krippendorff_alpha(recoded)), abs=1e-12)


# ---------------------------------------------------------------------------- degenerate cases


def everything(data: dict, values=None) -> list[m.Stat]:
    """Every coefficient for ``data``, computed with numpy errors turned into exceptions."""
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        stats = [m.krippendorff_alpha(data, level) for level in m.LEVELS]
        stats += [m.fleiss_kappa(data, values), m.gwet_ac1(data, values)]
        stats += [m.percent_agreement(data), *m.per_label_alpha(data, values).values()]
        for pair in m.pairwise_agreement(data, values):
            stats += [pair.percent_agreement, pair.cohen_kappa, pair.scott_pi]
        stats.append(m.Stat(bootstrap_alpha(data, resamples=50).low, None))
    return stats


@pytest.mark.parametrize(
    "data",
    [
        {},
        {1: {}},
        {1: {"a": 1}, 2: {"a": 2}},  # one coder
        {1: {"a": 1}, 2: {"b": 2}},  # two coders, no shared unit
        {1: {"a": 1, "b": 1}, 2: {"a": 1, "b": 1}},  # one label everywhere
    ],
)
def test_degenerate_inputs_never_raise(data: dict) -> None:
    for stat in everything(data):
        assert stat.value is None or math.isfinite(stat.value)


def test_one_coder() -> None:
    data = {1: {"ann": "fact"}, 2: {"ann": "claim"}}
    assert m.krippendorff_alpha(data) == m.Stat(None, m.NO_PAIRABLE_UNITS)
    assert m.fleiss_kappa(data).reason == m.NO_PAIRABLE_UNITS
    assert m.gwet_ac1(data).reason == m.NO_PAIRABLE_UNITS
    assert m.percent_agreement(data).reason == m.NO_PAIRABLE_UNITS
    assert m.pairwise_agreement(data) == []
    assert bootstrap_alpha(data).interval is None


def test_no_unit_with_two_values_and_a_pair_without_shared_units() -> None:
    data = {1: {"ann": "fact"}, 2: {"bob": "claim"}}
    assert m.krippendorff_alpha(data).reason == m.NO_PAIRABLE_UNITS
    (pair,) = m.pairwise_agreement(data)
    assert pair.n == 0
    for stat in (pair.percent_agreement, pair.cohen_kappa, pair.scott_pi):
        assert stat == m.Stat(None, m.NO_SHARED_UNITS)


def test_every_value_the_same_label() -> None:
    data = {u: {"ann": "fact", "bob": "fact", "cy": "fact"} for u in range(5)}
    labels = ["fact", "claim", "opinion", "prediction"]
    assert m.krippendorff_alpha(data).reason == m.NO_VARIATION  # D_e = 0
    assert m.fleiss_kappa(data).reason == m.ONE_CATEGORY
    assert m.gwet_ac1(data).reason == m.FEW_CATEGORIES  # q = 1 label observed
    assert val(m.gwet_ac1(data, labels)) == 1.0  # with the real label set, AC1 is defined
    assert val(m.percent_agreement(data)) == 1.0  # still given where pairs exist
    per_label = m.per_label_alpha(data, labels)
    assert per_label["fact"].reason == m.LABEL_EVERYWHERE
    assert per_label["claim"].reason == m.LABEL_UNUSED
    pair = m.pairwise_agreement(data)[0]
    assert val(pair.percent_agreement) == 1.0 and pair.n == 5
    assert pair.cohen_kappa.reason == pair.scott_pi.reason == m.PAIR_ONE_LABEL


def test_single_valued_units_do_not_change_alpha() -> None:
    extra = dict(K2011_C)
    extra["lonely"] = {"A": 5}
    assert val(m.krippendorff_alpha(extra)) == pytest.approx(val(m.krippendorff_alpha(K2011_C)))


def test_perfect_and_systematic_disagreement() -> None:
    assert val(m.krippendorff_alpha({u: {"a": u % 2, "b": u % 2} for u in range(6)})) == 1.0
    assert val(m.krippendorff_alpha({u: {"a": u % 2, "b": 1 - u % 2} for u in range(6)})) < 0


def test_bad_input_is_rejected_clearly() -> None:
    with pytest.raises(ValueError, match="unknown level"):
        m.krippendorff_alpha(K2011_C, "circular")
    with pytest.raises(ValueError, match="not a finite number"):
        m.krippendorff_alpha({1: {"a": "x", "b": "y"}}, "interval")
    with pytest.raises(ValueError, match="negative"):
        m.krippendorff_alpha({1: {"a": -1, "b": 2}}, "ratio")
    with pytest.raises(ValueError, match="not in the given value set"):
        m.fleiss_kappa({1: {"a": "x", "b": "y"}}, values=["x"])


def test_none_and_nan_count_as_missing() -> None:
    data = {1: {"a": 1, "b": None, "c": float("nan")}, 2: {"a": 1, "b": 2}}
    assert m.encode(data).counts().sum() == 3


# ---------------------------------------------------------------------------- pooling


def split_articles(data: dict, n_parts: int) -> list[dict]:
    units = list(data)
    return [{u: data[u] for u in units[i::n_parts]} for i in range(n_parts)]


@pytest.mark.parametrize("level", m.LEVELS)
def test_pooled_alpha_equals_alpha_on_union(level: str) -> None:
    values = (0, 1, 2, 3)
    grid = np.random.default_rng(7).integers(-1, 4, size=(60, 4))  # -1 = not coded
    data = {u: {c: int(row[c]) for c in range(4) if row[c] >= 0} for u, row in enumerate(grid)}
    parts = [m.agreement_stats(p, values, level) for p in split_articles(data, 7)]
    pooled, union = m.sum_stats(parts), m.agreement_stats(data, values, level)
    np.testing.assert_allclose(pooled.coincidence, union.coincidence, rtol=0, atol=1e-12)
    assert val(m.alpha_from_stats(pooled, level)) == pytest.approx(
        val(m.krippendorff_alpha(data, level, values)), abs=1e-12
    )
    for f in (m.fleiss_from_stats, m.ac1_from_stats, m.percent_agreement_from_stats):
        assert val(f(pooled)) == pytest.approx(val(f(union)), abs=1e-12)
    assert (pooled.agreeing_pairs, pooled.total_pairs) == (union.agreeing_pairs, union.total_pairs)
    for label, stat in m.per_label_alpha_from_stats(pooled).items():
        assert val(stat) == pytest.approx(val(m.per_label_alpha(data, values)[label]), abs=1e-12)


def test_stats_round_trip_through_json_and_add_identity() -> None:
    stats = m.agreement_stats(K2011_C, values=(1, 2, 3, 4, 5))
    again = m.AgreementStats.from_dict(json.loads(json.dumps(stats.to_dict())))
    assert again.to_dict() == stats.to_dict()
    empty = m.AgreementStats.empty(stats.values)
    assert (stats + empty).to_dict() == stats.to_dict()
    assert m.sum_stats([], values=stats.values).to_dict() == empty.to_dict()
    with pytest.raises(ValueError):
        m.sum_stats([])
    with pytest.raises(ValueError, match="different value sets"):
        stats + m.AgreementStats.empty((1, 2))


def test_a_given_label_set_keeps_its_order() -> None:
    labels = ["fact", "claim", "opinion", "prediction"]
    stats = m.agreement_stats({1: {"a": "opinion", "b": "fact"}}, labels)
    assert stats.values == tuple(labels)  # what a report stores and shows, in the app's order
    assert m.agreement_stats({1: {"a": 3, "b": 1}}, [3, 2, 1], "ordinal").values == (1, 2, 3)


def test_pair_tables_add_up_across_articles() -> None:
    labels = ("1", "2", "3", "4", "5")
    data = {u: {c: str(v) for c, v in cv.items()} for u, cv in K2011_C.items()}
    total: dict = {}
    for part in split_articles(data, 3):
        for key, table in m.pair_tables(m.encode(part, labels)).items():
            total[key] = total.get(key, 0) + table
    for pair in m.pairwise_agreement(data, labels):
        pooled = m.pair_agreement_from_table(
            pair.coder_a, pair.coder_b, total[(pair.coder_a, pair.coder_b)]
        )
        assert pooled == pair


# ---------------------------------------------------------------------------- batch, bootstrap


def test_batch_nominal_alpha_matches_krippendorff_per_article() -> None:
    rng = np.random.default_rng(3)
    rows = [
        (a, u, c, int(rng.integers(0, 3)) if rng.random() < 0.6 else u % 3)
        for a in range(200)
        for u in range(5)
        for c in range(4)
        if rng.random() < 0.75
    ]
    rows += [(200, 0, 0, 1), (201, 0, 0, 2), (201, 0, 1, 2)]  # no pair; a single label
    arr = np.array(rows)
    for units in (arr[:, 1], arr[:, 1] * 1000):  # dense and sparse unit numbering
        got = batch_nominal_alpha(arr[:, 0], units, arr[:, 3], n_labels=3)
        for a in range(202):
            sub = arr[arr[:, 0] == a]
            data = {u: {c: lab for _, uu, c, lab in sub if uu == u} for u in set(sub[:, 1])}
            expected = m.krippendorff_alpha(data)
            if expected.defined:
                assert got[a] == pytest.approx(expected.value, abs=1e-12)
            else:
                assert math.isnan(got[a])


def test_bootstrap_is_seeded_and_matches_a_plain_loop() -> None:
    counts = np.random.default_rng(11).integers(0, 3, size=(30, 4))
    values = (1, 2, 4, 8)
    pairable = counts[counts.sum(axis=1) >= 2]
    for level in m.LEVELS:
        result = bootstrap_alpha_counts(counts, values, level, resamples=200, seed=5)
        assert result == bootstrap_alpha_counts(counts, values, level, resamples=200, seed=5)
        draws = np.random.default_rng(5).integers(0, len(pairable), size=(200, len(pairable)))
        loop = [
            krippendorff.alpha(value_counts=pairable[row], value_domain=list(values),
                               level_of_measurement=level)
            for row in draws
        ]  # fmt: skip
        np.testing.assert_allclose(result.interval, np.quantile(loop, [0.025, 0.975]), atol=1e-12)
    other = bootstrap_alpha_counts(counts, values, "nominal", resamples=200, seed=6)
    assert other != bootstrap_alpha_counts(counts, values, "nominal", resamples=200, seed=5)


def test_bootstrap_brackets_alpha_and_reports_undefined() -> None:
    result = bootstrap_alpha(K2011_C, resamples=1000, seed=1)
    assert result.resamples == 1000 and result.seed == 1
    assert result.low <= val(m.krippendorff_alpha(K2011_C)) <= result.high
    none = bootstrap_alpha({u: {"a": "x", "b": "x"} for u in range(4)})
    assert none.interval is None and none.reason == m.NO_VARIATION


def test_bootstrap_over_articles_from_stored_stats() -> None:
    values = (1, 2, 3, 4, 5)
    articles = [m.agreement_stats(p, values) for p in split_articles(K2011_C, 4)]
    result = bootstrap_alpha_stats(articles, resamples=500, seed=2)
    assert result.defined_resamples <= 500
    assert result.low <= val(m.alpha_from_stats(m.sum_stats(articles))) <= result.high
    assert bootstrap_alpha_stats([], seed=2).interval is None
