"""Answer one query of the explorer from the protected counts of :mod:`.protection`."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .. import i18n
from ..stats.disclosure import suppression_mask
from ..stats.shares import TestResult, independence_test, wilson_interval
from .model import VIEW, Query, Result
from .protection import Cube, CountTable, cube_for


def mentees_frame(views) -> pd.DataFrame:
    if isinstance(views, pd.DataFrame):
        return views
    return views[VIEW]


def population(views, query: Query) -> pd.DataFrame:
    """The microdata rows behind a query (filters applied, measure known).

    For checks and tests only: these rows are never to be shown to a reader."""
    m = mentees_frame(views)
    cube = cube_for(m, query.measure, query.threshold)
    keep = cube.codes[query.measure] >= 0
    for col, value in query.filters.items():
        keep &= cube.codes[col] == cube.resolve(col, value)
    return m[keep]


def code_label(column: str, code, lang: str) -> str:
    """The label of one code of a dimension or measure."""
    if column == "intake_year":
        return str(int(code))
    return i18n.label(i18n.code_list_of(column), code, lang)


def explore(views, query: Query) -> Result:
    """Compute one view of the explorer (see the module docstring for what is withheld)."""
    m = mentees_frame(views)
    missing = [c for c in (query.measure, *query.split, *query.filters) if c not in m.columns]
    if missing:
        raise KeyError(f"the {VIEW} view has no column {', '.join(missing)}")
    t = query.threshold
    cube = cube_for(m, query.measure, t)
    cats = cube.categories
    filt = {col: cube.resolve(col, value) for col, value in query.filters.items()}
    split = list(query.split)
    table = cube.table(list(filt) + split)
    total = cube.table(list(filt))

    def locate(tab: CountTable, assignment: dict):
        return tuple(assignment[col] for col in tab.dims)

    at = locate(total, filt)
    base_total = int(total.counts[at + (len(cats),)])
    base_hidden = bool(total.hidden[at + (len(cats),)])

    groups = list(itertools.product(*[range(len(cube.domain[c])) for c in split]))
    counts = np.zeros((len(groups), len(cats)), dtype=np.int64)
    bases = np.zeros(len(groups), dtype=np.int64)
    forced = np.zeros((len(groups), len(cats)), dtype=bool)
    base_forced = np.zeros(len(groups), dtype=bool)
    for gi, g in enumerate(groups):
        idx = locate(table, {**filt, **dict(zip(split, g))})
        counts[gi] = table.counts[idx][:len(cats)]
        bases[gi] = table.counts[idx][len(cats)]
        forced[gi] = table.hidden[idx][:len(cats)]
        base_forced[gi] = table.hidden[idx][len(cats)]
    # layer 3, on the groups that have people (as the book's tables, which list observed groups)
    cells, withheld = forced.copy(), base_forced | (bases == 0)
    present = bases > 0
    if present.any():
        sub_cells, sub_withheld = suppression_mask(np.where(forced, 0, counts)[present],
                                                   np.where(base_forced, 0, bases)[present], t)
        cells[present] |= sub_cells
        withheld[present] |= sub_withheld
    cells |= withheld[:, None]

    lang = query.lang
    rows = []
    for gi, g in enumerate(groups):
        codes = {col: cube.domain[col][i] for col, i in zip(split, g)}
        labels = {f"{col}_label": code_label(col, code, lang) for col, code in codes.items()}
        for j, cat in enumerate(cats):
            hide = bool(cells[gi, j])
            k, base = int(counts[gi, j]), int(bases[gi])
            low, high = wilson_interval(k, base) if base else (np.nan, np.nan)
            rows.append({**codes, **labels, "category": cat, "category_label": code_label(query.measure, cat, lang),
                         "n": np.nan if hide else float(k),
                         "base_n": np.nan if withheld[gi] else float(base),
                         "share": np.nan if hide or not base else 100.0 * k / base,
                         "ci_low": np.nan if hide else 100.0 * low,
                         "ci_high": np.nan if hide else 100.0 * high,
                         "suppressed": hide})
    columns = split + [f"{c}_label" for c in split] + ["category", "category_label", "n", "base_n", "share",
                                                         "ci_low", "ci_high", "suppressed"]
    out = pd.DataFrame(rows, columns=columns)
    out["suppressed"] = out["suppressed"].astype(bool)

    test = _test(split, counts, bases, cells, base_hidden)
    result = Result(query, out, None if base_hidden else base_total, base_hidden, test, {})
    result.labels = _labels(result, cube)
    return result


def _test(split, counts, bases, cells, base_hidden) -> TestResult | None:
    if not split or len(counts) < 2:
        return None
    if base_hidden:
        return TestResult("withheld", np.nan, np.nan)
    tested = bases > 0
    if tested.sum() < 2:
        return None
    if cells[tested].any():
        return TestResult("withheld", np.nan, np.nan)
    return independence_test(counts[tested])


def _labels(result: Result, cube: Cube) -> dict:
    q = result.query
    lang = q.lang
    measure = i18n.variable_label(q.measure, lang)
    filters = [f"{i18n.variable_label(col, lang)}: {code_label(col, cube.domain[col][cube.resolve(col, v)], lang)}"
               for col, v in q.filters.items()]
    suppressed = i18n.text("suppressed", lang, threshold=q.threshold)
    base = i18n.text("base_n", lang) + ": " + (suppressed if result.base_suppressed
                                              else i18n.format_count(result.base_n, lang))
    any_hidden = result.base_suppressed or bool(result.table["suppressed"].any())
    return {
        "measure": measure,
        "title": measure + (" — " + "; ".join(filters) if filters else ""),
        "filters": filters,
        "split": {col: i18n.variable_label(col, lang) for col in q.split},
        "categories": {cat: code_label(q.measure, cat, lang) for cat in cube.categories},
        "groups": {col: {code: code_label(col, code, lang) for code in cube.domain[col]} for col in q.split},
        "base": base,
        "test": i18n.describe_test(result.test, lang),
        "suppressed": suppressed,
        "note": i18n.text("suppressed_note", lang, threshold=q.threshold) if any_hidden else None,
        "columns": {"category": i18n.text("category", lang), "n": "n", "base_n": i18n.text("base_n", lang),
                    "share": i18n.text("share", lang), "ci": i18n.text("ci95", lang)},
    }
