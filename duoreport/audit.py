"""The audit: every published figure recomputed from the microdata and set against the report.

On the synthetic default it is a **reproduction check**: the synthetic data were calibrated on the
report, so each figure must come back within its tolerance. On any other export it is a
**comparison**: the data are not the report's (another period, more people, corrected records),
so differences are expected; the table gives the published value, this export's value, the
difference, the base n, and a note where the export's period explains the difference.
:func:`compare_exports` writes the same table between two exports (what changed since the last
edition).

The rules of the recomputation are in :mod:`duoreport.stats.figures`; the figures and their
published values in ``data/published/figures.csv`` (:func:`duoreport.data.reference.published_figures`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data.loading import Dataset
from .data.reference import published_figures, report_period
from .data.views import build_views
from .stats.disclosure import MAX_NOISE
from .stats.figures import Recomputer, holds

AUDIT_COLUMNS = ["id", "chapter", "chart", "base_population", "unit", "published", "recomputed",
                 "difference", "tolerance", "base_n", "within_tolerance", "status", "data", "period_note", "note"]
COMPARE_COLUMNS = ["id", "chapter", "chart", "base_population", "unit", "old", "new", "difference",
                   "old_base_n", "new_base_n", "period_note"]

# Why an export's figure may differ from the report's, as a language-neutral code (labels in the
# i18n catalogues, "audit_note_<code>"): the export's intake period against the report's.
PERIOD_NOTES = ("same_period", "wider_period", "later_period", "earlier_period", "shorter_period", "other_period")


def period_note(period: tuple, reference_period: tuple) -> str:
    """How one intake period relates to another: a code of :data:`PERIOD_NOTES`."""
    (start, end), (ref_start, ref_end) = period, reference_period
    if (start, end) == (ref_start, ref_end):
        return "same_period"
    if start <= ref_start and end >= ref_end:
        return "wider_period"
    if start > ref_end:
        return "later_period"
    if end < ref_start:
        return "earlier_period"
    if start >= ref_start and end <= ref_end:
        return "shorter_period"
    return "other_period"


def _rounded(value: float) -> float:
    return round(value, 4) if not np.isnan(value) else np.nan


def run_audit(ds: Dataset, figures: pd.DataFrame | None = None, threshold: int | None = None) -> pd.DataFrame:
    """Every published figure recomputed and compared with the report.

    Without ``threshold``: the exact check on the microdata (``duoreport audit``, the tests; never
    published). With ``threshold``: what the book's appendix may publish, every value from
    protected counts (:func:`duoreport.stats.figures.recompute_published`); a figure then agrees
    with the report when the difference stays within its tolerance plus what the protection noise
    (at most 5 on each count) can move it.

    ``period_note`` is empty on the synthetic default (a reproduction check); on another export
    it says how the export's intake period relates to the report's (a comparison).
    """
    figures = published_figures() if figures is None else figures
    recompute = Recomputer(build_views(ds))
    note = "" if ds.synthetic else period_note(ds.period, report_period())
    rows = []
    for fig in figures.to_dict("records"):
        value, n, allowance = _figure(recompute, fig, threshold)
        published = float(fig["value"])
        rows.append({
            "id": fig["id"], "chapter": fig["chapter"], "chart": fig["chart"],
            "base_population": fig["base_population"], "unit": fig["unit"],
            "published": published, "recomputed": _rounded(value),
            "difference": round(value - published, 4) if not np.isnan(value) else np.nan,
            "tolerance": float(fig["tolerance"]), "base_n": n,
            "within_tolerance": holds(fig["unit"], published, value, float(fig["tolerance"]) + allowance),
            "status": fig["status"], "data": ds.kind, "period_note": note,
            "note": fig["note"],
        })
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def _figure(recompute: Recomputer, fig: dict, threshold: int | None):
    """(value, base n, noise allowance) of one figure: exact, or as published under ``threshold``."""
    if threshold is None:
        value, n = recompute(fig)
        return value, n, 0.0
    value, n, _ = recompute.published(fig, threshold)
    return value, (n if not np.isnan(n) else np.nan), noise_allowance(fig["unit"], value, n)


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
        "not_computable": int(reproduce["recomputed"].isna().sum()),
    }


def compare_exports(old: Dataset, new: Dataset, figures: pd.DataFrame | None = None,
                    threshold: int | None = None) -> pd.DataFrame:
    """The report's figures recomputed on two exports: old, new, difference, both base n (with
    ``threshold``: from protected counts, as the book may publish them)."""
    figures = published_figures() if figures is None else figures
    old_views, new_views = Recomputer(build_views(old)), Recomputer(build_views(new))
    note = period_note(new.period, old.period)
    rows = []
    for fig in figures.to_dict("records"):
        if fig["status"] != "reproduce":
            continue
        (a, n_a, _), (b, n_b, _) = _figure(old_views, fig, threshold), _figure(new_views, fig, threshold)
        rows.append({
            "id": fig["id"], "chapter": fig["chapter"], "chart": fig["chart"],
            "base_population": fig["base_population"], "unit": fig["unit"],
            "old": _rounded(a), "new": _rounded(b), "difference": _rounded(b - a),
            "old_base_n": n_a, "new_base_n": n_b, "period_note": note,
        })
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)
