"""The house style (docs/style.md) where the code writes text: French spacing, protected values,
no suppression jargon, in the catalogues and in the phrases the code generates."""

import json
import re

import pytest

from duoreport import i18n
from duoreport.i18n import LOCALES_DIR
from duoreport.stats.shares import TestResult as Result

NNBSP = "\u202f"
BAD_FRENCH_SPACE = re.compile(r"(?:[ \u00a0]|(?<=\w))[;:!?](?=\s|$)|[ \u00a0]%|«[ \u00a0]|[ \u00a0]»")


def strings(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, str):
        yield node


def french_strings():
    return list(strings(json.loads((LOCALES_DIR / "fr.json").read_text(encoding="utf-8"))))


def test_every_french_catalogue_string_has_the_narrow_space():
    bad = [s for s in french_strings() if BAD_FRENCH_SPACE.search(s.replace("https:", "").replace("http:", ""))]
    assert bad == []


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_no_suppression_jargon_in_the_catalogue(lang):
    text = " ".join(strings(json.loads((LOCALES_DIR / f"{lang}.json").read_text(encoding="utf-8")))).lower()
    assert "onderdrukt" not in text and "masqué" not in text


def test_generated_phrases_follow_the_french_typography():
    phrases = [
        i18n.describe_test(Result("chi2", 3.2, 0.034), "fr"),
        i18n.describe_test(Result("withheld", float("nan"), float("nan")), "fr"),
        i18n.labelled("base n", i18n.format_count(1333, "fr"), "fr"),
        i18n.format_percent(54, "fr"),
    ]
    assert phrases[0] == f"test du χ²{NNBSP}: p = 0,034" or phrases[0].endswith(f"{NNBSP}: p = 0,034")
    assert phrases[2] == f"base n{NNBSP}: 1{NNBSP}333" and phrases[3] == f"54{NNBSP}%"
    for phrase in phrases:
        assert not BAD_FRENCH_SPACE.search(phrase), phrase
    assert i18n.labelled("basis n", "1.333", "nl") == "basis n: 1.333"


def test_a_protected_number_reads_in_words_in_sentences():
    assert i18n.text("suppressed_prose", "nl", threshold_words=i18n.spell_number(10, "nl")) == "minder dan tien personen"
    assert i18n.text("suppressed_prose", "fr", threshold_words=i18n.spell_number(10, "fr")) == "moins de dix personnes"
    assert i18n.spell_number(5, "fr") == "cinq" and i18n.spell_number(21, "nl") == "21"
