"""The print edition is assembled from the built web pages: checked on a small hand-made site."""

import struct
import zlib
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from duoreport.publish.print_edition import (PAGE_NUMBER_PLACEHOLDER, assemble, fill_page_numbers,
                                             long_date, print_pages)
from duoreport.settings import REPO_ROOT


def png(width: int, height: int, dpi: int) -> bytes:
    """A blank PNG of the given size with its resolution in the pHYs chunk."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff" * (width * 3) for _ in range(height))
    ppm = round(dpi / 0.0254)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1)) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html><html lang="nl"><head><title>{title}</title></head><body>
<nav class="bd-docs-nav"><a href="index.html">home</a></nav>
<main><article class="bd-article">{body}</article></main></body></html>"""


INDEX = page("Home", """<section id="home-title"><h1>DUO for a JOB: verslag<a class="headerlink" href="#home-title">#</a></h1>
<p>Over het verslag.</p>
<div class="admonition warning"><p class="admonition-title">Synthetische gegevens</p><p>Fictief.</p></div>
<section id="lezen"><h2>Hoe leest u de cijfers?<a class="headerlink" href="#lezen">#</a></h2><p>Zo.</p></section>
<div class="toctree-wrapper"><ul><li><a href="intro.html">Inleiding</a></li></ul></div>
<div class="duo-cite admonition"><p class="admonition-title">Hoe citeren?</p><p>DUO for a JOB (2026).</p></div>
</section>""")

INTRO = page("Inleiding", """<section id="inleiding"><h1>Inleiding<a class="headerlink" href="#inleiding">#</a></h1>
<p>Zie <a class="reference internal" href="#fig-gender">Figuur 1</a>, <a href="sources.html#bron-1">de bron</a>,
<a href="explore.html#measure=x">de verkenner</a> en <a href="https://example.org/rapport">het rapport</a>.</p>
<section id="geslacht"><h2>Geslacht</h2>
<figure id="fig-gender"><a class="reference internal image-reference" href="_images/gender.png"><img alt="Vrouw 51%, Man 49%" src="_images/gender.png" style="width: 100%;"/></a>
<figcaption><p><span class="caption-number">Figuur 1 </span>Geslacht. basis n: 1.333
<a class="reference download internal" download="" href="_downloads/abc/gender.csv"><code>CSV downloaden</code></a>
<a class="headerlink" href="#fig-gender">#</a></p></figcaption></figure>
<p class="duo-explore-link"><a href="explore.html#measure=gender">Verken deze cijfers verder</a></p>
<table><thead><tr><th>id</th><th>Gepubliceerd</th></tr></thead>
<tbody><tr><td><code class="docutils literal"><span class="pre">prof_gender_male</span></code></td><td>49</td></tr></tbody></table>
</section></section>""")

SOURCES = page("Bronnen", """<section id="bronnen"><h1>Bronnen</h1>
<div role="list"><div class="citation" id="bron-1" role="doc-biblioentry"><p>Een bron.</p></div></div>
<p>Terug naar <a href="intro.html">de inleiding</a>.</p></section>""")


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site" / "nl"
    (root / "_images").mkdir(parents=True)
    (root / "_images" / "gender.png").write_bytes(png(300, 60, 150))
    for name, text in (("index", INDEX), ("intro", INTRO), ("sources", SOURCES)):
        (root / f"{name}.html").write_text(text, encoding="utf-8")
    return root


INFO = {"organisation": "DUO for a JOB", "synthetic": True, "data_hash": "ffcfa095862f46c49811",
        "code_version": "0.1.0+abc", "build_date": "2026-11-30", "parameters": {"year": "all", "antenna": "all"}}


def build(site, tmp_path, baseurl="", pages=("index", "intro", "sources"), substitutions=None):
    config = {"title": "DUO for a JOB – ervaringsverslag na vijf jaar werking", "html": {"baseurl": baseurl},
              "parse": {"myst_substitutions": substitutions or {}}}
    import duoreport.publish.print_edition as pe
    original = pe.print_pages
    pe.print_pages = lambda: list(pages)
    try:
        doc = assemble(site, "nl", tmp_path / "print" / "index.html", config, INFO)
    finally:
        pe.print_pages = original
    return doc, BeautifulSoup(doc.html_file.read_text(encoding="utf-8"), "html.parser")


def test_the_print_edition_leaves_out_the_notebooks_and_the_explorer():
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for c in toc["chapters"]]
    pages = print_pages()
    assert pages[0] == toc["root"] and "explore" not in pages
    assert not [p for p in pages if p.startswith("notebooks/")]
    assert pages == [f for f in files if f != "explore" and not f.startswith("notebooks/")]  # same order


def test_cover_colophon_contents_then_chapters(site, tmp_path):
    doc, soup = build(site, tmp_path)
    body = [c for c in soup.body.children if getattr(c, "name", None)]
    assert [c.get("class")[0] for c in body[:3]] == ["duo-cover", "duo-colophon", "duo-toc"]
    cover = body[0].get_text(" ", strip=True)
    for part in ("DUO for a JOB", "Ervaringsverslag na vijf jaar werking", "30 november 2026", "alle jaren",
                 "alle antennes", "Synthetische gegevens"):
        assert part in cover, part
    # what the home page says before its first section is on the colophon, with how to cite it
    colophon = body[1].get_text(" ", strip=True)
    assert "Over het verslag." in colophon and "Fictief." in colophon and "Hoe citeren?" in colophon
    assert "(2026). DUO for a JOB – ervaringsverslag na vijf jaar werking. Reproduceerbare uitgave, versie" in colophon
    assert "CC BY 4.0" in colophon and "MIT" in colophon
    assert colophon.count("Hoe citeren?") == 1  # the home page's own box is not repeated
    # the home page's section and each page are chapters, each on its own named page
    chapters = soup.select("main > section.duo-chapter")
    assert [c.h1.get_text() for c in chapters] == ["Hoe leest u de cijfers?", "Inleiding", "Bronnen"]
    assert [c["style"] for c in chapters] == ["page: ch-0", "page: ch-1", "page: ch-2"]
    css = soup.head.style.string
    assert '@page ch-1 { @top-left { content: "Inleiding"; } }' in css
    # the toc lists chapters and sections, with a page number to fill in
    entries = [(a["href"], a.select_one(".duo-toc-title").get_text()) for a in soup.select("a.duo-toc-entry")]
    assert [t for _, t in entries] == ["Hoe leest u de cijfers?", "Inleiding", "Geslacht", "Bronnen"]
    assert all(soup.find(id=href[1:]) is not None for href, _ in entries)
    assert {s.get_text() for s in soup.select(".duo-toc-page")} == {PAGE_NUMBER_PLACEHOLDER}
    assert doc.toc_targets == [href[1:] for href, _ in entries]


def test_the_cover_words_the_edition_as_the_staged_book_does(site, tmp_path):
    subs = {"edition_scope": "intakejaar 2015, antenne Luik", "period_start": "1 januari 2015",
            "period_end": "31 december 2015"}
    _, soup = build(site, tmp_path, substitutions=subs)
    cover = soup.select_one(".duo-cover").get_text(" ", strip=True)
    assert "intakejaar 2015, antenne Luik" in cover and "Periode 1 januari 2015 – 31 december 2015" in cover
    assert "alle jaren" not in cover


def test_no_link_to_the_build_machine_and_internal_links_resolved(site, tmp_path):
    _, soup = build(site, tmp_path)
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert not [h for h in hrefs if h.startswith("file:") or "_downloads" in h or "_images" in h], hrefs
    assert "CSV downloaden" not in soup.get_text()           # no address to give: the link is dropped
    assert "Verken deze cijfers verder" not in soup.get_text()
    assert not soup.select("a.headerlink") and "#" not in [a.get_text() for a in soup.find_all("a")]
    assert "https://example.org/rapport" in hrefs            # the web stays linked
    ids = {n["id"] for n in soup.find_all(id=True)}
    internal = [h[1:] for h in hrefs if h.startswith("#")]
    assert internal and all(i in ids for i in internal), internal
    assert "#intro--fig-gender" in hrefs and "#sources--bron-1" in hrefs and "#p-intro" in hrefs
    # the image is embedded (a file the browser reads), printed at its own size: 300 px at 150 dpi = 2 in
    img = soup.find("img")
    assert img["src"].startswith("file:") and img["src"].endswith("_images/gender.png")
    assert img["style"] == "width: 2.000in" and img["alt"] == "Vrouw 51%, Man 49%"
    assert img.find_parent("figure")["role"] == "group"


def test_with_a_site_address_the_csv_and_explore_links_point_to_the_published_site(site, tmp_path):
    _, soup = build(site, tmp_path, baseurl="https://duo.example.be/book")
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert "https://duo.example.be/book/nl/_downloads/abc/gender.csv" in hrefs
    assert "https://duo.example.be/book/nl/explore.html#measure=gender" in hrefs
    assert "https://duo.example.be/book/nl/index.html" in soup.select_one(".duo-colophon").get_text()
    assert not [h for h in hrefs if h.startswith("file:")]


def test_headings_in_document_order_with_their_section(site, tmp_path):
    doc, _ = build(site, tmp_path)
    assert [(h.level, h.text) for h in doc.headings] == [
        (1, "Over deze uitgave"), (1, "Inhoud"), (1, "Hoe leest u de cijfers?"), (1, "Inleiding"),
        (2, "Geslacht"), (1, "Bronnen")]
    assert [h.anchor for h in doc.headings][3:5] == ["p-intro", "intro--geslacht"]


def test_page_numbers_are_written_into_the_contents(site, tmp_path):
    doc, _ = build(site, tmp_path)
    pages = {target: 10 + i for i, target in enumerate(doc.toc_targets)}
    assert fill_page_numbers(doc, pages) is True
    soup = BeautifulSoup(doc.html_file.read_text(encoding="utf-8"), "html.parser")
    assert [s.get_text() for s in soup.select(".duo-toc-page")] == ["10", "11", "12", "13"]
    assert fill_page_numbers(doc, pages) is False  # nothing moved: no new printing needed
    with pytest.raises(RuntimeError, match="no page found"):
        fill_page_numbers(doc, {})


def test_a_missing_page_is_named(site, tmp_path):
    with pytest.raises(RuntimeError, match="contract.html is missing"):
        build(site, tmp_path, pages=("index", "contract"))


def test_identifiers_in_tables_break_after_an_underscore(site, tmp_path):
    _, soup = build(site, tmp_path)
    cell = soup.select_one("td code")
    assert cell.get_text() == "prof_gender_male"
    assert str(cell).count("_<wbr/>") == 2


@pytest.mark.parametrize("lang, expected", [("nl", "30 november 2026"), ("fr", "30 novembre 2026")])
def test_long_date(lang, expected):
    assert long_date("2026-11-30", lang) == expected
    assert long_date("2027-02-01", lang) == {"nl": "1 februari 2027", "fr": "1 février 2027"}[lang]


def test_print_style_sheet_is_not_a_web_asset():
    """Jupyter Book links every .css of _static into every page: the print sheet lives elsewhere."""
    assert not list((REPO_ROOT / "book" / "static").glob("print*.css"))
    assert (REPO_ROOT / "book" / "print" / "print.css").exists()
    assert Path(REPO_ROOT / "book" / "print" / "print.css").read_text(encoding="utf-8").count("@page") >= 3
