"""What a chapter notebook calls: open the edition, show its charts, glue its key numbers.

Everything shown comes from the edition's decided, protected data (:mod:`.edition`), rendered
by :mod:`.render`; this module only displays it, glues it for the book and writes the chart
files (CSV, PNG, description) that the book build reads.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import __version__, i18n
from .edition import Edition
from .plots import placeholder, png_bytes
from .render import RenderedChart, format_extra, pipe_table, render_chart

__all__ = ["open_edition", "show", "show_header", "glue_key_numbers"]


def open_edition(data_dir, year, antenna, lang, threshold, chapter: str, output_dir=None, mapping=None) -> Edition:
    """Load and check the data, restrict it to the edition and show the header."""
    ed = Edition(data_dir or None, year, antenna, lang, int(threshold), mapping or None)
    show_header(ed, chapter, {"year": ed.year, "antenna": ed.antenna, "lang": lang, "threshold": ed.threshold},
                output_dir or None)
    return ed


def show(ed: Edition, chart_id: str, output_dir: str | Path | None = None) -> None:
    """Display a chart with its table and caption, glue them for the book, save its CSV."""
    from IPython.display import HTML, Image, Markdown, display
    from myst_nb import glue

    r = render_chart(ed, chart_id)
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


def save_chart_files(r: RenderedChart, out: Path, png: bytes | None) -> None:
    """The chart's CSV (suppressed data), PNG and a description the book build reads."""
    for sub in ("data", "figures", "charts"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    data = r.data if len(r.data.columns) else pd.DataFrame(columns=["category", "n", "base_n", "share", "suppressed"])
    data.to_csv(out / "data" / f"{r.chart.id}.csv", index=False, lineterminator="\n")
    if png is None:  # no data in this edition: a slot that keeps the figure's number and references
        slot = placeholder(r.title, r.edition.t("no_data"))
        png = png_bytes(slot)
        plt.close(slot)
    (out / "figures" / f"{r.chart.id}.png").write_bytes(png)
    extra = None
    if r.extra is not None and not r.extra.empty:
        extra = pipe_table(format_extra(r.edition, r.extra))
    meta = {"id": r.chart.id, "chapter": r.chart.chapter, "number": r.number, "title": r.title,
            "alt": r.alt, "caption": r.caption, "empty": r.figure is None,
            "table": pipe_table(r.table) if not r.table.empty else "", "extra_table": extra,
            # what the narrative claims read (duoreport.report.claims): the published cells only
            "cells": published_cells(r), "test": published_test(r.test),
            "extra": _records(r.extra) if r.extra is not None and not r.extra.empty else None}
    (out / "charts" / f"{r.chart.id}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n",
                                                       encoding="utf-8")


def _plain(value):
    """A JSON value: NaN and NA as null, numpy scalars as Python numbers."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _records(table: pd.DataFrame) -> list:
    return [{k: _plain(v) for k, v in row.items()} for row in table.to_dict("records")]


def published_cells(r: RenderedChart) -> list:
    """The chart's cells as published (protected values are null), with language-neutral codes."""
    if r.data.empty or "category" not in r.data:
        return []
    cells = []
    for row in r.data.to_dict("records"):
        hidden = bool(row.get("suppressed", False))
        cells.append({
            "category": i18n.code_key(row["category"]),
            "group": i18n.code_key(row[r.group_col]) if r.group_col else None,
            "share": None if hidden else _plain(row.get("share")),
            "n": None if hidden else _plain(row.get("n")),
            "base_n": _plain(row.get("base_n")),
            "suppressed": hidden,
        })
    return cells


def published_test(test) -> dict | None:
    if test is None or test.method == "none":
        return None
    return {"method": test.method, "p_value": _plain(test.p_value)}


def provenance(ed: Edition, parameters: dict) -> dict:
    info = {
        "data_source": str(ed.data_dir),
        "synthetic": ed.synthetic,
        "data_hash": ed.dataset.data_hash,
        "parameters": parameters,
        "code_version": __version__ + _git_describe(),
        "build_date": date.today().isoformat(),
        "n_mentees": ed.n_mentees,
        "scope": ed.scope(),
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
        payload = {k: {"value": _plain(v), "base_n": _plain(b), "shown": s} for k, (v, b, s) in numbers.items()}
        (out / f"{chapter}_numbers.json").write_text(json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                                      encoding="utf-8")
    return numbers
