"""Answer one query of the explorer from the protected counts of :mod:`.protection`."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .. import i18n
from ..stats.disclosure import protect_counts, protected_share
from ..stats.shares import TestResult, independence_test, wilson_intervals
from .model import VIEW, Query, Result
from .protection import Coded, coded


def mentees_frame(views) -> pd.DataFrame:
    if isinstance(views, pd.DataFrame):
        return views
    return views[VIEW]


def population(views, query: Query) -> pd.DataFrame:
    """The microdata rows behind a query (filters applied, measure known).

    For checks and tests only: these rows are never to be shown to a reader."""
    m = mentees_frame(views)
    c = coded(m)
    keep = c.codes[query.measure] >= 0
    for col, value in query.filters.items():
        keep &= c.codes[col] == c.resolve(col, value)
    return m[keep]


def code_label(column: str, code, lang: str) -> str:
    """The label of one code of a dimension or measure."""
    if column == "intake_year":
        return str(int(code))
    return i18n.label(i18n.code_list_of(column), code, lang)


def explore(views, query: Query) -> Result:
    """Compute one view of the explorer: every count through the cell-key method.

    The table has one row per split group (every code of the split dimensions, groups
    without anyone included) and category. Counts under the threshold are hidden; the others
    carry their cell-key noise; shares, intervals and the test use the published counts.
    """
    m = mentees_frame(views)
    missing = [c for c in (query.measure, *query.split, *query.filters) if c not in m.columns]
    if missing:
        raise KeyError(f"the {VIEW} view has no column {', '.join(missing)}")
    t = query.threshold
    c = coded(m)
    cats = c.domain[query.measure]
    rows = np.ones(len(m), dtype=bool)
    for col, value in query.filters.items():
        rows &= c.codes[col] == c.resolve(col, value)
    split = list(query.split)
    counts, sums = c.counts(rows, split, query.measure)
    total, total_sum = c.counts(rows, [], query.measure)
    (base_total,), (base_hidden,) = protect_counts([total[-1]], [total_sum[-1]], t)

    groups = list(itertools.product(*[range(len(c.domain[col])) for col in split]))
    flat_counts = counts.reshape(len(groups), len(cats) + 1)
    flat_sums = sums.reshape(len(groups), len(cats) + 1)
    published, hidden = protect_counts(flat_counts.ravel(), flat_sums.ravel(), t)
    published = published.reshape(flat_counts.shape)
    hidden = hidden.reshape(flat_counts.shape)
    cells, bases = published[:, :-1], published[:, -1]
    cell_hidden = hidden[:, :-1] | hidden[:, -1:]
    cells = np.where(cell_hidden, np.nan, cells)
    shares = np.where(cell_hidden, np.nan, protected_share(cells, bases[:, None]))
    low, high = wilson_intervals(np.nan_to_num(np.minimum(cells, bases[:, None])).ravel(),
                                 np.nan_to_num(np.where(cell_hidden, 0, bases[:, None])).ravel())
    low, high = low.reshape(cells.shape), high.reshape(cells.shape)

    lang = query.lang
    out_rows = []
    for gi, g in enumerate(groups):
        codes = {col: c.domain[col][i] for col, i in zip(split, g)}
        labels = {f"{col}_label": code_label(col, code, lang) for col, code in codes.items()}
        for j, cat in enumerate(cats):
            hide = bool(cell_hidden[gi, j])
            out_rows.append({**codes, **labels, "category": cat, "category_label": code_label(query.measure, cat, lang),
                             "n": cells[gi, j], "base_n": bases[gi], "share": shares[gi, j],
                             "ci_low": np.nan if hide else 100.0 * low[gi, j],
                             "ci_high": np.nan if hide else 100.0 * high[gi, j], "suppressed": hide})
    columns = split + [f"{col}_label" for col in split] + ["category", "category_label", "n", "base_n", "share",
                                                             "ci_low", "ci_high", "suppressed"]
    out = pd.DataFrame(out_rows, columns=columns)
    out["suppressed"] = out["suppressed"].astype(bool)

    test = _test(split, cells, bases, cell_hidden, flat_counts[:, -1], bool(base_hidden))
    result = Result(query, out, None if base_hidden else int(base_total), bool(base_hidden), test, {})
    result.labels = _labels(result, c)
    return result


def _test(split, cells, bases, hidden, true_bases, base_hidden) -> TestResult | None:
    """The test of the groups that have people, on the published counts; withheld if one is hidden."""
    if not split or len(cells) < 2:
        return None
    if base_hidden:
        return TestResult("withheld", np.nan, np.nan)
    tested = true_bases > 0
    if tested.sum() < 2:
        return None
    if hidden[tested].any():
        return TestResult("withheld", np.nan, np.nan)
    return independence_test(cells[tested].astype(np.int64))


def _labels(result: Result, cube: Coded) -> dict:
    q = result.query
    lang = q.lang
    measure = i18n.variable_label(q.measure, lang)
    filters = [i18n.labelled(i18n.variable_label(col, lang), code_label(col, cube.domain[col][cube.resolve(col, v)], lang), lang)
               for col, v in q.filters.items()]
    suppressed = i18n.text("suppressed", lang, threshold=q.threshold)
    base = i18n.labelled(i18n.text("base_n", lang), suppressed if result.base_suppressed
                         else i18n.format_count(result.base_n, lang), lang)
    any_hidden = result.base_suppressed or bool(result.table["suppressed"].any())
    return {
        "measure": measure,
        "title": measure + (" — " + "; ".join(filters) if filters else ""),
        "filters": filters,
        "split": {col: i18n.variable_label(col, lang) for col in q.split},
        "categories": {cat: code_label(q.measure, cat, lang) for cat in cube.domain[q.measure]},
        "groups": {col: {code: code_label(col, code, lang) for code in cube.domain[col]} for col in q.split},
        "base": base,
        "test": i18n.describe_test(result.test, lang, q.threshold),
        "suppressed": suppressed,
        "note": i18n.text("suppressed_note", lang, threshold=q.threshold) if any_hidden else None,
        "columns": {"category": i18n.text("category", lang), "n": "n", "base_n": i18n.text("base_n", lang),
                    "share": i18n.text("share", lang), "ci": i18n.text("ci95", lang)},
    }
