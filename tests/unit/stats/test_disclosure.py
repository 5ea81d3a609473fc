"""Disclosure control by the cell-key method, against the documented perturbation table and hand counts.

Expected values come from the method's specification in the module docstring (noise
probabilities, bounds, threshold), from hand-made populations whose true counts are known,
and from closed-form formulas; the protection is never used to produce its own expectation.
"""

import math

import numpy as np
import pandas as pd
import pytest

from duoreport.data.keys import KEY_SPACE, SECRET_VARIABLE, record_keys
from duoreport.report.builders import guarded_test, published_counts
from duoreport.stats.disclosure import noise, protect, protect_counts
from duoreport.stats.shares import TestResult as StatsTestResult
from duoreport.stats.shares import share_table

T = 10
Z95 = 1.959963984540054
# The published perturbation table (module docstring): P(noise = d) for d = 0, ±1, ..., ±5.
DOCUMENTED = {0: 0.40, 1: 0.19, 2: 0.07, 3: 0.025, 4: 0.010, 5: 0.005}


def wilson_closed_form(k, n, z=Z95):
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def population(spec, columns, namespace="mentee"):
    rows = []
    for values, count in spec:
        rows += [values] * count
    df = pd.DataFrame(rows, columns=columns)
    df.insert(0, "mentee_id", [f"m{i:04d}" for i in range(len(df))])
    df["rkey"] = record_keys(df["mentee_id"], namespace)
    return df


# --- the perturbation table -----------------------------------------------------------


@pytest.mark.parametrize("count", [15, 16, 100, 1333])
def test_noise_follows_the_documented_table(count):
    d = noise(np.full(KEY_SPACE, count), np.arange(KEY_SPACE), T)
    for value, p in DOCUMENTED.items():
        for signed in {value, -value}:
            assert (d == signed).mean() == pytest.approx(p, abs=0.0015), signed
    assert d.mean() == 0  # unbiased away from the threshold
    assert d.std() == pytest.approx(1.4, abs=0.01)


def test_noise_is_bounded_and_never_crosses_the_threshold():
    counts = np.repeat(np.arange(0, 40), KEY_SPACE)
    keys = np.tile(np.arange(KEY_SPACE), 40)
    d = noise(counts, keys, T)
    assert np.abs(d).max() == 5
    published, hidden = protect_counts(counts, keys, T)
    assert (hidden == (counts < T)).all()  # 0..9 hidden, zero included
    assert (published[~hidden] >= T).all()  # a count of 10 or more is never published under 10
    assert np.isnan(published[hidden]).all()


def test_noise_is_looked_up_not_drawn():
    a = noise([25, 25, 300], [17, 17, 4000], T)
    b = noise([25, 25, 300], [17 + KEY_SPACE, 17, 4000 + 3 * KEY_SPACE], T)  # cell keys are taken mod 4096
    assert (a == b).all() and a[0] == a[1]


def test_record_keys_are_permanent_spread_and_keyed(monkeypatch):
    ids = pd.Series([f"M{i:05d}" for i in range(20000)])
    keys = record_keys(ids, "mentee")
    assert ((0 <= keys) & (keys < KEY_SPACE)).all()
    assert (keys == record_keys(ids.copy(), "mentee")).all()               # the same person, the same key
    assert np.bincount(keys, minlength=KEY_SPACE).max() < 20                  # spread over the key space
    assert (keys != record_keys(ids, "mentor")).mean() > 0.99                 # kinds of record do not share keys
    monkeypatch.setenv(SECRET_VARIABLE, "another organisation's secret")
    assert (keys != record_keys(ids, "mentee")).mean() > 0.99


# --- protected tables -----------------------------------------------------------------

SPEC = [(("female", "ghent", True), 4), (("female", "ghent", False), 21), (("female", "liege", True), 30),
        (("female", "liege", False), 12), (("male", "ghent", True), 11), (("male", "ghent", False), 9),
        (("male", "liege", True), 40), (("male", "liege", False), 25)]
COLUMNS = ["gender", "antenna", "has_children"]


@pytest.fixture(scope="module")
def people():
    return population(SPEC, COLUMNS)


def test_protected_table_against_hand_counts(people):
    table = protect(share_table(people, "has_children", by=["gender", "antenna"], categories=[True, False]), T)
    assert "n_key" not in table and "base_key" not in table
    truth = {(g, a, c): k for (g, a, c), k in SPEC}
    for r in table.itertuples(index=False):
        true_n = truth[(r.gender, r.antenna, r.category)]
        true_base = truth[(r.gender, r.antenna, True)] + truth[(r.gender, r.antenna, False)]
        assert abs(r.base_n - true_base) <= 5 and r.base_n >= T
        if true_n < T:
            assert r.suppressed and math.isnan(r.n) and math.isnan(r.share) and math.isnan(r.ci_low)
            continue
        assert not r.suppressed and abs(r.n - true_n) <= 5 and r.n >= T
        assert r.share == pytest.approx(100 * min(r.n, r.base_n) / r.base_n)   # from published counts only
        low, high = wilson_closed_form(min(r.n, r.base_n), r.base_n)
        assert (r.ci_low, r.ci_high) == pytest.approx((low, high), abs=1e-9)


def test_the_same_people_get_the_same_number_in_every_table(people):
    """Women in Ghent with children: by two splits, or by a filter then one split, or alone."""
    both = protect(share_table(people, "has_children", by=["gender", "antenna"], categories=[True, False]), T)
    women = people[people["gender"] == "female"]
    by_antenna = protect(share_table(women, "has_children", by=["antenna"], categories=[True, False]), T)
    ghent_women = women[women["antenna"] == "ghent"]
    alone = protect(share_table(ghent_women, "has_children", categories=[True, False]), T)
    pick = lambda t: t.loc[(t["category"] == False) & (t.get("antenna", "ghent") == "ghent")  # noqa: E712,E731
                           & (t.get("gender", "female") == "female"), ["n", "base_n"]].iloc[0].tolist()
    assert pick(both) == pick(by_antenna) == pick(alone)


def test_differences_of_published_counts_do_not_give_away_small_groups():
    """Nested pairs A ⊃ B with |A - B| from 1 to 9: the published difference rarely equals the truth
    (probability sum of p_d² ≈ 0.245 when both counts carry independent noise) and is never proof of it."""
    rng = np.random.default_rng(7)
    exact = 0
    trials = 400
    for trial in range(trials):
        size_b = int(rng.integers(15, 300))
        small = int(rng.integers(1, 10))
        ids = pd.Series([f"T{trial}-{i}" for i in range(size_b + small)])
        keys = record_keys(ids, "mentee")
        (a, b), _ = protect_counts([size_b + small, size_b], [keys.sum(), keys[:size_b].sum()], T)
        assert abs((a - b) - small) <= 10
        exact += (a - b) == small
    assert exact / trials < 0.35


def test_a_small_group_is_hidden_and_nothing_else_is(people):
    table = protect(share_table(people, "has_children", by=["antenna"], categories=[True, False]), T)
    # Ghent: 15 with children, 30 without; Liège: 70 and 37. No cell under 10 at antenna level.
    assert not table["suppressed"].any()
    table = protect(share_table(people, "has_children", by=["gender", "antenna"], categories=[True, False]), T)
    hidden = table.loc[table["suppressed"], ["gender", "antenna", "category"]].apply(tuple, axis=1).tolist()
    assert sorted(hidden) == [("female", "ghent", True), ("male", "ghent", False)]  # 4 and 9 only


# --- the test of a protected table ---------------------------------------------------


def pearson_chi2(table):
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table)]
    total = sum(rows)
    return sum((o - rows[i] * cols[j] / total) ** 2 / (rows[i] * cols[j] / total)
               for i, r in enumerate(table) for j, o in enumerate(r))


def test_guarded_test_uses_the_published_counts(people):
    table = protect(share_table(people, "has_children", by=["antenna"], categories=[True, False]), T)
    res = guarded_test(published_counts(table, "antenna"), table, "antenna")
    shown = [[table.loc[(table.antenna == a) & (table.category == c), "n"].iloc[0] for c in (True, False)]
             for a in ("ghent", "liege")]
    assert isinstance(res, StatsTestResult) and res.method == "chi2"
    assert res.statistic == pytest.approx(pearson_chi2(shown))
    assert res.p_value == pytest.approx(math.erfc(math.sqrt(pearson_chi2(shown) / 2)), rel=1e-9)


def test_guarded_test_withheld_when_a_tested_cell_is_hidden(people):
    table = protect(share_table(people, "has_children", by=["gender", "antenna"], categories=[True, False]), T)
    table = table.assign(group=table["gender"] + "-" + table["antenna"])
    res = guarded_test(published_counts(table, "group"), table, "group")
    assert res.method == "withheld" and math.isnan(res.p_value)


def test_guarded_test_needs_two_groups(people):
    table = protect(share_table(people[people.antenna == "liege"], "has_children", by=["antenna"],
                                categories=[True, False]), T)
    assert guarded_test(published_counts(table, "antenna"), table, "antenna") is None
