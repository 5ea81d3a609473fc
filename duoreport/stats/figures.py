"""Recompute one of the report's published figures from the analysis views.

``data/published/figures.csv`` states, for each figure, the view, the base population
(a pandas query), the variable and category, and the unit. :func:`recompute` computes the
same quantity from the views; :func:`holds` says whether it agrees with the published value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _matches(values: pd.Series, category: str) -> pd.Series:
    cats = category.split("|")
    if str(values.dtype) == "boolean" or values.dtype == bool:
        wanted = {c == "true" for c in cats}
        return values.astype(bool).isin(wanted)
    return values.astype(str).isin(cats)


def base_rows(fig, views: dict) -> pd.DataFrame:
    view = views[fig["view"]]
    return view.query(fig["filter"], engine="python") if fig["filter"] else view


def recompute(fig, views: dict):
    """Return (value, base_n) for one figure."""
    if fig["view"] not in views:
        return np.nan, 0
    base = base_rows(fig, views)
    unit, var, cat = fig["unit"], fig["variable"], fig["category"]
    if unit in ("count", "count_min"):
        if not var:
            return float(len(base)), len(base)
        values = base[var].dropna()
        return float(_matches(values, cat).sum()), len(values)
    values = base[var].dropna()
    if unit in ("percent", "percent_min"):
        if len(values) == 0:
            return np.nan, 0
        return 100.0 * _matches(values, cat).mean(), len(values)
    if unit == "rank":
        counts = values.astype(str).value_counts()
        own = counts.get(cat, 0)
        return float(1 + (counts > own).sum()), len(values)
    raise ValueError(f"figure {fig['id']}: unknown unit {unit!r}")


def holds(unit: str, published: float, recomputed: float, tolerance: float) -> bool:
    if np.isnan(recomputed):
        return False
    if unit == "count_min":
        return recomputed > published
    if unit == "percent_min":
        return recomputed >= published
    return abs(recomputed - published) <= tolerance + 1e-9


def recompute_published(fig, views: dict, threshold: int):
    """The figure as the book may publish it: (value, base, hidden), from protected counts only.

    Counts and bases go through the cell-key method (:mod:`duoreport.stats.disclosure`), so a
    percentage here is the same as in the chart that shows the same cell; a rank is the rank
    of the published count among the published counts of the other categories. ``hidden``
    is True when a count the figure needs is under the threshold (value and base are NaN).
    """
    from .disclosure import protect_counts, protected_share

    if fig["view"] not in views:
        return np.nan, np.nan, True
    base = base_rows(fig, views)
    keys = base["rkey"].to_numpy(dtype=np.int64) if "rkey" in base else np.zeros(len(base), dtype=np.int64)
    unit, var, cat = fig["unit"], fig["variable"], fig["category"]
    if unit in ("count", "count_min") and not var:
        (n,), (hidden,) = protect_counts([len(base)], [keys.sum()], threshold)
        return (np.nan, np.nan, True) if hidden else (n, n, False)
    known = base[var].notna().to_numpy()
    match = np.zeros(len(base), dtype=bool)
    match[known] = _matches(base.loc[known, var], cat).to_numpy()
    if unit == "rank":
        values = base.loc[known, var].astype(str)
        sums = pd.DataFrame({"v": values, "k": keys[known]}).groupby("v")["k"].agg(["size", "sum"])
        published, hidden = protect_counts(sums["size"].to_numpy(), sums["sum"].to_numpy(), threshold)
        counts = dict(zip(sums.index, published))
        own = counts.get(cat, np.nan)
        if np.isnan(own):
            return np.nan, np.nan, True
        return float(1 + sum(1 for v in counts.values() if not np.isnan(v) and v > own)), np.nan, False
    (k, b), (k_hidden, b_hidden) = protect_counts([match.sum(), known.sum()], [keys[match].sum(), keys[known].sum()],
                                                  threshold)
    if unit in ("count", "count_min"):
        return (np.nan, np.nan, True) if k_hidden else (k, b, False)
    if k_hidden or b_hidden:
        return np.nan, np.nan, True
    return float(protected_share(k, b)), b, False
