"""The project's own reference tables, read through one checked reader.

These files are part of the repository, not of an export: the countries of origin with their
regions, the external labour-market figures cited by the report, the report's footnotes, and
the report's published figures with the decisions taken on its inconsistencies. Each is read
by :func:`read_reference`, which checks that the columns the code relies on are there and that
the key column is unique, and says which file and column are wrong when they are not.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..settings import CONTEXT_DIR, PUBLISHED_DIR, REFERENCE_DIR

COUNTRIES_CSV = REFERENCE_DIR / "countries.csv"
LABOUR_MARKET_CSV = CONTEXT_DIR / "labour_market.csv"
SOURCES_CSV = CONTEXT_DIR / "sources.csv"
FIGURES_CSV = PUBLISHED_DIR / "figures.csv"
DECISIONS_CSV = PUBLISHED_DIR / "decisions.csv"
REPORT_YML = PUBLISHED_DIR / "report.yml"


class ReferenceTableError(ValueError):
    """A reference table of the repository does not have the shape the code relies on."""


def read_reference(path: Path, columns, key: str | None = None, dtype=str) -> pd.DataFrame:
    """Read a reference CSV (UTF-8, ``,``), check its columns and the uniqueness of ``key``."""
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=dtype, keep_default_na=False)
    except FileNotFoundError:
        raise ReferenceTableError(f"{path}: reference table not found") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ReferenceTableError(f"{path}: missing column(s) {', '.join(missing)}")
    if key is not None:
        duplicated = table.loc[table[key].duplicated(), key].tolist()
        if duplicated:
            rows = [int(i) + 2 for i in table.index[table[key].duplicated()][:5]]
            raise ReferenceTableError(f"{path}, column {key}, rows {rows}: duplicate value(s) {duplicated[:5]}")
    return table


@lru_cache(maxsize=None)
def _countries() -> pd.DataFrame:
    return read_reference(COUNTRIES_CSV, ("code", "continent", "region", "name_nl", "name_fr"), key="code")


def countries() -> pd.DataFrame:
    """Countries of origin: code (ISO 3166-1 alpha-2), continent, region, Dutch and French names."""
    return _countries().copy()


@lru_cache(maxsize=None)
def _labour_market() -> pd.DataFrame:
    table = read_reference(LABOUR_MARKET_CSV, ("id", "chart", "indicator", "origin", "breakdown_value", "value",
                                               "unit"), key="id", dtype=None)
    bad = pd.to_numeric(table["value"], errors="coerce").isna()
    if bad.any():
        rows = [int(i) + 2 for i in table.index[bad][:5]]
        raise ReferenceTableError(f"{LABOUR_MARKET_CSV}, column value, rows {rows}: not a number")
    return table


def labour_market() -> pd.DataFrame:
    """External labour-market figures cited by the report (published aggregates, no microdata)."""
    return _labour_market().copy()


def sources() -> pd.DataFrame:
    """The report's footnotes, with their bibliography keys."""
    return read_reference(SOURCES_CSV, ("footnote", "bibkey", "title", "url"), key="footnote")


def published_figures(path: Path = FIGURES_CSV) -> pd.DataFrame:
    """The report's figures as tidy data: what is computed, on which base, and the published value."""
    table = read_reference(path, ("id", "chapter", "chart", "base_population", "view", "filter", "variable",
                                  "category", "unit", "value", "tolerance", "status", "note"), key="id",
                           dtype={"filter": str, "variable": str, "category": str, "chart": str, "note": str})
    return table


def decisions() -> pd.DataFrame:
    """The decisions taken on the report's ambiguities and inconsistencies (en, nl, fr)."""
    return read_reference(DECISIONS_CSV, ("id", "figures", "issue", "rule"), key="id")


@lru_cache(maxsize=None)
def report_period() -> tuple:
    """(start, end) of the intake period the published report describes (``data/published/report.yml``)."""
    import yaml

    try:
        data = yaml.safe_load(REPORT_YML.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ReferenceTableError(f"{REPORT_YML}: reference file not found") from None
    period = data.get("period") or {}
    start, end = period.get("start"), period.get("end")
    if not isinstance(start, date) or not isinstance(end, date) or end < start:
        raise ReferenceTableError(f"{REPORT_YML}, key period: start and end must be dates (YYYY-MM-DD), start first")
    return start, end
