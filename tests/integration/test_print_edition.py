"""The print edition (duo-for-a-job-<lang>.pdf) read back with poppler (pdftotext, pdfinfo,
pdfimages, pdftohtml) and, for the tag structure, pikepdf: a cover first, no blank page, no link
to the build machine, the table of contents' numbers where the chapters start, bookmarks equal
to the chapter titles, the audit appendix with every column on every page, chart text at 8 pt or
more, every figure with alt text, XMP metadata, and a length in a set range.

Page range: the synthetic default prints 80–81 pages (cover, colophon and contents 4; reader's
guide and the six chapters with 39 charts and their tables about 58; the audit appendix 12; the
data contract 7; sources 2), against 119 for the web book printed as it was. A real export prints
about as many (the same charts and tables; suppressed cells take no more room). Fewer than 60
pages means that a part is missing; more than 100 that the layout broke (blank or runaway pages).
"""

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from duoreport import i18n
from duoreport.publish.print_edition import long_date, print_pages
from duoreport.publish.stage import LANGS
from duoreport.report.plots import MIN_FONT_PT, SAVE_DPI
from duoreport.settings import BOOK_DIR

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
PAGE_RANGE = (60, 100)


def run(*cmd) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def pdf_of(site, lang) -> Path:
    return site / lang / f"duo-for-a-job-{lang}.pdf"


def pages_text(pdf: Path) -> list[str]:
    return run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def outline(pdf: Path) -> list[tuple[str, int, list]]:
    """Top-level bookmarks (title, page, children) as poppler reads them."""
    xml = run("pdftohtml", "-xml", "-i", "-stdout", "-q", str(pdf))
    root = ET.fromstring(xml[xml.index("<pdf2xml"):])
    top = root.find("outline")

    def items(node):
        out, last = [], None
        for child in node:
            if child.tag == "item":
                last = [child.text or "", int(child.get("page")), []]
                out.append(last)
            elif child.tag == "outline" and last is not None:
                last[2] = items(child)
        return out
    return items(top) if top is not None else []


def chapter_titles(lang) -> list[str]:
    """The chapter titles as the authors wrote them: the first '# ' heading of each page, and the
    sections of the home page (which become chapters in print)."""
    titles = []
    for name in print_pages():
        text = (BOOK_DIR / lang / f"{name}.md").read_text(encoding="utf-8")
        if name == "index":
            titles += [m.strip() for m in re.findall(r"^## (.+)$", text, re.M)]
        else:
            titles.append(re.search(r"^# (.+)$", text, re.M).group(1).strip())
    return titles


@pytest.mark.parametrize("lang", LANGS)
def test_length_metadata_and_tags(site, lang):
    pdf = pdf_of(site, lang)
    info = run("pdfinfo", str(pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert PAGE_RANGE[0] <= pages <= PAGE_RANGE[1], pages
    assert re.search(r"Tagged:\s+yes", info)
    title = re.search(r"Title:\s+(.+)", info).group(1).strip()
    assert title.startswith("DUO for a JOB – ")
    meta = run("pdfinfo", "-meta", str(pdf))
    assert title in meta and f"<rdf:li>{lang}</rdf:li>" in meta and "DUO for a JOB</rdf:li>" in meta
    assert "<dc:language" in meta and "<dc:creator" in meta and "<dc:rights" in meta and "CC BY 4.0" in meta


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_page_is_the_cover(site, lang):
    pdf = pdf_of(site, lang)
    cover = pages_text(pdf)[0]
    info = run("pdfinfo", str(pdf))
    subtitle = re.search(r"Title:\s+DUO for a JOB – (.+)", info).group(1).strip()
    build_date = re.search(r"\d{4}-\d{2}-\d{2}", run("pdfinfo", "-meta", str(pdf))).group(0)
    flat = re.sub(r"\s+", " ", cover)
    assert "DUO for a JOB" in flat and subtitle[1:] in flat and long_date(build_date, lang) in flat
    assert i18n.text("synthetic_data", lang) in flat and i18n.text("print_edition", lang) in flat
    assert not re.search(r"\b1 / \d+\b", cover)  # no running header on the cover


@pytest.mark.parametrize("lang", LANGS)
def test_no_blank_page(site, lang):
    pdf = pdf_of(site, lang)
    texts = pages_text(pdf)
    images = run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    with_image = {int(line.split()[0]) for line in images if line.strip()}
    total = len(texts)
    for number, text in enumerate(texts[1:], start=2):
        body = [line for line in text.splitlines() if line.strip() and not re.search(rf"\b{number} / {total}\b", line)]
        words = re.findall(r"\w{3,}", " ".join(body))
        assert len(words) >= 5 or number in with_image, (number, body)


@pytest.mark.parametrize("lang", LANGS)
def test_no_link_to_the_build_machine(site, lang):
    urls = [line.split()[-1] for line in run("pdfinfo", "-url", str(pdf_of(site, lang))).splitlines()[1:] if line.strip()]
    assert urls  # the sources' addresses stay clickable
    assert not [u for u in urls if not u.startswith(("http://", "https://", "mailto:"))], urls
    assert not [u for u in urls if "/build/" in u or "127.0.0.1" in u or "localhost" in u]


@pytest.mark.parametrize("lang", LANGS)
def test_bookmarks_are_the_chapter_titles_nested(site, lang):
    marks = outline(pdf_of(site, lang))
    expected = [i18n.text("print_about", lang), i18n.text("print_contents", lang)] + chapter_titles(lang)
    assert [squash(t) for t, _, _ in marks] == [squash(t) for t in expected]
    assert [t for t, _, _ in marks] == expected  # with their spaces: no glued words
    pages = [p for _, p, _ in marks]
    assert pages == sorted(pages) and len(set(pages)) == len(pages)  # each on its own page
    sections = {t: [c[0] for c in children] for t, _, children in marks}
    profile = re.search(r"^# (.+)$", (BOOK_DIR / lang / "profile.md").read_text(encoding="utf-8"), re.M).group(1).strip()
    assert len(sections[profile]) >= 10  # the chapter's sections sit under it, one level down
    text = pages_text(pdf_of(site, lang))
    for title, page, _ in marks[2:]:
        # the chapter opens its page, under a running header with its own title and page x / y
        header = text[page - 1].strip().splitlines()[0]
        assert squash(title)[:25] in squash(header) and re.search(rf"\b{page} / {len(text)}\b", header), (title, header)


@pytest.mark.parametrize("lang", LANGS)
def test_contents_page_numbers_are_where_the_chapters_start(site, lang):
    pdf = pdf_of(site, lang)
    marks = outline(pdf)
    texts = pages_text(pdf)
    toc_page = next(p for t, p, _ in marks if t == i18n.text("print_contents", lang))
    first_chapter = marks[2][1]
    lines = "\n".join(texts[toc_page - 1:first_chapter - 1]).splitlines()
    for title, page, children in marks[2:]:
        # the entry's first line holds the title's start; its page number ends the entry
        start = next(i for i, line in enumerate(lines) if squash(title)[:25] in squash(line))
        number = next(m.group(1) for line in lines[start:start + 3] if (m := re.search(r"\s(\d+)\s*$", line)))
        assert int(number) == page, (title, page, number)


@pytest.mark.parametrize("lang", LANGS)
def test_the_audit_appendix_prints_every_row_and_every_column(site, lang):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((site / lang / "audit.html").read_text(encoding="utf-8"), "html.parser")
    table = max(soup.select("article table"), key=lambda t: len(t.select("tbody tr")))
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    ids = [tr.select_one("td").get_text(strip=True) for tr in table.select("tbody tr")]
    assert len(headers) >= 8 and len(ids) >= 200
    # the table's pages, from the bookmarks: from its section to the next one (the decisions),
    # the latter only if the table ends on it; in reading order (-raw) a header cell on two
    # lines stays in one piece
    raw = run("pdftotext", "-raw", str(pdf_of(site, lang)), "-").split("\f")
    appendix = next(children for title, _, children in outline(pdf_of(site, lang)) if title == soup.h1.get_text("", strip=True).rstrip("#"))
    (_, first, _), (next_title, after, _) = appendix[0], appendix[1]
    audit_pages = [squash(t) for t in raw[first - 1:after - 1]]
    before_next = squash(raw[after - 1]).split(squash(next_title))[0]
    if any(squash(i) in before_next for i in ids):
        audit_pages.append(before_next)
    assert len(audit_pages) >= 3
    for page in audit_pages:
        missing = [h for h in headers if squash(h) not in page]
        assert not missing, missing
    everything = "".join(audit_pages)
    assert not [i for i in ids if squash(i) not in everything]


@pytest.mark.parametrize("lang", LANGS)
def test_charts_print_at_their_size_and_every_figure_has_alt_text(site, lang):
    import pikepdf

    pdf = pdf_of(site, lang)
    rows = [line.split() for line in run("pdfimages", "-list", str(pdf)).splitlines()[2:] if line.strip()]
    charts = [r for r in rows if r[2] == "image" and r[5] in ("rgb", "icc")]
    assert len(charts) >= 30
    # a chart's smallest text is MIN_FONT_PT at SAVE_DPI; printed at x ppi it measures MIN_FONT_PT * SAVE_DPI / x
    smallest = min(MIN_FONT_PT * SAVE_DPI / float(r[12]) for r in charts)
    assert smallest >= 8.0, smallest
    alts = []
    with pikepdf.open(pdf) as doc:
        def walk(node):
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    alts.append(str(node.get("/Alt", "")))
                if "/K" in node:
                    walk(node.K)
            elif isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child)
        walk(doc.Root.StructTreeRoot)
    assert len(alts) == len(charts)
    assert all(len(a) > 20 and "%" in a for a in alts), [a for a in alts if len(a) <= 20 or "%" not in a]
