"""The whole book from a next-year CRM export (tests/next_year.py): both languages, web and PDF,
the export's period, its fifth antenna, a comparison with the report, and no synthetic notice.

Slow: it runs the chapter notebooks, Jupyter Book and chromium on the new export.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from duoreport import i18n
from duoreport.publish.book import build_book

NBSP = "(?:\u00a0|&nbsp;|&#160;| )"


@pytest.fixture(scope="module")
def built(next_year_made, tmp_path_factory):
    out = tmp_path_factory.mktemp("nextyear-book")
    build_book(next_year_made.path, out, pdf=True, log=lambda *a: None)
    return out


def pages(site, lang):
    return {p.relative_to(site / lang).as_posix(): p.read_text(encoding="utf-8")
            for p in (site / lang).rglob("*.html") if "_static" not in p.parts}


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_no_page_calls_the_real_export_synthetic(built, lang):
    site = built / "site"
    banner = i18n.text("synthetic_banner", lang)
    for name, html in pages(site, lang).items():
        assert banner not in html, name
        assert "duo-synthetic" not in html, name
    landing = (site / "index.html").read_text(encoding="utf-8")
    assert i18n.text("synthetic_banner", "nl") not in landing and "class='syn'" not in landing
    cube = json.loads((site / lang / "_static" / f"explore-{lang}.json").read_text(encoding="utf-8"))
    assert cube["synthetic"] is False


@pytest.mark.parametrize("lang, end, antenna", [("nl", "31" + NBSP + "december 2018", "Mechelen"),
                                                ("fr", "31" + NBSP + "décembre 2018", "Malines")])
def test_the_book_has_the_exports_period_and_its_new_antenna(built, lang, end, antenna):
    site = built / "site"
    index = (site / lang / "index.html").read_text(encoding="utf-8")
    assert re.search(end, index), "the period's end, from dataset.yml"
    cube = (site / lang / "_static" / f"explore-{lang}.json").read_text(encoding="utf-8")
    assert antenna in cube
    assert (site / lang / f"duo-for-a-job-{lang}.pdf").stat().st_size > 100_000


@pytest.mark.parametrize("lang, years", [("nl", "zes jaar werking"), ("fr", "six ans d’activité")])
def test_the_title_counts_the_exports_intake_years(built, lang, years):
    """Intake years 2013 to 2018: six, on the home page, the language choice and the PDF's metadata."""
    site = built / "site"
    home = (site / lang / "index.html").read_text(encoding="utf-8")
    heading = re.search(r"<h1>(.*?)</h1>", home, re.S).group(1)
    assert years in heading and ("vijf" if lang == "nl" else "cinq") not in heading, heading
    # the home page's history (the original report came out after five years) stays as it was
    assert ("Na vijf jaar werking bracht" if lang == "nl" else "Au bout de cinq années") in home
    assert years in (site / "index.html").read_text(encoding="utf-8")
    info = subprocess.run(["pdfinfo", str(site / lang / f"duo-for-a-job-{lang}.pdf")], capture_output=True,
                          text=True, check=True).stdout
    assert years in info


@pytest.mark.parametrize("lang, words", [("nl", "Verschillen zijn te verwachten"),
                                         ("fr", "Des différences sont attendues")])
def test_the_audit_appendix_is_a_comparison(built, next_year_made, lang, words):
    html = (built / "site" / lang / "audit.html").read_text(encoding="utf-8")
    assert words in html
    n = 1333 + next_year_made.n_new
    assert i18n.format_count(n, lang).replace("\u202f", "") in html.replace("\u202f", "").replace("&#8239;", "")


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_the_age_ordering_sentence_is_not_published_as_written(built, next_year_made, lang):
    """In the export, 30-33 year olds outnumber 20-24 year olds: the synthetic default's order
    (25-29, 20-24, 30-33) no longer holds, so its sentence gives way to the other wording."""
    ages = next_year_made.expected["mentees"]["age_at_intake"].astype(int)
    assert ages.between(30, 33).sum() > ages.between(20, 24).sum()
    taken = json.loads((built / "stage" / f"claims-{lang}.json").read_text(encoding="utf-8"))
    age_order = [c for c in taken if c["claim"] == "profile_age_order"]
    assert age_order and all(c["holds"] is False for c in age_order)
    kinds = {c["claim"]: c["holds"] for c in taken if c["claim"].endswith("synthetic_data") or c["claim"] == "audit_synthetic"}
    assert kinds and not any(kinds.values())
