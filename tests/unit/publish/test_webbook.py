"""The web book's data and sources made lighter and more accessible (duoreport.publish.webbook)."""

import json

import pytest

from duoreport.publish.webbook import image_alts, split_cube, write_cube

CUBE = {
    "format": 1, "lang": "nl", "threshold": 10, "synthetic": True, "ui": {"measure": "Indicator"},
    "measures": [{"id": "outcome_18m", "label": "Resultaat"}, {"id": "has_children", "label": "Kinderen"}],
    "dimensions": [{"id": "gender", "label": "Geslacht", "values": [["female", "Vrouw"]], "filter": True}],
    "views": {
        "outcome_18m|||": {"b": 700, "g": [700], "n": [[300, 400]]},
        "outcome_18m|gender||": {"b": 700, "g": [350, 350], "n": [[150, 200], [150, 200]]},
        "has_children||gender|female": {"b": 680, "g": [680], "n": [[None, 600]]},
    },
}


def test_the_cube_is_split_into_an_index_and_one_part_per_measure():
    index_text, parts = split_cube(json.dumps(CUBE), "nl")
    index = json.loads(index_text)
    assert "views" not in index
    assert index["parts"] == {"outcome_18m": "explore-nl/outcome_18m.json", "has_children": "explore-nl/has_children.json"}
    assert {k: index[k] for k in ("measures", "dimensions", "ui", "threshold", "synthetic")} == \
        {k: CUBE[k] for k in ("measures", "dimensions", "ui", "threshold", "synthetic")}
    loaded = {path: json.loads(text) for path, text in parts.items()}
    assert set(loaded) == set(index["parts"].values())
    assert loaded["explore-nl/outcome_18m.json"]["views"] == {k: v for k, v in CUBE["views"].items() if k.startswith("outcome_18m|")}
    union = {k: v for part in loaded.values() for k, v in part["views"].items()}
    assert union == CUBE["views"]  # nothing lost, nothing added, suppressed cells stay null
    assert loaded["explore-nl/has_children.json"]["views"]["has_children||gender|female"]["n"] == [[None, 600]]


def test_a_view_of_an_unknown_measure_is_refused():
    bad = dict(CUBE, views={"nothing|||": {}})
    with pytest.raises(ValueError, match="unknown measure"):
        split_cube(json.dumps(bad), "nl")


def test_write_cube_writes_the_index_where_the_page_looks_for_it(tmp_path):
    written = {}

    def write(path, text):
        written[path.relative_to(tmp_path).as_posix()] = text
        return True

    assert write_cube(tmp_path, "fr", json.dumps(CUBE), write) is True
    assert sorted(written) == ["explore-fr.json", "explore-fr/has_children.json", "explore-fr/outcome_18m.json"]


def record(name, mime, text):
    return {"output_type": "display_data", "metadata": {"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}},
            "data": {f"application/papermill.record/{mime}": text}}


def test_chart_images_of_a_notebook_get_the_glued_alt_text():
    shown = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR", "text/plain": "<Image>"}}
    nb = {"cells": [
        {"cell_type": "markdown", "source": "# Titel", "metadata": {}},
        {"cell_type": "code", "metadata": {}, "outputs": [
            record("fig_profile_gender", "image/png", "iVBOR"), shown,
            record("alt_profile_gender", "text/markdown", "Staafdiagram met het aandeel van elke categorie: Vrouw 51%, Man 49%.")]},
        {"cell_type": "code", "metadata": {"tags": ["x"]}, "outputs": [record("size_mentees", "text/plain", "'1.333'")]},
    ]}
    assert image_alts(nb) == 1
    assert nb["cells"][1]["metadata"]["mystnb"]["image"]["alt"].endswith("Vrouw 51%, Man 49%.")
    assert "mystnb" not in nb["cells"][2]["metadata"]  # no image: left alone
