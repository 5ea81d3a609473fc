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
    return Recomputer(views)(fig)


class Recomputer:
    """Recompute published figures on one set of views, sharing the work between figures.

    The figures of a chapter ask about a few dozen (base population, variable) pairs: each base
    population (a pandas query) is evaluated once, as a row mask, and each variable of it is
    counted once (its distinct values and how often each occurs); a figure then reads the
    counts. The results are those of :func:`_matches` applied to every row, which the counts
    reproduce: a distinct value matches or not, for all of its rows at once."""

    def __init__(self, views: dict):
        self.views = views
        self._masks: dict = {}
        self._counts: dict = {}

    def __call__(self, fig):
        """Return (value, base_n) for one figure."""
        if fig["view"] not in self.views:
            return np.nan, 0
        unit, var, cat = fig["unit"], fig["variable"], fig["category"]
        if unit in ("count", "count_min") and not var:
            n = self._size(fig["view"], fig["filter"])
            return float(n), n
        counts, n = self._value_counts(fig["view"], fig["filter"], var)
        if unit in ("count", "count_min"):
            return float(self._matching(counts, cat)), n
        if unit in ("percent", "percent_min"):
            if n == 0:
                return np.nan, 0
            return 100.0 * np.float64(self._matching(counts, cat) / n), n  # as 100 * Series.mean()
        if unit == "rank":
            by_text = counts.groupby(_as_text(counts), sort=False).sum()
            own = by_text.get(cat, 0)
            return float(1 + (by_text > own).sum()), n
        raise ValueError(f"figure {fig['id']}: unknown unit {unit!r}")

    def published(self, fig, threshold: int):
        """The figure as the book may publish it: (value, base, hidden), from protected counts only.

        Counts and bases go through the cell-key method (:mod:`duoreport.stats.disclosure`), so a
        percentage here is the same as in the chart that shows the same cell; a rank is the rank
        of the published count among the published counts of the other categories. ``hidden`` is
        True when a count the figure needs is under the threshold (value and base are NaN).
        """
        from .disclosure import protect_counts, protected_share

        if fig["view"] not in self.views:
            return np.nan, np.nan, True
        unit, var, cat = fig["unit"], fig["variable"], fig["category"]
        if unit in ("count", "count_min") and not var:
            mask = self._mask(fig["view"], fig["filter"])
            keys = self._keys(fig["view"])
            size = len(keys) if mask is None else int(np.count_nonzero(mask))
            key = int(keys.sum() if mask is None else keys[np.asarray(mask, dtype=bool)].sum())
            (n,), (hidden,) = protect_counts([size], [key], threshold)
            return (np.nan, np.nan, True) if hidden else (n, n, False)
        sizes, sums = self._keyed_counts(fig["view"], fig["filter"], var)
        if unit == "rank":
            text = _as_text(sizes)
            by_size = sizes.groupby(text, sort=False).sum()
            by_sum = sums.groupby(text, sort=False).sum()
            published, _ = protect_counts(by_size.to_numpy(), by_sum.to_numpy(), threshold)
            counts = dict(zip(by_size.index, published))
            own = counts.get(cat, np.nan)
            if np.isnan(own):
                return np.nan, np.nan, True
            return float(1 + sum(1 for v in counts.values() if not np.isnan(v) and v > own)), np.nan, False
        distinct = pd.Series(sizes.index, dtype=sizes.index.dtype)
        match = _matches(distinct, cat).to_numpy(dtype=bool)
        (k, b), (k_hidden, b_hidden) = protect_counts(
            [sizes.to_numpy()[match].sum(), sizes.sum()], [sums.to_numpy()[match].sum(), sums.sum()], threshold)
        parts = cat.split("|")
        if len(parts) > 1:
            # "work or training": the sum of the published parts when each is published, so that the
            # prose adds up ("575 in work and 218 in training, 793 in all"); else the union's own cell
            masks = [_matches(distinct, part).to_numpy(dtype=bool) for part in parts]
            counts, hidden = protect_counts([sizes.to_numpy()[m].sum() for m in masks],
                                            [sums.to_numpy()[m].sum() for m in masks], threshold)
            if not hidden.any():
                k, k_hidden = float(counts.sum()), False
        if unit in ("count", "count_min"):
            return (np.nan, np.nan, True) if k_hidden else (k, b, False)
        if k_hidden or b_hidden:
            return np.nan, np.nan, True
        return float(protected_share(k, b)), b, False

    def _keys(self, view: str) -> np.ndarray:
        frame = self.views[view]
        return frame["rkey"].to_numpy(dtype=np.int64) if "rkey" in frame else np.zeros(len(frame), dtype=np.int64)

    def _keyed_counts(self, view: str, query: str, variable: str):
        """Per distinct known value of a variable in a base population: rows, and the sum of their record keys."""
        key = ("keyed", view, query, variable)
        if key not in self._counts:
            values = self.views[view][variable]
            keys = pd.Series(self._keys(view), index=values.index)
            mask = self._mask(view, query)
            if mask is not None:
                values, keys = values.loc[mask], keys.loc[mask]
            known = values.notna()
            grouped = keys[known].groupby(values[known], sort=False, observed=True)
            self._counts[key] = (grouped.size(), grouped.sum())
        return self._counts[key]

    def _mask(self, view: str, query: str):
        """The rows of a view in a base population (None: every row)."""
        key = (view, query)
        if key not in self._masks:
            self._masks[key] = None if not query else self.views[view].eval(query, engine="python")
        return self._masks[key]

    def _size(self, view: str, query: str) -> int:
        mask = self._mask(view, query)
        return len(self.views[view]) if mask is None else int(np.count_nonzero(mask))

    def _value_counts(self, view: str, query: str, variable: str):
        """How often each known value of a variable occurs in a base population, and how many rows know it."""
        key = (view, query, variable)
        if key not in self._counts:
            values = self.views[view][variable]
            mask = self._mask(view, query)
            if mask is not None:
                values = values.loc[mask]
            values = values.dropna()
            self._counts[key] = (values.value_counts(sort=False), len(values))
        return self._counts[key]

    @staticmethod
    def _matching(counts: pd.Series, category: str) -> int:
        """How many rows :func:`_matches` accepts, from the counts of their distinct values."""
        distinct = pd.Series(counts.index, dtype=counts.index.dtype)
        return int(counts.to_numpy()[_matches(distinct, category).to_numpy(dtype=bool)].sum())


def _as_text(counts: pd.Series) -> np.ndarray:
    """The distinct values of a count table as ``astype(str)`` writes them."""
    return pd.Series(counts.index, dtype=counts.index.dtype).astype(str).to_numpy()


def holds(unit: str, published: float, recomputed: float, tolerance: float) -> bool:
    if np.isnan(recomputed):
        return False
    if unit == "count_min":
        return recomputed > published
    if unit == "percent_min":
        return recomputed >= published
    return abs(recomputed - published) <= tolerance + 1e-9


def recompute_published(fig, views: dict, threshold: int):
    """The figure as the book may publish it: see :meth:`Recomputer.published`."""
    return Recomputer(views).published(fig, threshold)
