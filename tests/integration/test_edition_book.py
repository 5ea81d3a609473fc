"""An antenna coordinator's report: one edition's book in both languages, its prose checked by the claims."""

import json
import re

import pytest

from duoreport.publish.book import build_book, site_dir
from duoreport.settings import DEFAULT_DATA


@pytest.fixture(scope="module")
def edition_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition-book")
    build_book(DEFAULT_DATA, out, pdf=False, log=lambda *a: None, year="2015", antenna="liege")
    return out


def text_of(page):
    html = page.read_text(encoding="utf-8")
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("lang, period, antenna", [("nl", "1 januari 2015", "Luik"), ("fr", "1er janvier 2015", "Liège")])
def test_the_edition_book_speaks_of_its_own_period_and_antenna(edition_site, lang, period, antenna):
    site = site_dir(edition_site, "2015", "liege")
    assert site.name == "site-2015-liege"
    intro = text_of(site / lang / "intro.html")
    assert period.replace(" ", "\u00a0", 1) in intro or period in intro
    assert "2017" not in intro.split("2015")[1][:200]  # the period ends in 2015, not in the report's 2017
    assert antenna in intro
    assert (site / lang / "impact.html").exists() and (site / lang / "explore.html").exists()


def test_claims_that_do_not_hold_in_the_edition_switch_wording(edition_site):
    for lang in ("nl", "fr"):
        decisions = json.loads((edition_site / "edition-books" / "2015-liege" / "stage" / f"claims-{lang}.json")
                               .read_text(encoding="utf-8"))
        switched = {d["claim"] for d in decisions if d["published"] == "else"}
        assert "intro_several_antennas" in switched  # one antenna in this edition
        assert len(switched) > 10
    nl = {d["claim"] for d in json.loads((edition_site / "edition-books/2015-liege/stage/claims-nl.json").read_text())
          if d["published"] == "else"}
    fr = {d["claim"] for d in json.loads((edition_site / "edition-books/2015-liege/stage/claims-fr.json").read_text())
          if d["published"] == "else"}
    assert nl == fr  # the same data, the same decisions in both languages
