"""Shares with confidence intervals, and tests of differences, from scipy.

Every share carries its base n and a 95 % Wilson interval; every subgroup comparison
gets a chi-square test, or an exact/permutation test when expected counts are small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import special, stats

CONFIDENCE = 0.95
SMALL_EXPECTED = 5
PERMUTATIONS = 9999
TEST_SEED = 12345
# Above this many people, the permutation test draws its permuted tables directly (Patefield's
# algorithm, scipy.stats.random_table) instead of permuting every person's label: the same null
# distribution (all tables with the observed margins), at a cost that does not grow with the number
# of people. At or below it, labels are permuted as before, so the p-values of the synthetic
# default (1,333 mentees) are the ones published.
DIRECT_TABLES_ABOVE = 2000


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> tuple:
    """Wilson score interval for k successes out of n (scipy's binomtest)."""
    if n == 0:
        return (np.nan, np.nan)
    return _wilson(int(k), int(n), float(confidence))


@lru_cache(maxsize=65536)
def _wilson(k: int, n: int, confidence: float) -> tuple:
    # the same (k, n) comes back in every chart, edition and view of the explorer. The arithmetic
    # of scipy's binomtest(k, n).proportion_ci(method="wilson"), operation for operation (Newcombe
    # 1998), without the binomial test's p-value that binomtest computes first (a root search,
    # 0.8 ms a call); tests/unit/stats/test_shares.py checks the two agree to the last bit.
    p = k / n
    z = special.ndtri(0.5 + 0.5 * confidence)
    denom = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denom
    q = 1 - p
    delta = z / denom * math.sqrt(4 * n * p * q + z**2)
    low = 0.0 if k == 0 else center - delta
    high = 1.0 if k == n else center + delta
    return (float(low), float(high))


def wilson_intervals(k, n, confidence: float = CONFIDENCE) -> tuple:
    """Wilson intervals (fractions) for arrays of counts; NaN where n is 0 (scipy, once per distinct pair)."""
    k = np.asarray(k, dtype=np.int64).ravel()
    n = np.asarray(n, dtype=np.int64).ravel()
    low, high = np.full(len(k), np.nan), np.full(len(k), np.nan)
    pairs = {}
    for i, pair in enumerate(zip(k.tolist(), n.tolist())):
        if pair[1] > 0:
            if pair not in pairs:
                pairs[pair] = wilson_interval(min(pair), pair[1], confidence)
            low[i], high[i] = pairs[pair]
    return low, high


def share_table(df: pd.DataFrame, variable: str, by=(), categories=None) -> pd.DataFrame:
    """Tidy table of shares: one row per group and category.

    Columns: the ``by`` columns, ``category``, ``n`` (count), ``base_n`` (group size with a
    known value), ``share`` (percent), ``ci_low`` and ``ci_high`` (percent); with a record-key
    column ``rkey`` in ``df`` also ``n_key`` and ``base_key``, the sums of the record keys of
    each cell and group, which disclosure control turns into published counts
    (:func:`duoreport.stats.disclosure.protect`).
    Rows with a missing ``variable`` are left out of the base. Groups are the observed
    combinations of the ``by`` columns, in sorted order; every category is listed in each.
    """
    by = list(by)
    keyed = "rkey" in df.columns
    # only the columns counted: filtering a wide view would copy all of it
    data = df[list(dict.fromkeys(by + [variable] + (["rkey"] if keyed else [])))]
    data = data[data[variable].notna()]
    values = data[variable].astype(object)
    if categories is None:
        categories = sorted(_as_objects(values.unique()), key=str)
    categories = list(categories)
    frame = pd.DataFrame({**{col: data[col] for col in by}, "_value": values,
                          "_key": data["rkey"].astype(np.int64) if keyed else 0})
    if by:
        bases = frame.groupby(by, sort=True, observed=True, dropna=True)["_key"].agg(["size", "sum"])
        groups = list(bases.index)
        groups = [g if isinstance(g, tuple) else (g,) for g in groups]
    else:
        bases = pd.DataFrame({"size": [len(frame)], "sum": [int(frame["_key"].sum())]})
        groups = [()]
    cells = frame.groupby(by + ["_value"], sort=False, observed=True, dropna=True)["_key"].agg(["size", "sum"])
    lookup = dict(zip(cells.index, zip(cells["size"].tolist(), cells["sum"].tolist())))
    rows = []
    for gi, key in enumerate(groups):
        base = int(bases["size"].iloc[gi])
        base_key = int(bases["sum"].iloc[gi])
        for cat in categories:
            k, k_key = lookup.get(key + (cat,) if by else cat, (0, 0))
            rows.append({**dict(zip(by, key)), "category": cat, "n": int(k), "base_n": base,
                         "share": 100.0 * k / base if base else np.nan, "n_key": int(k_key), "base_key": base_key})
    out = pd.DataFrame(rows, columns=by + ["category", "n", "base_n", "share", "n_key", "base_key"])
    low, high = wilson_intervals(out["n"], out["base_n"])
    out.insert(len(by) + 4, "ci_low", 100.0 * low)
    out.insert(len(by) + 5, "ci_high", 100.0 * high)
    if not keyed:
        out = out.drop(columns=["n_key", "base_key"])
    return out


def _as_objects(values) -> list:
    return list(pd.Series(values).astype(object))


@dataclass(frozen=True)
class TestResult:
    method: str
    statistic: float
    p_value: float
    dof: int | None = None


def independence_test(table) -> TestResult:
    """Test of independence for a contingency table (rows: groups, columns: categories).

    Chi-square when every expected count is at least 5; otherwise Fisher's exact test
    for 2 x 2 tables and a permutation chi-square test (fixed margins) for larger ones.
    Rows or columns that are all zero are dropped first.
    """
    observed = np.asarray(table).astype(np.int64)
    observed = observed[observed.sum(1) > 0][:, observed.sum(0) > 0]
    if observed.shape[0] < 2 or observed.shape[1] < 2:
        return TestResult("none", np.nan, np.nan)
    expected = stats.contingency.expected_freq(observed)
    if expected.min() >= SMALL_EXPECTED:
        res = stats.chi2_contingency(observed, correction=False)
        return TestResult("chi2", float(res.statistic), float(res.pvalue), int(res.dof))
    if observed.shape == (2, 2):
        res = stats.fisher_exact(observed)
        return TestResult("fisher", float(res.statistic), float(res.pvalue))
    dof = (observed.shape[0] - 1) * (observed.shape[1] - 1)
    if observed.sum() > DIRECT_TABLES_ABOVE:
        statistic, p_value = _permutation_chi2_from_tables(observed, expected)
        return TestResult("chi2_permutation", statistic, p_value, dof)
    method = stats.PermutationMethod(n_resamples=PERMUTATIONS, rng=np.random.default_rng(TEST_SEED))
    res = stats.chi2_contingency(observed, correction=False, method=method)
    return TestResult("chi2_permutation", float(res.statistic), float(res.pvalue), dof)


def _permutation_chi2_from_tables(observed: np.ndarray, expected: np.ndarray) -> tuple:
    """Pearson's chi-square and its permutation p-value from PERMUTATIONS tables drawn with the
    observed margins; the p-value counts the drawn tables at least as extreme, plus the observed
    one, as scipy's permutation test does ((count + 1) / (PERMUTATIONS + 1), same tolerance)."""
    tables = stats.random_table(observed.sum(1), observed.sum(0), seed=np.random.default_rng(TEST_SEED))
    drawn = tables.rvs(PERMUTATIONS, method="patefield").astype(float)
    null = ((drawn - expected) ** 2 / expected).sum(axis=(1, 2))
    statistic = float(((observed - expected) ** 2 / expected).sum())
    tolerance = abs(statistic) * 1e4 * np.finfo(float).eps
    p_value = (np.count_nonzero(null >= statistic - tolerance) + 1) / (PERMUTATIONS + 1)
    return statistic, float(p_value)


@dataclass(frozen=True)
class Difference:
    estimate: float  # percentage points, first minus second
    ci_low: float
    ci_high: float
    test: TestResult


def difference_in_proportions(k1: int, n1: int, k2: int, n2: int,
                              confidence: float = CONFIDENCE) -> Difference:
    """Difference p1 - p2 in percentage points with Newcombe's hybrid score interval.

    The interval combines the two Wilson intervals (Newcombe 1998, method 10); the test
    is the independence test of the 2 x 2 table.
    """
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, confidence)
    l2, u2 = wilson_interval(k2, n2, confidence)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    test = independence_test([[k1, n1 - k1], [k2, n2 - k2]])
    return Difference(100 * d, 100 * low, 100 * high, test)
