"""The loader refuses exports that break the data contract, and says exactly where.

Every test copies the valid synthetic export (data/synthetic, never modified) into a
temporary directory, corrupts the copy in one known place, and checks the refusal
against what the test itself did: the rule, the file, the column and the spreadsheet
row (the header is row 1, the first data row is row 2).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal

from duoreport.settings import SYNTHETIC_DIR, python_path
from duoreport.data import contract as C
from duoreport.data.loading import ContractError, load_dataset

SYNTHETIC = SYNTHETIC_DIR


# --- fixtures and helpers ----------------------------------------------------

@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """One read-only copy of the synthetic export per module."""
    target = tmp_path_factory.mktemp("pristine") / "synthetic"
    shutil.copytree(SYNTHETIC, target)
    return target


@pytest.fixture(scope="module")
def reference(pristine):
    """The synthetic export as loaded (and typed) by the loader."""
    return load_dataset(pristine)


@pytest.fixture
def export(pristine, tmp_path):
    """A fresh copy of the synthetic export that the test may corrupt."""
    target = tmp_path / "export"
    shutil.copytree(pristine, target)
    return target


def read_rows(path: Path, delimiter: str = ",") -> list:
    """All records of a CSV file; rows[0] is spreadsheet row 1 (the header)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def write_rows(path: Path, rows: list, delimiter: str = ",", encoding: str = "utf-8",
               lineterminator: str = "\n") -> None:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Overwrite one cell, addressed by spreadsheet row number and column name."""
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def first_row_where(path: Path, **conditions) -> int:
    """The spreadsheet row number of the first record meeting all conditions."""
    rows = read_rows(path)
    header = rows[0]
    for i, row in enumerate(rows[1:], start=2):
        if all(row[header.index(k)] == v for k, v in conditions.items()):
            return i
    raise LookupError(conditions)


def refusal(directory: Path) -> ContractError:
    with pytest.raises(ContractError) as info:
        load_dataset(directory)
    return info.value


def where(err: ContractError) -> list:
    """(file, column, rows, rule) of every issue, in the loader's order."""
    return [(i.file, i.column, tuple(i.rows), i.rule) for i in err.issues]


def mentees_frame(directory: Path) -> pd.DataFrame:
    """mentees.csv as raw text cells (no typing, nothing read as NA)."""
    return pd.read_csv(directory / "mentees.csv", dtype=str, keep_default_na=False).astype(object)


# --- the untouched export ------------------------------------------------------

def test_synthetic_copy_is_accepted(reference):
    assert reference.synthetic
    for t in C.TABLES:
        assert reference.has(t.name), t.name
        assert list(reference[t.name].columns) == list(t.column_names)


def test_pristine_files_are_those_of_the_repository(pristine):
    names = sorted(p.name for p in SYNTHETIC.iterdir())
    assert sorted(p.name for p in pristine.iterdir()) == names
    assert len([n for n in names if n.endswith(".csv")]) == 13
    for name in names:
        assert (pristine / name).read_bytes() == (SYNTHETIC / name).read_bytes()


# --- 1. missing file -------------------------------------------------------------

def test_missing_required_file(export):
    (export / "mentees.csv").unlink()
    err = refusal(export)
    assert where(err) == [("mentees.csv", None, (), "missing_file")]
    assert err.rules() == {"missing_file"}


def test_missing_optional_file_is_accepted(export):
    (export / "sib_control.csv").unlink()
    ds = load_dataset(export)
    assert not ds.has("sib_control")
    assert ds.has("sib_participants")


def test_optional_child_without_its_parent_table(export):
    (export / "alumni_survey.csv").unlink()
    err = refusal(export)
    assert where(err) == [("alumni_obstacles.csv", "response_id", (), "missing_reference_table")]


# --- 2. missing column -------------------------------------------------------------

def test_missing_column(export):
    path = export / "mentees.csv"
    rows = read_rows(path)
    k = rows[0].index("gender")
    write_rows(path, [r[:k] + r[k + 1:] for r in rows])
    err = refusal(export)
    assert where(err) == [("mentees.csv", "gender", (), "missing_column")]


# --- 3. wrong type -------------------------------------------------------------------

@pytest.mark.parametrize("file, column, row, value, words", [
    ("mentees.csv", "age_at_intake", 4, "abc", "whole number"),
    ("mentees.csv", "age_at_intake", 7, "24.0", "whole number"),
    ("mentees.csv", "born_in_belgium", 5, "maybe", "true or false"),
    ("mentees.csv", "intake_date", 6, "2015-13-45", "calendar date"),
    ("mentees.csv", "intake_date", 9, "03/05/2015", "ISO"),
    ("duos.csv", "start_date", 11, "2015/05/03", "ISO"),
    ("mentor_survey.csv", "social_problems", 3, "maybe", "true or false"),
    ("expectations.csv", "rank", 8, "two", "whole number"),
])
def test_wrong_type(export, file, column, row, value, words):
    set_cell(export / file, row, column, value)
    err = refusal(export)
    assert where(err) == [(file, column, (row,), "wrong_type")]
    assert value in err.issues[0].detail
    assert words in err.issues[0].detail


def test_day_month_year_date_message_mentions_iso(export):
    set_cell(export / "mentees.csv", 3, "intake_date", "03/05/2015")
    err = refusal(export)
    assert where(err) == [("mentees.csv", "intake_date", (3,), "wrong_type")]
    assert "ISO" in err.issues[0].detail
    assert "day/month/year" in err.issues[0].detail


def test_several_bad_cells_are_all_reported(export):
    path = export / "mentees.csv"
    set_cell(path, 4, "age_at_intake", "abc")
    set_cell(path, 10, "age_at_intake", "xyz")
    set_cell(path, 12, "has_email", "maybe")
    err = refusal(export)
    assert sorted(where(err)) == sorted([
        ("mentees.csv", "age_at_intake", (4,), "wrong_type"),
        ("mentees.csv", "age_at_intake", (10,), "wrong_type"),
        ("mentees.csv", "has_email", (12,), "wrong_type"),
    ])


# --- 4. unknown code --------------------------------------------------------------------

@pytest.mark.parametrize("file, column, row, value", [
    ("mentees.csv", "gender", 3, "x"),
    ("mentees.csv", "antenna", 8, "namur"),
    ("mentees.csv", "origin_country", 5, "ZZ"),
    ("mentors.csv", "antenna", 6, "namur"),
    ("outcomes.csv", "followup_months", 4, "12"),
    ("sib_participants.csv", "cohort", 2, "2013"),
])
def test_unknown_code(export, file, column, row, value):
    set_cell(export / file, row, column, value)
    err = refusal(export)
    assert where(err) == [(file, column, (row,), "unknown_code")]
    assert value in err.issues[0].detail


# --- 5. out of range -------------------------------------------------------------------

@pytest.mark.parametrize("file, column, row, value, words", [
    ("mentees.csv", "age_at_intake", 3, "17", "below the minimum 18"),
    ("mentees.csv", "age_at_intake", 4, "34", "above the maximum 33"),
    ("mentees.csv", "intake_date", 5, "2012-05-01", "below the minimum 2013-01-01"),
    ("mentees.csv", "intake_date", 6, "2099-01-01", "future"),
    ("duos.csv", "start_date", 7, "2099-01-01", "future"),
    ("mentors.csv", "age_at_start", 2, "49", "below the minimum 50"),
    ("expectations.csv", "rank", 5, "4", "above the maximum 3"),
    ("sib_control.csv", "n", 3, "0", "below the minimum 1"),
])
def test_out_of_range(export, file, column, row, value, words):
    set_cell(export / file, row, column, value)
    err = refusal(export)
    assert where(err) == [(file, column, (row,), "out_of_range")]
    assert words in err.issues[0].detail


def declare_real_without_period(export: Path) -> None:
    """Edited values make the copy another dataset: declare it real, with no period or opening
    dates (the settings' own checks are tested in tests/unit/data/test_programme.py)."""
    settings = yaml.safe_load((export / "dataset.yml").read_text(encoding="utf-8"))
    settings["kind"] = "real"
    del settings["synthetic"], settings["period"]
    for antenna in settings["antennas"]:
        antenna.pop("opened", None)
    (export / "dataset.yml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


def test_range_bounds_are_inclusive(export):
    declare_real_without_period(export)
    path = export / "mentees.csv"
    set_cell(path, 2, "age_at_intake", "18")
    set_cell(path, 3, "age_at_intake", "33")
    set_cell(path, 4, "intake_date", "2013-01-01")
    mentees = load_dataset(export)["mentees"]
    assert list(mentees["age_at_intake"][:2]) == [18, 33]
    assert mentees["intake_date"][2] == pd.Timestamp("2013-01-01")


# --- 6. duplicate IDs -------------------------------------------------------------------

def test_duplicate_mentee_id(export):
    path = export / "mentees.csv"
    rows = read_rows(path)
    copied = rows[1]  # spreadsheet row 2
    rows.append(list(copied))
    new_row = len(rows)  # the appended record is the last spreadsheet row
    write_rows(path, rows)
    err = refusal(export)
    assert where(err) == [("mentees.csv", "mentee_id", (2, new_row), "duplicate_id")]
    assert new_row == len(read_rows(SYNTHETIC / "mentees.csv")) + 1


def test_duplicate_composite_key(export):
    path = export / "outcomes.csv"
    rows = read_rows(path)
    rows.insert(4, list(rows[2]))  # spreadsheet row 3 copied to row 5
    write_rows(path, rows)
    err = refusal(export)
    assert where(err) == [("outcomes.csv", "mentee_id, followup_months", (3, 5), "duplicate_id")]


# --- 7. dangling reference ------------------------------------------------------------------

def test_dangling_reference(export):
    set_cell(export / "duos.csv", 4, "mentee_id", "M99999")
    err = refusal(export)
    assert where(err) == [("duos.csv", "mentee_id", (4,), "dangling_reference")]
    assert "mentees" in err.issues[0].detail


def test_dangling_reference_to_optional_table(export):
    set_cell(export / "mentor_survey.csv", 6, "duo_id", "D99999")
    err = refusal(export)
    assert where(err) == [("mentor_survey.csv", "duo_id", (6,), "dangling_reference")]


# --- 8. empty files ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mentees.csv", "duos.csv", "sib_control.csv"])
def test_zero_byte_file(export, name):
    (export / name).write_bytes(b"")
    err = refusal(export)
    assert where(err) == [(name, None, (), "empty_file")]


def test_header_only_file(export):
    path = export / "mentees.csv"
    rows = read_rows(path)
    write_rows(path, rows[:1])
    err = refusal(export)
    assert where(err) == [("mentees.csv", None, (), "empty_file")]


# --- 9. direct identifiers --------------------------------------------------------------------

@pytest.mark.parametrize("column", [
    "email", "Naam", "telefoon", "rijksregisternummer", "adres",
    "E-mail", "first_name", "GSM", "Rijksregister nummer", "date_of_birth",
])
def test_direct_identifier_column(export, column):
    path = export / "mentees.csv"
    rows = read_rows(path)
    write_rows(path, [rows[0] + [column]] + [r + ["x"] for r in rows[1:]])
    err = refusal(export)
    assert where(err) == [("mentees.csv", column, (1,), "direct_identifier")]


@pytest.mark.parametrize("value, kind", [
    ("jan@example.be", "e-mail"),
    ("85.07.30-033.61", "national register"),
    ("85073003361", "national register"),
    ("+32 471 23 45 67", "phone"),
])
def test_direct_identifier_value_in_id(export, value, kind):
    set_cell(export / "mentees.csv", 2, "mentee_id", value)
    err = refusal(export)
    assert where(err) == [("mentees.csv", "mentee_id", (2,), "direct_identifier")]
    assert kind in err.issues[0].detail
    assert value not in str(err)  # the report does not repeat the identifier


def test_direct_identifier_value_in_child_table(export):
    set_cell(export / "duos.csv", 7, "mentee_id", "jan@example.be")
    err = refusal(export)
    assert where(err) == [("duos.csv", "mentee_id", (7,), "direct_identifier")]


# --- 10. unknown column -------------------------------------------------------------------------

def test_unknown_column(export):
    path = export / "mentees.csv"
    rows = read_rows(path)
    write_rows(path, [rows[0] + ["favourite_colour"]] + [r + ["blue"] for r in rows[1:]])
    err = refusal(export)
    assert where(err) == [("mentees.csv", "favourite_colour", (1,), "unknown_column")]


def test_duplicate_column(export):
    path = export / "mentors.csv"
    rows = read_rows(path)
    k = rows[0].index("gender")
    write_rows(path, [r + [r[k]] for r in rows])
    err = refusal(export)
    assert where(err) == [("mentors.csv", "gender", (1,), "duplicate_column")]


# --- 11. cross-field rules -------------------------------------------------------------------------

def test_single_parent_needs_children(export):
    path = export / "mentees.csv"
    row = first_row_where(path, has_children="false", single_parent="false")
    set_cell(path, row, "single_parent", "true")
    err = refusal(export)
    assert where(err) == [("mentees.csv", "single_parent, has_children", (row,),
                           "single_parent_needs_children")]


def test_end_date_before_start_date(export):
    path = export / "duos.csv"
    rows = read_rows(path)
    h = rows[0]
    row = next(i for i, r in enumerate(rows[1:], start=2)
               if r[h.index("status")] == "completed" and r[h.index("start_date")] > "2013-01-01")
    set_cell(path, row, "end_date", "2013-01-01")
    err = refusal(export)
    assert where(err) == [("duos.csv", "start_date, end_date", (row,), "end_after_start")]


# --- 12. Excel-style CSV ---------------------------------------------------------------------------

def test_bom_semicolon_crlf_export_is_accepted_and_equal(export, reference):
    for path in export.glob("*.csv"):
        rows = read_rows(path)
        write_rows(path, rows, delimiter=";", encoding="utf-8-sig", lineterminator="\r\n")
    assert (export / "mentees.csv").read_bytes().startswith(b"\xef\xbb\xbfmentee_id;antenna;")
    ds = load_dataset(export)
    assert_frame_equal(ds["mentees"], reference["mentees"])
    assert_frame_equal(ds["outcomes"], reference["outcomes"])
    for t in C.TABLES:
        assert_frame_equal(ds[t.name], reference[t.name], obj=t.name)


def test_excel_dutch_booleans_are_read(export, reference):
    path = export / "mentees.csv"
    rows = read_rows(path)
    header = rows[0]
    booleans = [f.name for f in C.MENTEES.fields if f.type == "boolean"]
    for r in rows[1:]:
        for name in booleans:
            k = header.index(name)
            r[k] = {"true": "WAAR", "false": "ONWAAR"}.get(r[k], r[k])
    write_rows(path, rows, delimiter=";", encoding="utf-8-sig", lineterminator="\r\n")
    assert_frame_equal(load_dataset(export)["mentees"], reference["mentees"])


def test_cp1252_file_is_refused(export):
    path = export / "mentees.csv"
    rows = read_rows(path)
    rows[2][rows[0].index("antenna")] = "Liège"  # spreadsheet row 3
    write_rows(path, rows, delimiter=";", encoding="cp1252", lineterminator="\r\n")
    assert "è".encode("cp1252") in path.read_bytes()
    err = refusal(export)
    assert where(err) == [("mentees.csv", None, (), "encoding")]
    assert "UTF-8" in err.issues[0].detail


def test_extra_unquoted_comma_is_refused(export):
    path = export / "mentees.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    row = 6  # spreadsheet row = line number
    assert lines[row - 1].count(",male,") + lines[row - 1].count(",female,") >= 1
    lines[row - 1] = re.sub(r",(fe)?male,", r",\1ma,le,", lines[row - 1], count=1)
    path.write_text("\n".join(lines), encoding="utf-8")
    err = refusal(export)
    assert where(err) == [("mentees.csv", None, (row,), "field_count")]


def test_extra_semicolon_is_refused(export):
    path = export / "mentors.csv"
    rows = read_rows(path)
    rows[3] = rows[3] + [""]  # spreadsheet row 4 gets a trailing separator
    write_rows(path, rows, delimiter=";")
    err = refusal(export)
    assert where(err) == [("mentors.csv", None, (4,), "field_count")]


@pytest.mark.parametrize("delimiter", [";", ","])
def test_decimal_comma_in_integer_column_is_refused(export, delimiter):
    path = export / "sib_control.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("n")] = "350,5"  # spreadsheet row 2; quoted by csv if ","
    write_rows(path, rows, delimiter=delimiter)
    err = refusal(export)
    assert where(err) == [("sib_control.csv", "n", (2,), "wrong_type")]
    assert "350,5" in err.issues[0].detail


def test_unquoted_decimal_comma_in_comma_file_is_refused(export):
    path = export / "sib_control.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    cohort, n, employed = lines[1].split(",")
    lines[1] = f"{cohort},{n},5,{employed}"  # n '350,5' without quotes
    path.write_text("\n".join(lines), encoding="utf-8")
    err = refusal(export)
    assert where(err) == [("sib_control.csv", None, (2,), "field_count")]


# --- 13. XLSX --------------------------------------------------------------------------------------

def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    df.to_excel(path, index=False, sheet_name="mentees", engine="openpyxl")


def test_xlsx_with_text_cells_equals_csv(export, reference):
    _write_xlsx(mentees_frame(export), export / "mentees.xlsx")
    (export / "mentees.csv").unlink()
    ds = load_dataset(export)
    assert_frame_equal(ds["mentees"], reference["mentees"])
    assert_frame_equal(ds["duos"], reference["duos"])


def test_xlsx_with_native_cells_equals_csv(export, reference):
    """Dates as Excel dates, yes/no as booleans, ages as numbers."""
    native = reference["mentees"].copy()
    _write_xlsx(native, export / "mentees.xlsx")
    (export / "mentees.csv").unlink()
    from openpyxl import load_workbook
    ws = load_workbook(export / "mentees.xlsx", read_only=True).worksheets[0]
    second = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
    assert isinstance(second[2], datetime)  # intake_date is a real date cell
    assert isinstance(second[4], int)
    ds = load_dataset(export)
    assert_frame_equal(ds["mentees"], reference["mentees"])


def test_xlsx_unknown_code_names_the_row(export):
    df = mentees_frame(export)
    df.loc[3, "gender"] = "x"  # data frame row 3 = spreadsheet row 5
    _write_xlsx(df, export / "mentees.xlsx")
    (export / "mentees.csv").unlink()
    err = refusal(export)
    assert where(err) == [("mentees.xlsx", "gender", (5,), "unknown_code")]


def test_xlsx_row_numbers_count_blank_rows(export):
    from openpyxl import Workbook

    rows = read_rows(export / "mentees.csv")
    wb = Workbook()
    ws = wb.active
    ws.title = "mentees"
    for i, r in enumerate(rows, start=1):
        if i == 4:
            ws.append([])  # spreadsheet row 4 is blank; data row 4 moves to row 5
        ws.append(r)
    ws.cell(row=8, column=rows[0].index("antenna") + 1, value="namur")
    wb.save(export / "mentees.xlsx")
    (export / "mentees.csv").unlink()
    err = refusal(export)
    assert where(err) == [("mentees.xlsx", "antenna", (8,), "unknown_code")]


def test_xlsx_wrong_type_and_direct_identifier_column(export):
    df = mentees_frame(export)
    df.loc[0, "age_at_intake"] = 24.5  # a number cell, spreadsheet row 2
    df["Naam"] = "x"
    _write_xlsx(df, export / "mentees.xlsx")
    (export / "mentees.csv").unlink()
    err = refusal(export)
    assert where(err) == [("mentees.xlsx", "Naam", (1,), "direct_identifier")]
    del df["Naam"]
    _write_xlsx(df, export / "mentees.xlsx")
    err = refusal(export)
    assert where(err) == [("mentees.xlsx", "age_at_intake", (2,), "wrong_type")]


def test_both_csv_and_xlsx_is_ambiguous(export):
    _write_xlsx(mentees_frame(export), export / "mentees.xlsx")
    err = refusal(export)
    assert err.rules() == {"ambiguous_file"}
    assert [(i.column, i.rows) for i in err.issues] == [(None, ())]
    issue = err.issues[0]
    assert issue.file in ("mentees.csv", "mentees.xlsx")
    assert "mentees.csv" in issue.detail and "mentees.xlsx" in issue.detail


def test_not_an_xlsx_file_is_refused(export):
    (export / "mentees.csv").rename(export / "mentees.xlsx")
    err = refusal(export)
    assert where(err) == [("mentees.xlsx", None, (), "unreadable_xlsx")]


@pytest.mark.parametrize("value, kind", [
    (85073003361, "national register"),  # 85.07.30-033.61 typed into Excel
    (471234567, "phone"),                # 0471 23 45 67 typed into Excel (leading 0 lost)
])
def test_xlsx_numeric_identifier_in_id_is_refused(export, value, kind):
    df = mentees_frame(export)
    extra = df.iloc[[0]].copy()
    extra.loc[:, "mentee_id"] = value  # an extra, unreferenced mentee, as a number cell
    df = pd.concat([df, extra], ignore_index=True)
    row = len(df) + 1
    _write_xlsx(df, export / "mentees.xlsx")
    (export / "mentees.csv").unlink()
    # The same value as text is refused (see test_direct_identifier_value_in_id).
    err = refusal(export)
    assert where(err) == [("mentees.xlsx", "mentee_id", (row,), "direct_identifier")]
    assert kind in err.issues[0].detail


# --- malformed input must give a ContractError, never a crash -------------------------------------

def _open_quote(path: Path, row: int) -> None:
    """Start cell 'gender' of a spreadsheet row with a stray, never closed double quote."""
    lines = path.read_text(encoding="utf-8").split("\n")
    line = lines[row - 1]
    assert line.count(",male,") + line.count(",female,") >= 1
    lines[row - 1] = re.sub(r",((fe)?male),", r',"\1,', line, count=1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_stray_quote_in_small_file_is_refused(export):
    path = export / "sib_control.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace(",", ',"', 1)  # spreadsheet row 3: 2015,"550,168
    path.write_text("\n".join(lines), encoding="utf-8")
    err = refusal(export)
    assert where(err) == [("sib_control.csv", None, (3,), "field_count")]


def test_stray_quote_in_large_file_is_refused(export):
    path = export / "mentees.csv"
    assert path.stat().st_size > 131072
    _open_quote(path, 3)
    err = refusal(export)
    assert {i.file for i in err.issues} == {"mentees.csv"}
    assert any(3 in i.rows for i in err.issues)  # the row where the quote opens


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("file, column, row, value, rules", [
    ("mentees.csv", "age_at_intake", 3, "99999999999999999999", {"out_of_range"}),
    ("mentees.csv", "age_at_intake", 4, "9223372036854775808", {"out_of_range"}),
    ("expectations.csv", "rank", 6, "-99999999999999999999", {"out_of_range"}),
    ("sib_control.csv", "n", 2, "99999999999999999999", {"out_of_range", "wrong_type"}),
])
def test_huge_integer_is_refused(export, file, column, row, value, rules):
    set_cell(export / file, row, column, value)
    err = refusal(export)
    assert len(err.issues) == 1
    (issue,) = err.issues
    assert (issue.file, issue.column, tuple(issue.rows)) == (file, column, (row,))
    assert issue.rule in rules


# --- 14. the command line -------------------------------------------------------------------------

def _cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=python_path(os.environ.get("PYTHONPATH")))  # this checkout's code
    return subprocess.run([sys.executable, "-m", "duoreport.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture
def bad_export(export):
    set_cell(export / "mentees.csv", 3, "gender", "x")
    return export


def test_cli_validate_refuses_bad_export(bad_export, tmp_path):
    proc = _cli("validate", bad_export, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if "unknown_code" in ln]
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert "mentees.csv" in line
    assert "gender" in line
    assert re.search(r"\brow 3\b", line)
    assert "meets the data contract" not in proc.stdout


def test_cli_audit_writes_nothing_for_bad_export(bad_export, tmp_path):
    out_dir = tmp_path / "out"
    assert not out_dir.exists()
    proc = _cli("audit", bad_export, "--out", out_dir / "audit.csv", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "unknown_code" in proc.stderr
    assert not out_dir.exists() or list(out_dir.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_cli_validate_accepts_synthetic_copy(export, tmp_path):
    proc = _cli("validate", export, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "meets the data contract" in proc.stdout


def test_cli_validate_stray_quote_exits_2(export, tmp_path):
    _open_quote(export / "mentees.csv", 3)
    proc = _cli("validate", export, cwd=tmp_path)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2
    assert "mentees.csv" in proc.stderr
