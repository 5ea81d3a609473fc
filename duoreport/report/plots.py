"""One chart style for the whole publication: seaborn, colour-blind-safe, with intervals.

Charts take a tidy (already suppressed) share table and return a matplotlib Figure.
Suppressed cells are drawn as an empty slot marked with the suppression label, never as
zero and never silently dropped.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SUPPRESSED_COLOUR = "#BBBBBB"


def apply_style() -> None:
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font="DejaVu Sans",
                  rc={"svg.hashsalt": "duoreport", "figure.dpi": 100, "savefig.dpi": 150,
                      "axes.titleweight": "bold", "axes.titlesize": 12, "axes.titlelocation": "left",
                      "legend.frameon": False})


def _wrap(text: str, width: int = 34) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def share_bars(table: pd.DataFrame, label_col: str, title: str, *, hue_col: str | None = None,
               value_col: str = "share", xlabel: str = "%", suppressed_label: str = "suppressed",
               intervals: bool = True, xmax: float | None = None) -> plt.Figure:
    """Horizontal bars of shares (percent) with 95 % intervals.

    ``label_col`` holds the (translated) bar labels in display order; ``hue_col`` the
    (translated) series, if any.
    """
    apply_style()
    data = table.copy()
    labels = list(dict.fromkeys(data[label_col]))
    hues = list(dict.fromkeys(data[hue_col])) if hue_col else [None]
    height = max(2.2, 0.42 * len(labels) * max(1, len(hues) * 0.6) + 1.2)
    fig, ax = plt.subplots(figsize=(7.5, height))
    n_h = len(hues)
    band = 0.8
    width = band / n_h
    for k, hue in enumerate(hues):
        part = data if hue is None else data[data[hue_col] == hue]
        part = part.set_index(label_col).reindex(labels)
        y = np.arange(len(labels)) - band / 2 + (k + 0.5) * width
        values = part[value_col].astype(float).to_numpy()
        colour = PALETTE[k % len(PALETTE)]
        ax.barh(y, np.nan_to_num(values), height=width * 0.92, color=colour,
                label=None if hue is None else _wrap(hue, 40))
        if intervals and "ci_low" in part:
            lo = part["ci_low"].astype(float).to_numpy()
            hi = part["ci_high"].astype(float).to_numpy()
            ok = ~np.isnan(values) & ~np.isnan(lo)
            ax.errorbar(values[ok], y[ok], xerr=[values[ok] - lo[ok], hi[ok] - values[ok]], fmt="none",
                        ecolor="#333333", elinewidth=1, capsize=2)
        hidden = part["suppressed"].fillna(False).to_numpy(dtype=bool) if "suppressed" in part else np.isnan(values)
        for yy in y[hidden]:
            ax.barh(yy, 3, height=width * 0.92, color="white", edgecolor=SUPPRESSED_COLOUR, hatch="///")
            ax.text(3.5, yy, suppressed_label, va="center", ha="left", fontsize=8, color="#555555")
    ax.set_yticks(np.arange(len(labels)))
    ax.set_yticklabels([_wrap(lbl) for lbl in labels])
    ax.invert_yaxis()
    top = xmax or max(100.0, float(np.nanmax(data.get("ci_high", data[value_col]).astype(float).to_numpy(), initial=0)))
    ax.set_xlim(0, min(100.0, top * 1.05) if top <= 100 else top * 1.05)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.set_title(_wrap(title, 70))
    if hue_col:
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12 - 0.25 / max(height, 1)), ncol=min(3, n_h),
                  fontsize=8)
    fig.tight_layout()
    return fig


def placeholder(title: str, message: str) -> plt.Figure:
    """A chart slot without data (an edition where nobody is concerned): the title and a message,
    so that the figure keeps its number and its references in every edition."""
    apply_style()
    fig, ax = plt.subplots(figsize=(6.4, 1.6))
    ax.set_axis_off()
    ax.set_title(_wrap(title, 70), loc="left")
    ax.text(0.0, 0.4, message, transform=ax.transAxes, fontsize=11, color="#333333")
    return fig


def png_bytes(fig: plt.Figure) -> bytes:
    """The figure as PNG, without a timestamp or software tag (same data, same bytes)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None}, bbox_inches="tight")
    return buffer.getvalue()
