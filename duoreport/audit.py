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
from .stats.figures import Recomputer, holds

AUDIT_COLUMNS = ["id", "chapter", "chart", "base_population", "unit", "published", "recomputed",
                 "difference", "tolerance", "base_n", "within_tolerance", "status", "data", "note"]


def run_audit(ds: Dataset, figures: pd.DataFrame | None = None) -> pd.DataFrame:
    figures = published_figures() if figures is None else figures
    recompute = Recomputer(build_views(ds))
    rows = []
    for fig in figures.to_dict("records"):
        value, n = recompute(fig)
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
