"""The print edition: one HTML document per language, assembled from the built web book.

The PDF is not the web book printed as it is. It is a document of its own, made from the
pages of the web book (so every number, figure number, citation and glued value is the one
the web shows) and laid out for paper by ``book/static/print.css`` (CSS paged media, which
Debian's chromium prints: :mod:`.pdf`):

- a cover (title, subtitle, organisation, edition, kind of data, date) and a colophon (about
  this edition, provenance, how to cite, licence);
- a table of contents whose page numbers are filled in from a first printing;
- the narrative chapters and the annexes, each on a new page with the chapter title in the
  running header; the computational notebooks and the Explore page stay in the web book;
- no link to the build machine: a chart or CSV link points to the published site when its
  address is configured (``html.baseurl`` in ``_config.yml``), otherwise it is dropped.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import yaml
from bs4 import BeautifulSoup, NavigableString, Tag

from .. import i18n
from ..settings import BOOK_DIR, REPO_ROOT
from .citation import citation_text, licence_text

# pages of the web book that are not part of the print edition
WEB_ONLY = ("explore",)
WEB_ONLY_PREFIXES = ("notebooks/",)
PRINT_CSS = BOOK_DIR / "print" / "print.css"
CHART_DPI = 150  # the resolution of the chart PNGs (plots.png_bytes): their physical size in print
PAGE_NUMBER_PLACEHOLDER = "000"


def split_title(book_title: str) -> tuple:
    """A book's title as staged, "DUO for a JOB – ervaringsverslag na vijf jaar werking", as
    (title, subtitle): ("DUO for a JOB", "Ervaringsverslag na vijf jaar werking"); no dash, no subtitle."""
    title, _, subtitle = book_title.partition(" – ")
    return title, subtitle[:1].upper() + subtitle[1:]


@dataclass
class Heading:
    """A heading of the print document, in document order (the outline is rebuilt from these)."""
    anchor: str
    level: int
    text: str


@dataclass
class PrintDocument:
    html_file: Path
    headings: list[Heading] = field(default_factory=list)
    toc_targets: list[str] = field(default_factory=list)  # anchors whose page number the TOC shows
    title: str = ""
    subject: str = ""
    lang: str = "nl"
    author: str = ""
    keywords: list[str] = field(default_factory=list)
    date: str = ""
    rights: str = ""


def print_pages(toc_file: Path = REPO_ROOT / "_toc.yml") -> list[str]:
    """The pages of the print edition, in the order of the book's table of contents."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    pages = [toc["root"]] + [c["file"] for c in toc.get("chapters", [])]
    return [p for p in pages if p not in WEB_ONLY and not p.startswith(WEB_ONLY_PREFIXES)]


# white space a browser collapses; a narrow no-break space (French typography) is kept
COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")


def _heading_text(node: Tag) -> str:
    clone = copy.copy(node)
    for a in clone.select("a.headerlink"):
        a.decompose()
    return COLLAPSIBLE.sub(" ", clone.get_text("", strip=False)).strip(" \t\n\r\f")


def long_date(iso: str, lang: str) -> str:
    """30 november 2026 / 30 novembre 2026."""
    d = dt.date.fromisoformat(iso)
    months = i18n.text("months", lang).split(",")
    return f"{d.day} {months[d.month - 1]} {d.year}"


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


class _Assembler:
    def __init__(self, site_lang: Path, lang: str, config: dict, info: dict):
        self.site = site_lang
        self.lang = lang
        self.info = info
        self.base_url = (config.get("html", {}) or {}).get("baseurl", "") or ""
        self.substitutions = (config.get("parse", {}) or {}).get("myst_substitutions", {}) or {}
        if self.base_url and not self.base_url.endswith("/"):
            self.base_url += "/"
        self.pages = print_pages()
        self.soup = BeautifulSoup("<!DOCTYPE html><html><head></head><body></body></html>", "html.parser")
        self.first_anchor: dict[str, str] = {}
        self.alias: dict[str, str] = {}

    # --- links ------------------------------------------------------------------------------

    def web_url(self, href: str) -> str | None:
        """The address of a page or file of the web book on the published site, if configured."""
        if not self.base_url:
            return None
        return urljoin(self.base_url, f"{self.lang}/{href}")

    def fix_links(self, root: Tag, page: str) -> None:
        folder = page.rsplit("/", 1)[0] + "/" if "/" in page else ""
        for a in list(root.find_all("a", href=True)):
            href = a["href"]
            if "headerlink" in (a.get("class") or []):
                a.decompose()
                continue
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            if href.startswith("#"):
                a["href"] = f"#{page}--{href[1:]}" if href[1:] else f"#{self.first_anchor[page]}"
                continue
            target = (folder + href) if not href.startswith("/") else href.lstrip("/")
            target = re.sub(r"[^/]+/\.\./", "", target)
            doc, _, frag = target.partition("#")
            if doc.endswith(".html") and doc[:-5] in self.pages:
                name = doc[:-5]
                a["href"] = f"#{name}--{frag}" if frag else f"#p-{name.replace('/', '-')}"
                continue
            url = self.web_url(target)
            if url and (doc.startswith("_downloads/") or doc.endswith(".html")):
                a["href"] = url  # a CSV or a web-only page (Explore) on the published site
                continue
            if doc.startswith("_downloads/") or "duo-explore-link" in (a.parent.get("class") or []):
                parent = a.parent
                a.decompose()  # no address to give: the link would only point at the build machine
                if parent and parent.name == "p" and "duo-explore-link" in (parent.get("class") or []):
                    parent.decompose()
                continue
            a.unwrap()  # an image enlargement, the search page...: plain text in print

    def fix_images(self, root: Tag) -> None:
        from PIL import Image

        for img in root.find_all("img"):
            src = img.get("src", "")
            path = (self.site / src).resolve()
            if not path.is_file():
                raise RuntimeError(f"print edition: image {src} not found in {self.site}")
            img["src"] = path.as_uri()  # embedded in the PDF, never a link
            with Image.open(path) as im:
                width_px = im.size[0]
                dpi = (im.info.get("dpi") or (CHART_DPI, CHART_DPI))[0] or CHART_DPI
            # printed at its own physical size (the chart's fonts keep their point size),
            # at most the width of the text block
            img["style"] = f"width: {width_px / float(dpi):.3f}in"
            img.attrs.pop("loading", None)

    def break_identifiers(self, root: Tag) -> None:
        """An identifier in a table cell (the audit's figure ids) may break after an underscore,
        not in the middle of a word."""
        for code in root.select("td code, td span.pre"):
            for text in list(code.find_all(string=True)):
                if "_" not in text:
                    continue
                parts = str(text).split("_")
                pieces = []
                for i, part in enumerate(parts):
                    pieces.append(NavigableString(part + ("_" if i < len(parts) - 1 else "")))
                    if i < len(parts) - 1:
                        pieces.append(self.soup.new_tag("wbr"))
                text.replace_with(*pieces)

    def group_figures(self, root: Tag) -> None:
        """A figure is a group of its image and its caption: in the tagged PDF the image is the
        Figure (with its alt text) and the caption a Caption beside it, so that no Figure lacks an
        alternative text (chromium would tag the <figure> itself as a second, textless Figure)."""
        for fig in root.find_all("figure"):
            fig["role"] = "group"

    def prefix_ids(self, root: Tag, page: str) -> None:
        for node in root.find_all(id=True):
            node["id"] = f"{page}--{node['id']}"

    # --- pieces ------------------------------------------------------------------------------

    def article(self, page: str) -> Tag:
        path = self.site / f"{page}.html"
        if not path.exists():
            raise RuntimeError(f"print edition: {path} is missing (build the web book first)")
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        art = soup.select_one("article.bd-article")
        if art is None:
            raise RuntimeError(f"print edition: no <article class='bd-article'> in {path}")
        # the home page's own "how to cite" box: the colophon has it
        for sel in ("script", "noscript", "div.toctree-wrapper", ".duo-print-only", "#searchbox",
                    "a.headerlink", "button", "div.cell", "div.duo-cite"):
            for node in art.select(sel):
                node.decompose()
        return art

    def el(self, tag: str, text: str | None = None, **attrs) -> Tag:
        node = self.soup.new_tag(tag)
        for k, v in attrs.items():
            node["name" if k == "name_" else k.rstrip("_").replace("_", "-")] = v
        if text is not None:
            node.string = text
        return node

    def cover(self, title: str, subtitle: str) -> Tag:
        t = lambda key, **kw: i18n.text(key, self.lang, **kw)  # noqa: E731
        info = self.info
        # the edition, its period and its organisation as the staged book words them (the page
        # substitutions), else from the edition's parameters
        subs = self.substitutions
        params = info.get("parameters", {})
        year, antenna = params.get("year", "all"), params.get("antenna", "all")
        scope = subs.get("edition_scope") or ", ".join(
            [t("all_years") if year == "all" else f"{t('intake_year')} {year}",
             t("all_antennas") if antenna == "all" else f"{t('antenna')} {antenna}"])
        div = self.el("div", class_="duo-cover", role="region", aria_label=t("print_cover"))
        div.append(self.el("p", info["organisation"], class_="duo-cover-org"))
        div.append(self.el("p", title, class_="duo-cover-title"))
        div.append(self.el("p", subtitle, class_="duo-cover-subtitle"))
        dl = self.el("dl", class_="duo-cover-facts")
        kind = t("synthetic_data") if info["synthetic"] else t("real_data")
        facts = [(t("print_edition"), scope)]
        if subs.get("period_start") and subs.get("period_end"):
            facts.append((t("print_period"), f"{subs['period_start']} – {subs['period_end']}"))
        facts += [(t("print_data_kind"), kind), (t("print_date"), long_date(info["build_date"], self.lang)),
                  (t("print_version"), info["code_version"])]
        for term, value in facts:
            dl.append(self.el("dt", term))
            dl.append(self.el("dd", value))
        div.append(dl)
        if info["synthetic"]:
            div.append(self.el("p", t("synthetic_banner"), class_="duo-cover-synthetic"))
        return div

    def colophon(self, intro: list[Tag]) -> Tag:
        t = lambda key, **kw: i18n.text(key, self.lang, **kw)  # noqa: E731
        sec = self.el("section", class_="duo-colophon", id="colophon")
        sec.append(self.el("h1", t("print_about"), class_="duo-front-title"))
        for node in intro:
            sec.append(node)
        dl = self.el("dl", class_="duo-colophon-facts")
        facts = [(t("data_source"), t("synthetic_data") if self.info["synthetic"] else t("real_data")),
                 (t("data_hash"), self.info["data_hash"][:16]),
                 (t("code_version"), self.info["code_version"]),
                 (t("build_date"), self.info["build_date"])]
        if self.base_url:
            facts.append((t("print_web_edition"), urljoin(self.base_url, f"{self.lang}/index.html")))
        for term, value in facts:
            dl.append(self.el("dt", term))
            dd = self.el("dd")
            if value.startswith("http"):
                dd.append(self.el("a", value, href=value))
            else:
                dd.string = value
            dl.append(dd)
        sec.append(dl)
        box = self.el("div", class_="duo-cite")
        box.append(self.el("p", t("cite_title"), class_="duo-cite-title"))
        web = urljoin(self.base_url, f"{self.lang}/index.html") if self.base_url else None
        box.append(self.el("p", citation_text(self.lang, self.info["synthetic"], self.title, web), class_="duo-cite-text"))
        sec.append(box)
        sec.append(self.el("p", licence_text(self.lang), class_="duo-licence"))
        if not self.base_url:
            sec.append(self.el("p", t("print_no_links"), class_="duo-colophon-note"))
        return sec

    def toc(self, chapters: list[tuple[str, str, list[tuple[str, str]]]]) -> Tag:
        t = lambda key: i18n.text(key, self.lang)  # noqa: E731
        nav = self.el("nav", class_="duo-toc", id="toc", aria_labelledby="toc-title")
        nav.append(self.el("h1", t("print_contents"), id="toc-title", class_="duo-front-title"))
        ol = self.el("ol", class_="duo-toc-chapters")
        for anchor, title, sections in chapters:
            li = self.el("li", class_="duo-toc-chapter")
            li.append(self._toc_entry(anchor, title))
            if sections:
                sub = self.el("ol", class_="duo-toc-sections")
                for s_anchor, s_title in sections:
                    s_li = self.el("li")
                    s_li.append(self._toc_entry(s_anchor, s_title))
                    sub.append(s_li)
                li.append(sub)
            ol.append(li)
        nav.append(ol)
        return nav

    def _toc_entry(self, anchor: str, title: str) -> Tag:
        a = self.el("a", href=f"#{anchor}", class_="duo-toc-entry")
        a.append(self.el("span", title, class_="duo-toc-title"))
        a.append(self.el("span", PAGE_NUMBER_PLACEHOLDER, class_="duo-toc-page", data_target=anchor))
        return a

    # --- the document -------------------------------------------------------------------------

    def build(self, out: Path, book_title: str) -> PrintDocument:
        t = lambda key: i18n.text(key, self.lang)  # noqa: E731
        self.title = book_title
        title, subtitle = split_title(book_title)
        for page in self.pages:
            self.first_anchor[page] = f"p-{page.replace('/', '-')}"
        body = self.soup.body
        doc = PrintDocument(out, title=book_title, lang=self.lang, author=self.info["organisation"],
                            date=self.info["build_date"], subject=t("print_subject"), rights=licence_text(self.lang))
        chapters: list[tuple[str, str, list[tuple[str, str]]]] = []
        chapter_nodes: list[Tag] = []
        intro: list[Tag] = []
        for index, page in enumerate(self.pages):
            art = self.article(page)
            self.fix_links(art, page)
            self.fix_images(art)
            self.group_figures(art)
            self.break_identifiers(art)
            self.prefix_ids(art, page)
            top = art.find("section") or art
            h1 = top.find("h1")
            if index == 0:
                # the home page: what comes before its first section goes to the colophon;
                # each of its sections ("How to read the figures") becomes a chapter
                for child in list(h1.find_next_siblings()):
                    if child.name == "section":
                        continue
                    intro.append(child.extract())
                for sec in top.find_all("section", recursive=False):
                    for h in sec.find_all(re.compile(r"^h[2-6]$")):
                        h.name = f"h{int(h.name[1]) - 1}"
                    chapter_nodes.append(self._chapter(sec, sec.get("id", f"p-{page}-{len(chapter_nodes)}"), chapters))
                continue
            chapter_nodes.append(self._chapter(top, self.first_anchor[page], chapters))

        body.append(self.cover(title, subtitle))
        body.append(self.colophon(intro))
        body.append(self.toc(chapters))
        main = self.el("main", class_="duo-print-main")
        for node in chapter_nodes:
            main.append(node)
        body.append(main)

        # head: language, title, the print style sheet, one named page per chapter (running header)
        self.soup.html["lang"] = self.lang
        head = self.soup.head
        head.append(self.el("meta", charset="utf-8"))
        head.append(self.el("title", book_title))
        head.append(self.el("meta", name_="author", content=doc.author))
        head.append(self.el("meta", name_="description", content=doc.subject))
        head.append(self.el("link", rel="stylesheet", href=PRINT_CSS.resolve().as_uri()))
        rules = []
        for i, (anchor, ch_title, _) in enumerate(chapters):
            rules.append(f"@page ch-{i} {{ @top-left {{ content: {_css_string(ch_title)}; }} }}")
        for i, node in enumerate(chapter_nodes):
            node["style"] = f"page: ch-{i}"
        style = self.el("style")
        style.string = "\n".join(rules)
        head.append(style)

        for h in self.soup.find_all(re.compile(r"^h[1-6]$")):
            holder = h.find_parent(lambda n: n.name in ("section", "nav") and n.get("id"))
            if holder is None:
                raise RuntimeError(f"print edition: heading {_heading_text(h)!r} outside any section")
            doc.headings.append(Heading(holder["id"], int(h.name[1]), _heading_text(h)))
        doc.toc_targets = [a["data-target"] for a in self.soup.select("span.duo-toc-page")]
        self.check_links()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(str(self.soup), encoding="utf-8")
        return doc

    def _chapter(self, section: Tag, anchor: str, chapters: list) -> Tag:
        wrapper = self.el("section", class_="duo-chapter", id=anchor)
        heading = section.find(re.compile(r"^h1$"))
        title = _heading_text(heading)
        heading["id"] = anchor + "-title"
        sections = []
        for sub in section.find_all("section", recursive=False):
            h2 = sub.find("h2")
            if h2 is not None and sub.get("id"):
                sections.append((sub["id"], _heading_text(h2)))
        chapters.append((anchor, title, sections))
        if section.get("id"):
            self.alias[section["id"]] = anchor  # links to the page's top land on the chapter
        section.extract()
        for child in list(section.children):
            wrapper.append(child.extract() if isinstance(child, Tag) else NavigableString(str(child)))
        return wrapper

    def check_links(self) -> None:
        ids = {n["id"] for n in self.soup.find_all(id=True)}
        for a in self.soup.find_all("a", href=True):
            href = a["href"]
            if href.startswith("file:") or "/build/" in href:
                raise RuntimeError(f"print edition: link to the build machine left in: {href}")
            if href.startswith("#") and href[1:] in self.alias:
                a["href"] = "#" + self.alias[href[1:]]
            elif href.startswith("#") and href[1:] not in ids:
                a.unwrap()  # a target outside the print edition (a notebook cell, the Explore page)


def assemble(site_lang: Path, lang: str, out: Path, config: dict, info: dict) -> PrintDocument:
    """Write the print edition's HTML for one language; return what the PDF step needs."""
    return _Assembler(site_lang, lang, config, info).build(out, config["title"])


def fill_page_numbers(doc: PrintDocument, pages: dict[str, int]) -> bool:
    """Write the page number of every TOC target into the document; True if anything changed."""
    text = doc.html_file.read_text(encoding="utf-8")
    missing = [t for t in doc.toc_targets if t not in pages]
    if missing:
        raise RuntimeError(f"print edition: no page found for {missing[:5]}")

    def repl(m):
        return f'{m.group(1)}{pages[html.unescape(m.group(2))]}</span>'

    new = re.sub(r'(<span class="duo-toc-page" data-target="([^"]+)">)[^<]*</span>', repl, text)
    if new != text:
        doc.html_file.write_text(new, encoding="utf-8")
        return True
    return False
