"""Build the publication: a Dutch and a French Jupyter Book, web and PDF.

The chapter notebooks are executed per language (:mod:`.editions`), each language's source is
staged (:mod:`.stage`), then Jupyter Book builds the HTML and the single-page HTML that
chromium prints to PDF (:mod:`.pdf`).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .. import i18n
from ..data.loading import load_dataset
from .editions import RunSpec, run_editions
from .pdf import find_browser, no_browser_message, print_pdf
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
{pdf_links}
</body></html>
"""


def landing_page(synthetic: bool, pdf_langs=LANGS) -> str:
    """The language choice, with links to the PDFs of ``pdf_langs`` (those that were printed)."""
    banner = ""
    if synthetic:
        banner = ("<p class='syn' lang='nl'><strong>" + i18n.text("synthetic_banner", "nl") + "</strong></p>"
                  "<p class='syn' lang='fr'><strong>" + i18n.text("synthetic_banner", "fr") + "</strong></p>")
    css = ".syn{border-left:6px solid #D55E00;background:#fff3e8;padding:.5rem .8rem}" if synthetic else ""
    links = " · ".join(f'<a href="{lang}/duo-for-a-job-{lang}.pdf" hreflang="{lang}">PDF ({lang})</a>'
                       for lang in pdf_langs)
    return LANDING.format(banner=banner, synthetic_css=css, pdf_links=f"<p>{links}</p>" if links else "")


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


def build_book(data_dir: Path, build_dir: Path, pdf: bool = True, log=print, year="all", antenna="all") -> dict:
    """Editions (nl, fr) -> staged books -> HTML sites and PDFs under build_dir/site.

    ``year`` and/or ``antenna`` publish one edition's book (an antenna coordinator's report)
    under ``build_dir/site-<year>-<antenna>``, its prose checked by the same claims and its
    numbers protected like every edition. Without a browser (:func:`.pdf.find_browser`) the web
    books are built and the PDFs skipped, with one line saying how to get them."""
    times = {}
    browser = find_browser() if pdf else None
    skipped_pdf = pdf and browser is None
    pdf = browser is not None
    slug = edition_slug(year, antenna)
    site = site_dir(build_dir, year, antenna)
    work = build_dir if slug == "all-all" else build_dir / "edition-books" / slug
    ds = load_dataset(data_dir)
    t0 = time.perf_counter()
    # the notebooks run in worker processes (both languages at once); papermill's event
    # loop never enters this process, which later drives chromium for the PDFs
    specs = [RunSpec(str(year), antenna, lang, str(data_dir)) for lang in LANGS]
    for result in run_editions(specs, build_dir / "editions", ds.data_hash, progress=False):
        if result.status == "failed":
            raise RuntimeError(f"edition {result.spec.slug} failed: {result.message}")
        log(f"[{result.spec.lang}] chapter notebooks: {result.status} ({result.seconds:.1f} s)")
    times["notebooks"] = time.perf_counter() - t0
    for lang in LANGS:
        t0 = time.perf_counter()
        spec = specs[LANGS.index(lang)]
        stage_dir = work / "stage" / lang
        changed = stage(lang, build_dir / "editions" / spec.slug, stage_dir, Path(data_dir))
        built = work / "jb" / lang / "_build"
        pdf_file = site / lang / f"duo-for-a-job-{lang}.pdf"
        if not changed and (built / "html" / "index.html").exists() and (site / lang / "index.html").exists() \
                and (not pdf or pdf_file.exists()):
            log(f"[{lang}] book sources unchanged: web book{' and PDF' if pdf_file.exists() else ''} reused")
            times[lang] = time.perf_counter() - t0
            continue
        html = run_jupyter_book(stage_dir, work / "jb" / lang, "html")
        shutil.copytree(html, site / lang, dirs_exist_ok=True)
        log(f"[{lang}] web book: {site / lang / 'index.html'}")
        if pdf:
            single = run_jupyter_book(stage_dir, work / "jb" / lang, "singlehtml")
            target = site / lang / f"duo-for-a-job-{lang}.pdf"
            stamp = work / "jb" / lang / "pdf.stamp"
            digest = _tree_hash(single)
            if target.exists() and stamp.exists() and stamp.read_text() == digest:
                log(f"[{lang}] PDF up to date: {target}")
            else:
                print_pdf(single / "index.html", target, browser)
                stamp.write_text(digest)
                log(f"[{lang}] PDF: {target}")
        else:  # a PDF left by an earlier build would no longer match the web book
            pdf_file.unlink(missing_ok=True)
        times[lang] = time.perf_counter() - t0
    printed = [lang for lang in LANGS if (site / lang / f"duo-for-a-job-{lang}.pdf").exists()]
    write_if_changed(site / "index.html", landing_page(ds.synthetic, printed))
    if skipped_pdf:
        log(no_browser_message())
    return times
