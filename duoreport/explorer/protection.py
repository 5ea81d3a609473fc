"""The explorer's counts: coded once per data frame, protected by the cell-key method.

A reader picks a *measure* (a follow-up outcome or a profile variable), splits the mentees by
at most two *dimensions* and narrows them down with equality *filters*. Every count the
explorer shows - a category count, the base of a group (people whose measure is known), the
size of the population - is the count of a set of mentees, published through
:func:`duoreport.stats.disclosure.protect_counts`: under the threshold it reads "< 10"; from
the threshold on it carries the noise of its cell key, the same noise whatever query, page,
language or widget shows the same set of people. Nothing depends on the order of queries or
on which views were shown before; there is no secondary suppression to undo.

The guarantee is the one of the method (see :mod:`duoreport.stats.disclosure`): no published
count or difference of published counts pins down a group of fewer than ten people, and the
explorer in Jupyter/Voilà publishes through the same functions as the web book's Explore page.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pandas as pd

from .model import DIMENSION_CODES, DIMENSIONS, MEASURE_CODES, VIEW, coded_values, normalise_value


class Coded:
    """The mentees of one data frame coded for counting: a code per dimension and measure value."""

    def __init__(self, mentees: pd.DataFrame):
        self.dims = [col for col, _ in DIMENSIONS if col in mentees.columns]
        self.domain, self.codes = {}, {}
        for col in self.dims:
            self._encode(col, mentees[col], DIMENSION_CODES[col])
        for col in MEASURE_CODES:
            if col in mentees.columns:
                self._encode(col, mentees[col], MEASURE_CODES[col])
        self.keys = mentees["rkey"].to_numpy(dtype=np.int64) if "rkey" in mentees else np.zeros(len(mentees), np.int64)

    def _encode(self, col, series: pd.Series, codes):
        self.domain[col], self.codes[col] = coded_values(series, codes)

    def resolve(self, col: str, value) -> int:
        """The index of a filter value in the domain of ``col``."""
        if col not in self.domain:
            raise KeyError(f"the {VIEW} view has no column {col!r}")
        domain = self.domain[col]
        v = normalise_value(value)
        if v in domain:
            return domain.index(v)
        for i, code in enumerate(domain):
            if str(code) == str(value):
                return i
        raise ValueError(f"{value!r} is not a value of {col!r} (one of {', '.join(map(str, domain))})")

    def counts(self, rows: np.ndarray, split: list, measure: str):
        """True counts and key sums of the rows, by split groups x measure categories.

        Returns (counts, key sums) of shape (*split domain sizes, categories + 1); the last part
        is the base (the people of the group whose measure is known).
        """
        shape = tuple(len(self.domain[c]) for c in split)
        cats = len(self.domain[measure])
        counts = np.zeros(shape + (cats + 1,), dtype=np.int64)
        sums = np.zeros(shape + (cats + 1,), dtype=np.int64)
        rows = rows & (self.codes[measure] >= 0)
        for col in split:
            rows = rows & (self.codes[col] >= 0)
        index = tuple(self.codes[col][rows] for col in split) + (self.codes[measure][rows],)
        cells = shape + (cats,)
        flat = np.ravel_multi_index(index, cells)
        size = int(np.prod(cells))
        counts[..., :cats] = np.bincount(flat, minlength=size).reshape(cells)
        # key sums below 2**53 (keys < 4096 per person): exact in float64
        counts_keys = np.bincount(flat, weights=self.keys[rows].astype(np.float64), minlength=size)
        sums[..., :cats] = counts_keys.astype(np.int64).reshape(cells)
        counts[..., cats] = counts[..., :cats].sum(axis=-1)
        sums[..., cats] = sums[..., :cats].sum(axis=-1)
        return counts, sums


_CODED: OrderedDict = OrderedDict()
_CODED_KEPT = 8


def coded(mentees: pd.DataFrame) -> Coded:
    """The coded frame, kept while the same frame is queried (the views are read-only)."""
    key = id(mentees)
    hit = _CODED.get(key)
    if hit is not None and hit[0] is mentees:
        _CODED.move_to_end(key)
        return hit[1]
    result = Coded(mentees)
    _CODED[key] = (mentees, result)
    while len(_CODED) > _CODED_KEPT:
        _CODED.popitem(last=False)
    return result


def dimension_domains(mentees: pd.DataFrame) -> dict:
    """Every dimension's values in display order (code list, then values found in the data)."""
    c = coded(mentees)
    return {col: c.domain[col] for col in c.dims}
