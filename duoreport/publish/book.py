"""Build the publication: a Dutch and a French Jupyter Book, web and PDF.

The chapter notebooks are executed per language (:mod:`.editions`), each language's source is
staged (:mod:`.stage`), then Jupyter Book builds the HTML; the print edition is assembled from
the built pages (:mod:`.print_edition`) and printed to PDF by the browser (:mod:`.pdf`).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from .. import i18n
from ..data.loading import load_dataset
from .editions import RunSpec, run_editions
from .pdf import find_browser, no_browser_message, print_edition_pdf
from .print_edition import PRINT_CSS, assemble, split_title
from .stage import LANGS, stage, write_if_changed


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


LANDING = """<!DOCTYPE html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>DUO for a JOB</title><meta name="description" content="{description}">
<link rel="icon" href="nl/_static/favicon.png">
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}}
a.lang{{display:block;font-size:1.3rem;margin:1rem 0}}{synthetic_css}</style></head>
<body>
<main>
<h1>DUO for a JOB</h1>
<p lang="nl">{subtitle_nl} — kies uw taal.</p>
<p lang="fr">{subtitle_fr} — choisissez votre langue.</p>
{banner}
<a class="lang" href="nl/index.html" hreflang="nl" lang="nl">Nederlands</a>
<a class="lang" href="fr/index.html" hreflang="fr" lang="fr">Français</a>
{pdf_links}
</main>
</body></html>
"""


def landing_page(synthetic: bool, pdf_langs=LANGS, titles: dict | None = None) -> str:
    """The language choice, with links to the PDFs of ``pdf_langs`` (those that were printed);
    ``titles`` are the books' titles as staged ("DUO for a JOB – ervaringsverslag na vijf jaar
    werking", the number of years from the edition's data), whose part after the dash is shown."""
    banner = ""
    if synthetic:
        banner = ("<p class='syn' lang='nl'><strong>" + i18n.text("synthetic_banner", "nl") + "</strong></p>"
                  "<p class='syn' lang='fr'><strong>" + i18n.text("synthetic_banner", "fr") + "</strong></p>")
    css = ".syn{border-left:6px solid #D55E00;background:#fff3e8;padding:.5rem .8rem}" if synthetic else ""
    links = " · ".join(f'<a href="{lang}/duo-for-a-job-{lang}.pdf" hreflang="{lang}">PDF ({lang})</a>'
                       for lang in pdf_langs)
    description = html.escape(i18n.text("print_subject", "nl") + " / " + i18n.text("print_subject", "fr"))
    subtitles = {lang: html.escape(split_title((titles or {}).get(lang, ""))[1] or i18n.text("print_subject", lang))
                 for lang in LANGS}
    return LANDING.format(banner=banner, synthetic_css=css, pdf_links=f"<p>{links}</p>" if links else "",
                          description=description, subtitle_nl=subtitles["nl"], subtitle_fr=subtitles["fr"])


def _tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.suffix not in (".buildinfo", ".pickle"):
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def edition_slug(year="all", antenna="all") -> str:
    """``all-all`` for the whole report; ``2015-liege`` for one edition."""
    return f"{year}-{antenna}"


def site_dir(build_dir: Path, year="all", antenna="all") -> Path:
    """Where a book is published: ``build/site`` for the whole report, ``build/site-2015-liege`` for an edition."""
    slug = edition_slug(year, antenna)
    return Path(build_dir) / ("site" if slug == "all-all" else f"site-{slug}")


def build_pdf(site_lang: Path, lang: str, edition_dir: Path, stage_dir: Path, work_dir: Path, target: Path,
              browser: Path, log=print, previous: Path | None = None) -> None:
    """The print edition of one language, assembled from its built web pages, printed by the browser
    (or the ``previous`` PDF copied when nothing it is made of has changed)."""
    config = yaml.safe_load((stage_dir / "_config.yml").read_text(encoding="utf-8"))  # as staged: title resolved
    info = json.loads(next(iter(sorted(edition_dir.glob("*_provenance.json")))).read_text(encoding="utf-8"))
    info["organisation"] = (config.get("parse", {}).get("myst_substitutions", {}) or {}).get("organisation") \
        or config["author"]
    doc = assemble(site_lang, lang, work_dir / "print" / "index.html", config, info)
    stamp = work_dir / "pdf.stamp"
    digest = hashlib.sha256(doc.html_file.read_bytes() + _tree_hash(site_lang / "_images").encode()
                            + PRINT_CSS.read_bytes()).hexdigest()
    previous = previous if previous is not None else target
    if previous.exists() and stamp.exists() and stamp.read_text() == digest:
        if previous != target:
            shutil.copy2(previous, target)
        log(f"[{lang}] PDF up to date")
        return
    stamp.unlink(missing_ok=True)
    printings = print_edition_pdf(doc, target, browser)
    stamp.write_text(digest)
    log(f"[{lang}] PDF printed ({printings} printings)")


def build_book(data_dir: Path, build_dir: Path, pdf: bool = True, log=print, year="all", antenna="all",
               mapping=None, compare_with=None, before_swap=None) -> dict:
    """Editions (nl, fr) -> staged books -> HTML sites and PDFs under build_dir/site.

    ``year`` and/or ``antenna`` publish one edition's book (an antenna coordinator's report)
    under ``build_dir/site-<year>-<antenna>``, its prose checked by the same claims and its
    numbers protected like every edition. Without a browser (:func:`.pdf.find_browser`) the web
    books are built and the PDFs skipped, with one line saying how to get them.

    The new site is assembled in a folder of its own and swapped in only when both books (and
    their PDFs) are built: a failed build leaves the previous site, and the files written by
    ``before_swap(folder)`` (the audit), untouched. ``mapping`` is the export's import mapping
    (if not beside it); ``compare_with`` (an earlier export's Dataset) adds what changed since
    it to the audit appendix."""
    times = {}
    browser = find_browser() if pdf else None
    skipped_pdf = pdf and browser is None
    pdf = browser is not None
    data_dir = Path(data_dir).resolve()
    build_dir = Path(build_dir).resolve()
    slug = edition_slug(year, antenna)
    site = site_dir(build_dir, year, antenna)
    work = build_dir if slug == "all-all" else build_dir / "edition-books" / slug
    ds = load_dataset(data_dir, mapping)
    nxt = work / ".next"
    shutil.rmtree(nxt, ignore_errors=True)
    (nxt / "site").mkdir(parents=True)
    try:
        t0 = time.perf_counter()
        # the notebooks run in worker processes (both languages at once); papermill's event
        # loop never enters this process, which later drives chromium for the PDFs
        specs = [RunSpec(str(year), antenna, lang, str(data_dir), mapping="" if mapping is None else str(mapping))
                 for lang in LANGS]
        for result in run_editions(specs, build_dir / "editions", ds.data_hash, progress=False):
            if result.status == "failed":
                raise RuntimeError(f"edition {result.spec.slug} failed: {result.message}")
            log(f"[{result.spec.lang}] chapter notebooks: {result.status} ({result.seconds:.1f} s)")
        times["notebooks"] = time.perf_counter() - t0
        for lang in LANGS:
            t0 = time.perf_counter()
            spec = specs[LANGS.index(lang)]
            stage_dir = work / "stage" / lang
            stage(lang, build_dir / "editions" / spec.slug, stage_dir, data_dir, mapping=mapping,
                  compare_with=compare_with)
            jb = work / "jb" / lang
            sources = _tree_hash(stage_dir)
            shutil.copytree(_jupyter_book_once(stage_dir, jb, "html", sources, lang, log), nxt / "site" / lang)
            if pdf:
                name = f"duo-for-a-job-{lang}.pdf"
                build_pdf(nxt / "site" / lang, lang, build_dir / "editions" / spec.slug, stage_dir, jb,
                          nxt / "site" / lang / name, browser, log, previous=site / lang / name)
            times[lang] = time.perf_counter() - t0
        printed = [lang for lang in LANGS if (nxt / "site" / lang / f"duo-for-a-job-{lang}.pdf").exists()]
        titles = {lang: yaml.safe_load((work / "stage" / lang / "_config.yml").read_text(encoding="utf-8"))["title"]
                  for lang in LANGS}
        write_if_changed(nxt / "site" / "index.html", landing_page(ds.synthetic, printed, titles))
        if before_swap is not None:
            before_swap(nxt)
        _swap_in(nxt, site, build_dir)
        log(f"Web books{' and PDFs' if printed else ''}: {site}")
        if skipped_pdf:
            log(no_browser_message())
    finally:
        shutil.rmtree(nxt, ignore_errors=True)
    return times


def _jupyter_book_once(stage_dir: Path, jb: Path, builder: str, sources: str, lang: str, log) -> Path:
    """Run Jupyter Book unless its last successful run was on the same sources (a stamp says so)."""
    built, stamp = jb / "_build" / builder, jb / f"{builder}.stamp"
    if (built / "index.html").exists() and stamp.exists() and stamp.read_text() == sources:
        log(f"[{lang}] book sources unchanged: {builder} build reused")
        return built
    stamp.unlink(missing_ok=True)
    built = run_jupyter_book(stage_dir, jb, builder)
    stamp.write_text(sources)
    log(f"[{lang}] {builder} build done")
    return built


def _swap_in(nxt: Path, site: Path, build_dir: Path) -> None:
    """Replace ``site`` by nxt/site (one rename each way), then move nxt's other files to build_dir."""
    old = site.with_name(f".{site.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if site.exists():
        os.replace(site, old)
    os.replace(nxt / "site", site)
    shutil.rmtree(old, ignore_errors=True)
    for f in nxt.iterdir():
        if f.is_file():
            os.replace(f, build_dir / f.name)
