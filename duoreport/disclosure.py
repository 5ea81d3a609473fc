"""Disclosure control: nothing published shows a cell of fewer than ``threshold`` people.

Works on the tidy share tables of :mod:`duoreport.stats` (one row per group and
category, with ``n`` and ``base_n``).

- Primary suppression: a cell with fewer than ``threshold`` people (zero included) and
  every cell of a group whose base is under the threshold.
- Secondary suppression: a suppressed cell must not be recoverable by subtraction. Within
  a group the cells add up to the published base; across groups a category adds up to
  the overall figure, which is published elsewhere in the book. So no group may have
  exactly one suppressed cell and no category exactly one suppressed group; the smallest
  other cell is suppressed until that holds. Likewise, if exactly one group is withheld
  entirely, the smallest other group is withheld too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 10
VALUE_COLUMNS = ("n", "share", "ci_low", "ci_high")


def _grid(table: pd.DataFrame, by: list):
    keys = table[by].apply(tuple, axis=1) if by else pd.Series([()] * len(table), index=table.index)
    groups = list(dict.fromkeys(keys))
    categories = list(dict.fromkeys(table["category"]))
    counts = np.zeros((len(groups), len(categories)))
    bases = np.zeros(len(groups))
    for (key, cat, n, base) in zip(keys, table["category"], table["n"], table["base_n"]):
        i, j = groups.index(key), categories.index(cat)
        counts[i, j] = n
        bases[i] = base
    return keys, groups, categories, counts, bases


def suppression_mask(counts: np.ndarray, bases: np.ndarray, threshold: int):
    """Return (cell mask, withheld-group mask) for a groups x categories count grid."""
    withheld = bases < threshold
    if withheld.sum() == 1 and len(bases) > 1:
        others = np.where(~withheld)[0]
        withheld[others[np.argmin(bases[others])]] = True
    cells = (counts < threshold) | withheld[:, None]
    n_groups, n_cats = counts.shape
    changed = True
    while changed:
        changed = False
        for i in range(n_groups):  # within a group: cells add up to the base
            if withheld[i]:
                continue
            hidden = cells[i]
            if hidden.sum() == 1 and n_cats > 1:
                visible = np.where(~hidden)[0]
                cells[i, visible[np.argmin(counts[i, visible])]] = True
                changed = True
        if n_groups > 1:
            for j in range(n_cats):  # across groups: a category adds up to its overall figure
                hidden = cells[:, j]
                if hidden.sum() == 1:
                    visible = np.where(~hidden & ~withheld)[0]
                    if len(visible):
                        cells[visible[np.argmin(counts[visible, j])], j] = True
                        changed = True
    return cells, withheld


def suppress(table: pd.DataFrame, by=(), threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Copy of a share table with small cells blanked and a ``suppressed`` flag."""
    by = list(by)
    out = table.copy()
    if out.empty:
        out["suppressed"] = pd.Series(dtype=bool)
        return out
    keys, groups, categories, counts, bases = _grid(out, by)
    cells, withheld = suppression_mask(counts, bases, threshold)
    row_i = keys.map(groups.index).to_numpy()
    col_j = out["category"].map(categories.index).to_numpy()
    hidden = cells[row_i, col_j]
    out["suppressed"] = hidden
    for col in VALUE_COLUMNS:
        if col in out:
            out[col] = out[col].astype(float).where(~hidden)
    out["base_n"] = out["base_n"].astype(float).where(~withheld[row_i])
    return out


def smallest_visible_count(table: pd.DataFrame) -> float:
    """The smallest count a reader can see (NaN when all are hidden)."""
    visible = table.loc[~table["suppressed"], "n"]
    return float(visible.min()) if len(visible) else np.nan
