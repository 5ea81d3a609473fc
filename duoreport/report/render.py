"""Turn a computed chart into what a reader sees: figure, table, caption, alt text, CSV."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import i18n
from .edition import Edition
from .inventory import CHAPTER_NUMBERS, CHARTS_BY_ID, ChartDef
from .plots import share_bars


@dataclass
class RenderedChart:
    chart: ChartDef
    number: str
    title: str
    figure: object
    table: pd.DataFrame      # formatted for the reader, in the edition's language
    data: pd.DataFrame       # tidy, suppressed, with codes and labels (the CSV download)
    caption: str
    alt: str
    test_text: str | None
    extra: pd.DataFrame | None
    edition: object = None
    group_col: str | None = None  # the column of group codes in ``data`` (grouped charts)
    test: object = None           # the TestResult behind ``test_text``


def _pct(x, lang, decimals=0):
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else i18n.format_percent(x, lang, decimals)


def _interval(lo, hi, lang):
    if any(v is None or (isinstance(v, float) and np.isnan(v)) for v in (lo, hi)):
        return ""
    return f"{i18n.format_number(lo, lang, 0)}–{_pct(hi, lang)}"


def format_table(ed: Edition, data: pd.DataFrame, hue_col, source: str) -> pd.DataFrame:
    lang = ed.lang
    sup = ed.t("suppressed")
    cols = {}
    cols[i18n.text("category", lang)] = data["label"]
    if hue_col:
        cols[i18n.text("series", lang)] = data[hue_col]
    if source == "context":
        cols[i18n.text("share", lang)] = [_pct(v, lang, 1 if v % 1 else 0) for v in data["share"]]
        return pd.DataFrame(cols).reset_index(drop=True)
    hidden = data["suppressed"].to_numpy(dtype=bool)
    cols[i18n.text("share", lang)] = [sup if h else _pct(v, lang) for v, h in zip(data["share"], hidden)]
    cols[i18n.text("ci95", lang)] = ["" if h else _interval(lo, hi, lang)
                                      for lo, hi, h in zip(data["ci_low"], data["ci_high"], hidden)]
    cols["n"] = [sup if h else i18n.format_count(int(v), lang) for v, h in zip(data["n"], hidden)]
    cols[i18n.text("base_n", lang)] = [sup if (b is None or np.isnan(b)) else i18n.format_count(int(b), lang)
                                       for b in data["base_n"].astype(float)]
    return pd.DataFrame(cols).reset_index(drop=True)


def render_chart(ed: Edition, chart_id: str) -> RenderedChart:
    """The chart as the reader sees it, from the edition's decided (protected) data."""
    chart = CHARTS_BY_ID[chart_id]
    data = ed.chart_data(chart_id)
    number = f"{CHAPTER_NUMBERS[chart.chapter]}.{chart.number}"
    title = i18n.chart_title(chart.id, ed.lang)
    lang = ed.lang
    if data.table.empty:
        fig = None
        table = pd.DataFrame()
    else:
        fig = share_bars(
            data.table, data.label_col, title, hue_col=data.hue_col,
            suppressed_label=ed.t("suppressed"), intervals=data.intervals)
        table = format_table(ed, data.table, data.hue_col, data.source)
    test_text = i18n.describe_test(data.test, ed.lang, ed.threshold)
    if data.source == "context":
        source = ed.t("source_context")
        base = ""
    else:
        source = ed.t("source_synthetic") if ed.synthetic else ed.t("source_duo")
        bases = data.table["base_n"].dropna() if not data.table.empty else pd.Series(dtype=float)
        if not len(bases):
            base = ""
        elif data.hue_col is None or bases.nunique() == 1:
            base = " " + i18n.labelled(ed.t("base_n"), i18n.format_count(int(bases.max()), lang), lang)
        else:
            base = " " + i18n.labelled(ed.t("base_n"), ", ".join(i18n.format_count(int(b), lang)
                                                                  for b in sorted(set(bases))), lang)
    parts = [f"{source}.{base}".strip()]
    if test_text:
        parts.append(test_text + ".")
    if data.source != "context" and not data.table.empty and data.table["suppressed"].any():
        parts.append(ed.t("suppressed_note", threshold=ed.threshold))
    caption = " ".join(parts)
    alt = alt_text(ed, title, data)
    csv = data.table.drop(columns=[c for c in ("ci_low", "ci_high") if c not in data.table], errors="ignore")
    return RenderedChart(chart, number, title, fig, table, csv, caption, alt, test_text, data.extra, ed,
                         data.group, data.test)


ALT_MAX_BARS = 8  # bars named in an alt text; the table under the chart gives them all


def alt_text(ed: Edition, title: str, data) -> str:
    """What the chart shows, for a reader who cannot see it: the comparison, with its numbers.

    A simple chart names each bar and its share in the order of the chart; a grouped chart
    does so group by group. Hidden (protected) cells are named as such, never given a value.
    The title is not repeated (the caption gives it)."""
    t = ed.t
    if data.table.empty:
        return title
    table = data.table
    hidden = table["suppressed"].fillna(False).astype(bool) if "suppressed" in table else table["share"].isna()
    if hidden.all():
        return t("alt_all_suppressed", threshold=ed.threshold)

    def bars(part, name_col):
        items = []
        for name, share, gone in zip(part[name_col], part["share"], hidden.loc[part.index]):
            items.append(t("alt_hidden", label=name) if gone else f"{name} {_pct(share, ed.lang)}")
        if len(items) > ALT_MAX_BARS:
            items = items[:ALT_MAX_BARS] + [t("alt_more", n=len(items) - ALT_MAX_BARS)]
        return ", ".join(items)

    if data.hue_col:
        groups = []
        for label in dict.fromkeys(table[data.label_col]):
            part = table[table[data.label_col] == label]
            groups.append(i18n.labelled(label, bars(part, data.hue_col), ed.lang))
        text = t("alt_chart_grouped", groups=t("alt_group_sep").join(groups))
    else:
        text = t("alt_chart_single", values=bars(table, data.label_col))
    if data.intervals and "ci_low" in table and table["ci_low"].notna().any():
        text += " " + t("alt_intervals")
    return text


def pipe_table(table: pd.DataFrame) -> str:
    """A Markdown pipe table (for the book's HTML and PDF alike)."""
    def cell(v):
        return str(v).replace("|", "\\|").replace("\n", " ")
    head = "| " + " | ".join(cell(c) for c in table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def format_extra(ed: Edition, extra: pd.DataFrame) -> pd.DataFrame:
    """The second table of a chart, for the reader (SIB differences, or already formatted)."""
    return format_sib(ed, extra) if "cohort" in extra.columns else extra


def format_sib(ed: Edition, extra: pd.DataFrame) -> pd.DataFrame:
    lang = ed.lang
    rows = []
    for r in extra.itertuples(index=False):
        rows.append({
            ed.t("cohort"): ed.t("pooled") if r.cohort == "pooled" else r.cohort,
            f"n {ed.label('sib_group', 'duo')}": i18n.format_count(r.duo_n, lang),
            f"n {ed.label('sib_group', 'control')}": i18n.format_count(r.control_n, lang),
            ed.t("difference"): ed.t("suppressed") if np.isnan(r.difference) else
            f"{i18n.format_number(r.difference, lang, 1)} {ed.t('points')}",
            ed.t("ci95"): "" if np.isnan(r.ci_low) else
            f"{i18n.format_number(r.ci_low, lang, 1)} … {i18n.format_number(r.ci_high, lang, 1)}",
            ed.t("p_value"): "" if np.isnan(r.p_value) else i18n.format_number(r.p_value, lang, 3),
        })
    return pd.DataFrame(rows)
