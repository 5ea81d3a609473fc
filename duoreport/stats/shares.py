"""Shares with confidence intervals, and tests of differences, from scipy.

Every share carries its base n and a 95 % Wilson interval; every subgroup comparison
gets a chi-square test, or an exact/permutation test when expected counts are small.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95
SMALL_EXPECTED = 5
PERMUTATIONS = 9999
TEST_SEED = 12345


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> tuple:
    """Wilson score interval for k successes out of n (scipy's binomtest)."""
    if n == 0:
        return (np.nan, np.nan)
    return _wilson(int(k), int(n), float(confidence))


@lru_cache(maxsize=65536)
def _wilson(k: int, n: int, confidence: float) -> tuple:
    # the same (k, n) comes back in every chart, edition and view of the explorer
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return (float(ci.low), float(ci.high))


def share_table(df: pd.DataFrame, variable: str, by=(), categories=None) -> pd.DataFrame:
    """Tidy table of shares: one row per group and category.

    Columns: the ``by`` columns, ``category``, ``n`` (count), ``base_n`` (group size with a
    known value), ``share`` (percent), ``ci_low`` and ``ci_high`` (percent).
    Rows with a missing ``variable`` are left out of the base.
    """
    by = list(by)
    # only the columns counted: filtering a wide view would copy all of it
    data = df[list(dict.fromkeys(by + [variable]))]
    data = data[data[variable].notna()]
    if categories is None:
        categories = sorted(_as_objects(data[variable].unique()), key=str)
    groups = [((), data)] if not by else list(data.groupby(by, sort=True, observed=True))
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        base = len(part)
        counts = part[variable].value_counts()
        counts.index = counts.index.astype(object)  # the values as Python objects, as astype(object) gives them
        for cat in categories:
            k = int(counts.get(cat, 0))
            low, high = wilson_interval(k, base)
            rows.append({**dict(zip(by, key)), "category": cat, "n": k, "base_n": base,
                         "share": 100.0 * k / base if base else np.nan,
                         "ci_low": 100.0 * low, "ci_high": 100.0 * high})
    return pd.DataFrame(rows, columns=by + ["category", "n", "base_n", "share", "ci_low", "ci_high"])


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
    method = stats.PermutationMethod(n_resamples=PERMUTATIONS, rng=np.random.default_rng(TEST_SEED))
    res = stats.chi2_contingency(observed, correction=False, method=method)
    dof = (observed.shape[0] - 1) * (observed.shape[1] - 1)
    return TestResult("chi2_permutation", float(res.statistic), float(res.pvalue), dof)


def crosstab_counts(share: pd.DataFrame, group: str) -> pd.DataFrame:
    """Counts table (groups x categories) from a share table."""
    return share.pivot_table(index=group, columns="category", values="n", aggfunc="sum", fill_value=0)


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
