"""Print a single-page HTML book to PDF with a browser already on the machine (never a downloaded one).

:func:`find_browser` looks for it: the program named by ``$DUOREPORT_BROWSER``, else Debian's
chromium, else an installed Chrome, Chromium or Edge (Linux, macOS, Windows). Without one the
book is built without PDFs (:func:`no_browser_message` says how to get them).
"""

from __future__ import annotations

import os
import shutil
import sys
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


def print_pdf(html_file: Path, pdf_file: Path, executable: Path | None = None) -> None:
    """Print the single-page HTML with the installed browser (``find_browser()`` unless given; no download)."""
    from playwright.sync_api import sync_playwright

    executable = executable or find_browser()
    if executable is None:
        raise RuntimeError(no_browser_message())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=[
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
