"""The fitting helpers against hand-worked examples."""

import numpy as np
import pandas as pd

from duoreport.stats.fitting import (
    Target,
    allocate,
    by,
    everyone,
    ipf,
    largest_remainder,
)


def test_largest_remainder_hand_worked():
    # floors 1, 1, 1 leave one unit; the first of the tied remainders gets it
    assert largest_remainder([1.5, 1.5, 1.0], 4).tolist() == [2, 1, 1]
    # 33.3 / 33.3 / 33.3 of 100 -> 34, 33, 33
    assert largest_remainder([1, 1, 1], 100).tolist() == [34, 33, 33]
    # the total is kept when rescaling is needed
    assert largest_remainder([0.2, 0.3, 0.5], 7).sum() == 7


def test_ipf_gives_independence_from_a_flat_prior():
    # rows of 30 and 70, one overall column target of 40/60: the classic answer is
    # the product of the margins divided by the total
    n_s = np.array([30.0, 70.0])
    E = ipf(n_s, np.ones((2, 2)), [np.array([0, 0])], [np.array([[40.0, 60.0]])], [np.eye(2)])
    np.testing.assert_allclose(E, [[12, 18], [28, 42]], atol=1e-8)


def test_ipf_keeps_the_prior_odds_ratio():
    # prior odds ratio 4 between the strata; margins 50/50 and 50/50 on 100 each
    prior = np.array([[2.0, 1.0], [1.0, 2.0]])
    E = ipf(np.array([100.0, 100.0]), prior, [np.array([0, 0])], [np.array([[100.0, 100.0]])], [np.eye(2)])
    odds = (E[0, 0] * E[1, 1]) / (E[0, 1] * E[1, 0])
    assert abs(odds - 4.0) < 1e-6


def test_allocate_hits_integer_targets_and_structural_zeros():
    frame = pd.DataFrame({"g": ["a"] * 70 + ["b"] * 30})
    out = allocate(frame, ["g"], "x", ["yes", "no"],
                   [Target(by("g"), {"a": {"yes": 30, "no": 40}})],
                   prior=lambda s: np.array([[1.0, 1.0] if g == "a" else [0.0, 1.0] for g in s["g"]]))
    table = pd.crosstab(frame["g"], out)
    assert table.loc["a", "yes"] == 30 and table.loc["a", "no"] == 40
    assert table.loc["b"].get("yes", 0) == 0
    assert table.loc["b", "no"] == 30


def test_allocate_partial_target_leaves_the_rest_free():
    frame = pd.DataFrame({"g": ["a"] * 200})
    out = allocate(frame, ["g"], "c", ["x", "y", "z"], [Target(everyone, {"all": {"x": 0.25}})])
    assert (out == "x").sum() == 50
    assert (out != "x").sum() == 150


def test_allocate_is_deterministic_for_a_seed():
    frame = pd.DataFrame({"g": list("ab") * 50})
    t = [Target(everyone, {"all": {"x": 0.3, "y": 0.7}})]
    a = allocate(frame, ["g"], "c", ["x", "y"], t, rng=np.random.default_rng(1))
    b = allocate(frame, ["g"], "c", ["x", "y"], t, rng=np.random.default_rng(1))
    assert a.equals(b)
