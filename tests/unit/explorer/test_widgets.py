"""The explorer's widget application without a browser: what the controls mean, the language
toggle, the exports, and the app itself driven by setting widget values in Python."""

import csv
import io
import re

import ipywidgets as W
import pytest

from duoreport import explorer as E
from duoreport import i18n
from duoreport.explorer.widgets import (
    ALL,
    NONE,
    TooManyConstraints,
    build_app,
    control_labels,
    data_uri_payload,
    download_link,
    export_filename,
    filter_options,
    measure_options,
    query_from_controls,
    split_options,
)
from duoreport.stats.disclosure import DEFAULT_THRESHOLD

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def app():
    """One app on the synthetic default; each test sets the controls it needs."""
    return build_app().explorer


@pytest.fixture
def fresh(app):
    """The app back in its first state (Dutch, 18-month outcome, no split, no filter)."""
    app.language.value = "nl"
    for dd in (app.split1, app.split2):
        dd.value = NONE
    for dd in app.filters.values():
        dd.value = ALL
    app.measure.value = "outcome_18m"
    return app


# --- control values -> query (pure) -----------------------------------------------------------


def test_no_split_and_no_filter():
    q = query_from_controls("outcome_6m", NONE, NONE, {"gender": ALL, "antenna": ALL}, "fr")
    assert (q.measure, q.split, dict(q.filters), q.lang) == ("outcome_6m", (), {}, "fr")
    assert q.threshold == DEFAULT_THRESHOLD


def test_splits_and_filters_become_the_query():
    q = query_from_controls("has_children", "gender", "antenna", {"intake_year": 2015, "age_band": ALL})
    assert q.split == ("gender", "antenna")
    assert dict(q.filters) == {"intake_year": 2015}


def test_second_split_alone_and_the_same_split_twice():
    assert query_from_controls("outcome_18m", NONE, "antenna").split == ("antenna",)
    assert query_from_controls("outcome_18m", "antenna", "antenna").split == ("antenna",)


def test_a_filter_on_a_split_dimension_is_ignored():
    q = query_from_controls("outcome_18m", "antenna", NONE, {"antenna": "ghent", "gender": "female"})
    assert q.split == ("antenna",) and dict(q.filters) == {"gender": "female"}


def test_too_many_constraints_is_a_readable_error():
    filters = {"gender": "female", "age_band": "a20_24", "antenna": "ghent"}
    with pytest.raises(TooManyConstraints, match=str(E.MAX_CONSTRAINTS)):
        query_from_controls("outcome_18m", "intake_year", "education_group", filters, "nl")
    with pytest.raises(TooManyConstraints, match="au plus"):
        query_from_controls("outcome_18m", "intake_year", "education_group", filters, "fr")


# --- labels (pure) -----------------------------------------------------------------------------


def test_every_control_label_changes_with_the_language():
    nl, fr = control_labels("nl"), control_labels("fr")
    assert nl.keys() == fr.keys()
    assert {"measure", "split1", "split2", "filters", "language", "filter:antenna"} <= set(nl)
    same = [k for k in nl if nl[k] == fr[k]]
    # only words spelled alike in both languages ("Antenne", the file types) may stay
    assert set(same) <= {"filter:antenna", "export_csv", "export_png"}, same
    assert nl["filter:gender"] == i18n.variable_label("gender", "nl")
    assert fr["measure"] == "Indicateur"


def test_options_carry_codes_and_translated_labels():
    assert [v for _, v in measure_options("nl")] == [m for m, _ in E.MEASURES]
    assert [lbl for lbl, _ in measure_options("nl")] != [lbl for lbl, _ in measure_options("fr")]
    assert split_options("fr")[0] == ("(aucun)", NONE)
    opts = filter_options("gender", E.DIMENSION_CODES["gender"], "fr")
    assert opts[0] == (i18n.text("all", "fr"), ALL)
    assert [v for _, v in opts[1:]] == list(E.DIMENSION_CODES["gender"])
    assert filter_options("intake_year", (2013, 2014), "nl")[1:] == [("2013", 2013), ("2014", 2014)]


def test_export_filename_names_the_view():
    q = query_from_controls("outcome_18m", "gender", NONE, {"antenna": "ghent"}, "fr")
    assert export_filename(q, "csv") == "explorer_outcome_18m_by-gender_antenna-ghent_fr.csv"


def test_download_link_holds_the_file_itself():
    link = download_link('a "b".csv', b"x,y\n1,2\n", "text/csv", "fr")
    assert 'download="a &quot;b&quot;.csv"' in link and 'href="data:text/csv;base64,' in link
    assert link.endswith('>Télécharger : a &quot;b&quot;.csv</a>')
    assert data_uri_payload(link) == b"x,y\n1,2\n"


# --- the app, driven from Python ---------------------------------------------------------------


def test_the_app_builds_on_the_synthetic_default(app):
    assert isinstance(app.widget, W.Widget)
    assert app.synthetic and app.banner.layout.display != "none"
    assert "synthetisch" in app.banner.value
    assert "<table" in app.table.value and bytes(app.chart.value).startswith(PNG_SIGNATURE)
    assert app.message.value == ""


def test_changing_a_control_updates_chart_table_and_test(fresh):
    app = fresh
    before_chart, before_table = app.chart.value, app.table.value
    assert "Vrouw" not in before_table
    app.split1.value = "gender"
    assert app.result.query.split == ("gender",)
    assert app.table.value != before_table and bytes(app.chart.value) != bytes(before_chart)
    for code in ("female", "male"):
        assert E.code_label("gender", code, "nl") in app.table.value
    assert app.table.value.count("<tr") == 1 + len(E.DIMENSION_CODES["gender"]) * len(E.MEASURE_CODES["outcome_18m"])
    assert "toets" in app.test.value  # χ²-toets: p ...
    app.filters["intake_year"].value = 2015
    assert dict(app.result.query.filters) == {"intake_year": 2015}
    assert "2015" in app.table.value


def test_a_split_dimension_cannot_be_filtered(fresh):
    app = fresh
    app.filters["antenna"].value = "ghent"
    app.split1.value = "antenna"
    assert app.filters["antenna"].disabled and app.filters["antenna"].value == ALL
    assert dict(app.result.query.filters) == {}
    app.split1.value = NONE
    assert not app.filters["antenna"].disabled


def test_language_toggle_relabels_every_control_and_keeps_the_view(fresh):
    app = fresh
    app.split1.value = "gender"
    app.filters["antenna"].value = "ghent"
    nl_table = app.table.value
    app.language.value = "fr"
    fr = control_labels("fr", app.dimensions)
    assert app.measure.description == fr["measure"] and app.split1.description == fr["split1"]
    assert all(dd.description == fr[f"filter:{col}"] for col, dd in app.filters.items())
    assert app.measure.options == tuple(measure_options("fr"))
    assert app.filters["antenna"].options[0][0] == i18n.text("all", "fr")
    # the selected values survive the relabelling
    assert (app.measure.value, app.split1.value, app.filters["antenna"].value) == ("outcome_18m", "gender", "ghent")
    assert app.result.query.lang == "fr"
    assert app.table.value != nl_table and E.code_label("gender", "female", "fr") in app.table.value
    assert "synthétiques" in app.banner.value
    app.language.value = "nl"
    assert app.table.value == nl_table


def test_too_many_constraints_shows_a_message(fresh):
    app = fresh
    app.split1.value, app.split2.value = "gender", "antenna"
    app.filters["age_band"].value = "a20_24"
    app.filters["intake_year"].value = 2015
    assert app.message.value == "" and app.result is not None
    app.filters["education_group"].value = "higher"
    assert "4" in app.message.value and app.result is None
    assert app.export("csv") == ""
    app.filters["education_group"].value = ALL
    assert app.message.value == "" and app.result is not None


def test_csv_export_shows_no_count_below_the_threshold(fresh):
    app = fresh
    t = app.threshold
    app.measure.value = "income_source"
    app.split1.value = "antenna"
    # the view has true cells of 1 to t-1 people, so the check below is not empty
    rows = E.population(app.mentees, app.result.query)
    true_counts = rows.groupby(["antenna", "income_source"]).size()
    assert ((true_counts > 0) & (true_counts < t)).any()
    assert app.result.table["suppressed"].any()

    link = app.export("csv")
    assert app.downloads.value == link
    assert 'download="explorer_income_source_by-antenna_nl.csv"' in link
    records = list(csv.DictReader(io.StringIO(data_uri_payload(link).decode("utf-8"))))
    assert len(records) == len(app.result.table)
    for rec in records:
        for col in ("n", "base_n"):
            assert rec[col] == "" or int(rec[col]) >= t, rec
        if rec["suppressed"] == "True":
            assert rec["n"] == rec["share"] == rec["ci_low"] == rec["ci_high"] == ""
    # nor does the table on screen
    for cell in re.findall(r"<td>([^<]*)</td>", app.table.value):
        if re.fullmatch(r"[\d.]+", cell):
            assert int(cell.replace(".", "")) >= t, cell

    png = app.export("png")
    assert data_uri_payload(png).startswith(PNG_SIGNATURE) and ".png" in png
    app.split1.value = "gender"
    assert app.downloads.value == ""  # an export never outlives its view


def test_build_app_refuses_an_unknown_language(tmp_path):
    with pytest.raises(ValueError, match="language"):
        build_app(None, "en")


# --- the notebook -------------------------------------------------------------------------------


def test_the_explorer_notebook_is_thin_and_runs_as_stored():
    import jupytext

    from duoreport.report.inventory import CHAPTERS
    from duoreport.settings import REPO_ROOT

    assert "explorer" not in CHAPTERS
    nb = jupytext.read(REPO_ROOT / "notebooks" / "explorer.md")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") for c in code)
    assert code[0].metadata.get("tags") == ["parameters"]
    namespace = {}
    exec(code[0].source, namespace)
    assert (namespace["data_dir"], namespace["lang"], namespace["mapping"]) == ("", "nl", "")
    namespace["lang"] = "fr"  # as an injected parameter would
    *body, last = code[-1].source.strip().splitlines()
    assert "build_app(data_dir or None, lang, mapping or None)" in last
    exec("\n".join(body), namespace)
    widget = eval(last, namespace)
    assert isinstance(widget, W.Widget) and widget.explorer.lang == "fr"


def test_build_app_reads_an_export_whose_mapping_is_kept_elsewhere(next_year_made, tmp_path):
    """The next-year export (Dutch headers and codes, a fifth antenna) with its mapping.yml moved out
    of the folder: refused without it, read with it (as `duoreport explore --mapping FILE` passes it)."""
    import shutil

    from duoreport.data.issues import ContractError

    export = tmp_path / "export"
    shutil.copytree(next_year_made.path, export)
    mapping = tmp_path / "elsewhere" / "mapping.yml"
    mapping.parent.mkdir()
    shutil.move(export / "mapping.yml", mapping)
    with pytest.raises(ContractError):
        build_app(export, "nl")
    try:
        app = build_app(export, "nl", mapping).explorer
        assert len(app.mentees) == 1333 + next_year_made.n_new
        assert not app.synthetic
        assert "mechelen" in app.values["antenna"]
    finally:  # the antennas' names are process-wide: give the other tests the default's back
        from duoreport.data.programme import default_programme

        i18n.use_programme(default_programme())
