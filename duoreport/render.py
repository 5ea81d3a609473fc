"""Turn a computed chart into what a reader sees: figure, table, caption, alt text, CSV."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import __version__, i18n
from .chapters import CHAPTER_NUMBERS, ChartDef, Edition
from .plots import png_bytes, share_bars


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


def describe_test(ed: Edition, test) -> str | None:
    if test is None or test.method == "none":
        return None
    if test.method == "withheld":
        return ed.t("test_withheld")
    name = ed.t({"chi2": "chi2_test", "fisher": "fisher_test", "chi2_permutation": "permutation_test"}[test.method])
    p = "p < 0,001" if test.p_value < 0.001 else f"p = {i18n.format_number(test.p_value, ed.lang, 3)}"
    return f"{name}: {p}"


def render_chart(ed: Edition, chart: ChartDef) -> RenderedChart:
    data = chart.build(ed)
    register_suppressed(ed, data)
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
    test_text = describe_test(ed, data.test)
    if data.source == "context":
        source = ed.t("source_context")
        base = ""
    else:
        source = ed.t("source_synthetic") if ed.synthetic else ed.t("source_duo")
        bases = data.table["base_n"].dropna() if not data.table.empty else pd.Series(dtype=float)
        base = (f" {ed.t('base_n')}: " + i18n.format_count(int(bases.max()), lang)) if len(bases) and (
            data.hue_col is None or bases.nunique() == 1) else (
            f" {ed.t('base_n')}: " + ", ".join(i18n.format_count(int(b), lang) for b in sorted(set(bases))) if len(bases) else "")
    parts = [f"{source}.{base}".strip()]
    if test_text:
        parts.append(test_text + ".")
    if data.source != "context" and not data.table.empty and data.table["suppressed"].any():
        parts.append(ed.t("suppressed_note", threshold=ed.threshold))
    caption = " ".join(parts)
    alt = alt_text(ed, title, data)
    csv = data.table.drop(columns=[c for c in ("ci_low", "ci_high") if c not in data.table], errors="ignore")
    return RenderedChart(chart, number, title, fig, table, csv, caption, alt, test_text, data.extra, ed)


def register_suppressed(ed: Edition, data) -> None:
    """Remember which (variable, category) cells a chart hid, for the key numbers."""
    if data.table.empty or "suppressed" not in data.table or data.source == "context":
        return
    for row in data.table[data.table["suppressed"]].itertuples(index=False):
        category = str(row.category).lower()
        if data.variable:
            ed.suppressed_cells.add((data.variable, category))
        else:  # one yes/no column per row: the row's category names the column
            ed.suppressed_cells.update({(row.category, "true"), (row.category, "false")})


def alt_text(ed: Edition, title: str, data) -> str:
    """A sentence describing the chart for a reader who cannot see it."""
    if data.table.empty:
        return title
    visible = data.table[~data.table["suppressed"]] if "suppressed" in data.table else data.table
    if visible.empty:
        return f"{title}. {ed.t('alt_all_suppressed')}"
    top = visible.sort_values("share", ascending=False).iloc[0]
    who = top["label"] + (f" ({top[data.hue_col]})" if data.hue_col else "")
    return (f"{ed.t('alt_bar_chart')}: {title}. "
            f"{ed.t('alt_largest')}: {who}, {_pct(top['share'], ed.lang)}.")


# --- in a notebook ---------------------------------------------------------------

def show(ed: Edition, chart_id: str, output_dir: str | Path | None = None) -> None:
    """Display a chart with its table and caption, glue them for the book, save its CSV."""
    from IPython.display import HTML, Image, Markdown, display
    from myst_nb import glue

    r = ed.chart(chart_id)
    if r.figure is None:
        if output_dir:
            save_chart_files(r, Path(output_dir), None)
        display(Markdown(f"**{ed.t('figure')} {r.number}. {r.title}** — {ed.t('no_data')}"))
        glue(f"fig_{chart_id}", Markdown(ed.t("no_data")), display=False)
        glue(f"tab_{chart_id}", Markdown(ed.t("no_data")), display=False)
        glue(f"cap_{chart_id}", Markdown(ed.t("no_data")), display=False)
        glue(f"alt_{chart_id}", Markdown(r.title), display=False)
        return None
    image = Image(data=png_bytes(r.figure), format="png")
    plt.close(r.figure)
    glue(f"fig_{chart_id}", image, display=False)
    display(Markdown(f"**{ed.t('figure')} {r.number}. {r.title}**"))
    display(image)
    html = r.table.to_html(index=False, border=0, classes="duo-table", escape=True)
    glue(f"tab_{chart_id}", HTML(html), display=False)
    display(HTML(html))
    if r.extra is not None and not r.extra.empty:
        extra = format_extra(ed, r.extra).to_html(index=False, border=0)
        glue(f"extra_{chart_id}", HTML(extra), display=False)
        display(HTML(extra))
    glue(f"cap_{chart_id}", Markdown(r.caption), display=False)
    glue(f"alt_{chart_id}", Markdown(r.alt), display=False)
    display(Markdown(f"*{r.caption}*"))
    if output_dir:
        save_chart_files(r, Path(output_dir), image.data)
    return None


def pipe_table(table: pd.DataFrame) -> str:
    """A Markdown pipe table (for the book's HTML and PDF alike)."""
    def cell(v):
        return str(v).replace("|", "\\|").replace("\n", " ")
    head = "| " + " | ".join(cell(c) for c in table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def save_chart_files(r: RenderedChart, out: Path, png: bytes | None) -> None:
    """The chart's CSV (suppressed data), PNG and a description the book build reads."""
    for sub in ("data", "figures", "charts"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    data = r.data if len(r.data.columns) else pd.DataFrame(columns=["category", "n", "base_n", "share", "suppressed"])
    data.to_csv(out / "data" / f"{r.chart.id}.csv", index=False, lineterminator="\n")
    if png is not None:
        (out / "figures" / f"{r.chart.id}.png").write_bytes(png)
    extra = None
    if r.extra is not None and not r.extra.empty:
        extra = pipe_table(format_extra(r.edition, r.extra))
    meta = {"id": r.chart.id, "chapter": r.chart.chapter, "number": r.number, "title": r.title,
            "alt": r.alt, "caption": r.caption, "empty": r.figure is None,
            "table": pipe_table(r.table) if not r.table.empty else "", "extra_table": extra}
    (out / "charts" / f"{r.chart.id}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n",
                                                       encoding="utf-8")


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


def provenance(ed: Edition, parameters: dict) -> dict:
    info = {
        "data_source": str(ed.data_dir),
        "synthetic": ed.synthetic,
        "data_hash": ed.dataset.data_hash,
        "parameters": parameters,
        "code_version": __version__ + _git_describe(),
        "build_date": date.today().isoformat(),
        "n_mentees": ed.n_mentees,
    }
    return info


def _git_describe() -> str:
    import subprocess

    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             cwd=Path(__file__).parent, timeout=5).stdout.strip()
    except Exception:  # noqa: BLE001 — no git in an installed copy
        rev = ""
    return f"+{rev}" if rev else ""


def show_header(ed: Edition, chapter: str, parameters: dict, output_dir=None) -> dict:
    """Banner (synthetic data), provenance box and the edition's scope."""
    from IPython.display import HTML, Markdown, display
    from myst_nb import glue

    info = provenance(ed, parameters)
    display(Markdown(f"# {ed.t('chapter_' + chapter)}"))
    if output_dir:
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{chapter}_provenance.json").write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n",
                                                        encoding="utf-8")
    if ed.synthetic:
        banner = f"<div class='duo-synthetic'><strong>⚠ {ed.t('synthetic_banner')}</strong></div>"
        display(HTML(banner))
        glue(f"banner_{chapter}", HTML(banner), display=False)
    rows = [(ed.t("data_source"), ed.t("synthetic_data") if ed.synthetic else ed.t("real_data")),
            (ed.t("data_hash"), info["data_hash"][:16]),
            (ed.t("parameters"), ", ".join(f"{k} = {v}" for k, v in parameters.items())),
            (ed.t("code_version"), info["code_version"]),
            (ed.t("build_date"), info["build_date"]),
            (ed.t("n_mentees"), i18n.format_count(info["n_mentees"], ed.lang))]
    box = "<table class='duo-provenance'>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"
    display(HTML(box))
    glue(f"provenance_{chapter}", HTML(box), display=False)
    return info


def glue_key_numbers(ed: Edition, chapter: str, output_dir: str | Path | None = None) -> dict:
    """Glue the chapter's key numbers (formatted for the language) and save them as JSON."""
    from myst_nb import glue

    numbers = ed.key_numbers(chapter)
    for key, (value, base, shown) in numbers.items():
        # a plain string: the book pastes it with {glue:text}`notebooks/<chapter>.ipynb::<key>:s`
        glue(key, shown, display=False)
    if output_dir:
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        payload = {k: {"value": None if np.isnan(v) else v, "base_n": b, "shown": s} for k, (v, b, s) in numbers.items()}
        (out / f"{chapter}_numbers.json").write_text(json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                                      encoding="utf-8")
    return numbers
