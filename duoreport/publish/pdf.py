"""Print the print edition (:mod:`.print_edition`) to PDF with Debian's chromium.

Chromium lays out the pages from the edition's CSS paged media (cover, named pages with the
chapter title in the running header, page x / y, landscape pages where a table needs them) and
writes a tagged PDF. Two things chromium cannot do are done around it:

- **page numbers in the table of contents**: a first printing tells on which page every
  chapter and section starts (from the PDF's outline, in document order); the numbers are
  written into the table of contents and the document is printed again (and again, if a
  number moved, which it does not as the numbers have a fixed width);
- **the outline and the metadata**: chromium's bookmarks glue the lines of a wrapped heading
  together ("DUObegeleidt"); they are rebuilt from the headings of the document (chapters at
  the top, their sections below), and the document gets XMP metadata (title, language,
  author, description, rights), its language and "show the title, not the file name".

The browser is one already on the machine (never a downloaded one): :func:`find_browser` looks
for it: the program named by ``$DUOREPORT_BROWSER``, else Debian's chromium, else an installed
Chrome, Chromium or Edge (Linux, macOS, Windows). Without one the book is built without PDFs
(:func:`no_browser_message` says how to get them).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from ..settings import CHROMIUM

BROWSER_VARIABLE = "DUOREPORT_BROWSER"  # the path of a Chrome, Chromium or Edge program

# Programs looked up on PATH (Linux and other Unix), in this order.
BROWSER_COMMANDS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                    "microsoft-edge", "microsoft-edge-stable")
# Application bundles (macOS), under /Applications and ~/Applications.
MAC_APPS = ("Google Chrome.app/Contents/MacOS/Google Chrome", "Chromium.app/Contents/MacOS/Chromium",
            "Microsoft Edge.app/Contents/MacOS/Microsoft Edge")
# Windows installs, under Program Files, Program Files (x86) and the user's local programs.
WINDOWS_PROGRAMS = (("Google", "Chrome", "Application", "chrome.exe"),
                    ("Microsoft", "Edge", "Application", "msedge.exe"),
                    ("Chromium", "Application", "chrome.exe"))


def _runnable(path) -> bool:
    p = Path(path)
    return p.is_file() and os.access(p, os.X_OK)


def browser_candidates(platform: str = sys.platform, environ=None) -> list[Path]:
    """Where a Chrome, Chromium or Edge may be installed on this kind of system, most likely first."""
    environ = os.environ if environ is None else environ
    if platform == "win32":
        roots = [environ.get(v) for v in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
        return [Path(root, *program) for program in WINDOWS_PROGRAMS for root in roots if root]
    if platform == "darwin":
        roots = [Path("/Applications")] + ([Path(environ["HOME"]) / "Applications"] if environ.get("HOME") else [])
        return [root / app for app in MAC_APPS for root in roots]
    found = [shutil.which(name, path=environ.get("PATH", os.defpath)) for name in BROWSER_COMMANDS]
    return [Path(CHROMIUM)] + [Path(p) for p in found if p]


def find_browser(platform: str = sys.platform, environ=None) -> Path | None:
    """The browser that prints the PDFs, or None: ``$DUOREPORT_BROWSER`` when it is set (and only
    that one), else the first installed of :func:`browser_candidates`."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(BROWSER_VARIABLE)
    if chosen:
        return Path(chosen) if _runnable(chosen) else None
    return next((p for p in browser_candidates(platform, environ) if _runnable(p)), None)


def no_browser_message(environ=None) -> str:
    """One line: the PDFs were skipped, and how to get them."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(BROWSER_VARIABLE)
    why = (f"{BROWSER_VARIABLE}={chosen} is not a program file" if chosen
           else "no Chrome, Chromium or Edge found")
    return (f"PDFs skipped ({why}): install Chrome, Chromium or Edge (Debian: apt-get install chromium) "
            f"or set {BROWSER_VARIABLE} to the browser's program file, then run `duoreport build` again.")


OUTLINE_DEPTH = 3  # chapters, sections, subsections
MAX_PRINTINGS = 4
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _print(page, html_file: Path, pdf_file: Path) -> None:
    page.goto(html_file.resolve().as_uri(), wait_until="load")
    page.emulate_media(media="print")
    page.evaluate("document.fonts.ready")
    page.pdf(path=str(pdf_file), prefer_css_page_size=True, print_background=True, outline=True, tagged=True)


def _launch(p, executable: Path | None):
    executable = executable or find_browser()
    if executable is None:
        raise RuntimeError(no_browser_message())
    return p.chromium.launch(executable_path=str(executable), args=BROWSER_ARGS)


def print_pdf(html_file: Path, pdf_file: Path, executable: Path | None = None) -> None:
    """Print one HTML file as it is (its own @page rules), tagged and with the browser's outline,
    with the installed browser (``find_browser()`` unless given; no download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = _launch(p, executable)
        _print(browser.new_page(), html_file, pdf_file)
        browser.close()


def outline_entries(pdf_file: Path) -> list[tuple[str, int, object]]:
    """Chromium's outline, flattened in document order: (title, page index, destination)."""
    import pikepdf

    out = []
    with pikepdf.open(pdf_file) as pdf:
        pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            def walk(items):
                for item in items:
                    dest = item.destination
                    page = pages.get(dest[0].objgen) if dest is not None else None
                    out.append((str(item.title), page, [float(x) if not isinstance(x, pikepdf.Name) else str(x)
                                                       for x in list(dest)[1:]] if dest is not None else None))
                    walk(item.children)
            walk(outline.root)
    return out


def match_headings(doc, entries) -> list[tuple[int, list]]:
    """The page (0-based) and position of every heading of the document, from the outline.

    Chromium lists every heading (h1–h6) in document order; its titles lose the spaces at
    line breaks, so they are compared without white space."""
    if len(entries) != len(doc.headings):
        raise RuntimeError(f"print edition: the PDF outline has {len(entries)} entries for "
                           f"{len(doc.headings)} headings")
    found = []
    for heading, (title, page, dest) in zip(doc.headings, entries):
        if not _squash(title).startswith(_squash(heading.text)[:20]):
            raise RuntimeError(f"print edition: outline entry {title!r} does not match heading {heading.text!r}")
        found.append((page, dest))
    return found


def heading_pages(doc, pdf_file: Path) -> dict[str, int]:
    """Page number (1-based, as printed) of the first heading of every anchor."""
    pages: dict[str, int] = {}
    for heading, (page, _) in zip(doc.headings, match_headings(doc, outline_entries(pdf_file))):
        pages.setdefault(heading.anchor, page + 1)
    return pages


def print_edition_pdf(doc, pdf_file: Path, executable: Path | None = None) -> int:
    """Print the edition; return the number of printings it took for a stable table of contents."""
    from playwright.sync_api import sync_playwright

    from .print_edition import fill_page_numbers

    pdf_file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="duo-pdf-") as tmp, sync_playwright() as p:
        draft = Path(tmp) / "draft.pdf"
        browser = _launch(p, executable)
        page = browser.new_page()
        try:
            for printing in range(1, MAX_PRINTINGS + 1):
                _print(page, doc.html_file, draft)
                pages = heading_pages(doc, draft)
                if not fill_page_numbers(doc, pages):
                    break
            else:
                raise RuntimeError(f"print edition: the table of contents did not settle after {MAX_PRINTINGS} printings")
        finally:
            browser.close()
        finish(doc, draft, pdf_file)
    return printing


def finish(doc, draft: Path, pdf_file: Path) -> None:
    """Rebuild the outline from the headings; write XMP metadata, language, display title."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, OutlineItem

    positions = match_headings(doc, outline_entries(draft))
    with pikepdf.open(draft) as pdf:
        with pdf.open_outline() as outline:
            outline.root.clear()
            stack: list[tuple[int, list]] = [(0, outline.root)]
            for heading, (page, dest) in zip(doc.headings, positions):
                if heading.level > OUTLINE_DEPTH or page is None:
                    continue
                target = Array([pdf.pages[page].obj, Name.XYZ, *[x for x in dest[1:]]])
                item = OutlineItem(heading.text, destination=target)
                while stack[-1][0] >= heading.level:
                    stack.pop()
                stack[-1][1].append(item)
                stack.append((heading.level, item.children))
        pdf.Root.Lang = pikepdf.String(doc.lang)
        pdf.Root.PageMode = Name.UseOutlines
        prefs = pdf.Root.get("/ViewerPreferences", Dictionary())
        prefs.DisplayDocTitle = True
        pdf.Root.ViewerPreferences = prefs
        date = dt.datetime.fromisoformat(doc.date).replace(tzinfo=dt.timezone.utc)
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = doc.title
            meta["dc:creator"] = [doc.author]
            meta["dc:language"] = [doc.lang]
            meta["dc:description"] = doc.subject
            meta["dc:rights"] = doc.rights
            meta["pdf:Producer"] = "duoreport (chromium, pikepdf)"
            meta["xmp:CreatorTool"] = "duoreport"
            meta["xmp:CreateDate"] = date.isoformat()
            meta["xmp:ModifyDate"] = date.isoformat()
            meta["xmp:MetadataDate"] = date.isoformat()
        pdf.docinfo["/Title"] = doc.title
        pdf.docinfo["/Author"] = doc.author
        pdf.docinfo["/Subject"] = doc.subject
        pdf.save(pdf_file, deterministic_id=True)
