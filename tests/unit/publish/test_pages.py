"""The narrative pages: every number is glued, every glue key and chart exists, both languages match."""

import re

import pandas as pd
import pytest

from duoreport.data.reference import published_figures as load_figures
from duoreport.publish.stage import CHART_MARKER, LANGS
from duoreport.report.inventory import CHAPTERS, CHARTS
from duoreport.settings import REPO_ROOT

BOOK = REPO_ROOT / "book"
PAGES = sorted(p.name for p in (BOOK / "nl").glob("*.md"))
GLUE = re.compile(r"\{glue:text\}`notebooks/([a-z]+)\.ipynb::([A-Za-z0-9_]+):s`")
ROLE = re.compile(r"\{[a-z:]+\}`[^`]*`")
# Digits a reader may see that are not statistics: years, a day of the month before a month
# name, the confidence level's name, the protected-cell sign (< 10), and fixed names (EU-28, UTF-8, Article 60, ISO 8601...).
ALLOWED = re.compile(
    r"\b(19|20)\d\d\b"
    r"|\b\d{1,2}(er)?\s+(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b"
    r"|\b95\s?%|<\s?10\b|EU-28|UE-28|EU-1[34]|UE-1[34]|UTF-8|ISO[\s-]*8601|[Aa]rti(kel|cle)\s*60|§\s*7|Q2|A4|NACE"
    r"|\b(hoofdstuk|chapitre|bijlage|annexe)\s+[1-9A-B]\b|\b[1-8]\.\s|^#+ *[1-8]\b|\b(YYYY|JJJJ|AAAA)-MM-(DD|JJ)\b",
    re.M | re.I)


def keys_by_notebook() -> dict:
    figures = load_figures()
    context = pd.read_csv(REPO_ROOT / "data" / "context" / "labour_market.csv", keep_default_na=False)
    return {
        "profile": set(figures.loc[figures["chapter"].isin(["profile", "method"]), "id"]),
        "obstacles": set(figures.loc[figures["chapter"] == "obstacles", "id"]),
        "impact": set(figures.loc[figures["chapter"] == "impact", "id"]),
        "context": set(context["id"]),
    }


def prose_of(text: str) -> str:
    """The text a reader sees, without roles, markers, code, directive options or labels."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    text = re.sub(r"^:[a-z_-]+:.*$", "", text, flags=re.M)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = ROLE.sub("", text)
    text = re.sub(r"\(\s*[a-z0-9_-]+\s*\)=", "", text)
    return text


def test_both_languages_have_the_same_pages():
    assert PAGES == sorted(p.name for p in (BOOK / "fr").glob("*.md"))
    assert {"index.md", "intro.md", "context.md", "profile.md", "obstacles.md", "impact.md",
            "recommendations.md", "audit.md", "contract.md", "sources.md"} <= set(PAGES)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_no_typed_number_in_the_prose(lang, page):
    text = prose_of((BOOK / lang / page).read_text(encoding="utf-8"))
    leftovers = []
    for line in text.splitlines():
        stripped = ALLOWED.sub("", line)
        if re.search(r"\d", stripped):
            leftovers.append(line.strip()[:120])
    assert not leftovers, leftovers


@pytest.mark.parametrize("lang", LANGS)
def test_every_glue_key_exists(lang):
    known = keys_by_notebook()
    used = 0
    for page in PAGES:
        text = (BOOK / lang / page).read_text(encoding="utf-8")
        for notebook, key in GLUE.findall(text):
            assert key in known[notebook], (page, notebook, key)
            used += 1
        # a glue role in any other form would paste nothing or the wrong thing
        assert len(re.findall(r"\{glue", text)) == len(GLUE.findall(text)), page
    assert used > 100


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_is_placed_once_in_its_chapter(lang):
    for chapter in CHAPTERS:
        text = (BOOK / lang / f"{chapter}.md").read_text(encoding="utf-8")
        assert CHART_MARKER.findall(text) == [c.id for c in CHARTS if c.chapter == chapter] or \
            sorted(CHART_MARKER.findall(text)) == sorted(c.id for c in CHARTS if c.chapter == chapter)
    others = [p for p in PAGES if p[:-3] not in CHAPTERS]
    for page in others:
        assert not CHART_MARKER.findall((BOOK / lang / page).read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_citations_point_to_the_bibliography(lang):
    bib = (BOOK / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M))
    cited = set()
    for page in PAGES:
        for group in re.findall(r"\{cite:[pt]\}`([^`]+)`", (BOOK / lang / page).read_text(encoding="utf-8")):
            cited |= {k.strip() for k in group.split(",")}
    assert cited and cited <= keys, cited - keys
    assert len(cited) >= 20
