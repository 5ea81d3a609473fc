"""Disclosure control: the cell-key method with a threshold, one protection for everything published.

The method is the one of the ONS for the flexible tables of Census 2021 and of the Australian
Bureau of Statistics' TableBuilder (the "cell-key method", Fraser & Wooton 2005; Thompson,
Broadfoot & Elazar 2013):

1. **A permanent key per record.** Every record (a mentee, a mentor, a duo, a survey answer)
   gets a pseudo-random *record key*, an integer 0..4095 derived from its identifier by a keyed
   hash (:func:`record_keys`). The same record gets the same key in every table, every edition
   and every later export (the identifiers are stable). Keys never leave the process.
2. **A key per cell.** A published count describes a set of records; its *cell key* is the sum
   of their record keys modulo 4096. The same set of people always has the same cell key,
   whatever view, table, page or language asks for it.
3. **Noise looked up, not drawn.** The published count is the true count plus a noise read
   from a fixed perturbation table at (count, cell key) (:func:`noise`): zero with probability
   0.40, ±1 with 0.19 each, ±2 with 0.07, ±3 with 0.025, ±4 with 0.010, ±5 with 0.005 (an
   unbiased distribution, standard deviation 1.4; near the threshold it is cut so that a
   count of the threshold or more is never pushed under it).
4. **A threshold.** A count under the threshold (10 by default), zero included, is not
   published: it reads "< 10". No other cell is hidden to protect it.

Why this survives differencing: two views that contain the same set of people show it with the
same noise (no averaging of fresh noise), and the difference between two published counts is
the difference of the true counts plus the difference of two independent noises; a reader who
subtracts "the people of Ghent" from "the people of Ghent with a 6-month follow-up" learns the
number without follow-up only to within ±10. A reader who intersects many such differences is
bounded by the same ±5 per count: narrowing a small count to a few values needs several
independent noises to sit at their rare extremes at once (the attack suite in
``tests/integration/test_attack.py`` checks a built site).

What a reader loses: exactness (a published count may differ from the true one by up to 5,
mostly by 0 or 1) and additivity (the categories of a table need not add up to its published
base; shares are computed from the published counts). Shares, intervals and tests are all
computed from the published counts, so they reveal nothing more.

The key of the keyed hash (:data:`SECRET_VARIABLE`) can be set per organisation; the default is a
fixed project value, which is enough because identifiers are never published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.keys import KEY_SPACE, SECRET_VARIABLE, record_keys  # noqa: F401  (part of the method)
from ..settings import DEFAULT_THRESHOLD

MAX_NOISE = 5
# How many of the 4096 keys give each noise value (the same for +d and -d).
NOISE_WEIGHTS = {0: 1640, 1: 778, 2: 287, 3: 102, 4: 41, 5: 20}
ROW_STEP = 1031        # a prime: the row of count c starts 1031 * c keys further (rows differ)
TABLE_SEED = 20181001  # the perturbation table's fixed shuffle


def _noise_table() -> np.ndarray:
    values = [0] * NOISE_WEIGHTS[0]
    for d in range(1, MAX_NOISE + 1):
        values += [d] * NOISE_WEIGHTS[d] + [-d] * NOISE_WEIGHTS[d]
    table = np.array(values, dtype=np.int64)
    assert len(table) == KEY_SPACE and table.sum() == 0
    return np.random.default_rng(TABLE_SEED).permutation(table)


NOISE_TABLE = _noise_table()


def cell_keys(key_sums) -> np.ndarray:
    """A cell's key from the sum of its records' keys."""
    return np.asarray(key_sums, dtype=np.int64) % KEY_SPACE


def noise(counts, keys, threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """The noise of each (count, cell key): looked up, never drawn; 0 for counts under the threshold."""
    counts = np.asarray(counts, dtype=np.int64)
    keys = cell_keys(keys)
    d = NOISE_TABLE[(keys + ROW_STEP * counts) % KEY_SPACE]
    d = np.maximum(d, threshold - counts)  # a count of the threshold or more stays at or above it
    return np.where(counts >= threshold, d, 0)


def protect_counts(counts, keys, threshold: int = DEFAULT_THRESHOLD):
    """(published counts as floats with NaN where hidden, hidden mask) for true counts and cell keys."""
    counts = np.asarray(counts, dtype=np.int64)
    hidden = counts < threshold
    published = (counts + noise(counts, keys, threshold)).astype(float)
    published[hidden] = np.nan
    return published, hidden


def protected_share(k, base):
    """A share (percent) from published counts; a count above its base (noise) reads as 100 %."""
    k, base = np.asarray(k, dtype=float), np.asarray(base, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(base > 0, 100.0 * np.minimum(k, base) / base, np.nan)


def protect(table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """A share table (:func:`duoreport.stats.shares.share_table` with record keys) as published.

    ``n`` and ``base_n`` become published counts, ``share`` and the Wilson interval are
    recomputed from them, ``suppressed`` marks the cells shown as "< threshold" (their
    values are NaN), and the key columns are dropped. A group whose base is under the
    threshold has all its cells hidden.
    """
    from .shares import wilson_intervals

    out = table.copy()
    if out.empty:
        out["suppressed"] = pd.Series(dtype=bool)
        return out.drop(columns=[c for c in ("n_key", "base_key") if c in out])
    if "n_key" not in out or "base_key" not in out:
        raise ValueError("protect() needs the record keys: build the share table from a view with an 'rkey' column")
    n, n_hidden = protect_counts(out["n"].to_numpy(), out["n_key"].to_numpy(), threshold)
    base, base_hidden = protect_counts(out["base_n"].to_numpy(), out["base_key"].to_numpy(), threshold)
    hidden = n_hidden | base_hidden
    n[hidden] = np.nan
    share = protected_share(n, base)
    low, high = wilson_intervals(np.nan_to_num(np.minimum(n, base)), np.nan_to_num(base))
    out["n"] = n
    out["base_n"] = base
    out["share"] = np.where(hidden, np.nan, share)
    out["ci_low"] = np.where(hidden, np.nan, 100.0 * low)
    out["ci_high"] = np.where(hidden, np.nan, 100.0 * high)
    out["suppressed"] = hidden
    return out.drop(columns=["n_key", "base_key"])


def smallest_visible_count(table: pd.DataFrame) -> float:
    """The smallest count a reader can see (NaN when all are hidden)."""
    visible = table.loc[~table["suppressed"], "n"]
    return float(visible.min()) if len(visible) else np.nan
