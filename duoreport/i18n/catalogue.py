"""Dutch and French labels of the book: one catalogue per language.

Data carry stable, language-neutral codes (``education_level = "higher_long"``); every label a
reader sees comes from one catalogue per language, ``duoreport/i18n/locales/{nl,fr}.json``:

- ``codes``: one code list per contract field or derived column (``"sector"`` serves both
  ``mentees.preferred_sector`` and ``mentors.sector``, ``"outcome"`` serves ``outcomes.status``
  and ``outcome_6m``/``outcome_18m``/``outcome_last``; see :func:`code_list_of`);
- ``variables``: a short axis or legend label per column; a column whose meaning depends on its
  table also has a ``"<table>.<column>"`` entry (``"duos.status"``, ``"outcomes.status"``);
- ``ui``: interface and chart strings, formatted with :meth:`str.format`.

Antenna names are not in the catalogues: they are settings of the dataset (``dataset.yml``,
:mod:`duoreport.data.programme`). The ``antenna`` code list holds the names of the dataset in
use (:func:`use_programme`; the synthetic default's until another dataset is opened).

Number formats are in :mod:`duoreport.i18n.numbers`.
"""

from __future__ import annotations

import copy
import json
import numbers
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..data import reference
from ..data.programme import Programme, default_programme
from ..settings import LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent / "locales"

MISSING = "–"  # shown for a missing number (None, NaN, pd.NA)

# Code list of a column, where it is not named like the column itself. Keys are
# "<table>.<column>" (contract tables) or "<column>" (any table, derived columns).
_CODE_LIST_ALIASES = {
    "preferred_sector": "sector",
    "duos.status": "duo_status",
    "outcomes.status": "outcome",
    "housing_problems.problem": "housing_problem",
    "mentor_survey_problems.problem": "social_problem",
    "outcome_6m": "outcome",
    "outcome_18m": "outcome",
    "outcome_last": "outcome",
    "positive_type_last": "positive_type",
    "followup_last": "followup_months",
    "cohort": "sib_cohort",
}


def check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")


@lru_cache(maxsize=None)
def _load(lang: str) -> dict:
    check_language(lang)
    with open(LOCALES_DIR / f"{lang}.json", encoding="utf-8") as fh:
        return json.load(fh)


_antenna_names: dict = {}  # lang -> {code: name}: the antennas of the dataset in use
_organisation: list = []   # the organisation of the dataset in use (its settings)


def use_programme(programme: Programme) -> None:
    """Label antennas with the names declared by a dataset's settings (its ``dataset.yml``).

    Called by whatever opens a dataset to show it (an edition, the Explore cube, the explorer);
    until then the antennas are those of the synthetic default."""
    for lang in LANGUAGES:
        _antenna_names[lang] = {a.code: a.name(lang) for a in programme.antennas}
    _organisation[:] = [programme.organisation]


def organisation() -> str:
    """The name of the organisation whose data are shown (the dataset's settings)."""
    if not _organisation:
        use_programme(default_programme())
    return _organisation[0]


def _antennas(lang: str) -> dict:
    if not _antenna_names:
        use_programme(default_programme())
    return _antenna_names[lang]


def catalogue(lang: str) -> dict:
    """The whole catalogue of one language (a copy: editing it does not change the labels)."""
    out = copy.deepcopy(_load(lang))
    out["codes"]["antenna"] = dict(_antennas(lang))
    return out


def code_list_of(column: str, table: str | None = None) -> str:
    """The name of the code list that labels ``column`` (of ``table``, when its meaning depends on it)."""
    if table is not None and f"{table}.{column}" in _CODE_LIST_ALIASES:
        return _CODE_LIST_ALIASES[f"{table}.{column}"]
    return _CODE_LIST_ALIASES.get(column, column)


def is_missing(x) -> bool:
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN and pd.NA (whose comparison raises TypeError in bool())
    except TypeError:
        return True


def _is_bool(code) -> bool:
    return isinstance(code, (bool, np.bool_))


def code_key(code) -> str:
    """The catalogue key of a code: bools as "true"/"false", integral numbers without decimals."""
    if isinstance(code, str):
        return code
    if _is_bool(code):
        return "true" if code else "false"
    if isinstance(code, numbers.Integral):
        return str(int(code))
    if isinstance(code, numbers.Real) and float(code).is_integer():
        return str(int(code))  # 6.0 after pandas turned an int column with gaps into floats
    return str(code)


def label(code_list: str, code, lang: str) -> str:
    """The label of ``code`` in ``code_list``.

    A bool is labelled through the ``"boolean"`` list (Ja/Nee, Oui/Non); ``code_list`` may then
    also be the name of a boolean column (``label("has_children", True, "nl")``).
    """
    cat = _load(lang)
    key = code_key(code)
    if code_list == "antenna":
        try:
            return _antennas(lang)[key]
        except KeyError:
            raise KeyError(f"no antenna {code!r} in the settings of the dataset in use (dataset.yml)") from None
    codes = cat["codes"]
    if _is_bool(code) and key not in codes.get(code_list, {}):
        if code_list == "boolean" or code_list in cat["variables"]:
            code_list = "boolean"
    if code_list not in codes:
        raise KeyError(f"unknown code list {code_list!r} (code {code!r}, language {lang!r})")
    try:
        return codes[code_list][key]
    except KeyError:
        raise KeyError(
            f"no {lang!r} label for code {code!r} in code list {code_list!r}; "
            f"add it to duoreport/locales/{lang}.json"
        ) from None


def labeller(code_list: str, lang: str):
    """A function for ``Series.map`` that labels codes; missing values stay missing."""
    check_language(lang)

    def to_label(code):
        if not _is_bool(code) and is_missing(code):
            return code
        return label(code_list, code, lang)

    return to_label


def variable_label(column: str, lang: str, table: str | None = None) -> str:
    """Short axis or legend label of a column (``table`` picks a table-specific label if any)."""
    variables = _load(lang)["variables"]
    if table is not None and f"{table}.{column}" in variables:
        return variables[f"{table}.{column}"]
    try:
        return variables[column]
    except KeyError:
        raise KeyError(f"no {lang!r} variable label for column {column!r}") from None


def text(key: str, lang: str, **fmt) -> str:
    """An interface string, with ``{placeholders}`` filled from ``fmt``."""
    ui = _load(lang)["ui"]
    try:
        template = ui[key]
    except KeyError:
        raise KeyError(f"no {lang!r} interface string {key!r}") from None
    try:
        if "{organisation}" in template and "organisation" not in fmt:
            fmt = {**fmt, "organisation": organisation()}
        return template.format(**fmt)
    except KeyError as missing:
        raise KeyError(f"interface string {key!r} needs the value {missing.args[0]!r}") from None


@lru_cache(maxsize=None)
def _countries() -> dict:
    return {row["code"]: row for row in reference.countries().to_dict("records")}


def country_label(code: str, lang: str) -> str:
    """The name of a country of origin (ISO 3166-1 alpha-2) from ``data/reference/countries.csv``."""
    check_language(lang)
    try:
        return _countries()[code][f"name_{lang}"]
    except KeyError:
        raise KeyError(f"unknown country code {code!r} (language {lang!r}); "
                       f"see data/reference/countries.csv") from None


def chart_title(chart_id: str, lang: str) -> str:
    """The title of a chart of the inventory (``duoreport.chapters.CHARTS``)."""
    charts = _load(lang).get("charts", {})
    if chart_id not in charts:
        raise KeyError(f"no title for chart {chart_id!r} in the {lang} catalogue")
    return charts[chart_id]
