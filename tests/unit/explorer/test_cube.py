"""The explorer of the web book: the pre-computed cube (the page in a browser: tests/integration).

(a) The cube (duoreport.explore_web.build_cube) on the synthetic default: every count in it
    reaches the threshold, its views are what duoreport.explorer.explore() publishes for the
    same queries, and nothing of the microdata is in it.
(b) The page explore.html of both books, served on 127.0.0.1 and opened in Debian's chromium
    with the fixtures of tests/conftest.py (the book is built once per test session).
"""

import json
import math
from pathlib import Path

import pytest

from duoreport.data.loading import load_dataset
from duoreport.data.views import build_views
from duoreport.explorer import MEASURES, Query, explore
from duoreport.explorer import cube as W
from duoreport.publish.stage import chart_block
from duoreport.settings import DEFAULT_DATA

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
    assert fr["ui"]["suppressed"] == "<\u00a010" and "personnes" in fr["ui"]["suppressed_note"]
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
