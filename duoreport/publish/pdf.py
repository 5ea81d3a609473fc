"""Print a single-page HTML book to PDF with Debian's chromium (never a downloaded browser)."""

from __future__ import annotations

from pathlib import Path

from ..settings import CHROMIUM


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
