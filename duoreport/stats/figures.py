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
