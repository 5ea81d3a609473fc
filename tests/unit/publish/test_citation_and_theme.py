"""What a published research output carries (licences, CITATION.cff, a version) and the theme's
interface strings translated for both books."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

import duoreport
from duoreport import i18n
from duoreport.publish.citation import citation_text, licence_text
from duoreport.settings import BOOK_DIR, REPO_ROOT


def test_one_version_everywhere():
    cff = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["cff-version"] == "1.2.0" and cff["message"] and cff["authors"] and cff["title"]
    assert str(cff["version"]) == str(cff["preferred-citation"]["version"]) == project["version"] == duoreport.__version__


def test_duoreport_version(capsys):
    from duoreport.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"duoreport {duoreport.__version__}"


def test_licences_for_code_and_for_text_and_data():
    cff = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["license"] == "MIT" and cff["preferred-citation"]["license"] == "CC-BY-4.0"
    assert (REPO_ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    cc = (REPO_ROOT / "LICENSES" / "CC-BY-4.0.txt").read_text(encoding="utf-8")
    assert "Attribution 4.0 International" in cc and "Section 1 – Definitions" in cc
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "MIT" in readme and "CITATION.cff" in readme
    for lang in ("nl", "fr"):
        assert "CC BY 4.0" in licence_text(lang) and "MIT" in licence_text(lang)


@pytest.mark.parametrize("lang, edition, kind", [("nl", "Reproduceerbare uitgave, versie", "synthetische gegevens"),
                                                  ("fr", "Édition reproductible, version", "données synthétiques")])
def test_how_to_cite_in_the_readers_language(lang, edition, kind):
    text = citation_text(lang, True, "Titel van het boek", "https://example.org/nl/index.html")
    assert text == f"DUO for a JOB (2026). Titel van het boek. {edition} {duoreport.__version__} ({kind}). https://example.org/nl/index.html"
    assert i18n.text("cite_data_real", lang) in citation_text(lang, False, "T")


def read_po(path: Path) -> dict:
    from babel.messages.pofile import read_po as babel_read
    with path.open("rb") as fh:
        catalog = babel_read(fh)
    return {m.id: m.string for m in catalog if m.id}


def theme_msgids() -> set:
    """Every string the installed themes pass through gettext in their templates."""
    import pydata_sphinx_theme
    import sphinx_book_theme
    ids = set()
    for package in (pydata_sphinx_theme, sphinx_book_theme):
        for f in Path(package.__file__).parent.rglob("*.html"):
            ids |= {a or b for a, b in re.findall(r"""_\(\s*(?:"([^"]+)"|'([^']+)')\s*\)""", f.read_text(errors="ignore"))}
    return ids


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_every_theme_string_is_translated(lang):
    catalogue = read_po(BOOK_DIR / "locales" / lang / "LC_MESSAGES" / "sphinx.po")
    missing = sorted(m for m in theme_msgids() if not catalogue.get(m))
    assert not missing, missing
    templates = "".join(p.read_text(encoding="utf-8") for p in (BOOK_DIR / "templates").glob("*.html"))
    ours = {a or b for a, b in re.findall(r"""_\(\s*(?:"([^"]+)"|'([^']+)')\s*\)""", templates)}
    assert ours and not [m for m in ours if not catalogue.get(m)]
    if lang == "fr":  # French typography: a narrow no-break space before ? ! ; :
        assert not [v for v in catalogue.values() if re.search(r"[^\u202f][?!;:]$", v)]


def test_templates_have_no_bare_english_label():
    for f in (BOOK_DIR / "templates").glob("*.html"):
        text = f.read_text(encoding="utf-8")
        bare = re.findall(r'(?:title|aria-label|placeholder)="([A-Za-z][^"{]*)"', text)
        assert not bare, (f.name, bare)
