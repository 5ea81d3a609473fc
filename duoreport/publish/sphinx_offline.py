"""Sphinx extension: the published site loads nothing from other hosts.

Jupyter Book always enables sphinx-thebe, which declares its configuration script twice
on each page under this toolchain (a JavaScript error) and points at a CDN. The book
runs no live code, so every thebe script is dropped, and any script or stylesheet that
would come from another host is refused at build time.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError


def _source(asset) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _body(asset) -> str:
    return str(getattr(asset, "attributes", {}).get("body", ""))


def clean_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files", [])
    kept = [s for s in scripts if "thebe" not in _source(s).lower() and "thebe" not in _body(s).lower()]
    context["script_files"] = kept
    for asset in kept + list(context.get("css_files", [])):
        if _source(asset).startswith(("http://", "https://", "//")):
            raise ExtensionError(f"{pagename}: {_source(asset)} would be loaded from another host")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", clean_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
