"""Dutch and French labels and number formats for the book.

Data carry stable, language-neutral codes (``education_level = "higher_long"``); every label a
reader sees comes from one catalogue per language, ``duoreport/locales/{nl,fr}.json``:

- ``codes``: one code list per contract field or derived column (``"sector"`` serves both
  ``mentees.preferred_sector`` and ``mentors.sector``, ``"outcome"`` serves ``outcomes.status``
  and ``outcome_6m``/``outcome_18m``/``outcome_last``; see :func:`code_list_of`);
- ``variables``: a short axis or legend label per column; a column whose meaning depends on its
  table also has a ``"<table>.<column>"`` entry (``"duos.status"``, ``"outcomes.status"``);
- ``ui``: interface and chart strings, formatted with :meth:`str.format`.

Numbers use a decimal comma in both languages; thousands are grouped with ``.`` in Dutch and a
narrow no-break space (U+202F) in French, which also precedes the per cent sign. Rounding is
**half up** (half away from zero) on the decimal value as written, so ``54.25`` gives ``54,3`` and
``2.675`` gives ``2,68`` (Python's :func:`round` would give ``54.2`` and ``2.67``).
"""

from __future__ import annotations

import copy
import csv
import json
import math
import numbers
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import numpy as np

from .contract import REFERENCE_DIR

LANGUAGES = ("nl", "fr")
LOCALES_DIR = Path(__file__).resolve().parent / "locales"

_THOUSANDS_SEPARATOR = {"nl": ".", "fr": "\u202f"}
_DECIMAL_SEPARATOR = {"nl": ",", "fr": ","}
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


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")


@lru_cache(maxsize=None)
def _load(lang: str) -> dict:
    _check_language(lang)
    with open(LOCALES_DIR / f"{lang}.json", encoding="utf-8") as fh:
        return json.load(fh)


def catalogue(lang: str) -> dict:
    """The whole catalogue of one language (a copy: editing it does not change the labels)."""
    return copy.deepcopy(_load(lang))


def code_list_of(column: str, table: str | None = None) -> str:
    """The name of the code list that labels ``column`` (of ``table``, when its meaning depends on it)."""
    if table is not None and f"{table}.{column}" in _CODE_LIST_ALIASES:
        return _CODE_LIST_ALIASES[f"{table}.{column}"]
    return _CODE_LIST_ALIASES.get(column, column)


def _is_missing(x) -> bool:
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN and pd.NA (whose comparison raises TypeError in bool())
    except TypeError:
        return True


def _is_bool(code) -> bool:
    return isinstance(code, (bool, np.bool_))


def _code_key(code) -> str:
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
    key = _code_key(code)
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
    _check_language(lang)

    def to_label(code):
        if not _is_bool(code) and _is_missing(code):
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
        return template.format(**fmt)
    except KeyError as missing:
        raise KeyError(f"interface string {key!r} needs the value {missing.args[0]!r}") from None


def _round_half_up(x, decimals: int) -> Decimal:
    # Decimal(str(x)) rounds the number as written (2.675), not its binary value (2.67499…).
    value = x if isinstance(x, Decimal) else Decimal(str(x))
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(x, lang: str, decimals: int = 1) -> str:
    """``x`` with a decimal comma and the language's thousands separator, rounded half up."""
    _check_language(lang)
    if _is_missing(x):
        return MISSING
    if isinstance(x, float) and math.isinf(x):
        raise ValueError(f"cannot format an infinite number ({x})")
    if decimals < 0:
        raise ValueError("decimals must be 0 or more")
    rounded = _round_half_up(x, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = sign + _THOUSANDS_SEPARATOR[lang].join(groups)
    if decimals:
        out += _DECIMAL_SEPARATOR[lang] + fraction
    return out


def format_percent(x, lang: str, decimals: int = 0) -> str:
    """A percentage given in percent points (54, not 0.54): nl ``54%``, fr ``54 %`` (U+202F)."""
    if _is_missing(x):
        return MISSING
    return format_number(x, lang, decimals) + text("percent_sign_spacing", lang) + "%"


def format_count(n, lang: str) -> str:
    """A whole number of people or rows: nl ``1.333``, fr ``1 333`` (U+202F)."""
    if _is_missing(n):
        return MISSING
    if isinstance(n, numbers.Real) and not float(n).is_integer():
        raise ValueError(f"a count must be a whole number, not {n!r}")
    return format_number(int(n), lang, 0)


@lru_cache(maxsize=None)
def _countries() -> dict:
    with open(REFERENCE_DIR / "countries.csv", encoding="utf-8", newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


def country_label(code: str, lang: str) -> str:
    """The name of a country of origin (ISO 3166-1 alpha-2) from ``data/reference/countries.csv``."""
    _check_language(lang)
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
