"""The Dutch and French catalogues are complete, consistent and translated; numbers format per language."""

import json

import numpy as np
import pandas as pd
import pytest

from duoreport.settings import REPO_ROOT
from duoreport import i18n
from duoreport.data import contract as C
from duoreport.data.programme import default_programme
from duoreport.data import reference
from duoreport.data.views import AGE_BANDS, EDUCATION_GROUP_ORDER, EDUCATION_GROUPS
from duoreport.i18n import (
    LANGUAGES,
    LOCALES_DIR,
    catalogue,
    code_list_of,
    country_label,
    format_count,
    format_number,
    format_percent,
    label,
    labeller,
    text,
    variable_label,
)

NNBSP = "\u202f"

# Every code list of the contract and of the derived columns, with the catalogue list naming it.
CODE_LISTS = {
    "antenna": default_programme().codes,  # the antennas are settings of the dataset (dataset.yml)
    "gender": C.GENDERS,
    "nationality_status": C.NATIONALITY_STATUSES,
    "residence_permit": C.RESIDENCE_PERMITS + C.TEMPORARY_PERMITS,
    "years_in_belgium": C.YEARS_IN_BELGIUM,
    "reason_of_stay": C.REASONS_OF_STAY,
    "civil_status": C.CIVIL_STATUSES,
    "education_level": C.EDUCATION_LEVELS,
    "foreign_diploma_level": C.FOREIGN_DIPLOMA_LEVELS,
    "registration_channel": C.REGISTRATION_CHANNELS,
    "sector": C.SECTORS,
    "income_source": C.INCOME_SOURCES,
    "housing_situation": C.HOUSING_SITUATIONS,
    "housing_problem": C.HOUSING_PROBLEMS,
    "work_experience_abroad_duration": C.WORK_ABROAD_DURATIONS,
    "duo_status": C.DUO_STATUSES,
    "outcome": C.OUTCOME_STATUSES,
    "positive_type": C.POSITIVE_TYPES + C.WORK_TYPES + C.TRAINING_TYPES,
    "obstacle": C.OBSTACLES,
    "expectation": C.EXPECTATIONS,
    "social_problem": C.SOCIAL_PROBLEMS,
    "followup_months": C.FOLLOWUP_MONTHS,
    "sib_cohort": C.SIB_COHORTS,
    "age_band": AGE_BANDS,
    "education_group": EDUCATION_GROUP_ORDER + tuple(EDUCATION_GROUPS.values()),
    "continent": tuple(reference.countries()["continent"]),
    "region": tuple(reference.countries()["region"]),
    "boolean": (True, False),
    "sib_group": ("duo", "control"),
    "nat_outcome_group": ("foreign", "international_protection", "family_reunification", "belgian",
                          "belgian_born_in_belgium"),
}
_CONTEXT = pd.read_csv(REPO_ROOT / "data" / "context" / "labour_market.csv", keep_default_na=False)
_CHARTED = _CONTEXT[_CONTEXT["chart"] != ""]
CODE_LISTS["context_origin"] = tuple(dict.fromkeys(_CHARTED["origin"]))
CODE_LISTS["context_breakdown_value"] = tuple(v for v in dict.fromkeys(_CHARTED["breakdown_value"]) if v)
CODE_LISTS["context_indicator"] = ("participation_rate", "unemployment_rate")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chart_of_the_inventory_has_a_title(lang):
    from duoreport.report.inventory import CHARTS

    titles = catalogue(lang)["charts"]
    assert set(titles) == {c.id for c in CHARTS}
    assert all(t.strip() for t in titles.values())

DERIVED_COLUMNS = (
    "intake_year", "age_band", "continent", "region", "is_belgian", "education_group",
    "temporary_permit", "housing_problem", "any_upper_secondary", "any_higher",
    *(f"hp_{p}" for p in C.HOUSING_PROBLEMS),
    *(f"outcome_{m}m" for m in C.FOLLOWUP_MONTHS),
    "followup_last", "outcome_last", "positive_type_last", "internship_led_to_contract_last",
    "n_duos", "sib_cohort", *(f"sp_{p}" for p in C.SOCIAL_PROBLEMS),
)

UI_KEYS = (
    "synthetic_banner", "share", "count", "base_n", "ci95", "suppressed", "suppressed_note",
    "p_value", "chi2_test", "fisher_test", "difference", "source", "source_duo",
    "source_synthetic", "all", "all_years", "all_antennas", "year", "antenna", "language",
    "total", "published", "recomputed", "within_tolerance", "yes", "no", "chapter_context",
    "chapter_profile", "chapter_obstacles", "chapter_impact", "figure", "table", "download_csv",
    "data_hash", "parameters", "code_version", "build_date", "data_source",
    "percent_sign_spacing",
)


def _leaves(cat, prefix=()):
    """(path, value) of every string in a catalogue."""
    for key, value in cat.items():
        if isinstance(value, dict):
            yield from _leaves(value, prefix + (key,))
        else:
            yield prefix + (key,), value


def _label_entries(lang):
    """(path, label) of every code label and variable label."""
    cat = catalogue(lang)
    return {p: v for p, v in _leaves({"codes": cat["codes"], "variables": cat["variables"]})}


# --- the catalogue files -----------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_file_is_sorted_pretty_utf8_json(lang):
    raw = (LOCALES_DIR / f"{lang}.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert data["language"] == lang
    assert set(data) == {"language", "codes", "variables", "ui", "charts"}
    assert raw == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_nl_and_fr_have_exactly_the_same_keys():
    nl = {path for path, _ in _leaves(catalogue("nl"))}
    fr = {path for path, _ in _leaves(catalogue("fr"))}
    assert nl == fr, f"only nl: {sorted(nl - fr)}; only fr: {sorted(fr - nl)}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("code_list", sorted(CODE_LISTS))
def test_every_code_has_a_label(code_list, lang):
    for code in CODE_LISTS[code_list]:
        got = label(code_list, code, lang)
        assert isinstance(got, str) and got.strip(), (code_list, code, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_has_no_code_outside_the_contract(lang):
    codes = catalogue(lang)["codes"]
    assert set(codes) == set(CODE_LISTS)
    for name, values in codes.items():
        expected = {i18n.code_key(c) for c in CODE_LISTS[name]}
        assert set(values) == expected, name


@pytest.mark.parametrize("table", C.TABLES, ids=lambda t: t.name)
def test_every_coded_contract_field_has_its_code_list(table):
    for f in table.fields:
        if f.codes is None:
            continue
        name = code_list_of(f.name, table.name)
        for code in f.codes:
            for lang in LANGUAGES:
                assert label(name, code, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_label_is_an_untranslated_code(lang):
    for (_, code), value in _leaves(catalogue(lang)["codes"]):
        if "_" in code:
            assert value != code, (code, lang)
        assert "_" not in value, (code, value, lang)
    for (column,), value in _leaves(catalogue(lang)["variables"]):
        assert value != column and "_" not in value, (column, value, lang)


def test_nl_and_fr_labels_differ_for_most_entries():
    nl, fr = _label_entries("nl"), _label_entries("fr")
    same = sorted(path for path in nl if nl[path] == fr[path])
    assert len(same) < 0.2 * len(nl), same


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_contract_field_and_derived_column_has_a_variable_label(lang):
    columns = {f.name for t in C.TABLES for f in t.fields} | set(DERIVED_COLUMNS)
    for column in sorted(columns):
        assert variable_label(column, lang).strip(), (column, lang)


def test_table_specific_variable_labels():
    assert variable_label("status", "nl", table="outcomes") == "Resultaat"
    assert variable_label("status", "fr", table="duos") == "Statut du duo"
    assert variable_label("gender", "nl", table="mentors") == "Geslacht"  # falls back to the column


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ui_strings(lang):
    ui = catalogue(lang)["ui"]
    assert set(UI_KEYS) <= set(ui)
    for key in UI_KEYS:
        if key != "percent_sign_spacing":
            assert ui[key].strip(), (key, lang)
    assert "{threshold}" in ui["suppressed_note"]
    assert "{organisation}" in ui["source_duo"]  # the organisation of the dataset's settings
    assert "DUO for a JOB" in text("source_duo", lang)  # the synthetic default's settings
    assert "Vzw Voorbeeld" in text("source_duo", lang, organisation="Vzw Voorbeeld")


def test_ui_wording():
    # house style: a protected cell reads "< 10" in tables, "fewer than ten people" in sentences
    assert text("suppressed", "nl", threshold=10) == text("suppressed", "fr", threshold=10) == "<\u00a010"
    assert text("suppressed_prose", "nl", threshold_words="tien") == "minder dan tien personen"
    assert text("suppressed_prose", "fr", threshold_words="dix") == "moins de dix personnes"
    for lang in ("nl", "fr"):
        note = text("suppressed_note", lang, threshold=7)
        assert note.count("7") == 2 and "5" in note  # the threshold twice, the largest noise
        assert "onderdrukt" not in note and "masqu" not in note
    assert text("ci95", "nl") == "95%-betrouwbaarheidsinterval"
    assert text("ci95", "fr") == f"intervalle de confiance à 95{NNBSP}%"
    assert text("percent_sign_spacing", "nl") == ""
    assert text("percent_sign_spacing", "fr") == NNBSP
    assert "synthéti" in text("synthetic_banner", "fr")
    assert "synthetisch" in text("synthetic_banner", "nl")


def test_text_names_a_missing_placeholder_or_key():
    with pytest.raises(KeyError, match="threshold"):
        text("suppressed_note", "fr")
    with pytest.raises(KeyError, match="no_such_string"):
        text("no_such_string", "nl")


def test_source_report_wording_and_belgian_french():
    assert label("reason_of_stay", "international_protection", "nl") == "Internationale bescherming"
    assert label("reason_of_stay", "family_reunification", "fr") == "Regroupement familial"
    assert label("education_level", "recognition_pending", "nl") == "Erkenning lopende"
    assert label("education_level", "higher_short", "nl") == "Hoger onderwijs korte type"
    assert label("outcome", "training", "nl") == "Stage/opleiding"
    assert label("outcome", "jobseeker", "fr") == "Demandeur d’emploi"
    assert label("income_source", "social_welfare", "nl") == "OCMW"
    assert label("income_source", "social_welfare", "fr") == "CPAS"
    assert label("positive_type", "entry_internship", "nl") == "Instapstage"
    assert label("positive_type", "open_ended_contract", "nl") == "Contract van onbepaalde duur"
    assert label("residence_permit", "f_card", "fr") == "Carte F"
    assert [label("antenna", a, "nl") for a in default_programme().codes] == ["Brussel", "Luik", "Antwerpen", "Gent"]
    assert [label("antenna", a, "fr") for a in default_programme().codes] == ["Bruxelles", "Liège", "Anvers", "Gand"]
    assert label("sib_group", "control", "nl") == "Controlegroep"
    assert label("followup_months", 18, "nl") == "na 18 maanden"


# --- label lookup --------------------------------------------------------------


def test_booleans_map_through_the_boolean_list():
    assert label("boolean", True, "fr") == "Oui"
    assert label("boolean", False, "nl") == "Nee"
    assert label("boolean", np.bool_(True), "nl") == "Ja"
    assert label("has_children", True, "nl") == "Ja"  # a boolean column name works too


def test_numeric_codes():
    assert label("followup_months", 6, "fr") == "après 6 mois"
    assert label("followup_months", np.int64(6), "nl") == "na 6 maanden"
    assert label("followup_months", 6.0, "nl") == "na 6 maanden"  # int column with gaps
    assert label("sib_cohort", 2015, "nl") == "Cohorte 2015"


def test_unknown_code_raises_keyerror_naming_code_list_and_language():
    with pytest.raises(KeyError) as err:
        label("gender", "martian", "nl")
    assert "martian" in str(err.value) and "gender" in str(err.value) and "nl" in str(err.value)
    with pytest.raises(KeyError, match="no_such_list"):
        label("no_such_list", "x", "fr")
    with pytest.raises(KeyError, match="no_such_column"):
        variable_label("no_such_column", "fr")


def test_unknown_language_raises_valueerror_naming_it():
    with pytest.raises(ValueError, match="'de'"):
        catalogue("de")
    with pytest.raises(ValueError, match="'en'"):
        label("gender", "male", "en")
    with pytest.raises(ValueError, match="'en'"):
        format_number(1, "en")


def test_catalogue_returns_a_copy():
    catalogue("nl")["codes"]["gender"]["male"] = "changed"
    assert label("gender", "male", "nl") == "Man"


def test_labeller_for_pandas_map():
    s = pd.Series(["work", None, "jobseeker", np.nan])
    got = s.map(labeller("outcome", "nl"))
    assert got[0] == "Werk" and got[2] == "Werkzoekende"
    assert pd.isna(got[1]) and pd.isna(got[3])
    flags = pd.Series([True, False, pd.NA], dtype="boolean")
    assert list(flags.map(labeller("boolean", "fr"))[:2]) == ["Oui", "Non"]


def test_country_labels():
    assert country_label("MA", "nl") == "Marokko"
    assert country_label("MA", "fr") == "Maroc"
    assert country_label("CI", "fr") == "Côte d’Ivoire"
    countries = reference.countries()
    for code in countries["code"]:
        for lang in LANGUAGES:
            assert country_label(code, lang).strip()
    with pytest.raises(KeyError, match="ZZ"):
        country_label("ZZ", "nl")


# --- numbers ---------------------------------------------------------------------


def test_format_number():
    assert format_number(1333.0, "nl", 0) == "1.333"
    assert format_number(1333.0, "fr", 0) == f"1{NNBSP}333"
    assert format_number(3.14159, "nl", 2) == "3,14"
    assert format_number(3.14159, "fr", 2) == "3,14"
    assert format_number(1234567.891, "nl") == "1.234.567,9"
    assert format_number(1234567.891, "fr") == f"1{NNBSP}234{NNBSP}567,9"
    assert format_number(999, "nl", 0) == "999"
    assert format_number(0, "nl", 2) == "0,00"
    assert format_number(-1333.26, "nl", 1) == "-1.333,3"
    assert format_number(-0.04, "fr", 1) == "0,0"  # no negative zero
    assert format_number(float("nan"), "nl") == i18n.MISSING
    assert format_number(None, "fr") == i18n.MISSING


def test_rounding_is_half_up_not_bankers():
    # Python's round() rounds half to even and works on the binary value: 0.5 -> 0, 2.5 -> 2,
    # 54.25 -> 54.2, 2.675 -> 2.67. The book rounds half up (away from zero) as written.
    assert format_number(0.5, "nl", 0) == "1"
    assert format_number(2.5, "nl", 0) == "3"
    assert format_number(-2.5, "nl", 0) == "-3"
    assert format_number(54.25, "nl", 1) == "54,3"
    assert format_number(2.675, "fr", 2) == "2,68"
    assert format_number(np.float64(0.125), "nl", 2) == "0,13"


def test_format_percent():
    assert format_percent(54, "fr") == f"54{NNBSP}%"
    assert format_percent(54, "nl") == "54%"
    assert format_percent(54.25, "nl", 1) == "54,3%"
    assert format_percent(54.25, "fr", 1) == f"54,3{NNBSP}%"
    assert format_percent(65.77, "nl", 2) == "65,77%"
    assert format_percent(42.5, "nl") == "43%"
    assert format_percent(float("nan"), "nl") == i18n.MISSING


def test_format_count():
    assert format_count(1333, "nl") == "1.333"
    assert format_count(np.int64(1333), "fr") == f"1{NNBSP}333"
    assert format_count(220.0, "nl") == "220"
    assert format_count(pd.NA, "nl") == i18n.MISSING
    with pytest.raises(ValueError):
        format_count(2.5, "nl")
