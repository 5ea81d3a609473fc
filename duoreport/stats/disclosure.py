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
  entirely, the smallest other group is withheld too. Finally, a suppressed cell that
  could still be solved from the published margins through a chain of subtractions
  (a linear-algebra check) makes a neighbouring cell suppressed as well.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..settings import DEFAULT_THRESHOLD

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
        if not changed:
            solvable = solvable_cells(cells, withheld)
            if solvable:
                i, j = solvable[0]
                # hide the smallest visible cell that shares a margin with the solvable one
                row = [(counts[i, k], i, k) for k in range(n_cats) if not cells[i, k]] if not withheld[i] else []
                col = [(counts[r, j], r, j) for r in range(n_groups) if not cells[r, j] and not withheld[r]]
                options = sorted(row + col)
                if options:
                    _, r, k = options[0]
                    cells[r, k] = True
                    changed = True
    return cells, withheld


def solvable_cells(cells: np.ndarray, withheld: np.ndarray) -> list:
    """Hidden cells that a reader could compute from the published margins.

    The margins are the base of every group that is not withheld (its cells add up to
    it) and, with two or more groups, the overall count of every category. A hidden cell
    is determined when its indicator vector lies in the row space of these constraints
    restricted to the hidden cells.
    """
    hidden = list(zip(*np.nonzero(cells)))
    if not hidden:
        return []
    index = {cell: k for k, cell in enumerate(hidden)}
    rows = []
    n_groups, n_cats = cells.shape
    for i in range(n_groups):
        if not withheld[i]:
            rows.append([1.0 if (h[0] == i) else 0.0 for h in hidden])
    if n_groups > 1:
        for j in range(n_cats):
            rows.append([1.0 if (h[1] == j) else 0.0 for h in hidden])
    A = np.array(rows) if rows else np.zeros((0, len(hidden)))
    rank = np.linalg.matrix_rank(A) if len(A) else 0
    out = []
    for cell, k in index.items():
        e = np.zeros(len(hidden))
        e[k] = 1.0
        if np.linalg.matrix_rank(np.vstack([A, e])) == rank:
            out.append(cell)
    return out


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
