"""The narrative pages book/nl/*.md and book/fr/*.md, every page in both languages, read from
their MyST sources (no build): the same structure, numbers, sources and claims in Dutch and
French; every number glued and every glue key, chart and citation existing; claims well formed,
defined and checking what they say; the house style of docs/style.md (privacy wording, no
sentence opening with a digit, French spacing, Dutch quotes); and no run of twelve words copied
from the original report (when its text is present)."""

import json
import re
from functools import lru_cache

import pandas as pd
import pytest

import _text as T  # tests/unit/book/_text.py (pytest puts this folder on sys.path)
from duoreport.data.reference import published_figures
from duoreport.report.inventory import CHAPTERS, CHARTS

PAGES = T.PAGES
LANG_PAGES = [(lang, page) for page in PAGES for lang in T.LANGS]


def both(page):
    return T.page_text("nl", page), T.page_text("fr", page)


def label_prefix(page):
    return "home" if page == "index" else page


# --- the pages and their structure ----------------------------------------------------

def test_both_languages_have_the_same_pages():
    assert PAGES == sorted(p.stem for p in (T.BOOK / "fr").glob("*.md"))
    assert {"index", "intro", "context", "profile", "obstacles", "impact", "recommendations", "explore",
            "audit", "contract", "sources"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_same_labels_in_both_languages(page):
    nl, fr = both(page)
    assert T.labels(nl), f"{page}: no section labels"
    assert T.labels(nl) == T.labels(fr), T.multiset_diff(T.labels(nl), T.labels(fr))
    assert len(set(T.labels(nl))) == len(T.labels(nl)), f"{page}: a label is used twice"


@pytest.mark.parametrize("page", PAGES)
def test_labels_are_prefixed_with_the_page(page):
    """The title carries the page's own label ((home)= on the home page), sections <page>-<topic>."""
    prefix = label_prefix(page)
    found = T.labels(T.page_text("nl", page))
    assert found[0] == prefix, f"{page}: the first label is {found[0]!r}, not ({prefix})="
    assert T.page_text("nl", page).startswith(f"({prefix})=\n# "), f"{page}: the title does not follow its label"
    for label in found[1:]:
        assert label.startswith(prefix + "-"), f"{page}: label {label!r} is not {prefix}-<topic>"


@pytest.mark.parametrize("lang,page", LANG_PAGES)
def test_every_heading_has_a_label(lang, page):
    assert T.headings_without_label(T.page_text(lang, page)) == []


def test_labels_unique_across_pages():
    seen = {}
    for page in PAGES:
        for label in T.labels(T.page_text("nl", page)):
            assert label not in seen, (label, page, seen.get(label))
            seen[label] = page


@pytest.mark.parametrize("lang", T.LANGS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_titles_match_the_catalogue(lang, chapter):
    """The title of a chapter page is the chapter's name in the interface catalogue (sidebar, notebooks)."""
    catalogue = json.loads((T.REPO / "duoreport" / "i18n" / "locales" / f"{lang}.json").read_text(encoding="utf-8"))
    ui = catalogue.get("ui", catalogue)
    assert T.title(T.page_text(lang, chapter)) == ui[f"chapter_{chapter}"]


# --- charts and figure references -----------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_same_charts_in_the_same_order_as_the_inventory(page):
    """Every chart of a chapter is placed once, on its chapter page only, in the inventory's order:
    the book numbers figures by their place on the page and the notebook by the inventory, so
    "figuur 3.5" is the same chart in both."""
    nl, fr = both(page)
    assert T.chart_markers(nl) == T.chart_markers(fr)
    inventory = [c for c in CHARTS if c.chapter == page]
    assert T.chart_markers(nl) == [c.id for c in inventory]
    assert [c.number for c in inventory] == list(range(1, len(inventory) + 1))


@pytest.mark.parametrize("page", PAGES)
def test_same_figure_references(page):
    """The same figure references in both languages, each to a chart placed in the book (a chapter
    may refer to a figure of another chapter)."""
    nl, fr = both(page)
    assert T.multiset_diff(T.figure_refs(nl), T.figure_refs(fr)) == ([], [])
    placed = {chart for other in PAGES for chart in T.chart_markers(T.page_text("nl", other))}
    for ref in T.figure_refs(nl):
        assert ref.startswith("fig-"), f"{page}: {ref} is not a figure"
        assert ref[4:] in placed, f"{page}: {ref} refers to no chart of the book"


# --- numbers and sources --------------------------------------------------------------

@lru_cache(maxsize=None)
def _glue_keys_by_notebook() -> dict:
    figures = published_figures()
    context = pd.read_csv(T.REPO / "data" / "context" / "labour_market.csv", keep_default_na=False)
    return {
        "profile": set(figures.loc[figures["chapter"].isin(["profile", "method"]), "id"]),
        "obstacles": set(figures.loc[figures["chapter"] == "obstacles", "id"]),
        "impact": set(figures.loc[figures["chapter"] == "impact", "id"]),
        "context": set(context["id"]),
    }


@pytest.mark.parametrize("page", PAGES)
def test_same_numbers_and_sources_all_existing(page):
    """The same glued numbers and citations in both languages; each glue key is a number of its
    notebook, written in the one form that pastes it, and each citation is in references.bib."""
    nl, fr = both(page)
    assert T.multiset_diff(T.glue_refs(nl), T.glue_refs(fr)) == ([], [])
    assert T.multiset_diff(T.citation_keys(nl), T.citation_keys(fr)) == ([], [])
    known = _glue_keys_by_notebook()
    for lang, text in (("nl", nl), ("fr", fr)):
        assert T.malformed_glue_count(text) == 0, f"{lang}/{page}: a glue role in another form pastes nothing"
        for notebook, key in T.glue_refs(text):
            assert key in known.get(notebook, ()), (lang, page, notebook, key)
    assert set(T.citation_keys(nl)) <= T.bibliography_keys(), set(T.citation_keys(nl)) - T.bibliography_keys()


@pytest.mark.parametrize("lang", T.LANGS)
def test_the_book_glues_its_numbers_and_cites_its_sources(lang):
    texts = [T.page_text(lang, page) for page in PAGES]
    assert sum(len(T.glue_refs(t)) for t in texts) > 100
    assert len({key for t in texts for key in T.citation_keys(t)}) >= 20


@pytest.mark.parametrize("lang,page", LANG_PAGES)
def test_no_typed_number_in_the_prose(lang, page):
    assert T.typed_numbers(T.page_text(lang, page), lang) == []


@pytest.mark.parametrize("lang,page", LANG_PAGES)
def test_no_typed_data_window(lang, page):
    """The data window and the antennas are substitutions, not typed text: neither the words the
    substitutions give for the full default edition nor the original report's window appear."""
    body = " ".join(T.prose(T.page_text(lang, page), lang, fill_substitutions=False).split())
    typed = ["1 januari 2018", "1er janvier 2018"]
    for either in T.LANGS:
        window = T.substitutions(T.FULL_SCOPE, either)
        typed += [window["period_start"], window["period_end"], window["antenna_list"]]
    for fixed in typed:
        assert " ".join(fixed.split()) not in body, fixed


def test_french_pages_link_to_french_sources():
    """Where a source has a French page, the French book links to it, never to the Dutch one."""
    for page in PAGES:
        assert "/nl/" not in T.page_text("fr", page), page


# --- claims ---------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_same_claims_and_all_defined(page):
    nl, fr = both(page)
    assert T.claim_names(nl) == T.claim_names(fr), T.multiset_diff(T.claim_names(nl), T.claim_names(fr))
    for lang, text in (("nl", nl), ("fr", fr)):
        assert T.claim_structure_errors(text) == [], (lang, page)
    assert len(set(T.claim_names(nl))) == len(T.claim_names(nl)), f"{page}: a claim name is used twice"
    defined = T.defined_claims()
    for name in T.claim_names(nl):
        assert name in defined, f"{page}: claim {name} is not defined in book/claims/*.yml"
        for file, entry in defined[name]:
            assert file == f"{page}.yml", f"{page}: claim {name} is defined in {file}"
            assert entry.get("about") and entry.get("holds"), name


def test_claim_names_unique_across_files():
    dupes = {k: v for k, v in T.defined_claims().items() if len(v) > 1}
    assert not dupes, dupes


def test_claim_files_only_define_used_claims():
    used = {page: set(T.claim_names(T.page_text("nl", page))) for page in PAGES}
    for name, places in T.defined_claims().items():
        for file, _ in places:
            page = file.removesuffix(".yml")
            assert page in used, f"{file}: there is no page {page}.md"
            assert name in used[page], f"{file}: claim {name} is not used on the page"


@pytest.mark.parametrize("lang,page", LANG_PAGES)
def test_significance_words_sit_in_claims(lang, page):
    """A word that states a test result is only published when a claim checks it."""
    outside = T.without_claims(T.page_text(lang, page))
    assert T.significance_words(outside, lang) == []


@pytest.mark.parametrize("lang,page", LANG_PAGES)
def test_significance_claims_check_tests(lang, page):
    """A claim whose wording states a test result holds on p_value(), significant() or sib()."""
    defined = T.defined_claims()
    for name, body in T.claim_blocks(T.page_text(lang, page)):
        if T.significance_words(body, lang):
            holds = defined[name][0][1]["holds"]
            assert re.search(r"p_value\(|significant\(|sib\(", holds), (name, holds)


# --- house style ----------------------------------------------------------------------

@pytest.mark.parametrize("lang,page", LANG_PAGES)
def test_no_suppression_token_in_the_prose(lang, page):
    assert T.suppression_tokens(T.page_text(lang, page), lang) == []


@pytest.mark.parametrize("lang,page", LANG_PAGES)
def test_no_sentence_starts_with_a_digit(lang, page):
    bad = [s[:80] for s in T.sentences(T.page_text(lang, page), lang) if T.starts_with_digit(s)]
    assert bad == []


@pytest.mark.parametrize("page", PAGES)
def test_french_narrow_spaces(page):
    assert T.french_spacing_errors(T.page_text("fr", page)) == []


@pytest.mark.parametrize("page", PAGES)
def test_dutch_quotes(page):
    body = T.prose(T.page_text("nl", page), "nl")
    assert "„" not in body and '"' not in body, f"{page}: use “…” in Dutch prose"


@pytest.mark.parametrize("lang,page", LANG_PAGES)
def test_no_long_run_shared_with_the_original(lang, page):
    if not T.SEED.exists():
        pytest.skip("seed text of the original report not available")
    assert T.shared_runs(T.page_text(lang, page), lang, T.seed_grams()) == []
