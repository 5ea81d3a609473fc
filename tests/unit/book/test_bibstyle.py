"""The localised bibliography styles (duoreport/publish/bibstyle.py), on entries of book/references.bib,
formatted with pybtex directly (no Sphinx build)."""
import re

import pytest

pytest.importorskip("pybtex")
pytest.importorskip("sphinxcontrib.bibtex")

from pybtex.database import parse_string  # noqa: E402

from duoreport.publish import bibstyle as B  # noqa: E402
from duoreport.publish.stage import bibliography_for_book  # noqa: E402

NNBSP = "\u202f"
# as staged for the book: without the curators' notes
BIB = parse_string(bibliography_for_book(), "bibtex")
STYLES = {"nl": B.DuoNlStyle(), "fr": B.DuoFrStyle()}


def render(lang, key):
    entry = BIB.entries[key]
    return STYLES[lang].format_entry(key, entry).text.render_as("text")


def test_every_entry_formats_in_both_languages_without_english_boilerplate():
    for lang, style in STYLES.items():
        entries = list(BIB.entries.values())
        for formatted in style.format_entries(entries):
            text = formatted.text.render_as("text")
            title = B.localise_entry(BIB.entries[formatted.key], lang).fields.get("title", "")
            text = text.replace(re.sub(r"[{}]", "", title), "<title>")  # titles may say "and"
            assert " and " not in text, (lang, formatted.key, text)
            assert "Technical Report" not in text, (lang, formatted.key, text)
            assert "n.d." not in text, (lang, formatted.key, text)
            for month in ("January", "February", "March", "April", "June", "July", "August",
                          "September", "October", "November", "December"):
                assert month not in text, (lang, formatted.key, text)


def test_institution_and_title_follow_the_language():
    nl, fr = render("nl", "hrw_immigranten_2018"), render("fr", "hrw_immigranten_2018")
    assert "Hoge Raad voor de Werkgelegenheid" in nl and "Rapport," in nl
    assert "Conseil supérieur de l’emploi" in fr and "Rapport 2018" in fr and "Rapport," in fr
    assert "Hoge Raad" not in fr and "Verslag" not in fr


def test_two_authors_are_joined_with_en_or_et():
    assert " en " in render("nl", "rea_wets_careers_2014")
    assert " et " in render("fr", "rea_wets_careers_2014")
    assert "SPF Emploi, Travail et Concertation sociale" in render("fr", "unia_monitoring_2017")
    assert "Unia en FOD Werkgelegenheid" in render("nl", "unia_monitoring_2017")


def test_months_and_missing_dates_are_localised():
    assert "oktober 2015" in render("nl", "docquier_crise_2015")
    assert "octobre 2015" in render("fr", "docquier_crise_2015")
    assert "z.d." in render("nl", "adde_website")
    assert "s.d." in render("fr", "adde_website")


def test_french_url_where_the_source_has_one():
    fr = render("fr", "myria_unhcr_gezinshereniging_2018")
    assert "myria.be/fr/" in fr and "/nl/" not in fr
    assert "Le regroupement familial" in fr
    assert "myria.be/nl/" in render("nl", "myria_unhcr_gezinshereniging_2018")
    assert "URL" + NNBSP + ":" in fr


def test_titles_keep_proper_noun_capitals():
    assert "Brussels Hoofdstedelijk Gewest" in render("nl", "actiris_arbeidsmarkt_2017")
    assert "Région de Bruxelles-Capitale" in render("fr", "actiris_arbeidsmarkt_2017")


def test_localising_twice_changes_nothing():
    for key, entry in BIB.entries.items():
        once = B.localise_entry(entry, "fr")
        twice = B.localise_entry(once, "fr")
        assert dict(once.fields) == dict(twice.fields), key
        assert not any(k.endswith(("_fr", "_nl")) for k in once.fields), key


def test_sorting_returns_localised_entries_for_the_citations():
    sorted_fr = STYLES["fr"].sort(list(BIB.entries.values()))
    by_key = {e.key: e for e in sorted_fr}
    assert str(by_key["hrw_immigranten_2018"].persons["author"][0]) == "{Conseil supérieur de l’emploi}"
    assert by_key["adde_website"].fields["year"] == "s.d."


def test_citation_parts_in_each_language():
    from sphinxcontrib.bibtex.style.template import year

    for lang, sep2, sep in (("nl", " en ", "; "), ("fr", " et ", NNBSP + "; ")):
        style = (B.DuoNlAuthorYearReferenceStyle if lang == "nl" else B.DuoFrAuthorYearReferenceStyle)()
        assert style.bracket_parenthetical.sep == sep
        entry = B.localise_entry(BIB.entries["rea_wets_careers_2014"], lang)
        authors = style.person.author_or_editor_or_title(full=False).format_data({"entry": entry, "style": style})
        assert authors.render_as("text") == "Rea" + sep2 + "Wets"
        undated = B.localise_entry(BIB.entries["convivial_logement"], lang)
        assert year.format_data({"entry": undated, "style": style}).render_as("text") == ("z.d." if lang == "nl" else "s.d.")


def test_registration_and_sphinx_config():
    import pybtex.plugin
    from sphinxcontrib.bibtex.plugin import find_plugin

    B.register()
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "duo_nl") is B.DuoNlStyle
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "duo_fr") is B.DuoFrStyle
    assert find_plugin("sphinxcontrib.bibtex.style.referencing", "duo_fr_author_year") is B.DuoFrAuthorYearReferenceStyle
    assert B.sphinx_config("fr") == {"bibtex_default_style": "duo_fr", "bibtex_reference_style": "duo_fr_author_year"}
