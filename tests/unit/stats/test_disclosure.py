"""Shares, tests and disclosure control against independent expectations.

Every expected value here is either a published worked example or computed in the test
from a closed-form formula with plain ``math``; the function under test is never used to
produce its own expected value.
"""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from duoreport.report.builders import guarded_test
from duoreport.stats.disclosure import (
    smallest_visible_count,
    suppress,
    suppression_mask,
)
from duoreport.stats.shares import (
    TestResult as StatsTestResult,
)
from duoreport.stats.shares import (
    crosstab_counts,
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
    """Exact conditional (fixed margins) P(X^2 >= observed) for a 2 x c table."""
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table)]
    total = sum(rows)
    observed = pearson_chi2(table)
    log_const = (sum(math.lgamma(r + 1) for r in rows) + sum(math.lgamma(c + 1) for c in cols)
                 - math.lgamma(total + 1))
    p = 0.0
    for first in itertools.product(*(range(c + 1) for c in cols)):
        if sum(first) != rows[0]:
            continue
        second = [c - a for c, a in zip(cols, first)]
        t = [list(first), second]
        prob = math.exp(log_const - sum(math.lgamma(x + 1) for x in first + tuple(second)))
        if pearson_chi2(t) >= observed - 1e-9:
            p += prob
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


# --- 5. suppression ------------------------------------------------------------------


def test_one_group_primary_and_secondary():
    cells, withheld = suppression_mask(np.array([[25, 12, 3]]), np.array([40]), THRESHOLD)
    assert cells.tolist() == [[False, True, True]]
    assert withheld.tolist() == [False]

    out = suppress(tidy([[25, 12, 3]], bases=[40]).drop(columns="group"), threshold=THRESHOLD)
    assert out["suppressed"].tolist() == [False, True, True]
    assert out["n"].tolist()[0] == 25
    assert all(math.isnan(v) for v in out["n"].tolist()[1:])
    assert all(math.isnan(v) for v in out["share"].tolist()[1:])
    assert out["base_n"].tolist() == [40, 40, 40]
    assert out["share"].tolist()[0] == pytest.approx(100 * 25 / 40)
    assert smallest_visible_count(out) == 25


def test_two_groups_row_then_column_rule():
    # primary: the 3.  Row rule (group 0 has one hidden) -> hide 25.
    # Column c0 now has one hidden -> hide 30; column c1 has one hidden -> hide 40.
    # Group 1 then has two hidden: stable.  Everything is hidden.
    counts = np.array([[25, 3], [30, 40]])
    cells, withheld = suppression_mask(counts, np.array([28, 70]), THRESHOLD)
    assert cells.tolist() == [[True, True], [True, True]]
    assert withheld.tolist() == [False, False]
    assert set(cells.sum(1)) <= {0, 2} and 1 not in cells.sum(0)

    out = suppress(tidy(counts, bases=[28, 70]), by=["group"], threshold=THRESHOLD)
    assert out["suppressed"].all()
    assert out["base_n"].tolist() == [28, 28, 70, 70]  # bases stay published
    assert math.isnan(smallest_visible_count(out))


def test_three_groups_column_rule_only():
    # primary: (0, 1) = 4 and (0, 2) = 6: group 0 has two hidden, fine.
    # Columns c1 and c2 each have one hidden -> smallest other: (2, 1) = 11, (1, 2) = 12.
    # Then group 1 has one hidden (c2) -> its smallest visible: (1, 1) = 15;
    # and group 2 one hidden (c1) -> its smallest visible: (2, 2) = 20.
    # Columns: c1 = {0, 1, 2}, c2 = {0, 1, 2}; stable.
    counts = np.array([[50, 4, 6], [40, 15, 12], [60, 11, 20]])
    cells, _ = suppression_mask(counts, counts.sum(1), THRESHOLD)
    assert cells.tolist() == [[False, True, True], [False, True, True], [False, True, True]]


def test_small_group_withheld_with_smallest_other():
    counts = np.array([[3, 2], [15, 15], [20, 30]])
    bases = np.array([5, 30, 50])
    cells, withheld = suppression_mask(counts, bases, THRESHOLD)
    assert withheld.tolist() == [True, True, False]
    assert cells.tolist() == [[True, True], [True, True], [False, False]]

    out = suppress(tidy(counts, bases=bases), by=["group"], threshold=THRESHOLD)
    base = out.groupby("group")["base_n"].first()
    assert math.isnan(base["g0"]) and math.isnan(base["g1"]) and base["g2"] == 50
    assert out.loc[out["group"] != "g2", "suppressed"].all()
    assert not out.loc[out["group"] == "g2", "suppressed"].any()
    assert smallest_visible_count(out) == 20


def test_two_small_groups_withheld_alone():
    # two groups under the threshold already protect each other: no third is withheld
    counts = np.array([[3, 2], [4, 4], [20, 30]])
    _, withheld = suppression_mask(counts, counts.sum(1), THRESHOLD)
    assert withheld.tolist() == [True, True, False]


def test_zero_counts_are_suppressed():
    cells, _ = suppression_mask(np.array([[0, 30, 25]]), np.array([55]), THRESHOLD)
    assert cells.tolist() == [[True, False, True]]
    # the threshold is strict: 10 shown, 9 hidden
    cells, _ = suppression_mask(np.array([[10, 9, 20]]), np.array([39]), THRESHOLD)
    assert cells.tolist() == [[True, True, False]]
    cells, _ = suppression_mask(np.array([[10, 11, 20]]), np.array([41]), THRESHOLD)
    assert not cells.any()


def test_suppression_properties_on_random_grids():
    rng = np.random.default_rng(0)
    for _ in range(200):
        g, c = rng.integers(2, 6), rng.integers(2, 6)
        counts = rng.integers(0, 41, size=(g, c))
        out = suppress(tidy(counts), by=["group"], threshold=THRESHOLD)
        hidden = grid_of(out, "suppressed").to_numpy().astype(bool)
        n = grid_of(out, "n").to_numpy()
        share = grid_of(out, "share").to_numpy()
        base = out.groupby("group", sort=True)["base_n"].first().to_numpy()
        # (i) every visible count is at least the threshold
        assert (n[~hidden] >= THRESHOLD).all()
        assert np.isnan(n[hidden]).all() and np.isnan(share[hidden]).all()
        # (ii) no group with a published base has exactly one hidden cell
        published = ~np.isnan(base)
        assert not (hidden[published].sum(1) == 1).any()
        # withheld groups have every cell hidden, and never exactly one group is withheld
        assert hidden[~published].all()
        assert (~published).sum() != 1
        # (iii) no category has exactly one hidden cell across groups
        assert not (hidden.sum(0) == 1).any()
        # (iv) the published share of a visible cell is 100 n / base
        rows, cols = np.nonzero(~hidden)
        assert share[rows, cols] == pytest.approx(100 * n[rows, cols] / base[rows])
        # true counts of visible cells are unchanged
        assert (n[~hidden] == counts[~hidden]).all()


def test_differencing_attack_by_gender_fails():
    # female: work 30, training 4, none 20; male: work 25, training 15, none 12
    spec = {("f", "work"): 30, ("f", "training"): 4, ("f", "none"): 20,
            ("m", "work"): 25, ("m", "training"): 15, ("m", "none"): 12}
    df = pd.DataFrame([{"gender": g, "status": s} for (g, s), k in spec.items() for _ in range(k)])
    cats = ["work", "training", "none"]
    by_gender = suppress(share_table(df, "status", by=["gender"], categories=cats),
                         by=["gender"], threshold=THRESHOLD)
    overall = share_table(df, "status", categories=cats).set_index("category")

    # hand-worked: training 4 (primary); female row -> none 20; columns -> male training 15
    # and male none 12; male row then has two hidden.
    hidden = {(r.gender, r.category) for r in by_gender.itertuples() if r.suppressed}
    assert hidden == {("f", "training"), ("f", "none"), ("m", "training"), ("m", "none")}

    published = {(r.gender, r.category): r.n for r in by_gender.itertuples() if not r.suppressed}
    bases = by_gender.groupby("gender")["base_n"].first()
    for gender, cat in hidden:
        other = "m" if gender == "f" else "f"
        # column attack: overall minus the other gender's cell
        if (other, cat) in published:
            pytest.fail(f"{gender}/{cat} recoverable from the total minus {other}/{cat}")
        unknown_col = [(g, cat) for g in ("f", "m") if (g, cat) not in published]
        residual = overall.loc[cat, "n"] - sum(published.get((g, cat), 0) for g in ("f", "m"))
        assert len(unknown_col) >= 2
        assert residual == sum(spec[u] for u in unknown_col)  # the attack only gets a sum
        # row attack: the group's base minus its visible cells
        unknown_row = [(gender, c) for c in cats if (gender, c) not in published]
        residual = bases[gender] - sum(published.get((gender, c), 0) for c in cats)
        assert len(unknown_row) >= 2
        assert residual == sum(spec[u] for u in unknown_row)

    # and no combination of the published margins pins down a hidden cell
    counts = np.array([[spec[(g, c)] for c in cats] for g in ("f", "m")])
    cells, withheld = suppression_mask(counts, counts.sum(1), THRESHOLD)
    assert recoverable_cells(cells, withheld) == []


def test_no_cell_recoverable_with_two_groups_random():
    rng = np.random.default_rng(1)
    for _ in range(200):
        counts = rng.integers(0, 41, size=(2, rng.integers(2, 6)))
        cells, withheld = suppression_mask(counts, counts.sum(1), THRESHOLD)
        assert recoverable_cells(cells, withheld) == []


def test_no_cell_recoverable_through_a_chain_of_margins():
    counts = np.array([[5, 5, 5, 50],
                       [5, 5, 50, 50],
                       [50, 50, 5, 5],
                       [50, 50, 5, 5]])
    bases = counts.sum(1)
    totals = counts.sum(0)
    cells, withheld = suppression_mask(counts, bases, THRESHOLD)
    # the attack, by hand, from published numbers only
    visible = np.where(cells, 0, counts)
    if not (cells[0, 2] and cells[:2, :2].all()) or cells[0, 3] or cells[1, 2:].any() \
            or cells[2:, :2].any():
        recovered = None  # the pattern changed: the attack below no longer applies
    else:
        recovered = (bases[0] + bases[1] - visible[:2].sum()) - (totals[0] + totals[1] - visible[:, :2].sum())
    assert recovered != counts[0, 2]
    assert recoverable_cells(cells, withheld) == []


# --- 6. guarded_test ---------------------------------------------------------------


def test_guarded_test_runs_the_real_test_when_nothing_is_hidden():
    raw = tidy([[10, 20], [30, 40]], groups=["a", "b"], categories=["x", "y"])
    table = suppress(raw, by=["group"], threshold=THRESHOLD)
    assert not table["suppressed"].any()
    counts = crosstab_counts(raw, "group")
    res = guarded_test(counts, table, "group")
    x2 = 4 / 12 + 4 / 18 + 4 / 28 + 4 / 42
    assert isinstance(res, StatsTestResult)
    assert res.method == "chi2"
    assert res.statistic == pytest.approx(x2)
    assert res.p_value == pytest.approx(math.erfc(math.sqrt(x2 / 2)), rel=1e-9)


def test_guarded_test_withheld_when_a_tested_cell_is_hidden():
    raw = tidy([[25, 3], [30, 40]], groups=["a", "b"], categories=["x", "y"])
    table = suppress(raw, by=["group"], threshold=THRESHOLD)
    counts = crosstab_counts(raw, "group")
    res = guarded_test(counts, table, "group")
    assert isinstance(res, StatsTestResult)
    assert res.method == "withheld"
    assert math.isnan(res.statistic) and math.isnan(res.p_value)


def test_guarded_test_ignores_groups_left_out_of_the_test():
    # group c is withheld (base 5) with b (the smallest other); the test on a vs d
    # sees only visible cells and runs
    raw = tidy([[10, 20], [14, 15], [3, 2], [30, 40]], groups=["a", "b", "c", "d"],
               categories=["x", "y"])
    table = suppress(raw, by=["group"], threshold=THRESHOLD)
    assert table.loc[table["group"].isin(["b", "c"]), "suppressed"].all()
    counts = crosstab_counts(raw, "group").loc[["a", "d"]]
    res = guarded_test(counts, table, "group")
    assert res.method == "chi2"
    assert res.statistic == pytest.approx(pearson_chi2([[10, 20], [30, 40]]))
    # but including a hidden group withholds it
    assert guarded_test(crosstab_counts(raw, "group"), table, "group").method == "withheld"


def test_guarded_test_needs_two_groups():
    raw = tidy([[10, 20]], groups=["a"], categories=["x", "y"])
    table = suppress(raw, by=["group"], threshold=THRESHOLD)
    assert guarded_test(crosstab_counts(raw, "group"), table, "group") is None


def test_no_cell_recoverable_in_random_larger_grids():
    """The chain-of-margins check holds on many random grids up to 7 x 7 (checked independently)."""
    rng = np.random.default_rng(7)
    for _ in range(300):
        shape = (int(rng.integers(2, 8)), int(rng.integers(2, 8)))
        counts = rng.integers(0, 60, size=shape)
        cells, withheld = suppression_mask(counts, counts.sum(1), THRESHOLD)
        assert recoverable_cells(cells, withheld) == []
        assert not (~cells & (counts < THRESHOLD)).any()
