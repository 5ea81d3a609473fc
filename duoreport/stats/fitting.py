"""Fit integer joint structure for the synthetic generator.

A child variable is added to a frame of records, conditional on some parent columns.
The published figures enter as *targets*: for a grouping of the parent strata, the
share of each child category in each group. Assumptions enter as a *prior*: relative
weights of the child categories in each stratum (a zero is a structural zero).

1. Iterative proportional fitting scales the prior so that every target holds
   (the minimum-information adjustment of the prior, as in survey raking).
2. The fitted expected counts are rounded per stratum (largest remainder), then a
   greedy search moves single records between categories within a stratum while that
   brings the integer group counts closer to the rounded targets.
3. Records of each stratum receive the categories in a seeded random order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd


@dataclass
class Target:
    """Shares of the child categories within groups of parent strata.

    ``group`` maps the strata table (one row per stratum, parent columns) to a group
    label per stratum, or None/NaN where the target does not apply.
    ``shares`` maps a group label to {category: share}. When the shares name every
    category they are normalised; otherwise they are fractions of the group and the
    categories not named share the rest, unconstrained among themselves.
    """

    group: Callable[[pd.DataFrame], pd.Series]
    shares: dict
    weight: float = 1.0


def largest_remainder(expected, total: int) -> np.ndarray:
    """Round non-negative expected counts to integers summing to ``total``.

    Ties are broken by position, so the result is deterministic.
    """
    expected = np.asarray(expected, dtype=float)
    if total == 0 or expected.sum() <= 0:
        out = np.zeros(len(expected), dtype=int)
        return out
    scaled = expected * (total / expected.sum())
    floor = np.floor(scaled + 1e-9).astype(int)
    remainder = total - floor.sum()
    order = np.lexsort((np.arange(len(scaled)), -(scaled - floor)))
    floor[order[:remainder]] += 1
    return floor


def ipf(n_s: np.ndarray, prior: np.ndarray, groups: list, targets: list, columns: list,
        iterations: int = 500, tol: float = 1e-10) -> np.ndarray:
    """Scale ``prior`` (S x C) so that rows sum to n_s and group targets hold.

    Target t has one row per group and one column per target column; ``columns[t]`` is
    the C x K one-hot matrix that maps categories to target columns.
    """
    E = prior * (n_s / np.where(prior.sum(1) > 0, prior.sum(1), 1))[:, None]
    for _ in range(iterations):
        before = E.copy()
        for gidx, T, A in zip(groups, targets, columns):
            for g in range(T.shape[0]):
                rows = gidx == g
                if not rows.any():
                    continue
                current = E[rows].sum(0) @ A
                factor = np.divide(T[g], current, out=np.zeros_like(current), where=current > 0)
                E[rows] *= A @ factor
        row = E.sum(1)
        E *= np.divide(n_s, row, out=np.zeros_like(row), where=row > 0)[:, None]
        if np.abs(E - before).max() < tol:
            break
    return E


def integerize(E: np.ndarray, n_s: np.ndarray, groups: list, targets: list, columns: list,
               weights: list, max_moves: int = 100_000) -> np.ndarray:
    """Integer counts per stratum and category close to E and to the integer targets."""
    X = np.vstack([largest_remainder(E[s], int(n_s[s])) for s in range(len(n_s))])
    allowed = E > 1e-9
    int_targets = [np.vstack([largest_remainder(T[g], int(round(T[g].sum()))) for g in range(T.shape[0])])
                   for T in targets]

    def diff(gidx, T, A):
        D = np.zeros_like(T, dtype=float)
        valid = gidx >= 0
        np.add.at(D, gidx[valid], X[valid] @ A)
        return D - T

    for _ in range(max_moves):
        gain = np.zeros(X.shape + (X.shape[1],))  # s, from, to
        for gidx, T, A, w in zip(groups, int_targets, columns, weights):
            D = diff(gidx, T, A)
            valid = gidx >= 0
            Ds = np.zeros((X.shape[0], T.shape[1]))
            Ds[valid] = D[gidx[valid]]
            col = A.argmax(1)
            # squared deviation in percentage points of the group: errors are spread
            # evenly instead of piling up on one (small) group
            size = T.sum(1)
            scale = np.zeros(X.shape[0])
            scale[valid] = (100.0 / np.maximum(size[gidx[valid]], 1)) ** 2
            dec = (((Ds - 1) ** 2 - Ds ** 2) * scale[:, None])[:, col]
            inc = (((Ds + 1) ** 2 - Ds ** 2) * scale[:, None])[:, col]
            dec[~valid] = 0
            inc[~valid] = 0
            change = dec[:, :, None] + inc[:, None, :]
            change[:, col[:, None] == col[None, :]] = 0  # a move inside one column changes nothing
            gain += w * change
        # a small pull towards the fitted expectation keeps the prior's structure
        dev_dec = np.abs(X - 1 - E) - np.abs(X - E)
        dev_inc = np.abs(X + 1 - E) - np.abs(X - E)
        gain += 1e-4 * (dev_dec[:, :, None] + dev_inc[:, None, :])
        possible = (X > 0)[:, :, None] & allowed[:, None, :]
        idx = np.arange(X.shape[1])
        possible[:, idx, idx] = False
        gain = np.where(possible, gain, np.inf)
        s, a, b = np.unravel_index(np.argmin(gain), gain.shape)
        if not gain[s, a, b] < -1e-9:
            break
        X[s, a] -= 1
        X[s, b] += 1
    return X


def allocate(frame: pd.DataFrame, parents: list, child: str, categories, targets=(),
             prior: Callable[[pd.DataFrame], np.ndarray] | None = None,
             rng: np.random.Generator | None = None) -> pd.Series:
    """Return a Series of child categories for ``frame`` (same index)."""
    categories = list(categories)
    rng = rng or np.random.default_rng(0)
    if parents:
        keys = frame[parents].astype(object).fillna("<NA>")
        strata = keys.drop_duplicates().sort_values(parents).reset_index(drop=True)
        sid = keys.merge(strata.reset_index(), on=parents, how="left")["index"].to_numpy()
    else:
        strata = pd.DataFrame(index=[0])
        sid = np.zeros(len(frame), dtype=int)
    n_s = np.bincount(sid, minlength=len(strata)).astype(float)
    P = np.ones((len(strata), len(categories))) if prior is None else np.asarray(prior(strata), float)
    groups, Ts, As, weights = [], [], [], []
    for t in targets:
        labels = pd.Series(t.group(strata)).reset_index(drop=True)
        names = [g for g in t.shares if (labels == g).any()]
        gidx = np.full(len(strata), -1)
        for i, g in enumerate(names):
            gidx[(labels == g).to_numpy()] = i
        named = [c for c in categories if any(c in t.shares[g] for g in t.shares)]
        complete = len(named) == len(categories)
        k = len(named) + (0 if complete else 1)
        A = np.zeros((len(categories), k))
        for j, c in enumerate(categories):
            A[j, named.index(c) if c in named else k - 1] = 1
        T = np.zeros((len(names), k))
        for i, g in enumerate(names):
            share = np.array([float(t.shares[g].get(c, 0.0)) for c in named])
            if complete:
                share = share / share.sum()
            else:
                share = np.append(share, max(0.0, 1.0 - share.sum()))
            T[i] = share * n_s[gidx == i].sum()
        groups.append(gidx)
        Ts.append(T)
        As.append(A)
        weights.append(t.weight)
    E = ipf(n_s, P, groups, Ts, As)
    X = integerize(E, n_s, groups, Ts, As, weights)
    out = np.empty(len(frame), dtype=object)
    positions = np.arange(len(frame))
    for s in range(len(strata)):
        members = positions[sid == s]
        members = members[rng.permutation(len(members))]
        values = np.repeat(np.array(categories, dtype=object), X[s])
        out[members] = values
    return pd.Series(out, index=frame.index, name=child)


def by(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    """Group strata by the value of one parent column."""
    return lambda strata: strata[column]


def everyone(strata: pd.DataFrame) -> pd.Series:
    return pd.Series(["all"] * len(strata), index=strata.index)


def where(column: str, mapping: dict) -> Callable[[pd.DataFrame], pd.Series]:
    """Group strata by mapping one parent column (values not in mapping: no target)."""
    return lambda strata: strata[column].map(mapping)
