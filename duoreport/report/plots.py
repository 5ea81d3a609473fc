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

# Okabe & Ito (2008), the members dark enough for a mark on white (WCAG 2.1 non-text contrast,
# >= 3:1): blue 5.2, vermillion 3.9, bluish green 3.4, reddish purple 3.1, black 21. The light
# members (orange, sky blue, yellow: 1.3-2.3) are left out. A chart has at most three series.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"]
SUPPRESSED_COLOUR = "#6E6E6E"  # outline and hatching of a suppressed slot (5.1:1 on white)
TEXT_COLOUR = "#222222"

# Sizes for print: the chart is FIG_WIDTH inches wide at SAVE_DPI, and the print edition shows
# it at that physical size (at most the 170 mm text block), so these are the printed sizes in
# points; the smallest is 9 pt (the print edition promises >= 8 pt).
FIG_WIDTH = 6.4
SAVE_DPI = 150
FONT_SIZES = {"title": 11, "label": 10, "tick": 9.5, "legend": 9.5, "note": 9}
MIN_FONT_PT = min(FONT_SIZES.values())
BAR_INCHES = 0.3  # height of one bar of a simple chart
LINE_INCHES = 0.165  # height of a line of a bar's label (9.5 pt)
TITLE_CHARS = 62  # a title line of the figure's width


def apply_style() -> None:
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font="DejaVu Sans",
                  rc={"svg.hashsalt": "duoreport", "figure.dpi": 100, "savefig.dpi": SAVE_DPI,
                      "axes.titleweight": "bold", "axes.titlesize": FONT_SIZES["title"],
                      "axes.titlelocation": "left", "axes.labelsize": FONT_SIZES["label"],
                      "xtick.labelsize": FONT_SIZES["tick"], "ytick.labelsize": FONT_SIZES["tick"],
                      "legend.fontsize": FONT_SIZES["legend"], "legend.frameon": False,
                      "text.color": TEXT_COLOUR, "axes.labelcolor": TEXT_COLOUR,
                      "xtick.color": TEXT_COLOUR, "ytick.color": TEXT_COLOUR})


def _wrap(text: str, width: int = 34) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def share_bars(table: pd.DataFrame, label_col: str, title: str, *, hue_col: str | None = None,
               value_col: str = "share", xlabel: str = "%", suppressed_label: str = "suppressed",
               intervals: bool = True, xmax: float | None = None) -> plt.Figure:
    """Horizontal bars of shares (percent) with 95 % intervals.

    ``label_col`` holds the (translated) bar labels in display order; ``hue_col`` the
    (translated) series, if any. The legend of a grouped chart sits under the axis label, in
    its own row of the layout (it never covers the "%" label or a bar).
    """
    apply_style()
    data = table.copy()
    labels = list(dict.fromkeys(data[label_col]))
    hues = list(dict.fromkeys(data[hue_col])) if hue_col else [None]
    n_h = len(hues)
    # each group of bars is as tall as its bars or its (wrapped) label, whichever is taller
    group = BAR_INCHES * (1 + 0.55 * (n_h - 1))
    rows = sum(max(group, LINE_INCHES * (_wrap(lbl).count("\n") + 1) + 0.08) for lbl in labels)
    height = max(1.9, rows + 1.1 + (0.35 if hue_col else 0) + 0.18 * _wrap(title, TITLE_CHARS).count("\n"))
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, height), layout="constrained")
    band = 0.8
    width = band / n_h
    for k, hue in enumerate(hues):
        part = data if hue is None else data[data[hue_col] == hue]
        part = part.set_index(label_col).reindex(labels)
        y = np.arange(len(labels)) - band / 2 + (k + 0.5) * width
        values = part[value_col].astype(float).to_numpy()
        colour = PALETTE[k % len(PALETTE)]
        ax.barh(y, np.nan_to_num(values), height=width * 0.92, color=colour, edgecolor="white", linewidth=0.6,
                label=None if hue is None else _wrap(hue, 40))
        if intervals and "ci_low" in part:
            lo = part["ci_low"].astype(float).to_numpy()
            hi = part["ci_high"].astype(float).to_numpy()
            ok = ~np.isnan(values) & ~np.isnan(lo)
            ax.errorbar(values[ok], y[ok], xerr=[values[ok] - lo[ok], hi[ok] - values[ok]], fmt="none",
                        ecolor="#222222", elinewidth=1, capsize=2)
        hidden = part["suppressed"].fillna(False).to_numpy(dtype=bool) if "suppressed" in part else np.isnan(values)
        for yy in y[hidden]:
            ax.barh(yy, 3, height=width * 0.92, color="white", edgecolor=SUPPRESSED_COLOUR, hatch="///")
            ax.text(3.5, yy, suppressed_label, va="center", ha="left", fontsize=FONT_SIZES["note"],
                    color=SUPPRESSED_COLOUR)
    ax.set_yticks(np.arange(len(labels)))
    ax.set_yticklabels([_wrap(lbl) for lbl in labels])
    ax.invert_yaxis()
    top = xmax or max(100.0, float(np.nanmax(data.get("ci_high", data[value_col]).astype(float).to_numpy(), initial=0)))
    ax.set_xlim(0, min(100.0, top * 1.05) if top <= 100 else top * 1.05)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    # the title belongs to the figure (the layout keeps it inside the figure's width)
    fig.suptitle(_wrap(title, TITLE_CHARS), x=0.01, ha="left", fontsize=FONT_SIZES["title"], fontweight="bold")
    if hue_col:
        fig.legend(loc="outside lower left", ncol=min(3, n_h), handlelength=1.2, columnspacing=1.2)
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
    """The figure as PNG, without a timestamp or software tag (same data, same bytes), at exactly
    its size (FIG_WIDTH at SAVE_DPI: the print edition shows it at that physical size)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
