"""Reproduction audit: recompute every published figure from the microdata and compare.

The rules of the recomputation are in :mod:`duoreport.stats.figures`; the figures and their
published values in ``data/published/figures.csv`` (:func:`duoreport.data.reference.published_figures`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data.loading import Dataset
from .data.reference import published_figures
from .data.views import build_views
from .stats.disclosure import MAX_NOISE
from .stats.figures import Recomputer, holds

AUDIT_COLUMNS = ["id", "chapter", "chart", "base_population", "unit", "published", "recomputed",
                 "difference", "tolerance", "base_n", "within_tolerance", "status", "data", "note"]


def run_audit(ds: Dataset, figures: pd.DataFrame | None = None, threshold: int | None = None) -> pd.DataFrame:
    """Every published figure recomputed and compared with the report.

    Without ``threshold``: the exact reproduction check on the microdata (``duoreport audit``,
    the tests; never published). With ``threshold``: what the book's appendix may publish, every
    value from protected counts (:func:`duoreport.stats.figures.recompute_published`); a figure
    then agrees with the report when the difference stays within its tolerance plus what the
    protection noise (at most 5 on each count) can move it.
    """
    figures = published_figures() if figures is None else figures
    recompute = Recomputer(build_views(ds))
    rows = []
    for fig in figures.to_dict("records"):
        if threshold is None:
            value, n = recompute(fig)
            allowance = 0.0
        else:
            value, n, _ = recompute.published(fig, threshold)
            allowance = noise_allowance(fig["unit"], value, n)
        published = float(fig["value"])
        rows.append({
            "id": fig["id"], "chapter": fig["chapter"], "chart": fig["chart"],
            "base_population": fig["base_population"], "unit": fig["unit"],
            "published": published, "recomputed": round(value, 4) if not np.isnan(value) else np.nan,
            "difference": round(value - published, 4) if not np.isnan(value) else np.nan,
            "tolerance": float(fig["tolerance"]), "base_n": n if threshold is None or not np.isnan(n) else np.nan,
            "within_tolerance": holds(fig["unit"], published, value, float(fig["tolerance"]) + allowance),
            "status": fig["status"], "data": "synthetic" if ds.synthetic else "export",
            "note": fig["note"],
        })
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def noise_allowance(unit: str, value: float, base: float) -> float:
    """How far the protection noise can move a published value: a count by MAX_NOISE, a
    percentage by the change of MAX_NOISE on its count and on its base; a rank not at all."""
    if np.isnan(value):
        return 0.0
    if unit in ("count", "count_min"):
        return float(MAX_NOISE)
    if unit in ("percent", "percent_min") and base and not np.isnan(base):
        k = value * base / 100
        low = 100 * max(k - MAX_NOISE, 0) / (base + MAX_NOISE)
        high = 100 * min(k + MAX_NOISE, base + MAX_NOISE) / max(base - MAX_NOISE, 1)
        return float(max(value - low, high - value))
    return 0.0


def summary(audit: pd.DataFrame) -> dict:
    reproduce = audit[audit["status"] == "reproduce"]
    return {
        "figures": len(audit),
        "audited": len(reproduce),
        "within_tolerance": int(reproduce["within_tolerance"].sum()),
        "outside_tolerance": int((~reproduce["within_tolerance"]).sum()),
        "known_inconsistent": int((audit["status"] == "inconsistent").sum()),
    }
