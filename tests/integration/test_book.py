"""The publication as a reader meets it: both web books in a real browser, and the PDFs.

The book is built once per test session (synthetic default) into a temporary folder, served
on 127.0.0.1, and opened with Debian's chromium through Playwright (no downloaded browser);
the fixtures are in tests/conftest.py.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pages import open_page

from duoreport.publish.stage import CHART_MARKER, LANGS
from duoreport.report.inventory import CHAPTERS, CHARTS
from duoreport.settings import REPO_ROOT

CHROMIUM = "/usr/lib/chromium/chromium"
PAGES = ["index", "intro", "context", "profile", "obstacles", "impact", "recommendations", "audit",
         "contract", "sources"]
SEARCH_WORD = {"nl": "rijbewijs", "fr": "permis"}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


# The fixtures `site` (the book, built once per test session), `server` (127.0.0.1) and
# `browser` (Debian's chromium) are in tests/conftest.py, shared with tests/test_explore_web.py.




@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PAGES)
def test_page_loads_clean_and_offline(browser, server, lang, name):
    page, response, events = open_page(browser, f"{server}/{lang}/{name}.html")
    try:
        assert response.status == 200
        assert not events["errors"], events["errors"]
        assert not events["failed"], events["failed"]
        foreign = [u for u in events["requests"] if not u.startswith(server) and not u.startswith("data:")]
        assert not foreign, foreign
        assert page.evaluate("document.documentElement.lang").startswith(lang)
        for img in page.query_selector_all("figure img"):
            img.scroll_into_view_if_needed()  # the charts load lazily, when they come near the screen
            page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img, timeout=10000)
            box = img.bounding_box()
            natural = img.evaluate("i => i.naturalWidth")
            assert box and box["width"] > 0 and box["height"] > 0 and natural > 0
            alt = img.get_attribute("alt") or ""
            assert len(alt) > 20
    finally:
        page.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_shows_every_chart_with_caption_and_csv(browser, server, lang, chapter):
    page, _, _ = open_page(browser, f"{server}/{lang}/{chapter}.html")
    try:
        figures = page.query_selector_all("figure")
        expected = [c.id for c in CHARTS if c.chapter == chapter]
        ids = [f.get_attribute("id") for f in figures]
        assert sorted(i for i in ids if i and i.startswith("fig-")) == sorted(f"fig-{c.replace('_', '-')}" for c in expected)
        for fig in figures:
            caption = fig.inner_text()
            assert ("n" in caption) and ("csv" in caption.lower())
        links = page.query_selector_all("a.download, a.reference.download")
        assert len(links) >= len(expected)
        html = page.content()
        assert "synthet" in html.lower()  # the banner of the provenance box
    finally:
        page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_language_switcher_lands_on_the_same_page(browser, server, lang):
    other = "fr" if lang == "nl" else "nl"
    page, _, _ = open_page(browser, f"{server}/{lang}/impact.html")
    try:
        page.click("a.duo-lang-switch")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(f"/{other}/impact.html")
        assert page.evaluate("document.documentElement.lang").startswith(other)
    finally:
        page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_a_chapter_word(browser, server, lang):
    page, _, events = open_page(browser, f"{server}/{lang}/search.html?q={SEARCH_WORD[lang]}")
    try:
        page.wait_for_selector("#search-results li", timeout=15000)
        hrefs = [a.get_attribute("href") for a in page.query_selector_all("#search-results li a")]
        assert any("profile" in (h or "") for h in hrefs), hrefs
        assert not events["errors"]
    finally:
        page.close()


def test_landing_page_offers_both_languages(browser, server):
    page, response, events = open_page(browser, f"{server}/index.html")
    try:
        assert response.status == 200 and not events["errors"]
        hrefs = {a.get_attribute("href") for a in page.query_selector_all("a")}
        assert {"nl/index.html", "fr/index.html"} <= hrefs
    finally:
        page.close()


# --- the PDFs ----------------------------------------------------------------------

def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def chapter_titles(lang: str) -> list:
    titles = []
    for name in PAGES[1:]:
        lines = (REPO_ROOT / "book" / lang / f"{name}.md").read_text(encoding="utf-8").splitlines()
        first = next(line for line in lines if line.startswith("# "))  # after the page's (label)= target
        titles.append(first.lstrip("# ").strip())
    return titles


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_every_chapter_and_figure(site, lang):
    pdf = site / lang / f"duo-for-a-job-{lang}.pdf"
    assert pdf.exists() and pdf.stat().st_size > 100_000
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    for title in chapter_titles(lang):
        assert re.sub(r"\s+", " ", title) in text, title
    for word in {"nl": ["België", "Gezinshereniging"], "fr": ["Liège", "Français", "reçu"]}[lang][:2]:
        assert word in text or word.lower() in text.lower()
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    # charts are colour PNGs; chromium also embeds grey masks (theme icons), which are not figures
    n_images = len([line for line in images.splitlines()[2:] if " image " in line and line.split()[5] != "gray"])
    web_figures = sum(len(CHART_MARKER.findall((REPO_ROOT / "book" / lang / f"{c}.md").read_text(encoding="utf-8")))
                      for c in CHAPTERS)
    assert n_images == web_figures
