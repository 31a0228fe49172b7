"""Property tests: our agreement statistics agree with the reference libraries to 1e-9.

References: krippendorff.alpha (all four levels), irrCAC's raw CAC (fleiss, gwet, krippendorff;
missing values allowed) and table CAC (Scott's pi), statsmodels (fleiss_kappa on complete data,
cohens_kappa) and scikit-learn's cohen_kappa_score. Where we call a value undefined the
reference returns NaN, raises, or (irrCAC's AC1 with one label) uses a documented epsilon.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from itertools import combinations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from irrCAC.raw import CAC as RawCAC
from irrCAC.table import CAC as TableCAC
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa, to_table

from annotator.stats import coefficients as m
from annotator.stats.batch import batch_nominal_alpha

TOL = 1e-9
PROPERTY = settings(max_examples=150, deadline=None)

# Value domains per level; repeated small domains make ties and disagreements common.
DOMAINS = {
    "nominal": [0, 1, 2, 3],
    "ordinal": [1, 2, 3, 4, 5],
    "interval": [-2.5, 0.0, 1.0, 3.25, 10.0],
    "ratio": [0.0, 0.5, 1.0, 2.0, 7.0],
}

Grid = list[list]  # units x coders, None = not coded


@st.composite
def grids(draw, domain: list, max_units: int = 12, max_coders: int = 5, missing: bool = True):
    """Draw a units x coders grid of values from ``domain`` (None = missing when allowed)."""
    n_coders = draw(st.integers(1 if missing else 2, max_coders))
    n_units = draw(st.integers(1, max_units))
    cell = st.sampled_from(domain)
    if missing:
        cell = st.one_of(st.none(), cell)
    row = st.lists(cell, min_size=n_coders, max_size=n_coders)
    return draw(st.lists(row, min_size=n_units, max_size=n_units))


def to_data(grid: Grid) -> dict:
    return {
        u: {f"c{j}": v for j, v in enumerate(row) if v is not None} for u, row in enumerate(grid)
    }


def to_matrix(grid: Grid) -> np.ndarray:
    """Coders x units float matrix with NaN for missing (krippendorff's layout)."""
    return np.array([[np.nan if v is None else v for v in row] for row in grid], float).T


def quietly(fn: Callable, *args, **kwargs) -> float:
    """Call a reference implementation; NaN when it raises or divides 0 by 0."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return float(fn(*args, **kwargs))
        except (ValueError, ZeroDivisionError):
            return math.nan


def pairable(grid: Grid) -> bool:
    return any(sum(v is not None for v in row) >= 2 for row in grid)


def assert_matches(ours: m.Stat, reference: float) -> None:
    if ours.defined:
        assert abs(ours.value - reference) <= TOL, (ours.value, reference)
    else:
        assert ours.reason


# ---------------------------------------------------------------------------- krippendorff


@pytest.mark.parametrize("level", m.LEVELS)
@PROPERTY
@given(data=st.data())
def test_alpha_matches_krippendorff_package(level: str, data: st.DataObject) -> None:
    grid = data.draw(grids(DOMAINS[level]))
    ours = m.krippendorff_alpha(to_data(grid), level)
    reference = quietly(
        krippendorff.alpha,
        reliability_data=to_matrix(grid),
        value_domain=DOMAINS[level],
        level_of_measurement=level,
    )
    if ours.defined:
        assert abs(ours.value - reference) <= TOL
    else:
        # the package raises (no pairable unit) or returns 0/0 = NaN (no variation)
        assert math.isnan(reference)
        assert ours.reason == (m.NO_VARIATION if pairable(grid) else m.NO_PAIRABLE_UNITS)


@PROPERTY
@given(grid=grids(DOMAINS["nominal"]))
def test_per_label_alpha_is_binary_recoded_alpha(grid: Grid) -> None:
    for label, ours in m.per_label_alpha(to_data(grid)).items():
        binary = [[None if v is None else int(v == label) for v in row] for row in grid]
        reference = quietly(
            krippendorff.alpha,
            reliability_data=to_matrix(binary),
            value_domain=[0, 1],
            level_of_measurement="nominal",
        )
        if ours.defined:
            assert abs(ours.value - reference) <= TOL
        else:
            assert math.isnan(reference)


@PROPERTY
@given(
    grid=grids(DOMAINS["nominal"], max_units=30),
    articles=st.integers(1, 6),
    seed=st.integers(0, 2**16),
)
def test_batch_alpha_matches_krippendorff_package(grid: Grid, articles: int, seed: int) -> None:
    article_of = np.random.default_rng(seed).integers(0, articles, size=len(grid))
    rows = [(article_of[u], u, v) for u, row in enumerate(grid) for v in row if v is not None]
    arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
    got = batch_nominal_alpha(arr[:, 0], arr[:, 1], arr[:, 2], n_articles=articles, n_labels=4)
    for a in range(articles):
        sub = [row for u, row in enumerate(grid) if article_of[u] == a]
        reference = quietly(
            krippendorff.alpha,
            reliability_data=to_matrix(sub) if sub else None,
            value_domain=DOMAINS["nominal"],
            level_of_measurement="nominal",
        )
        if math.isnan(reference):
            assert math.isnan(got[a])
        else:
            assert abs(got[a] - reference) <= TOL


# ---------------------------------------------------------------------------- irrCAC


def irr_cac(grid: Grid) -> RawCAC:
    frame = pd.DataFrame([[np.nan if v is None else v for v in row] for row in grid], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return RawCAC(frame, digits=15)  # 15 digits: irrCAC rounds its results (default 5)


def irr_value(cac: RawCAC, method: str) -> float:
    return quietly(lambda: getattr(cac, method)()["est"]["coefficient_value"])


def rated_units(grid: Grid) -> int:
    # irrCAC's variance step divides by n(n - 1), so it needs two units with a rating.
    return sum(any(v is not None for v in row) for row in grid)


@PROPERTY
@given(grid=grids(DOMAINS["nominal"]))
def test_fleiss_ac1_alpha_match_irrcac_with_missing_values(grid: Grid) -> None:
    assume(rated_units(grid) >= 2)
    data = to_data(grid)
    cac = irr_cac(grid)
    fleiss, ac1 = m.fleiss_kappa(data), m.gwet_ac1(data)
    alpha = m.krippendorff_alpha(data)
    if pairable(grid):
        assert_matches(fleiss, irr_value(cac, "fleiss"))
        assert_matches(ac1, irr_value(cac, "gwet"))
        if sum(sum(v is not None for v in row) >= 2 for row in grid) >= 2:
            # krippendorff() keeps pairable units only, then divides by n(n - 1) of those
            assert_matches(alpha, irr_value(cac, "krippendorff"))
    else:
        for stat in (fleiss, ac1, alpha):
            assert stat.reason == m.NO_PAIRABLE_UNITS
    observed = {v for row in grid for v in row if v is not None}
    if len(observed) == 1:
        # irrCAC floors AC1's chance agreement at 1 - 1e-15 when q = 1; we call it undefined.
        assert not ac1.defined and not fleiss.defined


@PROPERTY
@given(grid=grids(DOMAINS["nominal"]), extra=st.integers(0, 3))
def test_ac1_uses_the_full_label_set(grid: Grid, extra: int) -> None:
    labels = DOMAINS["nominal"] + [10 + i for i in range(extra)]
    assume(pairable(grid) and rated_units(grid) >= 2)
    frame = pd.DataFrame([[np.nan if v is None else v for v in row] for row in grid], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cac = RawCAC(frame, categories=[float(v) for v in labels], digits=15)
    assert_matches(m.gwet_ac1(to_data(grid), labels), irr_value(cac, "gwet"))


# ---------------------------------------------------------------------------- statsmodels


@PROPERTY
@given(grid=grids(DOMAINS["nominal"], missing=False))
def test_fleiss_matches_statsmodels_on_complete_data(grid: Grid) -> None:
    table, _ = aggregate_raters(np.array(grid))
    reference = quietly(fleiss_kappa, table)
    ours = m.fleiss_kappa(to_data(grid))
    if ours.defined:
        assert abs(ours.value - reference) <= TOL
    else:
        assert ours.reason == m.ONE_CATEGORY and not math.isfinite(reference)


def shared(grid: Grid, i: int, j: int) -> tuple[list, list]:
    both = [(row[i], row[j]) for row in grid if row[i] is not None and row[j] is not None]
    return [a for a, _ in both], [b for _, b in both]


@PROPERTY
@given(grid=grids(DOMAINS["nominal"], max_units=15))
def test_pairwise_matches_sklearn_statsmodels_and_irrcac(grid: Grid) -> None:
    pairs = {(p.coder_a, p.coder_b): p for p in m.pairwise_agreement(to_data(grid))}
    n_coders = len(grid[0])
    coded = {f"c{j}" for row in grid for j, v in enumerate(row) if v is not None}
    assert len(pairs) == len(coded) * (len(coded) - 1) // 2
    for i, j in combinations(range(n_coders), 2):
        key = (f"c{i}", f"c{j}")
        if key not in pairs:
            continue  # a coder without any value is not a coder of this data
        pair = pairs[key]
        a, b = shared(grid, i, j)
        assert pair.n == len(a)
        if not a:
            assert pair.percent_agreement.reason == m.NO_SHARED_UNITS
            assert pair.cohen_kappa.reason == pair.scott_pi.reason == m.NO_SHARED_UNITS
            continue
        assert abs(pair.percent_agreement.value - np.mean(np.equal(a, b))) <= TOL
        assert_matches(pair.cohen_kappa, quietly(cohen_kappa_score, a, b))
        table, _ = to_table(np.column_stack([a, b]), bins=np.arange(5) - 0.5)
        kappa_sm = quietly(cohens_kappa, table, return_results=False)
        assert_matches(pair.cohen_kappa, kappa_sm)
        if pair.scott_pi.defined:
            frame = pd.DataFrame(table)
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                scott = TableCAC(frame, digits=15).scott()["est"]["coefficient_value"]
            assert abs(pair.scott_pi.value - scott) <= TOL
        else:
            assert math.isnan(kappa_sm) or not math.isfinite(kappa_sm)


# ---------------------------------------------------------------------------- pooling, invariance


@pytest.mark.parametrize("level", m.LEVELS)
@PROPERTY
@given(data=st.data())
def test_pooled_statistics_equal_statistics_of_the_union(level: str, data: st.DataObject) -> None:
    grid = data.draw(grids(DOMAINS[level], max_units=20))
    parts = data.draw(st.lists(st.integers(0, 3), min_size=len(grid), max_size=len(grid)))
    values = DOMAINS[level]
    whole = to_data(grid)
    articles = [{u: cv for u, cv in whole.items() if parts[u] == k} for k in range(4)]
    pooled = m.sum_stats((m.agreement_stats(a, values, level) for a in articles), values)
    union = m.agreement_stats(whole, values, level)
    for f in (m.fleiss_from_stats, m.ac1_from_stats, m.percent_agreement_from_stats):
        assert_same(f(pooled), f(union))
    assert_same(m.alpha_from_stats(pooled, level), m.krippendorff_alpha(whole, level, values))


def assert_same(a: m.Stat, b: m.Stat) -> None:
    assert a.reason == b.reason
    if a.defined:
        assert abs(a.value - b.value) <= TOL


@PROPERTY
@given(grid=grids(DOMAINS["nominal"]), seed=st.integers(0, 2**16))
def test_alpha_ignores_unit_and_coder_order_and_label_names(grid: Grid, seed: int) -> None:
    rng = np.random.default_rng(seed)
    shuffled = [list(rng.permutation(row)) for row in rng.permutation(np.array(grid, object))]
    names = {0: "fact", 1: "claim", 2: "opinion", 3: "prediction"}
    renamed = [[None if v is None else names[v] for v in row] for row in shuffled]
    # Permuting coders within every row differently changes who coded what but not any unit's
    # multiset of values, which is all that alpha, Fleiss and AC1 look at.
    for f in (m.krippendorff_alpha, m.fleiss_kappa, m.gwet_ac1, m.percent_agreement):
        assert_same(f(to_data(grid)), f(to_data(renamed)))
