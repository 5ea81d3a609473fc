"""The explorer of the web book: the pre-computed cube, and the page in a real browser.

(a) The cube (duoreport.explore_web.build_cube) on the synthetic default: every count in it
    reaches the threshold, its views are what duoreport.explorer.explore() publishes for the
    same queries, and nothing of the microdata is in it.
(b) The page explore.html of both books, served on 127.0.0.1 and opened in Debian's chromium
    with the fixtures of tests/conftest.py (the book is built once per test session).
"""

import csv
import io
from pathlib import Path

import pytest
from pages import open_page as open_conftest_page

from duoreport.publish.stage import LANGS

CHROMIUM = "/usr/lib/chromium/chromium"
T = 10
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


# --- (b) the page in a browser --------------------------------------------------------


def open_page(browser, url):
    return open_conftest_page(browser, url, wait_for="#duo-explorer figure svg")


def selection(page):
    return {name: page.input_value(f"#duo-explorer select[name={name}]")
            for name in ("measure", "split", "filter", "value")}


def table_text(page):
    return page.inner_text("#duo-explorer table")


def check_clean(events, server):
    assert not events["errors"], events["errors"]
    assert not events["failed"], events["failed"]
    foreign = [u for u in events["requests"] if not u.startswith(server) and not u.startswith(("data:", "blob:"))]
    assert not foreign, foreign


SUPPRESSED = {"nl": "<\u00a010", "fr": "<\u00a010"}  # a protected cell, in tables and charts
GENDER = {"nl": ("Vrouw", "Man"), "fr": ("Femme", "Homme")}


@needs_chromium
@pytest.mark.parametrize("lang", LANGS)
def test_explore_page_views_permalink_and_csv(browser, server, site, lang):
    assert (site / lang / "_static" / f"explore-{lang}.json").exists()
    page, response, events = open_page(browser, f"{server}/{lang}/explore.html")
    other = None
    try:
        assert response.status == 200
        assert page.evaluate("document.documentElement.lang").startswith(lang)
        for name in ("measure", "split", "filter", "value"):  # every select has its label
            sel_id = page.get_attribute(f"#duo-explorer select[name={name}]", "id")
            assert page.inner_text(f"label[for='{sel_id}']").strip()
        before_table, before_bars = table_text(page), page.locator("#duo-explorer svg g.duo-bar").count()
        assert "synthet" in page.content().lower()

        # split by gender: the chart and the table change
        page.select_option("#duo-explorer select[name=split]", "gender")
        page.wait_for_function("location.hash.indexOf('split=gender') >= 0")
        assert table_text(page) != before_table
        assert page.locator("#duo-explorer svg g.duo-bar").count() > before_bars
        female, male = GENDER[lang]
        assert female in table_text(page) and male in table_text(page)
        label = page.get_attribute("#duo-explorer figure", "aria-label")
        assert label and page.inner_text("#duo-explorer select[name=split] option:checked") in label

        # a filter that leaves small groups: suppressed cells are drawn and listed, never as zero
        page.select_option("#duo-explorer select[name=split]", "antenna")
        page.select_option("#duo-explorer select[name=filter]", "gender")
        page.select_option("#duo-explorer select[name=value]", "female")
        page.wait_for_function("location.hash.indexOf('filter=gender:female') >= 0")
        hidden = page.locator("#duo-explorer svg g.duo-suppressed")
        assert hidden.count() > 0
        assert SUPPRESSED[lang] in hidden.first.text_content()
        assert SUPPRESSED[lang] in table_text(page)
        # the filter select cannot pick the split dimension
        assert page.locator("#duo-explorer select[name=filter] option[value=antenna]").is_disabled()

        # the permalink: the same view in a new page
        url = page.url
        assert "#measure=" in url and "split=antenna" in url
        assert page.input_value("#duo-explorer input.duo-explorer-link") == url
        page.click("#duo-explorer button.duo-explorer-copy")
        chosen, shown = selection(page), table_text(page)
        other, _, other_events = open_page(browser, url)
        assert selection(other) == chosen == {**chosen, "split": "antenna", "filter": "gender", "value": "female"}
        assert table_text(other) == shown
        check_clean(other_events, server)

        # the CSV of the current view: suppressed data only
        with page.expect_download() as info:
            page.click("#duo-explorer button.duo-explorer-download")
        download = info.value
        assert download.suggested_filename.endswith(".csv")
        rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
        assert len(rows) == page.locator("#duo-explorer table tbody tr").count() > 0
        assert {"n", "base_n", "share", "ci_low", "ci_high", "suppressed", "antenna", "gender"} <= set(rows[0])
        assert any(r["suppressed"] == "True" for r in rows)
        for r in rows:
            assert r["gender"] == "female"
            for col in ("n", "base_n"):
                if r[col] != "":
                    assert int(r[col]) >= T, r
            if r["suppressed"] == "True":
                assert r["n"] == "" and r["share"] == ""
        check_clean(events, server)
    finally:
        page.close()
        if other is not None:
            other.close()


@needs_chromium
@pytest.mark.parametrize("lang", LANGS)
def test_a_chapter_chart_opens_its_view_in_the_explorer(browser, server, lang):
    page = browser.new_page()
    try:
        page.goto(f"{server}/{lang}/impact.html", wait_until="networkidle")
        link = page.locator("p.duo-explore-link a[href*='split=gender']").first
        assert link.inner_text().strip() == {"nl": "Verken deze cijfers verder", "fr": "Explorer ces chiffres"}[lang]
        link.click()
        page.wait_for_selector("#duo-explorer figure svg", timeout=15000)
        assert page.url.split("#")[0].endswith(f"/{lang}/explore.html")
        assert selection(page) == {"measure": "outcome_18m", "split": "gender", "filter": "", "value": ""}
        assert page.locator("p.duo-explore-link").count() == 0
    finally:
        page.close()
