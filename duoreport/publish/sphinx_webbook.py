"""Sphinx extension: the web book in the reader's language, accessible and light on a phone.

- **Interface strings** of the theme (pydata-sphinx-theme, sphinx-book-theme), of Sphinx and of
  the project's templates in Dutch and French: ``book/locales/<lang>/LC_MESSAGES/sphinx.po`` is
  compiled here and added to Sphinx's catalogue (the themes do not translate to Dutch, and leave
  some strings English in French).
- **Fewer and lighter files per page**: the scripts and style sheets of extensions that Jupyter
  Book always loads but this book never uses (copy button, toggle button, thebe, sphinx-design
  where a page has no design element, the explorer script outside the Explore page, notebook
  styles outside the notebook pages) are dropped; the remaining scripts are deferred, so that
  only style sheets block the first paint; images load lazily. The icon font script (1.5 MB) is
  left out by ``book/templates/layout.html``, its rules are dropped from the theme's style sheet,
  and ``book/static/duo.css`` draws the theme's few icons.
- **A meta description** per page: the first sentences of the page.
- **Valid roles**: the bibliography's entries are list items of its list.
- **How to cite** on the home page and the licences in the footer of every page, from
  ``CITATION.cff`` (:mod:`.citation`).
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from .. import i18n
from ..settings import BOOK_DIR

LOCALE_DIR = BOOK_DIR / "locales"
DESCRIPTION_LENGTH = 160

# assets of extensions Jupyter Book always loads, which no page of this book uses
UNUSED_ASSETS = ("copybutton", "clipboard.min", "togglebutton", "sphinx-thebe", "thebe")
UNUSED_INLINE = ("toggleHint", "togglebuttonSelector", "toggleOpenOnPrint")
# assets a page needs only if its body uses them: file name part -> marker in the page body
CONDITIONAL_ASSETS = {
    "sphinx-design": "sd-",
    "design-tabs": "sd-tab",
    "explorer.js": "duo-explorer",
    "mystnb": "cell_output",
    "pygments": "highlight",
}


def compile_catalogues(target: Path) -> Path:
    """book/locales/<lang>/LC_MESSAGES/*.po -> <target>/<lang>/LC_MESSAGES/*.mo."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        rel = po.relative_to(LOCALE_DIR).with_suffix(".mo")
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parts[-3])
        with out.open("wb") as fh:
            write_mo(fh, catalog)
    return target


def _source(asset) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _body(asset) -> str:
    return str(getattr(asset, "attributes", {}).get("body", ""))


def _deferred(script):
    """A copy of the script entry that does not block the page (the entries are shared by all
    pages: they are copied, never changed). An inline script that sets an option of a deferred
    script becomes a module script, which runs like the deferred ones, after parsing and in order."""
    from sphinx.builders.html._assets import _JavaScript

    attributes = dict(getattr(script, "attributes", None) or {})
    if not isinstance(script, _JavaScript) or "async" in attributes:
        return script
    if attributes.get("body"):
        attributes.setdefault("type", "module")
    elif script.filename:
        attributes["defer"] = "defer"
    else:
        return script
    return _JavaScript(script.filename, priority=script.priority, **attributes)


def lighten_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "") or ""

    def wanted(asset) -> bool:
        name, inline = _source(asset).lower(), _body(asset)
        if any(part in name for part in UNUSED_ASSETS) or any(part in inline for part in UNUSED_INLINE):
            return False
        for part, marker in CONDITIONAL_ASSETS.items():
            if part in name and marker not in body:
                return False
        return True

    scripts = [s for s in context.get("script_files", []) if wanted(s)]
    if pagename != "search":  # the search page's own scripts (in its template) need them at once
        scripts = [_deferred(s) for s in scripts]
    context["script_files"] = scripts
    context["css_files"] = [c for c in context.get("css_files", []) if wanted(c)]


# a whole rule (right after the previous one) whose selectors are all icon-font classes
FONT_AWESOME_RULE = re.compile(r"(?<=\})(?:\.fa[a-z0-9-]*(?:::?before|::?after)?,?)+\{[^{}]*\}")
FONT_FACE = re.compile(r"@font-face\{[^{}]*Font Awesome[^{}]*\}")


def slim_theme_css(app: Sphinx, exception) -> None:
    """Drop the icon font's rules (about 90 kB) from the theme's style sheet: no page uses the font
    (duo.css draws the icons), and every page would download and parse them before its first paint."""
    if exception is not None or app.builder.format != "html":
        return
    css = Path(app.outdir) / "_static" / "styles" / "pydata-sphinx-theme.css"
    if css.exists():
        text = css.read_text(encoding="utf-8")
        slim = FONT_FACE.sub("", FONT_AWESOME_RULE.sub("", text))
        if slim != text:
            css.write_text(slim, encoding="utf-8")


def lazy_images(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Images load when they come near the screen (the charts of a chapter are far below its
    title), with their width and height, so that the page keeps its layout while they load."""
    body = context.get("body")
    if not body or "<img " not in body:
        return
    sources = {Path(dest).name: Path(app.srcdir) / src for src, dest in getattr(app.builder, "images", {}).items()}

    def rewrite(match):
        tag = match.group(0)
        if "loading=" not in tag:
            tag = tag.replace("<img ", '<img loading="lazy" decoding="async" ', 1)
        src = re.search(r'src="([^"]+)"', tag)
        source = sources.get(Path(src.group(1)).name) if src else None
        if source is not None and source.is_file() and " width=" not in tag and " height=" not in tag:
            from PIL import Image

            with Image.open(source) as im:
                width, height = im.size
            tag = tag.replace("<img ", f'<img width="{width}" height="{height}" ', 1)
        return tag

    context["body"] = re.sub(r"<img [^>]*>", rewrite, body)


def valid_roles(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """The bibliography is a list of list items (docutils writes role="list" around entries with
    the deprecated role doc-biblioentry, which a list may not contain: axe aria-required-children)."""
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def describe_page(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """``duo_description``: the page's first paragraph, cut at a word under 160 characters."""
    text = ""
    if doctree is not None:
        for para in doctree.findall(nodes.paragraph):
            if para.parent is not None and isinstance(para.parent, (nodes.section, nodes.document)):
                text = re.sub(r"[ \t\n\r\f]+", " ", para.astext()).strip(" \t\n\r\f")
                if len(text) > 40:
                    break
    if not text:
        text = i18n.text("print_subject", app.config.language)
    if len(text) > DESCRIPTION_LENGTH:
        cut = text[:DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
        text = cut + "…"
    context["duo_description"] = text


def cite_box(app: Sphinx, doctree, docname) -> None:
    """The 'how to cite' box at the end of the home page, in the page's language."""
    if docname != app.config.root_doc:
        return
    from .citation import citation_text, licence_text

    lang = app.config.language
    base = getattr(app.config, "html_baseurl", "") or ""
    url = (base.rstrip("/") + f"/{lang}/index.html") if base else None
    synthetic = bool(app.config.duo_synthetic)
    box = nodes.admonition(classes=["duo-cite"])
    box += nodes.title(text=i18n.text("cite_title", lang))
    title = app.config.html_title or app.config.project
    box += nodes.paragraph(text=citation_text(lang, synthetic, title, url))
    box += nodes.paragraph(text=licence_text(lang))
    section = next(iter(doctree.findall(nodes.section)), doctree)
    section += box


def footer(app: Sphinx, config) -> None:
    """The licences in the footer of every page (the theme's extra_footer)."""
    options = dict(config.html_theme_options or {})
    options.setdefault("extra_footer", f"<p class='duo-licence'>{i18n.text('licence_statement', config.language)}</p>")
    config.html_theme_options = options


def _assets_hash(app: Sphinx) -> str:
    import hashlib

    h = hashlib.sha256()
    for folder in [Path(app.srcdir) / p for p in app.config.html_static_path] + [LOCALE_DIR]:
        for f in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if f.is_file():
                h.update(str(f.relative_to(folder)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def static_changes(app: Sphinx, env, added, changed, removed) -> list:
    """A change of a static file (style sheet, script, the Explore data) or of a translation
    alone outdates no page, and Sphinx then stops before it copies the static files: the site
    would keep the old ones. Such a change outdates every page, so that the build runs to its
    end, copies them, and every page links them with their new checksum (``?v=``: no browser
    keeps a stale copy)."""
    digest = _assets_hash(app)
    if getattr(env, "duo_assets_hash", None) == digest:
        return []
    env.duo_assets_hash = digest
    return sorted(env.found_docs)


def setup(app: Sphinx) -> dict:
    target = compile_catalogues(Path(app.doctreedir) / "duo-locales")
    app.add_message_catalog("sphinx", str(target))
    # the kind of data of the edition (the stage writes it into the book's configuration)
    app.add_config_value("duo_synthetic", False, "env")
    app.connect("config-inited", footer)
    app.connect("env-get-outdated", static_changes)
    app.connect("doctree-resolved", cite_box)
    app.connect("html-page-context", lighten_assets, priority=950)
    app.connect("html-page-context", describe_page)
    app.connect("html-page-context", valid_roles)
    app.connect("html-page-context", lazy_images)
    app.connect("build-finished", slim_theme_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
