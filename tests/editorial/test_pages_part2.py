"""Editorial checks of the second half of the book (obstacles, impact, explore, audit,
contract, sources), Dutch against French. Plain text checks: no book build."""
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import _text_part2 as T  # noqa: E402

PAGES = ["obstacles", "impact", "explore", "audit", "contract", "sources"]
SUPPRESSION_TOKENS = ("onderdrukt", "masqué", "masqués", "masquée", "masquées")
SIGNIFICANCE_WORDS = {  # regular expressions, matched on lower-cased text
    "nl": (r"\bsignificant", r"\bbeslissend", r"geen enkele jaargang", r"geen enkel cohort"),
    "fr": (r"\bsignificati(f|ve|fs|ves|vement)\b", r"\bdécisi(f|ve|fs|ves)\b", r"aucune cohorte"),
}


@pytest.fixture(scope="module", params=PAGES)
def pair(request):
    name = request.param
    return name, T.page("nl", name), T.page("fr", name)


def test_same_labels(pair):
    name, nl, fr = pair
    assert T.labels(nl) == T.labels(fr), name
    assert len(set(T.labels(nl))) == len(T.labels(nl)), f"{name}: duplicate label"


def test_every_heading_has_a_label(pair):
    name, nl, fr = pair
    assert T.headings_without_label(nl) == [], name
    assert T.headings_without_label(fr) == [], name


def test_labels_are_prefixed_with_the_page(pair):
    name, nl, _ = pair
    for label in T.labels(nl):
        assert label == name or label.startswith(name + "-"), label


def test_same_charts_in_same_order(pair):
    name, nl, fr = pair
    assert T.charts(nl) == T.charts(fr), name


def test_same_figure_references(pair):
    name, nl, fr = pair
    assert sorted(T.numrefs(nl)) == sorted(T.numrefs(fr)), name


def test_same_claims_and_all_defined(pair):
    name, nl, fr = pair
    assert T.claims(nl) == T.claims(fr), name
    defined = T.claim_definitions()
    for c in T.claims(nl):
        assert c in defined, f"{name}: claim {c} not in book/claims/*.yml"
        assert defined[c].get("about") and defined[c].get("holds"), c


def test_claim_markup_is_balanced(pair):
    name, nl, fr = pair
    for text in (nl, fr):
        opened = 0
        for m in re.finditer(r"<!--\s*(claim:\s*\w+|else|end claim)\s*-->", text):
            tag = m.group(1)
            if tag.startswith("claim"):
                assert opened == 0, f"{name}: nested claim at {m.start()}"
                opened = 1
            elif tag == "else":
                assert opened == 1, f"{name}: else outside a claim"
            else:
                assert opened == 1, f"{name}: end claim without claim"
                opened = 0
        assert opened == 0, f"{name}: unclosed claim"


def test_claims_of_pages_have_their_file():
    defined = T.claim_definitions()
    for name in PAGES:
        used = T.claims(T.page("nl", name))
        assert set(used) <= set(defined), name
        if used:
            f = T.BOOK / "claims" / f"{name}.yml"
            assert f.exists(), f
            import yaml
            own = yaml.safe_load(f.read_text(encoding="utf-8"))
            assert set(used) <= set(own), name


def test_no_suppression_token_in_prose(pair):
    name, nl, fr = pair
    for lang, text in (("nl", nl), ("fr", fr)):
        p = T.prose(text).lower()
        for tok in SUPPRESSION_TOKENS:
            assert not re.search(rf"\b{tok}\b", p), f"{lang}/{name}: '{tok}' in prose"


def test_no_sentence_starts_with_a_digit(pair):
    name, nl, fr = pair
    for lang, text in (("nl", nl), ("fr", fr)):
        bad = [s for s in T.sentences(T.prose(text)) if T.starts_with_digit(s)]
        assert bad == [], f"{lang}/{name}: {bad}"


def test_french_narrow_spaces(pair):
    name, _, fr = pair
    assert T.french_spacing_errors(T.prose(fr, glue="N")) == [], name


def test_dutch_quotes(pair):
    name, nl, _ = pair
    p = T.prose(nl)
    assert "„" not in p and '"' not in p, f"{name}: use “…” in Dutch prose"


def test_significance_words_sit_in_claims(pair):
    """A word that states a test result is only published when a claim checks it."""
    name, nl, fr = pair
    for lang, text in (("nl", nl), ("fr", fr)):
        outside = HTML_CLAIMS.sub("", text).lower()
        for w in SIGNIFICANCE_WORDS[lang]:
            assert not re.search(w, T.prose(outside).lower()), f"{lang}/{name}: '{w}' outside a claim"


HTML_CLAIMS = re.compile(r"<!--\s*claim:.*?<!--\s*end claim\s*-->", re.S)


def test_significance_claims_check_tests():
    defined = T.claim_definitions()
    for name in PAGES:
        nl = T.page("nl", name)
        for m in re.finditer(r"<!--\s*claim:\s*(\w+)\s*-->(.*?)<!--\s*end claim\s*-->", nl, re.S):
            body = m.group(2).lower()
            if any(re.search(w, body) for w in SIGNIFICANCE_WORDS["nl"]):
                holds = defined[m.group(1)]["holds"]
                assert re.search(r"p_value|significant\(|sib\(", holds), m.group(1)


def test_no_run_shared_with_the_seed(pair):
    seed = T.seed_text()
    if seed is None:
        pytest.skip("seed text not available")
    name, nl, fr = pair
    for lang, text in (("nl", nl), ("fr", fr)):
        runs = T.shared_runs(T.prose(text, glue=" "), seed, 12)
        assert runs == [], f"{lang}/{name}: {runs[:3]}"


def test_chapter_titles_match_the_catalogue():
    import json
    for lang in ("nl", "fr"):
        cat = json.loads((T.ROOT / "duoreport" / "i18n" / "locales" / f"{lang}.json").read_text(encoding="utf-8"))
        ui = cat.get("ui", cat)
        for name in ("obstacles", "impact"):
            title = re.search(r"^# (.+)$", T.page(lang, name), re.M).group(1).strip()
            assert title == ui[f"chapter_{name}"], (lang, name, title)


def test_french_sources_page_is_french():
    fr = T.prose(T.page("fr", "sources"))
    assert "/nl/" not in fr
