"""The explorer of the web book: pre-computed, protected views for a page without a kernel.

The web book has no Python behind it, so the page ``explore.md`` cannot call
:func:`duoreport.explorer.explore` when a reader changes a control. Instead the build calls
it beforehand for a bounded set of queries and writes what they publish to
``_static/explore-<lang>.json`` (the *cube*); ``book/static/explorer.js`` draws the view
the reader picks from that file.

The queries: every measure of :data:`~duoreport.explorer.MEASURES`, split by nothing or by
**one** dimension of :data:`~duoreport.explorer.DIMENSIONS`, with no filter or **one**
equality filter on one of :data:`FILTER_DIMENSIONS` (never on the split dimension itself).
That is a subset of what the explorer answers (two splits and up to four constraints), so
the disclosure guarantee of :mod:`duoreport.explorer` holds for the whole file: every count
in it was published by :func:`~duoreport.explorer.explore` with one threshold on one version
of the data, and nothing else enters it (no microdata row, no identifier, no unsuppressed
count). The threshold is fixed at build time; the page cannot lower it.

Layout of the cube (JSON, labels stored once, numbers in arrays)::

    {"format": 1, "lang": "nl", "threshold": 10, "synthetic": true,
     "number_format": {...}, "ui": {...texts of the page...},
     "measures":   [{"id": "outcome_18m", "label": "...", "categories": [[code, label], ...]}, ...],
     "dimensions": [{"id": "gender", "label": "...", "values": [[code, label], ...], "filter": true}, ...],
     "views": {"<measure>|<split>|<filter dimension>|<filter value>": {
         "b": population base n or null,
         "g": [base n of each group or null],          # one group when there is no split
         "n": [[count of each category or null], ...],  # per group; null = suppressed
         "p": [[share %]], "lo": [[95 % low]], "hi": [[95 % high]],   # 1 decimal, null = suppressed
         "t": "χ²-toets: p = 0,034" | "Toets niet getoond: ..." | null}}}

Codes are strings (``"true"``, ``"2015"``), as in the page's URL; an empty part of a view key
means "none". Shares and bounds are rounded half up to one decimal here, so the page shows
them without rounding again.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal

import numpy as np

from .. import i18n
from ..settings import DEFAULT_THRESHOLD
from . import model
from .query import code_label, explore, mentees_frame

FILTER_DIMENSIONS = ("gender", "antenna", "intake_year", "education_group")
"""Dimensions a reader may filter on in the web explorer (one equality at a time)."""

CUBE_FORMAT = 1

# By-group charts of the book that the explorer can show again (and take further):
# chart id -> (measure, split dimension). The groups of impact_nationality overlap in the
# book; the explorer's nearest view is the split by nationality status.
CHART_LINKS = {
    "impact_gender": ("outcome_18m", "gender"),
    "impact_nationality": ("outcome_18m", "nationality_status"),
    "impact_education": ("outcome_18m", "education_group"),
    "impact_years": ("outcome_18m", "years_in_belgium"),
    "profile_children": ("has_children", "gender"),
    "profile_driving_licence": ("driving_licence", "education_group"),
    "profile_work_belgium_nationality": ("work_experience_belgium", "nationality_status"),
    "profile_work_belgium_years": ("work_experience_belgium", "years_in_belgium"),
}

# texts of the page, from the catalogue's "ui" list
_UI_KEYS = {
    "measure": "explorer_measure", "split": "explorer_split", "filter": "explorer_filter",
    "filter_value": "explorer_filter_value", "none": "explorer_none", "no_filter": "explorer_no_filter",
    "everyone": "explorer_everyone", "figure_label": "explorer_figure_label",
    "figure_label_split": "explorer_figure_label_split", "copy_link": "explorer_copy_link",
    "link_copied": "explorer_link_copied", "permalink": "explorer_permalink", "no_view": "explorer_no_view", "population": "explorer_population",
    "download_csv": "download_csv", "category": "category", "share": "share", "ci95": "ci95", "base_n": "base_n",
    "legend": "explorer_legend", "table_caption": "explorer_table_caption",
}


def code_key(code) -> str:
    """A code as it appears in the cube and in the page's URL."""
    return i18n.code_key(code)


def view_key(measure: str, split: str | None = None, filter_dim: str | None = None, filter_value=None) -> str:
    """The key of one view in the cube's ``views``."""
    value = "" if filter_dim is None else code_key(filter_value)
    return "|".join([measure, split or "", filter_dim or "", value])


def permalink(measure: str, split: str | None = None, filter_dim: str | None = None, filter_value=None) -> str:
    """The fragment of ``explore.html`` that opens one view (without ``#``)."""
    parts = [f"measure={measure}"]
    if split:
        parts.append(f"split={split}")
    if filter_dim:
        parts.append(f"filter={filter_dim}:{code_key(filter_value)}")
    return "&".join(parts)


def chart_permalink(chart_id: str) -> str | None:
    """The explorer's view matching a chart of the book, or None when it has none."""
    if chart_id not in CHART_LINKS:
        return None
    measure, split = CHART_LINKS[chart_id]
    return permalink(measure, split)


def domain(mentees, column: str) -> tuple:
    """The values of a dimension as the explorer orders them: its code list, then any other
    value found in the data (later intake years)."""
    return model.coded_values(mentees[column], model.DIMENSION_CODES[column])[0]


def queries(mentees, measures=None) -> list:
    """Every (measure, split, filter dimension, filter value) of the cube."""
    measures = [m for m, _ in model.MEASURES] if measures is None else list(measures)
    dims = [d for d, _ in model.DIMENSIONS if d in mentees.columns]
    filters = [(None, None)] + [(f, v) for f in FILTER_DIMENSIONS if f in mentees.columns for v in domain(mentees, f)]
    out = []
    for measure in measures:
        if measure not in mentees.columns:
            continue
        for split in [None] + dims:
            for fdim, fvalue in filters:
                if fdim is not None and fdim == split:
                    continue
                out.append((measure, split, fdim, fvalue))
    return out


def _round1(x):
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    return float(i18n.round_half_up(Decimal(repr(float(x))), 1))


def _count(x):
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    return int(round(float(x)))


def _view(result: model.Result, n_categories: int) -> dict:
    table = result.table
    n_groups = len(table) // n_categories
    hidden = table["suppressed"].to_numpy(dtype=bool).reshape(n_groups, n_categories)

    def grid(column, convert):
        values = table[column].to_numpy(dtype=float).reshape(n_groups, n_categories)
        return [[None if hidden[g, c] else convert(values[g, c]) for c in range(n_categories)]
                for g in range(n_groups)]

    bases = table["base_n"].to_numpy(dtype=float).reshape(n_groups, n_categories)[:, 0]
    view = {
        "b": result.base_n if not result.base_suppressed else None,
        "g": [_count(b) for b in bases],
        "n": grid("n", _count),
        "p": grid("share", _round1),
        "lo": grid("ci_low", _round1),
        "hi": grid("ci_high", _round1),
        "t": result.labels["test"],
    }
    if view["b"] is not None:
        view["b"] = int(view["b"])
    return view


def ui_texts(lang: str, threshold: int) -> dict:
    ui = i18n.catalogue(lang)["ui"]  # templates stay as they are: the page fills {measure}, ...
    out = {name: ui[key] for name, key in _UI_KEYS.items()}
    out["suppressed"] = i18n.text("suppressed", lang, threshold=threshold)
    out["suppressed_note"] = i18n.text("suppressed_note", lang, threshold=threshold)
    out["source_synthetic"] = i18n.text("source_synthetic", lang)
    out["source_duo"] = i18n.text("source_duo", lang)
    return out


def build_cube(views, lang: str, threshold: int = DEFAULT_THRESHOLD, measures=None,
               synthetic: bool | None = None) -> dict:
    """Every view of the web explorer, as published by :func:`duoreport.explorer.explore`.

    ``views``: the analysis views (:func:`duoreport.data.views.build_views`) or the mentees view;
    ``measures``: a subset of the measures (default: all of them); ``synthetic``: whether the
    data are the synthetic default (shown on the page). Only suppressed tables enter the cube.
    """
    started = time.perf_counter()
    mentees = mentees_frame(views)
    dims = [d for d, _ in model.DIMENSIONS if d in mentees.columns]
    domains = {d: domain(mentees, d) for d in dims}
    cube_measures, cube_views = [], {}
    categories = {}
    for measure, split, fdim, fvalue in queries(mentees, measures):
        query = model.Query(measure, split=(split,) if split else (),
                        filters={fdim: fvalue} if fdim else {}, lang=lang, threshold=threshold)
        result = explore(views, query)
        cats = list(result.labels["categories"])
        if measure not in categories:
            categories[measure] = cats
            cube_measures.append({"id": measure, "label": result.labels["measure"],
                                  "categories": [[code_key(c), result.labels["categories"][c]] for c in cats]})
        if cats != categories[measure]:
            raise RuntimeError(f"{measure}: the categories changed between two views")
        if split:  # the groups must be the dimension's values, in the order stored once
            groups = list(dict.fromkeys(model.normalise_value(v) for v in result.table[split]))
            if tuple(groups) != domains[split]:
                raise RuntimeError(f"{split}: groups {groups} differ from the values {domains[split]}")
        cube_views[view_key(measure, split, fdim, fvalue)] = _view(result, len(cats))
    cube = {
        "format": CUBE_FORMAT,
        "lang": lang,
        "threshold": int(threshold),
        "synthetic": synthetic,
        "number_format": {"thousands": i18n.THOUSANDS_SEPARATOR[lang], "decimal": i18n.DECIMAL_SEPARATOR[lang],
                          "percent": i18n.text("percent_sign_spacing", lang) + "%"},
        "ui": ui_texts(lang, threshold),
        "measures": cube_measures,
        "dimensions": [{"id": d, "label": i18n.variable_label(d, lang),
                        "values": [[code_key(v), code_label(d, v, lang)] for v in domains[d]],
                        "filter": d in FILTER_DIMENSIONS} for d in dims],
        "views": cube_views,
    }
    cube["build_seconds"] = round(time.perf_counter() - started, 2)
    return cube


def cube_json(cube: dict) -> str:
    """The cube as compact JSON text (without the build time, so that an unchanged cube is
    byte-identical from one build to the next)."""
    data = {k: v for k, v in cube.items() if k != "build_seconds"}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
