"""Shares, intervals and tests against independent expectations.

Every expected value here is either a published worked example or computed in the test
from a closed-form formula with plain ``math``; the function under test is never used to
produce its own expected value.
"""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from duoreport.stats.shares import (
    DIRECT_TABLES_ABOVE,
    PERMUTATIONS,
    TEST_SEED,
    difference_in_proportions,
    independence_test,
    share_table,
    wilson_interval,
)

Z95 = 1.959963984540054  # standard normal quantile 0.975
THRESHOLD = 10


# --- helpers (plain math, no package code) ------------------------------------------


def wilson_closed_form(k, n, z=Z95):
    """Wilson (1927) score interval, written out."""
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def pearson_chi2(table):
    """Pearson's X^2 without continuity correction, by hand."""
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table)]
    total = sum(rows)
    x2 = 0.0
    for i, r in enumerate(table):
        for j, o in enumerate(r):
            e = rows[i] * cols[j] / total
            x2 += (o - e) ** 2 / e
    return x2


def exact_permutation_p(table):
    """Exact conditional (fixed margins) P(X^2 >= observed) for a 2 x c table: the first row's
    cells of every column but the first are enumerated, the first column's follows from the row total."""
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table)]
    total = sum(rows)
    observed = pearson_chi2(table)
    log_const = (sum(math.lgamma(r + 1) for r in rows) + sum(math.lgamma(c + 1) for c in cols)
                 - math.lgamma(total + 1))
    p = 0.0
    for rest in itertools.product(*(range(c + 1) for c in cols[1:])):
        a = rows[0] - sum(rest)
        if not 0 <= a <= cols[0]:
            continue
        first = (a,) + rest
        second = tuple(c - x for c, x in zip(cols, first))
        if pearson_chi2([list(first), list(second)]) >= observed - 1e-9:
            p += math.exp(log_const - sum(math.lgamma(x + 1) for x in first + second))
    return p


def tidy(counts, bases=None, groups=None, categories=None):
    """A tidy share table (as share_table makes) from a groups x categories grid."""
    counts = np.asarray(counts)
    if bases is None:
        bases = counts.sum(1)
    groups = groups if groups is not None else [f"g{i}" for i in range(counts.shape[0])]
    categories = categories if categories is not None else [f"c{j}" for j in range(counts.shape[1])]
    rows = []
    for i, g in enumerate(groups):
        for j, c in enumerate(categories):
            n, base = int(counts[i, j]), int(bases[i])
            rows.append({"group": g, "category": c, "n": n, "base_n": base,
                         "share": 100.0 * n / base if base else np.nan,
                         "ci_low": np.nan, "ci_high": np.nan})
    return pd.DataFrame(rows)


def grid_of(table, column):
    return table.pivot(index="group", columns="category", values=column)


def recoverable_cells(hidden, withheld):
    """Hidden cells that a reader can solve for exactly from the published margins.

    Published: every cell not hidden, the base of every group not withheld (its cells add
    up to it) and the overall count of every category (its cells add up to it). A hidden
    cell is determined iff its unit vector lies in the row space of those equations
    (restricted to the hidden unknowns).
    """
    cells = [tuple(ix) for ix in np.argwhere(hidden)]
    if not cells:
        return []
    index = {c: k for k, c in enumerate(cells)}
    equations = []
    for i in range(hidden.shape[0]):
        if not withheld[i]:
            equations.append([1.0 if c[0] == i else 0.0 for c in cells])
    for j in range(hidden.shape[1]):
        equations.append([1.0 if c[1] == j else 0.0 for c in cells])
    a = np.array(equations)
    rank = np.linalg.matrix_rank(a)
    found = []
    for c in cells:
        unit = np.zeros(len(cells))
        unit[index[c]] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            found.append(c)
    return found


# --- 1. Wilson interval --------------------------------------------------------------


@pytest.mark.parametrize("k, n", [(0, 1), (1, 1), (0, 10), (10, 10), (3, 10), (1, 2), (7, 23),
                                  (56, 70), (48, 80), (0, 250), (250, 250), (1, 1000)])
def test_wilson_matches_closed_form(k, n):
    low, high = wilson_interval(k, n)
    exp_low, exp_high = wilson_closed_form(k, n)
    assert low == pytest.approx(exp_low, abs=1e-12)
    assert high == pytest.approx(exp_high, abs=1e-12)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_wilson_boundaries_are_exact():
    assert wilson_interval(0, 10)[0] == pytest.approx(0.0, abs=1e-15)
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0, abs=1e-15)
    # n = 1, k = 1: lower bound is 1 / (1 + z^2)
    assert wilson_interval(1, 1)[0] == pytest.approx(1 / (1 + Z95 ** 2), abs=1e-12)


def test_wilson_other_confidence_level():
    z90 = 1.6448536269514722
    low, high = wilson_interval(7, 23, confidence=0.90)
    exp_low, exp_high = wilson_closed_form(7, 23, z=z90)
    assert (low, high) == pytest.approx((exp_low, exp_high), abs=1e-12)


def test_wilson_empty_base_is_nan():
    low, high = wilson_interval(0, 0)
    assert math.isnan(low) and math.isnan(high)


# --- 2. share_table ---------------------------------------------------------------


@pytest.fixture
def people():
    return pd.DataFrame({
        "sex": ["f", "f", "f", "f", "m", "m", "m"],
        "status": ["work", "school", None, "work", "work", np.nan, "work"],
    })


def test_share_table_by_group(people):
    t = share_table(people, "status", by=["sex"], categories=["work", "school"])
    assert list(t.columns) == ["sex", "category", "n", "base_n", "share", "ci_low", "ci_high"]
    assert list(t["sex"]) == ["f", "f", "m", "m"]
    assert list(t["category"]) == ["work", "school", "work", "school"]
    # missing status left out of the base: f has 3 known, m has 2 known
    assert list(t["n"]) == [2, 1, 2, 0]
    assert list(t["base_n"]) == [3, 3, 2, 2]
    assert list(t["share"]) == pytest.approx([200 / 3, 100 / 3, 100.0, 0.0])
    for (_, row), (k, n) in zip(t.iterrows(), [(2, 3), (1, 3), (2, 2), (0, 2)]):
        low, high = wilson_closed_form(k, n)
        assert row["ci_low"] == pytest.approx(100 * low, abs=1e-9)
        assert row["ci_high"] == pytest.approx(100 * high, abs=1e-9)


def test_share_table_absent_category_and_default_order(people):
    # 'school' never occurs among m, yet it appears with n = 0; categories sorted by default
    t = share_table(people, "status", by=["sex"])
    assert list(t["category"]) == ["school", "work", "school", "work"]
    m = t[t["sex"] == "m"].set_index("category")
    assert m.loc["school", "n"] == 0 and m.loc["school", "share"] == 0.0
    # a category absent from the whole data set, asked for explicitly
    t2 = share_table(people, "status", by=["sex"], categories=["work", "school", "training"])
    assert list(t2.loc[t2["category"] == "training", "n"]) == [0, 0]


def test_share_table_without_groups(people):
    t = share_table(people, "status", categories=["work", "school"])
    assert list(t.columns) == ["category", "n", "base_n", "share", "ci_low", "ci_high"]
    assert list(t["n"]) == [4, 1]
    assert list(t["base_n"]) == [5, 5]
    assert list(t["share"]) == pytest.approx([80.0, 20.0])


def test_wilson_interval_is_scipys_to_the_last_bit():
    """The interval is computed without scipy's binomtest (which first computes a p-value); the
    numbers published on the synthetic default must not move: equal floats, not approximately."""
    from scipy import stats

    for n in list(range(1, 60)) + [99, 100, 681, 1332, 1333, 13330, 999750]:
        for k in sorted({0, 1, 2, n // 3, n // 2, n - 1, n} & set(range(n + 1))):
            ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
            assert wilson_interval(k, n) == (float(ci.low), float(ci.high)), (k, n)


# --- 3. independence_test ---------------------------------------------------------


def test_chi_square_by_hand():
    table = [[10, 20], [30, 40]]
    # expected 12, 18, 28, 42 -> X^2 = 4/12 + 4/18 + 4/28 + 4/42
    x2 = 4 / 12 + 4 / 18 + 4 / 28 + 4 / 42
    assert pearson_chi2(table) == pytest.approx(x2)
    res = independence_test(table)
    assert res.method == "chi2"
    assert res.dof == 1
    assert res.statistic == pytest.approx(x2, rel=1e-12)
    assert res.p_value == pytest.approx(math.erfc(math.sqrt(x2 / 2)), rel=1e-9)


def test_fisher_lady_tasting_tea():
    res = independence_test([[3, 1], [1, 3]])
    assert res.method == "fisher"
    assert res.p_value == pytest.approx(34 / 70, abs=1e-12)
    assert res.statistic == pytest.approx(3 * 3 / (1 * 1))  # sample odds ratio


def test_permutation_test_for_small_expected_counts():
    table = [[1, 2, 3], [4, 0, 2]]
    first = independence_test(table)
    second = independence_test(table)
    assert first.method == "chi2_permutation"
    assert first.dof == 2
    assert first.statistic == pytest.approx(pearson_chi2(table))
    assert 0.0 <= first.p_value <= 1.0
    assert first == second  # seeded: reproducible
    # close to the exact conditional p-value (Monte Carlo with 9999 resamples)
    assert first.p_value == pytest.approx(exact_permutation_p(table), abs=0.03)


def test_permutation_test_with_many_people_draws_tables_and_agrees_with_the_exact_p():
    """2,597 people, a rare third category (expected counts about 3.5): tables with the observed
    margins are drawn directly; the p-value is the exact conditional one within Monte Carlo error,
    and scipy's label permutation (another seed) gives the same within that error."""
    from scipy import stats

    table = [[1000, 300, 2], [960, 330, 5]]
    assert sum(map(sum, table)) > DIRECT_TABLES_ABOVE
    res = independence_test(table)
    assert res.method == "chi2_permutation" and res.dof == 2
    assert res.statistic == pytest.approx(pearson_chi2(table), rel=1e-12)
    exact = exact_permutation_p(table)
    assert 0.1 < exact < 0.3  # 0.208: a p-value that Monte Carlo error can be seen on
    assert res.p_value == pytest.approx(exact, abs=0.015)
    labels = stats.chi2_contingency(np.array(table), correction=False, method=stats.PermutationMethod(
        n_resamples=9999, rng=np.random.default_rng(7)))
    assert res.p_value == pytest.approx(labels.pvalue, abs=0.02)
    assert independence_test(table) == res  # seeded: reproducible


def test_permutation_test_up_to_the_limit_is_scipys_label_permutation():
    """At or below DIRECT_TABLES_ABOVE people the p-value is scipy's own, with the project's seed
    (the synthetic default's published p-values do not move)."""
    from scipy import stats

    table = [[1, 2, 3], [4, 0, 2]]
    ref = stats.chi2_contingency(np.array(table), correction=False, method=stats.PermutationMethod(
        n_resamples=PERMUTATIONS, rng=np.random.default_rng(TEST_SEED)))
    assert independence_test(table).p_value == ref.pvalue


def test_zero_rows_and_columns_dropped():
    x2 = 4 / 12 + 4 / 18 + 4 / 28 + 4 / 42
    res = independence_test([[10, 20, 0], [0, 0, 0], [30, 40, 0]])
    assert res.method == "chi2"
    assert res.dof == 1
    assert res.statistic == pytest.approx(x2)


def test_single_nonempty_row_gives_none():
    res = independence_test([[5, 7], [0, 0]])
    assert res.method == "none"
    assert math.isnan(res.statistic) and math.isnan(res.p_value)
    assert independence_test([[5, 0], [7, 0]]).method == "none"


# --- 4. difference_in_proportions (Newcombe 1998, method 10) ------------------------


@pytest.mark.parametrize("k1, n1, k2, n2, d, low, high", [
    (56, 70, 48, 80, 0.20, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.60, 0.1705, 0.8090),
])
def test_newcombe_worked_examples(k1, n1, k2, n2, d, low, high):
    """Newcombe (1998) Stat Med 17:873-890, method 10 (hybrid score), published values."""
    res = difference_in_proportions(k1, n1, k2, n2)
    assert res.estimate == pytest.approx(100 * d, abs=0.01)
    assert res.ci_low == pytest.approx(100 * low, abs=0.01)
    assert res.ci_high == pytest.approx(100 * high, abs=0.01)


@pytest.mark.parametrize("k1, n1, k2, n2", [(6, 7, 2, 7), (5, 56, 0, 29), (0, 10, 0, 20),
                                            (10, 10, 0, 20), (3, 10, 9, 10)])
def test_newcombe_formula_by_hand(k1, n1, k2, n2):
    """Method 10 written out on the closed-form Wilson limits, incl. zero and full cells."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_closed_form(k1, n1)
    l2, u2 = wilson_closed_form(k2, n2)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    res = difference_in_proportions(k1, n1, k2, n2)
    assert res.estimate == pytest.approx(100 * d, abs=1e-9)
    assert res.ci_low == pytest.approx(100 * low, abs=1e-9)
    assert res.ci_high == pytest.approx(100 * high, abs=1e-9)
    assert -100 <= res.ci_low <= res.estimate <= res.ci_high <= 100


def test_difference_carries_the_two_by_two_test():
    res = difference_in_proportions(56, 70, 48, 80)
    x2 = pearson_chi2([[56, 14], [48, 32]])
    assert res.test.method == "chi2"
    assert res.test.statistic == pytest.approx(x2)
    assert res.test.p_value == pytest.approx(math.erfc(math.sqrt(x2 / 2)), rel=1e-9)
