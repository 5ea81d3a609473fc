"""Export the current view of the explorer: CSV, chart, PNG."""

from __future__ import annotations

import io

from ..report import plots
from .model import Result


def to_csv(result: Result) -> str:
    """The current view's table as CSV; hidden cells stay empty."""
    out = result.table.copy()
    for col in ("n", "base_n"):
        out[col] = out[col].round().astype("Int64")
    for col in ("share", "ci_low", "ci_high"):
        out[col] = out[col].round(1)
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def figure(result: Result):
    """The view as horizontal bars with 95 % intervals (a matplotlib Figure)."""
    data = result.table.copy()
    split = list(result.query.split)
    if not split:
        label_col, hue_col = "category_label", None
    elif len(split) == 1:
        label_col, hue_col = f"{split[0]}_label", "category_label"
    else:
        data["group_label"] = data[f"{split[0]}_label"] + " · " + data[f"{split[1]}_label"]
        label_col, hue_col = "group_label", "category_label"
    return plots.share_bars(data, label_col, result.labels["title"], hue_col=hue_col,
                            suppressed_label=result.labels["suppressed"])


def to_png(result: Result) -> bytes:
    """The figure of the view as PNG bytes."""
    import matplotlib.pyplot as plt

    fig = figure(result)
    try:
        return plots.png_bytes(fig)
    finally:
        plt.close(fig)
