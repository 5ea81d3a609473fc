"""Build the publication: a Dutch and a French Jupyter Book, web and PDF.

For each language the build stages a source folder ``build/stage/<lang>/`` from

- the root ``_config.yml`` and ``_toc.yml`` (merged with ``book/<lang>/lang.yml``),
- the narrative pages ``book/<lang>/*.md`` (chart markers replaced by numbered figures,
  tables, captions and CSV links; a provenance box on each chapter),
- the chapter notebooks executed by papermill for the whole population in that language
  (their glued numbers are pasted into the prose),
- the bibliography, templates and static files,

then runs Jupyter Book (HTML, and single-page HTML printed to PDF by Debian's chromium).
Files are rewritten only when their content changes, so a second build with nothing
changed is incremental.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

from . import contract as C
from . import i18n
from .chapters import CHAPTERS
from .explore_web import build_cube, chart_permalink, cube_json

ROOT = C.REPO_ROOT
LANGS = ("nl", "fr")
CHART_MARKER = re.compile(r"^<!-- chart: ([a-z0-9_]+) -->\s*$", re.M)
AUDIT_MARKER = "<!-- audit-table -->"
CONTRACT_MARKER = "<!-- contract-tables -->"
EXPLORE_NOTE_MARKER = "<!-- explore-data-note -->"
CHROMIUM = "/usr/lib/chromium/chromium"


def write_if_changed(path: Path, data) -> bool:
    """Write text or bytes only when different: unchanged files keep their time stamp."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == raw:
        return False
    path.write_bytes(raw)
    return True


def deep_merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def book_config(lang: str) -> dict:
    base = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    extra = yaml.safe_load((ROOT / "book" / lang / "lang.yml").read_text(encoding="utf-8"))
    return deep_merge(base, extra)


# --- pieces of pages ------------------------------------------------------------

def chart_block(meta: dict, lang: str) -> str:
    cid = meta["id"]
    if meta.get("empty"):
        return f"**{meta['title']}** — {i18n.text('no_data', lang)}\n"
    alt = meta["alt"].replace("\n", " ").replace('"', "'")
    csv = f"{{download}}`{i18n.text('download_csv', lang)} <data/{cid}.csv>`"
    parts = [
        f":::{{figure}} figures/{cid}.png",
        f":name: fig-{cid}",
        f":alt: {alt}",
        ":width: 100%",
        "",
        f"{meta['title']}. {meta['caption']} {csv}",
        ":::",
        "",
        meta["table"],
        "",
    ]
    if meta.get("extra_table"):
        parts += [meta["extra_table"], ""]
    link = chart_permalink(cid) if meta.get("chapter") in ("impact", "profile") else None
    if link:  # raw HTML: a plain relative link, which Sphinx would not try to resolve
        href = "explore.html#" + link.replace("&", "&amp;")
        parts += [f'<p class="duo-explore-link"><a href="{href}">{i18n.text("explore_link", lang)}</a></p>', ""]
    return "\n".join(parts)


def explore_note(synthetic: bool, lang: str) -> str:
    """The box above the explorer: where its numbers come from."""
    if synthetic:
        return "\n".join([":::{admonition} " + i18n.text("provenance_title", lang), ":class: duo-synthetic", "",
                          f"**{i18n.text('synthetic_banner', lang)}**", ":::", ""])
    return "\n".join([":::{note}", i18n.text("source_duo", lang), ":::", ""])


def provenance_block(info: dict, lang: str) -> str:
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    source = t("synthetic_data") if info["synthetic"] else t("real_data")
    params = ", ".join(f"{k} = {v}" for k, v in info["parameters"].items())
    lines = [":::{admonition} " + t("provenance_title"), ":class: " + ("duo-synthetic" if info["synthetic"] else "note"), ""]
    if info["synthetic"]:
        lines += [f"**{t('synthetic_banner')}**", ""]
    rows = [(t("data_source"), source), (t("data_hash"), f"`{info['data_hash'][:16]}`"),
            (t("parameters"), params), (t("code_version"), f"`{info['code_version']}`"),
            (t("build_date"), info["build_date"])]
    for term, value in rows:
        lines += [term, f": {value}", ""]
    lines += [":::", ""]
    return "\n".join(lines)


def audit_markdown(audit: pd.DataFrame, decisions: pd.DataFrame, lang: str) -> str:
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    from .render import pipe_table

    def num(x):
        return "" if pd.isna(x) else i18n.format_number(x, lang, 2).rstrip("0").rstrip(",")

    table = pd.DataFrame({
        "id": [f"`{i}`" for i in audit["id"]],
        t("published"): [num(v) for v in audit["published"]],
        t("recomputed"): [num(v) for v in audit["recomputed"]],
        t("difference"): [num(v) for v in audit["difference"]],
        t("tolerance"): [num(v) for v in audit["tolerance"]],
        t("base_n"): [i18n.format_count(int(n), lang) for n in audit["base_n"]],
        t("within_tolerance"): [t("yes") if ok else t("no") for ok in audit["within_tolerance"]],
        t("status"): [t("status_" + s) for s in audit["status"]],
    })
    held = int(audit.loc[audit["status"] == "reproduce", "within_tolerance"].sum())
    audited = int((audit["status"] == "reproduce").sum())
    summary = i18n.text("audit_summary", lang, figures=i18n.format_count(len(audit), lang),
                                        audited=i18n.format_count(audited, lang),
                                        held=i18n.format_count(held, lang),
                                        inconsistent=i18n.format_count(int((audit["status"] == "inconsistent").sum()), lang))
    issue = f"issue_{lang}" if f"issue_{lang}" in decisions else "issue"
    rule = f"rule_{lang}" if f"rule_{lang}" in decisions else "rule"
    dec = pd.DataFrame({"id": [f"`{i}`" for i in decisions["id"]],
                        t("figures"): [", ".join(f"`{f}`" for f in cell.split(";") if f) for cell in decisions["figures"]],
                        t("issue"): decisions[issue], t("rule"): decisions[rule]})
    return "\n\n".join([summary, f"## {t('audit_table_title')}", pipe_table(table),
                        f"## {t('decisions_title')}", t("decisions_language_note"), pipe_table(dec), ""])


def contract_markdown(lang: str) -> str:
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    from .render import pipe_table

    out = []
    for table in C.TABLES:
        req = t("required") if table.required else t("optional")
        out += [f"### `{table.name}` ({req})", "", f"{t('primary_key')}: `{', '.join(table.primary_key)}`", ""]
        rows = []
        for f in table.fields:
            codes = C.codes_of(f)
            if f.reference:
                allowed = i18n.text("see_reference", lang, name=f"data/reference/{f.reference}.csv")
            elif codes is not None:
                code_list = i18n.code_list_of(f.name, table.name)
                allowed = "; ".join(f"`{c}` {i18n.label(code_list, c, lang)}" for c in codes)
            elif f.minimum is not None or f.maximum is not None:
                allowed = f"{'' if f.minimum is None else f.minimum} … {'' if f.maximum is None else f.maximum}"
            else:
                allowed = ""
            rows.append({t("column"): f"`{f.name}`", t("type"): t("type_" + f.type),
                         t("required"): t("yes") if f.required else t("no"), t("allowed_values"): allowed,
                         t("meaning"): i18n.variable_label(f.name, lang, table.name)})
        out += [pipe_table(pd.DataFrame(rows)), ""]
    return "\n".join(out)


# --- staging -------------------------------------------------------------------------

def bibliography_for_book() -> str:
    """references.bib without the curators' notes (written in one language) and keywords."""
    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    return re.sub(r"^\s*(note|keywords|langid)\s*=\s*\{.*?\},?\s*$\n", "", text, flags=re.M)


def stage(lang: str, edition_dir: Path, stage_dir: Path, data_dir: Path, pages_dir: Path | None = None) -> bool:
    """Write the language's Jupyter Book source; return True if any file changed."""
    from .audit import run_audit
    from .loading import load_dataset

    stage_dir.mkdir(parents=True, exist_ok=True)
    changed = False
    config = book_config(lang)
    notebook_title = config.pop("notebook_title")
    changed |= write_if_changed(stage_dir / "_config.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    changed |= write_if_changed(stage_dir / "_toc.yml", (ROOT / "_toc.yml").read_text(encoding="utf-8"))
    changed |= write_if_changed(stage_dir / "references.bib", bibliography_for_book())
    for src, dst in ((ROOT / "book" / "static", stage_dir / "_static"), (ROOT / "book" / "templates", stage_dir / "_templates")):
        for f in src.iterdir():
            changed |= write_if_changed(dst / f.name, f.read_bytes())
    for sub in ("figures", "data"):
        for f in sorted((edition_dir / sub).glob("*")):
            changed |= write_if_changed(stage_dir / sub / f.name, f.read_bytes())
    for chapter in CHAPTERS:
        nb = json.loads((edition_dir / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":  # the notebook's own heading, in the book's language
                text = "".join(cell["source"])
                cell["source"] = re.sub(r"^# .*$", f"# {notebook_title}: {i18n.text('chapter_' + chapter, lang)}",
                                        text, count=1, flags=re.M)
                break
        changed |= write_if_changed(stage_dir / "notebooks" / f"{chapter}.ipynb", json.dumps(nb, ensure_ascii=False, indent=1))

    charts = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (edition_dir / "charts").glob("*.json")}
    ds = load_dataset(data_dir)
    audit = run_audit(ds)
    # the explorer page's data: suppressed views only (duoreport.explore_web), never microdata
    from .views import build_views

    # rebuilt only when the data or the code changed (the cube takes several seconds)
    from .pipeline import code_hash

    key = f"{ds.data_hash}:{code_hash()}"
    cube_file, key_file = stage_dir / "_static" / f"explore-{lang}.json", stage_dir / f".explore-{lang}.key"
    if not (cube_file.exists() and key_file.exists() and key_file.read_text() == key):
        cube = build_cube(build_views(ds), lang, synthetic=ds.synthetic)
        changed |= write_if_changed(cube_file, cube_json(cube))
        key_file.write_text(key)
    decisions = pd.read_csv(ROOT / "data" / "published" / "decisions.csv", keep_default_na=False)
    for page in sorted((pages_dir or ROOT / "book" / lang).glob("*.md")):
        text = page.read_text(encoding="utf-8")
        used = CHART_MARKER.findall(text)
        missing = [c for c in used if c not in charts]
        if missing:
            raise RuntimeError(f"{page}: no chart output for {missing} (run the editions first)")
        text = CHART_MARKER.sub(lambda m: chart_block(charts[m.group(1)], lang), text)
        if page.stem in CHAPTERS:
            info = json.loads((edition_dir / f"{page.stem}_provenance.json").read_text(encoding="utf-8"))
            head, _, rest = text.partition("\n")
            text = head + "\n\n" + provenance_block(info, lang) + rest
        if AUDIT_MARKER in text:
            text = text.replace(AUDIT_MARKER, audit_markdown(audit, decisions, lang))
        if CONTRACT_MARKER in text:
            text = text.replace(CONTRACT_MARKER, contract_markdown(lang))
        if EXPLORE_NOTE_MARKER in text:
            text = text.replace(EXPLORE_NOTE_MARKER, explore_note(ds.synthetic, lang))
        changed |= write_if_changed(stage_dir / page.name, text)
    return changed


# --- building ------------------------------------------------------------------------

def run_jupyter_book(stage_dir: Path, out_dir: Path, builder: str = "html") -> Path:
    """Run Jupyter Book; fail on any warning (broken reference, missing glue key or image)."""
    cmd = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(stage_dir), "--path-output", str(out_dir),
           "--builder", builder, "--warningiserror", "--keep-going", "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    log = out_dir / f"build-{builder}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(proc.stdout + "\n" + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        raise RuntimeError(f"Jupyter Book ({builder}) failed for {stage_dir.name}; see {log}\n{proc.stderr[-3000:]}")
    return out_dir / "_build" / builder


def print_pdf(html_file: Path, pdf_file: Path) -> None:
    """Print the single-page HTML with Debian's chromium (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page()
        page.goto(html_file.resolve().as_uri(), wait_until="load")
        page.emulate_media(media="print")
        page.pdf(path=str(pdf_file), format="A4", print_background=True, outline=True, tagged=True,
                 margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                 display_header_footer=True, header_template="<span></span>",
                 footer_template="<div style='font-size:8px;width:100%;text-align:center'>"
                                 "<span class='pageNumber'></span> / <span class='totalPages'></span></div>")
        browser.close()


LANDING = """<!DOCTYPE html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>DUO for a JOB</title><link rel="icon" href="nl/_static/favicon.png">
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}}
a.lang{{display:block;font-size:1.3rem;margin:1rem 0}}{synthetic_css}</style></head>
<body>
<h1>DUO for a JOB</h1>
<p lang="nl">Ervaringsverslag na vijf jaar werking — kies uw taal.</p>
<p lang="fr">Rapport d’expérience après cinq ans d’activité — choisissez votre langue.</p>
{banner}
<a class="lang" href="nl/index.html" hreflang="nl" lang="nl">Nederlands</a>
<a class="lang" href="fr/index.html" hreflang="fr" lang="fr">Français</a>
<p><a href="nl/duo-for-a-job-nl.pdf" hreflang="nl">PDF (nl)</a> · <a href="fr/duo-for-a-job-fr.pdf" hreflang="fr">PDF (fr)</a></p>
</body></html>
"""


def landing_page(synthetic: bool) -> str:
    banner = ""
    if synthetic:
        banner = ("<p class='syn' lang='nl'><strong>" + i18n.text("synthetic_banner", "nl") + "</strong></p>"
                  "<p class='syn' lang='fr'><strong>" + i18n.text("synthetic_banner", "fr") + "</strong></p>")
    css = ".syn{border-left:6px solid #D55E00;background:#fff3e8;padding:.5rem .8rem}" if synthetic else ""
    return LANDING.format(banner=banner, synthetic_css=css)


def _tree_hash(folder: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.suffix not in (".buildinfo", ".pickle"):
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def build_book(data_dir: Path, build_dir: Path, pdf: bool = True, log=print) -> dict:
    """Editions (nl, fr) -> staged books -> HTML sites and PDFs under build_dir/site."""
    from .loading import load_dataset
    from .pipeline import RunSpec, run_editions

    times = {}
    site = build_dir / "site"
    ds = load_dataset(data_dir)
    t0 = time.perf_counter()
    # the notebooks run in worker processes (both languages at once); papermill's event
    # loop never enters this process, which later drives chromium for the PDFs
    specs = [RunSpec("all", "all", lang, str(data_dir)) for lang in LANGS]
    for result in run_editions(specs, build_dir / "editions", ds.data_hash, progress=False):
        if result.status == "failed":
            raise RuntimeError(f"edition {result.spec.slug} failed: {result.message}")
        log(f"[{result.spec.lang}] chapter notebooks: {result.status} ({result.seconds:.1f} s)")
    times["notebooks"] = time.perf_counter() - t0
    for lang in LANGS:
        t0 = time.perf_counter()
        spec = specs[LANGS.index(lang)]
        stage_dir = build_dir / "stage" / lang
        changed = stage(lang, build_dir / "editions" / spec.slug, stage_dir, Path(data_dir))
        built = build_dir / "jb" / lang / "_build"
        pdf_file = site / lang / f"duo-for-a-job-{lang}.pdf"
        if not changed and (built / "html" / "index.html").exists() and (site / lang / "index.html").exists() \
                and (not pdf or pdf_file.exists()):
            log(f"[{lang}] book sources unchanged: web book and PDF reused")
            times[lang] = time.perf_counter() - t0
            continue
        html = run_jupyter_book(stage_dir, build_dir / "jb" / lang, "html")
        shutil.copytree(html, site / lang, dirs_exist_ok=True)
        log(f"[{lang}] web book: {site / lang / 'index.html'}")
        if pdf:
            single = run_jupyter_book(stage_dir, build_dir / "jb" / lang, "singlehtml")
            target = site / lang / f"duo-for-a-job-{lang}.pdf"
            stamp = build_dir / "jb" / lang / "pdf.stamp"
            digest = _tree_hash(single)
            if target.exists() and stamp.exists() and stamp.read_text() == digest:
                log(f"[{lang}] PDF up to date: {target}")
            else:
                print_pdf(single / "index.html", target)
                stamp.write_text(digest)
                log(f"[{lang}] PDF: {target}")
        times[lang] = time.perf_counter() - t0
    write_if_changed(site / "index.html", landing_page(ds.synthetic))
    return times
