"""Editorial checks of the first half of the book (home, introduction, context, profile,
recommendations), in Dutch and French: parity of structure, claims, typography, privacy
wording and distance from the original report's sentences. Fast: reads the sources only."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _text as T  # noqa: E402

PAGES = ["index.md", "intro.md", "context.md", "profile.md", "recommendations.md"]


def both(page):
    return T.page_text("nl", page), T.page_text("fr", page)


@pytest.mark.parametrize("page", PAGES)
def test_same_labels_in_both_languages(page):
    nl, fr = both(page)
    assert T.labels(nl), f"{page}: no section labels"
    assert T.labels(nl) == T.labels(fr), T.multiset_diff(T.labels(nl), T.labels(fr))
    assert len(set(T.labels(nl))) == len(T.labels(nl)), f"{page}: a label is used twice"


@pytest.mark.parametrize("lang", T.LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_every_heading_has_a_label(lang, page):
    assert T.headings_without_label(T.page_text(lang, page)) == []


def test_labels_unique_across_my_pages():
    seen = {}
    for page in PAGES:
        for label in T.labels(T.page_text("nl", page)):
            assert label not in seen, (label, page, seen.get(label))
            seen[label] = page


@pytest.mark.parametrize("page", PAGES)
def test_same_charts_in_the_same_order(page):
    nl, fr = both(page)
    assert T.chart_markers(nl) == T.chart_markers(fr)


@pytest.mark.parametrize("page", PAGES)
def test_same_figure_references(page):
    nl, fr = both(page)
    assert T.multiset_diff(T.figure_refs(nl), T.figure_refs(fr)) == ([], [])
    charts = set(T.chart_markers(nl))
    for ref in T.figure_refs(nl):
        assert ref.startswith("fig-"), ref
        assert ref[4:] in charts, f"{page}: {ref} refers to a chart of another page"


@pytest.mark.parametrize("page", PAGES)
def test_same_numbers_and_sources(page):
    """The same glued numbers and the same citations in both languages (content parity)."""
    nl, fr = both(page)
    assert T.multiset_diff(T.glue_keys(nl), T.glue_keys(fr)) == ([], [])
    assert T.multiset_diff(T.citation_keys(nl), T.citation_keys(fr)) == ([], [])


@pytest.mark.parametrize("page", PAGES)
def test_same_claims_and_all_defined(page):
    nl, fr = both(page)
    assert T.multiset_diff(T.claim_names(nl), T.claim_names(fr)) == ([], [])
    defined = T.defined_claims()
    for lang, text in (("nl", nl), ("fr", fr)):
        assert T.claim_structure_errors(text) == [], (lang, page)
    for name in T.claim_names(nl):
        assert name in defined, f"{page}: claim {name} is not defined in book/claims/*.yml"
        (file, entry), = defined[name]
        assert file == page.replace(".md", ".yml"), (name, file)
        assert entry.get("about") and entry.get("holds"), name
    assert len(set(T.claim_names(nl))) == len(T.claim_names(nl)), f"{page}: a claim name is used twice"


def test_claim_names_unique_across_files():
    dupes = {k: v for k, v in T.defined_claims().items() if len(v) > 1}
    assert not dupes, dupes


def test_claim_files_only_define_used_claims():
    used = set()
    for page in PAGES:
        used |= set(T.claim_names(T.page_text("nl", page)))
    for name, places in T.defined_claims().items():
        file = places[0][0]
        if file.replace(".yml", ".md") in PAGES:
            assert name in used, f"{file}: claim {name} is not used on the page"


@pytest.mark.parametrize("lang", T.LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_no_suppression_token_in_the_prose(lang, page):
    assert T.suppression_tokens(T.page_text(lang, page)) == []


@pytest.mark.parametrize("lang", T.LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_no_sentence_starts_with_a_digit(lang, page):
    bad = [s[:80] for s in T.sentences(T.page_text(lang, page)) if T.starts_with_digit(s)]
    assert bad == []


@pytest.mark.parametrize("page", PAGES)
def test_french_narrow_spaces(page):
    assert T.french_spacing_errors(T.page_text("fr", page)) == []


@pytest.mark.parametrize("lang", T.LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_no_long_run_shared_with_the_original(lang, page):
    if not T.SEED.exists():
        pytest.skip("seed text of the original report not available")
    runs = T.shared_runs(T.page_text(lang, page), _seed())
    assert runs == []


@pytest.mark.parametrize("page", PAGES)
def test_no_typed_data_window(page):
    """The data window and the antennas are substitutions, not typed text."""
    for lang in T.LANGS:
        text = T.page_text(lang, page)
        for fixed in ("1 september 2013", "1 januari 2018", "1er septembre 2013", "1er janvier 2018",
                      "Brussel, Luik, Antwerpen en Gent", "Bruxelles, Liège, Anvers et Gand"):
            assert fixed not in text, (lang, page, fixed)


_SEED_CACHE = []


def _seed():
    if not _SEED_CACHE:
        _SEED_CACHE.append(T.seed_words())
    return _SEED_CACHE[0]
