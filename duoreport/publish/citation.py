"""How to cite the publication, and under which licences: one source, ``CITATION.cff``.

The web book's "how to cite" box (both languages), the PDF's colophon and its XMP metadata
all read the citation from here, so a new version number is changed in one place
(``CITATION.cff``, checked against ``duoreport.__version__`` by a test).
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from .. import i18n
from ..settings import REPO_ROOT

CITATION_FILE = REPO_ROOT / "CITATION.cff"
TEXT_LICENCE = "CC-BY-4.0"
TEXT_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CODE_LICENCE = "MIT"


@lru_cache(maxsize=1)
def citation_file() -> dict:
    return yaml.safe_load(CITATION_FILE.read_text(encoding="utf-8"))


def _authors(entry: dict) -> str:
    names = []
    for a in entry.get("authors", []):
        names.append(a.get("name") or " ".join(p for p in (a.get("given-names"), a.get("family-names")) if p))
    return ", ".join(names)


def citation_text(lang: str, synthetic: bool, title: str, url: str | None = None) -> str:
    """The recommended reference to the book ``title`` (as built) in the page's language, e.g.
    ``DUO for a JOB (2026). DUO for a JOB – ervaringsverslag … Reproduceerbare uitgave, versie 0.1.0
    (synthetische gegevens).``"""
    cff = citation_file()
    pref = cff.get("preferred-citation", cff)
    edition = i18n.text("cite_edition", lang, version=pref.get("version", cff.get("version")))
    kind = i18n.text("cite_data_synthetic" if synthetic else "cite_data_real", lang)
    text = f"{_authors(pref)} ({pref['year']}). {title}. {edition} ({kind})."
    return f"{text} {url}" if url else text


def licence_text(lang: str) -> str:
    return i18n.text("licence_statement", lang)
