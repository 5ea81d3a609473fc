"""The helpers of test_pages.py on small pages written by hand: each check finds what it is
there to find (so that a page test passing means something) and leaves alone what the house
style allows."""

import _text as T  # tests/unit/book/_text.py

GLUE = "{glue:text}`notebooks/profile.ipynb::prof_age_a25_29:s`"


def test_prose_keeps_what_a_reader_sees():
    page = ("(p)=\n# Titel\n\n<!-- chart: x -->\nTekst {numref}`figuur %s <fig-x>` en **vet**.\n\n"
            "```python\ncode = 1\n```\n\n```{admonition} Let op\n:class: tip\n\nIn een kader.\n```\n\n"
            "| a | 12 |\n|---|---|\n\nTussen {{ period_start }} en `UTF-8`, <span>html</span>.\n")
    body = T.prose(page, "nl")
    assert "Titel" in body and "Tekst Ref en vet." in body and "Let op" in body and "In een kader." in body
    assert "code = 1" not in body and ":class:" not in body and "| a |" not in body and "chart" not in body
    assert "Tussen 1\u00a0september 2013 en Code, html." in body
    assert "| a | 12 |" in T.prose(page, "nl", keep_tables=True)


def test_sentences_starting_with_a_digit_are_found():
    page = ("(p)=\n## 1. Een genummerde titel mag\n\n## 2017 als titel niet\n\n"
            f"Van de mentees is {GLUE} ouder. {GLUE} is jonger.\n\n- eerste punt\n- {GLUE} in een lijst\n\n"
            "In {{ first_year }} begon het. {{ first_year }} was het eerste jaar (art. 60 telt niet).\n")
    bad = [s for s in T.sentences(page) if T.starts_with_digit(s)]
    assert bad == ["2017 als titel niet", "0 is jonger.", "0 in een lijst",
                   "2013 was het eerste jaar (art. 60 telt niet)."]


def test_french_spacing():
    assert T.french_spacing_errors("Il dit\u202f: «\u202foui\u202f»\u202f; non\u202f?") == []
    errors = T.french_spacing_errors(f"Un taux de {GLUE}% ; puis : « non »?")
    assert len(errors) == 6  # %, ;, :, « inside, » inside, ?


def test_claim_markup_errors():
    assert T.claim_structure_errors("<!-- claim: a -->x<!-- else -->y<!-- end claim -->") == []
    assert T.claim_structure_errors("<!-- claim: a -->x<!-- claim: b -->y<!-- end claim -->") \
        == ["claim claim: b opens inside claim a"]
    assert T.claim_structure_errors("<!-- claim: a -->x<!-- else -->y<!-- else -->z") \
        == ["two else in claim a", "claim a is not closed"]
    assert T.claim_structure_errors("x<!-- end claim -->") == ["end claim without a claim"]


def test_words_outside_claims():
    page = ("Het verschil is <!-- claim: s -->significant<!-- else -->getoond<!-- end claim -->. "
            "Dat is onderdrukt.")
    assert T.significance_words(page, "nl") == [r"\bsignificant"]
    assert T.significance_words(T.without_claims(page), "nl") == []
    assert T.claim_blocks(page) == [("s", "significant<!-- else -->getoond")]
    assert T.suppression_tokens(page, "nl") == ["onderdrukt"]
    assert T.suppression_tokens("Le masque tombe.", "fr") == ["masque"]


def test_typed_numbers():
    page = (f"In 2017, op 1 september, had {GLUE} werk; 95% betrouwbaarheid; artikel 60, § 7; hoofdstuk 3.\n\n"
            "Maar 54% is getypt.\n\n| groep | 12 |\n")
    assert T.typed_numbers(page, "nl") == ["Maar 54% is getypt.", "| groep | 12 |"]


def test_headings_need_a_label():
    page = "(p)=\n# Titel\n\n## Zonder label\n\n```\n# in code\n```\n\n(p-x)=\n\n### Met label\n"
    assert T.headings_without_label(page) == ["## Zonder label"]


def test_runs_shared_with_the_original_count_numbers_as_one_word():
    seed = "in 2016 vonden 1.333 jongeren met een migratieachtergrond werk via een mentor van vijftig jaar"
    words = T.words(seed)
    grams = frozenset(tuple(words[i:i + 12]) for i in range(len(words) - 11))
    copied = f"In 2016 vonden {GLUE} jongeren met een migratieachtergrond werk via een mentor van vijftig jaar."
    assert T.shared_runs(copied, "nl", grams) == [" ".join(words)]
    assert T.shared_runs("> " + copied, "nl", grams) == []  # a marked quotation
    assert T.shared_runs(copied.replace("via", "dankzij"), "nl", grams) == []
