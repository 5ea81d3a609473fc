"""The web book against WCAG 2.1 AA, in a real browser: axe-core on every page of both languages
(and on the Explore page after a change of selection), no English theme string on a Dutch or
French page, reflow at 320 px, a visible focus, the language switch never covered, alt texts that
say what a chart shows, a meta description per page, and pages light enough for a phone.

axe-core is the npm package installed by setup.sh into tools/web/node_modules (pinned in
tools/web/package.json); it is injected into each page by Playwright in Debian's chromium.
"""

import re
from pathlib import Path

import pytest
from pages import open_page

from duoreport.publish.stage import LANGS
from duoreport.settings import REPO_ROOT

AXE = REPO_ROOT / "tools" / "web" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (bash setup.sh)")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# English interface strings of the theme (pydata-sphinx-theme, sphinx-book-theme), of Sphinx and of
# its extensions, as they appear on an English page; none may be left on a Dutch or French page.
THEME_ENGLISH = [
    "Skip to main content", "Back to top", "Search", "Search...", "Search the docs ...", "Toggle primary sidebar",
    "Toggle secondary sidebar", "previous page", "next page", "previous", "next", "Link to this heading",
    "Link to this image", "Link to this table", "Link to this code", "Link to this definition", "Copy to clipboard",
    "Copied!", "Contents", "On this page", "Site navigation", "Section Navigation", "Main", "Page",
    "Version warning", "Color mode", "Light", "Dark", "System Settings", "Breadcrumb", "Home", "Announcement",
    "Print to PDF", "Fullscreen mode", "Download this page", "Download source file", "Download notebook file",
    "Show Source", "Expand Sidebar", "Collapse Sidebar", "By", "Search Results", "Searching",
    "Please activate JavaScript to enable the search functionality.", "Error", "Hide Search Matches",
    "Technical Report", "Click to show", "Click to hide",
]

STRINGS_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of ['title', 'aria-label', 'placeholder', 'alt', 'data-bs-original-title', 'value']) {
      const v = el.getAttribute(a); if (v && v.trim()) out.push(v.trim());
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n; while ((n = walker.nextNode())) {
    const t = n.textContent.replace(/\\s+/g, ' ').trim();
    if (t && !['SCRIPT', 'STYLE'].includes(n.parentElement.tagName)) out.push(t);
  }
  return out;
}"""


def web_pages(site, lang):
    return sorted(p.relative_to(site / lang).as_posix() for p in (site / lang).rglob("*.html")
                  if not p.relative_to(site / lang).as_posix().startswith("_"))


def run_axe(page) -> list:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""", WCAG_TAGS)


def serious(violations):
    return [v for v in violations if v["impact"] in ("critical", "serious")]


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_nothing_critical_or_serious_on_any_page(browser, server, site, lang):
    pages = web_pages(site, lang)
    assert len(pages) >= 15 and "notebooks/profile.html" in pages and "search.html" in pages
    found = {}
    for name in pages:
        page, response, _ = open_page(browser, f"{server}/{lang}/{name}")
        try:
            assert response.status == 200
            bad = serious(run_axe(page))
            if bad:
                found[name] = bad
        finally:
            page.close()
    assert not found, found


def test_axe_on_the_landing_page(browser, server):
    page, _, _ = open_page(browser, f"{server}/index.html")
    try:
        assert not run_axe(page)  # not even a moderate finding: it has one main landmark
    finally:
        page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_axe_on_the_explore_page_after_a_change_of_selection(browser, server, lang):
    page, _, events = open_page(browser, f"{server}/{lang}/explore.html", wait_for="#duo-explorer svg")
    try:
        page.select_option("#duo-explorer select[name=measure]", "driving_licence")
        page.select_option("#duo-explorer select[name=split]", "gender")
        page.wait_for_function("location.hash.indexOf('split=gender') >= 0 && document.querySelector('#duo-explorer svg g.duo-bar')")
        page.wait_for_function("!document.querySelector('#duo-explorer[aria-busy]')")
        assert not serious(run_axe(page))
        assert not events["errors"]
    finally:
        page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_theme_string_on_the_page(browser, server, site, lang):
    left = {}
    english = set(THEME_ENGLISH)
    for name in web_pages(site, lang):
        page, _, _ = open_page(browser, f"{server}/{lang}/{name}")
        try:
            if name == "search.html":
                page.goto(page.url + "?q=" + {"nl": "rijbewijs", "fr": "permis"}[lang], wait_until="networkidle")
                page.wait_for_selector("#search-results li", timeout=15000)
            strings = page.evaluate(STRINGS_JS)
            # the JavaScript-free text of the search page is shown without JavaScript
            strings += [t.strip() for t in re.findall(r">([^<>]+)<", page.content()) if t.strip()]
            hits = sorted({s for s in strings if s in english or s.rstrip(" .…:") in english})
            hits += sorted({s for s in strings for e in english if len(e) > 12 and e in s})
            if hits:
                left[name] = hits
        finally:
            page.close()
    assert not left, left


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_reflows_at_320_px(browser, server, site, lang):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    wide = {}
    try:
        for name in web_pages(site, lang) + ["../index.html"]:
            page.goto(f"{server}/{lang}/{name}", wait_until="networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                wide[name] = width
    finally:
        page.close()
    assert not wide, wide


@pytest.mark.parametrize("lang", LANGS)
def test_focus_is_visible_and_the_language_switch_is_never_covered(browser, server, lang):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{server}/{lang}/profile.html", wait_until="networkidle")
        # the skip link is the first stop of the keyboard, and then drawn whole inside the window
        page.keyboard.press("Tab")
        skip = page.evaluate("""() => { const a = document.activeElement; const r = a.getBoundingClientRect();
            return {href: a.getAttribute('href'), text: a.textContent.trim(), top: r.top, left: r.left, bottom: r.bottom,
                    right: r.right, outline: getComputedStyle(a).outlineWidth}; }""")
        assert skip["href"] == "#main-content" and skip["text"] == {"nl": "Naar de hoofdinhoud", "fr": "Aller au contenu principal"}[lang]
        assert skip["top"] >= 0 and skip["left"] >= 0 and skip["bottom"] <= 800 and skip["right"] <= 1280
        for scroll in (0, 2500):
            page.evaluate(f"window.scrollTo(0, {scroll})")
            page.wait_for_timeout(300)
            switch = page.locator("a.duo-lang-switch")
            box = switch.bounding_box()
            assert box and box["y"] >= 0 and box["height"] >= 24
            # what the reader sees at the switch's centre and corners is the switch itself
            for x, y in ((box["x"] + box["width"] / 2, box["y"] + box["height"] / 2), (box["x"] + 2, box["y"] + 2),
                         (box["x"] + box["width"] - 2, box["y"] + box["height"] - 2)):
                assert page.evaluate("([x, y]) => !!document.elementFromPoint(x, y).closest('a.duo-lang-switch')", [x, y])
            switch.focus()
            style = switch.evaluate("a => { const s = getComputedStyle(a); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
            assert style[0] != "none" and style[1] >= 2
        # every other control shows its focus too
        for selector in ("nav.bd-docs-nav a.reference", "button.search-button-field", "nav.page-toc a",
                         "a.reference.download", "article p a.reference"):
            control = page.locator(selector + " >> visible=true").first
            assert control.count() == 1, selector
            control.focus()
            width = control.evaluate("a => getComputedStyle(a).outlineStyle !== 'none' ? parseFloat(getComputedStyle(a).outlineWidth) : 0")
            assert width >= 2, selector
    finally:
        page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_every_image_says_what_it_shows(browser, server, site, lang):
    percent = {"nl": "%", "fr": "\u202f%"}[lang]
    for name in web_pages(site, lang):
        page, _, _ = open_page(browser, f"{server}/{lang}/{name}")
        try:
            for img in page.query_selector_all("article img"):
                alt = (img.get_attribute("alt") or "").strip()
                src = img.get_attribute("src") or ""
                assert alt and not re.search(r"\.(png|svg|jpe?g)\b|_images/|figures/", alt) and src not in alt, (name, alt)
                if "figures" in src or "_images" in src:
                    assert percent in alt, (name, alt)  # the comparison, with its numbers
        finally:
            page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_a_meta_description_and_loads_no_icon_font(browser, server, site, lang):
    for name in web_pages(site, lang):
        page, _, events = open_page(browser, f"{server}/{lang}/{name}")
        try:
            description = page.get_attribute("meta[name=description]", "content")
            assert description and 40 <= len(description) <= 160, (name, description)
            assert not [u for u in events["requests"] if "fontawesome" in u or "fa-solid" in u or "webfonts" in u], name
            # only style sheets block the first paint: every external script is deferred
            blocking = page.evaluate("""() => [...document.head.querySelectorAll('script[src]')]
                .filter(s => !s.defer && !s.async && s.type !== 'module').map(s => s.src)""")
            assert blocking == [] or name == "search.html", (name, blocking)
            # four style sheets (Sphinx basic, the two themes, the book's), the code style where a
            # page shows code, and the notebook output style on the computational notebooks
            sheets = page.evaluate("document.head.querySelectorAll('link[rel=stylesheet]').length")
            code = page.evaluate("!!document.querySelector('article .highlight')")
            assert sheets <= 4 + code + name.startswith("notebooks/"), (name, sheets)
        finally:
            page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_explore_page_loads_its_data_in_parts(browser, server, site, lang):
    sizes = {}
    page = browser.new_page()
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if "explore-" in r.url else None)
    try:
        page.goto(f"{server}/{lang}/explore.html", wait_until="networkidle")
        page.wait_for_selector("#duo-explorer svg")
        first = sum(sizes.values())
        whole = sum(p.stat().st_size for p in (site / lang / "_static").rglob("explore-*/*.json"))
        assert first < 150_000 and first < whole / 4, (first, whole)
        page.select_option("#duo-explorer select[name=measure]", "has_children")
        page.wait_for_function("location.hash.indexOf('has_children') >= 0")
        page.wait_for_selector("#duo-explorer svg g.duo-bar")
        assert any(u.endswith("explore-%s/has_children.json" % lang) for u in sizes)
        # on a phone the chart is drawn at the page's width: its text keeps its size
        page.set_viewport_size({"width": 360, "height": 740})
        page.wait_for_timeout(600)
        size = page.evaluate("""() => { const t = document.querySelector('#duo-explorer svg text.duo-label');
            const svg = t.ownerSVGElement; const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(getComputedStyle(t).fontSize) * scale; }""")
        assert size >= 11
    finally:
        page.close()
