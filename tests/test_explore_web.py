"""The explorer of the web book: the pre-computed cube, and the page in a real browser.

(a) The cube (duoreport.explore_web.build_cube) on the synthetic default: every count in it
    reaches the threshold, its views are what duoreport.explorer.explore() publishes for the
    same queries, and nothing of the microdata is in it.
(b) The page explore.html of both books, served on 127.0.0.1 and opened in Debian's chromium
    with the fixtures of tests/conftest.py (the book is built once per test session).
"""

import csv
import io
import json
import math
from pathlib import Path

import pytest
from conftest import open_page as open_conftest_page

from duoreport import explore_web as W
from duoreport.book import LANGS, chart_block
from duoreport.explorer import MEASURES, Query, explore
from duoreport.loading import load_dataset
from duoreport.pipeline import DEFAULT_DATA
from duoreport.views import build_views

CHROMIUM = "/usr/lib/chromium/chromium"
T = 10
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def views():
    return build_views(load_dataset(DEFAULT_DATA))


@pytest.fixture(scope="module")
def cube(views):
    return W.build_cube(views, "nl", threshold=T, synthetic=True)


@pytest.fixture(scope="module")
def cube_text(cube):
    return W.cube_json(cube)


# --- (a) the cube -------------------------------------------------------------------------


def test_the_cube_holds_every_query_of_the_bounded_set(cube, views):
    expected = W.queries(views["mentees"])
    assert len(cube["views"]) == len(expected) == len({W.view_key(*q) for q in expected})
    assert [m["id"] for m in cube["measures"]] == [m for m, _ in MEASURES]
    for measure, split, fdim, fvalue in expected:
        assert fdim is None or fdim in W.FILTER_DIMENSIONS
        assert fdim is None or fdim != split  # no filter on the split dimension itself
        assert W.view_key(measure, split, fdim, fvalue) in cube["views"]
    assert cube["threshold"] == T and cube["lang"] == "nl" and cube["synthetic"] is True


def test_every_visible_count_reaches_the_threshold(cube):
    shown = 0
    for key, view in cube["views"].items():
        counts = [view["b"]] + view["g"] + [n for row in view["n"] for n in row]
        for n in counts:
            if n is not None:
                assert isinstance(n, int) and n >= T, (key, n)
                shown += 1
        for name in ("p", "lo", "hi"):  # a hidden count hides its share and interval too
            for row_n, row in zip(view["n"], view[name]):
                assert all((n is None) == (v is None) for n, v in zip(row_n, row)), (key, name)
    assert shown > 1000


@pytest.mark.parametrize("measure, split, filters", [
    ("outcome_18m", (), {}),
    ("outcome_18m", ("gender",), {}),
    ("outcome_6m", ("antenna",), {"gender": "female"}),
    ("income_source", ("intake_year",), {"education_group": "higher"}),
    ("has_children", ("reason_of_stay",), {"intake_year": 2016}),
    ("housing_problem", ("age_band",), {"antenna": "liege"}),
    ("driving_licence", (), {"antenna": "ghent"}),
])
def test_a_view_equals_explore_for_the_same_query(cube, views, measure, split, filters):
    result = explore(views, Query(measure, split=split, filters=filters, lang="nl", threshold=T))
    fdim, fvalue = next(iter(filters.items())) if filters else (None, None)
    view = cube["views"][W.view_key(measure, split[0] if split else None, fdim, fvalue)]
    cats = len(cube["measures"][[m["id"] for m in cube["measures"]].index(measure)]["categories"])
    rows = result.table.to_dict("records")
    assert len(rows) == len(view["n"]) * cats
    for i, row in enumerate(rows):
        g, c = divmod(i, cats)
        if row["suppressed"]:
            assert view["n"][g][c] is None and view["p"][g][c] is None
        else:
            assert view["n"][g][c] == row["n"]
            for key, col in (("p", "share"), ("lo", "ci_low"), ("hi", "ci_high")):
                assert math.isclose(view[key][g][c], row[col], abs_tol=0.05 + 1e-9), (key, row)
        assert view["g"][g] == (None if math.isnan(row["base_n"]) else row["base_n"])
    assert view["b"] == result.base_n
    assert view["t"] == result.labels["test"]


def test_no_microdata_in_the_cube(cube_text, views):
    m = views["mentees"]
    for name in ("mentee_id", "mentor_id", "duo_id", "age_at_intake", "intake_date", "origin_country",
                 "birth_date", "postcode"):
        assert name not in cube_text
    ids = list(m["mentee_id"].astype(str))
    assert not [i for i in ids[:200] if f'"{i}"' in cube_text]
    assert len(cube_text.encode("utf-8")) < 3_000_000


def test_cube_json_is_stable(cube, views):
    again = W.build_cube(views, "nl", threshold=T, synthetic=True, measures=["outcome_18m"])
    assert W.cube_json(again) == W.cube_json(again)
    key = W.view_key("outcome_18m", "gender")
    assert again["views"][key] == cube["views"][key]
    assert "build_seconds" not in json.loads(W.cube_json(cube))


def test_the_french_cube_has_french_labels(views):
    fr = W.build_cube(views, "fr", threshold=T, measures=["outcome_18m"])
    assert fr["ui"]["suppressed"] == "masqué"
    assert fr["number_format"]["thousands"] == "\u202f"
    assert dict(fr["measures"][0]["categories"])["jobseeker"] == "Demandeur d’emploi"


def test_charts_link_to_a_view_of_the_cube(cube):
    for chart_id, (measure, split) in W.CHART_LINKS.items():
        assert W.view_key(measure, split) in cube["views"], chart_id
    meta = {"id": "impact_gender", "chapter": "impact", "title": "T", "caption": "C", "alt": "A", "table": "|a|\n|-|"}
    for lang, text in (("nl", "Verken deze cijfers verder"), ("fr", "Explorer ces chiffres")):
        block = chart_block(meta, lang)
        assert 'href="explore.html#measure=outcome_18m&amp;split=gender"' in block and text in block
    assert "explore.html" not in chart_block({**meta, "id": "profile_age", "chapter": "profile"}, "nl")
    assert "explore.html" not in chart_block({**meta, "id": "obstacles_housing_permit", "chapter": "obstacles"}, "nl")


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


SUPPRESSED = {"nl": "onderdrukt", "fr": "masqué"}
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
