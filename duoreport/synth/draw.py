"""The generator's small drawing kit: one seeded random generator, published targets, priors.

Every table family module (:mod:`.mentees`, :mod:`.programme`, :mod:`.outcomes`, :mod:`.answers`,
:mod:`.surveys`, :mod:`.sib`) draws through one :class:`Draw`, in a fixed order, so that the
same seed gives the same records.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from ..data.reference import published_figures
from ..stats.fitting import allocate
from .assumptions import SEED


@lru_cache(maxsize=1)
def _published() -> dict:
    figures = published_figures()
    return dict(zip(figures["id"], figures["value"].astype(float)))


def pub(figure_id: str) -> float:
    """A published value, as a fraction for percentages."""
    return _published()[figure_id]


def frac(figure_id: str) -> float:
    return pub(figure_id) / 100.0


def exact(counts: dict) -> dict:
    """Target shares from integer counts (allocate normalises complete shares)."""
    return {k: float(v) for k, v in counts.items()}


def prior_from(strata: pd.DataFrame, categories, weight) -> np.ndarray:
    """Prior matrix from a function (stratum row, category) -> weight."""
    return np.array([[weight(row, c) for c in categories] for row in strata.itertuples(index=False)],
                    dtype=float)


class Draw:
    """The random generator shared by every table family, and the operations that use it."""

    def __init__(self, seed: int = SEED):
        self.seed = seed
        self.rng = np.random.default_rng(seed)

    def allocate(self, frame, parents, child, categories, targets=(), prior=None):
        """:func:`duoreport.stats.fitting.allocate` with this generator's random numbers."""
        return allocate(frame, parents, child, categories, targets, prior, self.rng)

    def date_in_year(self, year: int) -> date:
        """A uniformly drawn intake date of ``year`` (the programme's first intakes: 1 September 2013)."""
        start = date(2013, 9, 1) if year == 2013 else date(year, 1, 1)
        end = date(year, 12, 31)
        return start + timedelta(days=int(self.rng.integers(0, (end - start).days + 1)))

    def deal(self, units, counts: dict, key: str, value: str) -> pd.DataFrame:
        """Give each category its count of mentions, spread over shuffled units.

        Mentions are sorted by category and dealt round-robin, so a unit never gets
        the same category twice as long as no count exceeds the number of units.
        """
        units = list(units)
        assert max(counts.values()) <= len(units)
        order = [units[i] for i in self.rng.permutation(len(units))]
        labels = [c for c, k in counts.items() for _ in range(int(k))]
        rows = [(order[i % len(order)], c) for i, c in enumerate(labels)]
        return pd.DataFrame(rows, columns=[key, value])
