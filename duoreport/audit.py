"""Reproduction audit: recompute every published figure from the microdata.

``data/published/figures.csv`` states, for each figure, the view, the base population
(a pandas query), the variable and category, and the unit. This module computes the
same quantity from the data and compares it with the published value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .contract import REPO_ROOT
from .loading import Dataset
from .views import build_views

FIGURES_PATH = REPO_ROOT / "data" / "published" / "figures.csv"
DECISIONS_PATH = REPO_ROOT / "data" / "published" / "decisions.csv"

AUDIT_COLUMNS = ["id", "chapter", "chart", "base_population", "unit", "published", "recomputed",
                 "difference", "tolerance", "base_n", "within_tolerance", "status", "data", "note"]


def load_figures(path: Path = FIGURES_PATH) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"filter": str, "variable": str, "category": str, "chart": str,
                                    "note": str}, keep_default_na=False)


def _matches(values: pd.Series, category: str) -> pd.Series:
    cats = category.split("|")
    if str(values.dtype) == "boolean" or values.dtype == bool:
        wanted = {c == "true" for c in cats}
        return values.astype(bool).isin(wanted)
    return values.astype(str).isin(cats)


def base_rows(fig, views: dict) -> pd.DataFrame:
    view = views[fig["view"]]
    return view.query(fig["filter"], engine="python") if fig["filter"] else view


def recompute(fig, views: dict):
    """Return (value, base_n) for one figure."""
    if fig["view"] not in views:
        return np.nan, 0
    base = base_rows(fig, views)
    unit, var, cat = fig["unit"], fig["variable"], fig["category"]
    if unit in ("count", "count_min"):
        if not var:
            return float(len(base)), len(base)
        values = base[var].dropna()
        return float(_matches(values, cat).sum()), len(values)
    values = base[var].dropna()
    if unit in ("percent", "percent_min"):
        if len(values) == 0:
            return np.nan, 0
        return 100.0 * _matches(values, cat).mean(), len(values)
    if unit == "rank":
        counts = values.astype(str).value_counts()
        own = counts.get(cat, 0)
        return float(1 + (counts > own).sum()), len(values)
    raise ValueError(f"figure {fig['id']}: unknown unit {unit!r}")


def holds(unit: str, published: float, recomputed: float, tolerance: float) -> bool:
    if np.isnan(recomputed):
        return False
    if unit == "count_min":
        return recomputed > published
    if unit == "percent_min":
        return recomputed >= published
    return abs(recomputed - published) <= tolerance + 1e-9


def run_audit(ds: Dataset, figures: pd.DataFrame | None = None) -> pd.DataFrame:
    figures = load_figures() if figures is None else figures
    views = build_views(ds)
    rows = []
    for fig in figures.to_dict("records"):
        value, n = recompute(fig, views)
        published = float(fig["value"])
        rows.append({
            "id": fig["id"], "chapter": fig["chapter"], "chart": fig["chart"],
            "base_population": fig["base_population"], "unit": fig["unit"],
            "published": published, "recomputed": round(value, 4) if not np.isnan(value) else np.nan,
            "difference": round(value - published, 4) if not np.isnan(value) else np.nan,
            "tolerance": float(fig["tolerance"]), "base_n": n,
            "within_tolerance": holds(fig["unit"], published, value, float(fig["tolerance"])),
            "status": fig["status"], "data": "synthetic" if ds.synthetic else "export",
            "note": fig["note"],
        })
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def summary(audit: pd.DataFrame) -> dict:
    reproduce = audit[audit["status"] == "reproduce"]
    return {
        "figures": len(audit),
        "audited": len(reproduce),
        "within_tolerance": int(reproduce["within_tolerance"].sum()),
        "outside_tolerance": int((~reproduce["within_tolerance"]).sum()),
        "known_inconsistent": int((audit["status"] == "inconsistent").sum()),
    }
