"""The import mapping: a raw CRM export is read as declared, and nothing is dropped or guessed.

The next-year export (tests/next_year.py) is written the way a Belgian CRM and Excel write files
(cp1252 CSV with ';' and day-first dates, Dutch headers and codes, French antenna names, a
workbook with date cells and a second sheet); the generator keeps the tables it meant to write,
and the loader's result is checked against them. Each refusal test changes one thing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from duoreport.data.issues import ContractError
from duoreport.data.loading import load_dataset
from duoreport.data.mapping import day_first_to_iso


@pytest.fixture
def made(next_year_made):
    return next_year_made


@pytest.fixture
def export(made, tmp_path):
    target = tmp_path / "export"
    shutil.copytree(made.path, target)
    return target


def refusal(directory: Path, **kwargs) -> ContractError:
    with pytest.raises(ContractError) as info:
        load_dataset(directory, **kwargs)
    return info.value


def where(err: ContractError) -> list:
    return [(i.file, i.column, tuple(i.rows), i.rule) for i in err.issues]


def set_mapping(export: Path, old: str, new: str) -> None:
    text = (export / "mapping.yml").read_text(encoding="utf-8")
    assert old in text
    (export / "mapping.yml").write_text(text.replace(old, new), encoding="utf-8")


# --- the export as declared -----------------------------------------------------------------------

def test_the_raw_export_reads_as_the_tables_that_were_written(made):
    ds = load_dataset(made.path)
    assert ds.kind == "real"
    assert ds.intake_years == (2013, 2014, 2015, 2016, 2017, 2018)
    assert ds.programme.codes == ("brussels", "liege", "antwerp", "ghent", "mechelen")
    assert len(ds["mentees"]) == 1333 + made.n_new
    for name, expected in made.expected.items():
        assert_frame_equal(ds[name], expected, check_dtype=False, obj=name)
    assert ds.files["mentees"] == "Jongeren.csv"
    assert ds.files["duos"] == "Duos.xlsx (sheet 'Duo's')"


def test_the_raw_files_are_what_a_belgian_excel_writes(made):
    raw = (made.path / "Jongeren.csv").read_bytes()
    assert raw.split(b"\r\n")[0].startswith(b"Dossiernummer;Antenne;Intakedatum;Geslacht;Leeftijd;")
    second = raw.split(b"\r\n")[1].decode("cp1252").split(";")
    assert second[2].count("/") == 2 and second[3] in ("V", "M", "X")
    from openpyxl import load_workbook
    wb = load_workbook(made.path / "Duos.xlsx", read_only=True)
    assert wb.sheetnames == ["Duo's", "Uitleg"]


def test_a_mapping_elsewhere_is_given_with_its_path(export, tmp_path):
    elsewhere = tmp_path / "crm-mapping.yml"
    shutil.move(export / "mapping.yml", elsewhere)
    assert "missing_file" in refusal(export).rules()
    assert len(load_dataset(export, elsewhere)["mentees"]) > 1333


@pytest.mark.parametrize("text, iso", [("31/12/2018", "2018-12-31"), ("1.3.2018", "2018-03-01"),
                                       ("05-06-2017", "2017-06-05"), ("31/12/2018 00:00", "2018-12-31"),
                                       ("31/02/2018", None), ("2018-12-31", None), ("12/31/2018", None),
                                       ("31/12/18", None)])
def test_day_first_dates(text, iso):
    assert day_first_to_iso(text) == iso


# --- nothing guessed -----------------------------------------------------------------------------------

def test_day_first_dates_are_refused_unless_declared(export):
    set_mapping(export, "date_order: day_first", "date_order: iso")
    err = refusal(export)
    assert err.rules() == {"wrong_type"}
    [issue] = err.issues
    assert (issue.file, issue.column) == ("Jongeren.csv", "intake_date")
    assert len(issue.rows) == 1333 + 420
    assert "day/month/year" in issue.detail and "date_order: day_first" in issue.detail


def test_a_windows_file_is_refused_unless_its_encoding_is_declared(export):
    path = export / "Jongeren.csv"
    path.write_bytes(path.read_bytes().replace(b";Gent;", b";Gent-Sint-Pieters;".replace(b"Pieters", "Pi\u00e8ters".encode("cp1252")), 1))
    set_mapping(export, "Mechelen: mechelen,", "Mechelen: mechelen, \"Gent-Sint-Pi\u00e8ters\": ghent,")
    assert len(load_dataset(export)["mentees"]) == 1753
    set_mapping(export, "    encoding: cp1252", "    encoding: utf-8")
    err = refusal(export)
    assert where(err) == [("Jongeren.csv", None, (), "encoding")]
    assert "encoding: cp1252" in err.issues[0].detail


def test_a_value_no_map_covers_is_refused_with_the_allowed_codes(export):
    set_mapping(export, "gender: {V: female, M: male, X: other}", "gender: {V: female, X: other}")
    err = refusal(export)
    issues = {(i.file, i.column, i.rule) for i in err.issues}
    assert issues == {("Jongeren.csv", "gender", "unknown_code"), ("mentors.csv", "gender", "unknown_code")}
    for issue in err.issues:
        assert "'M'" in issue.detail and "allowed: female, male, other" in issue.detail
        assert "probably male" in issue.detail


def test_a_map_to_a_code_that_does_not_exist_names_its_line(export):
    set_mapping(export, "gender: {V: female, M: male, X: other}", "gender: {V: femme, M: male, X: other}")
    err = refusal(export)
    assert where(err) == [("mapping.yml", "codes.gender.V", (4,), "unknown_code")]
    assert "allowed: female, male, other" in err.issues[0].detail


def test_a_rename_to_a_column_that_does_not_exist_is_refused(export):
    set_mapping(export, "Geslacht: gender", "Geslacht: sex")
    err = refusal(export)
    assert [(i.file, i.column, i.rule) for i in err.issues] == [
        ("mapping.yml", "tables.mentees.columns.Geslacht", "unknown_column")]


def test_a_table_the_contract_does_not_know_is_refused(export):
    set_mapping(export, "  duos:\n", "  duo:\n")
    err = refusal(export)
    assert ("mapping.yml", "tables.duo", "unknown_table") in {(i.file, i.column, i.rule) for i in err.issues}


# --- nothing dropped silently -----------------------------------------------------------------------------

def test_a_workbook_with_two_filled_sheets_and_no_declared_sheet_is_refused(export):
    set_mapping(export, "    sheet: \"Duo's\"\n", "")
    err = refusal(export)
    assert where(err) == [("Duos.xlsx", None, (), "several_sheets")]
    assert "'Duo's', 'Uitleg'" in err.issues[0].detail and "sheet" in err.issues[0].detail


def test_a_second_data_sheet_nobody_reads_is_refused(export):
    set_mapping(export, 'ignore: ["Duos.xlsx[Uitleg]"]   # a note, not data', "")
    err = refusal(export)
    assert where(err) == [("Duos.xlsx (sheet 'Uitleg')", None, (), "unread_sheet")]


def test_outcomes_split_over_two_sheets_cannot_lose_the_second_one(export):
    """The case of the issue: 18-month outcomes on a second sheet of the workbook."""
    from openpyxl import load_workbook

    wb = load_workbook(export / "outcomes.xlsx")
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    later = wb.create_sheet("18 maanden")
    later.append(rows[0])
    keep = [rows[0]]
    for row in rows[1:]:
        (later.append(row) if row[1] == 18 else keep.append(row))
    ws.delete_rows(1, ws.max_row)
    for row in keep:
        ws.append(row)
    wb.save(export / "outcomes.xlsx")
    err = refusal(export)
    assert where(err) == [("outcomes.xlsx", None, (), "several_sheets")]
    set_mapping(export, "  duos:\n", "  outcomes:\n    sheet: Opvolging\n  duos:\n")
    err = refusal(export)
    assert where(err) == [("outcomes.xlsx (sheet '18 maanden')", None, (), "unread_sheet")]


def test_a_data_file_nobody_reads_is_refused(export):
    shutil.copy(export / "sib_control.csv", export / "sib_control_2018.csv")
    err = refusal(export)
    assert where(err) == [("sib_control_2018.csv", None, (), "unread_file")]
    set_mapping(export, 'ignore: ["Duos.xlsx[Uitleg]"]', 'ignore: ["Duos.xlsx[Uitleg]", sib_control_2018.csv]')
    assert load_dataset(export).has("sib_control")


def test_an_old_excel_file_is_named_not_skipped(export):
    (export / "mentor_survey.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    err = refusal(export)
    assert where(err) == [("mentor_survey.xls", None, (), "unread_file")]


def test_a_declared_sheet_that_does_not_exist_lists_the_sheets(export):
    set_mapping(export, "sheet: \"Duo's\"", "sheet: Duos")
    err = refusal(export)
    assert where(err) == [("Duos.xlsx", None, (), "missing_sheet")]
    assert "'Duo's', 'Uitleg'" in err.issues[0].detail


def test_declaring_an_identifier_column_as_not_read_is_not_enough(export):
    path = export / "Jongeren.csv"
    lines = path.read_bytes().split(b"\r\n")
    lines = [lines[0] + b";Naam"] + [line + b";x" if line else line for line in lines[1:]]
    path.write_bytes(b"\r\n".join(lines))
    set_mapping(export, "Rijbewijs: driving_licence}", "Rijbewijs: driving_licence, Naam: null}")
    err = refusal(export)
    assert where(err) == [("Jongeren.csv", "Naam", (1,), "direct_identifier")]


def test_a_column_declared_as_not_read_is_left_out(export):
    path = export / "Jongeren.csv"
    lines = path.read_bytes().split(b"\r\n")
    lines = [lines[0] + b";Opmerking"] + [line + b";zie dossier" if line else line for line in lines[1:]]
    path.write_bytes(b"\r\n".join(lines))
    assert refusal(export).rules() == {"unknown_column"}
    set_mapping(export, "Rijbewijs: driving_licence}", "Rijbewijs: driving_licence, Opmerking: null}")
    assert "Opmerking" not in load_dataset(export)["mentees"].columns


def test_the_mapping_is_part_of_the_data_hash(export):
    before = load_dataset(export).data_hash
    set_mapping(export, "# How to read", "# How we read")
    assert load_dataset(export).data_hash != before


def test_values_keep_their_type_through_a_map(export):
    ds = load_dataset(export)
    assert ds["mentees"]["intake_date"].dtype.kind == "M"
    assert str(ds["mentees"]["has_children"].dtype) == "boolean"
    assert pd.Timestamp("2018-01-01") <= ds["mentees"]["intake_date"].max() <= pd.Timestamp("2018-12-31")
