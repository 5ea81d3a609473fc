"""The column-wise loader gives what a cell-by-cell reading gives, on large exports too.

The loader reads a CSV file without quotes through pyarrow and checks each distinct cell of a
column once. These tests hold it to independent references: Python's csv module (a quoted
copy of a file goes through it), the spreadsheet rows that the test itself corrupted, and the
counts the test computes from its own corruption.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from duoreport.data import contract as C
from duoreport.data.loading import (MAX_ROWS_SHOWN, ContractError, check_table, duplicated_keys, load_dataset,
                                    read_csv_raw, seal_synthetic)
from duoreport.data.raw import RawTable, factorize
from duoreport.settings import SYNTHETIC_DIR


def read_rows(path: Path, delimiter: str = ",") -> list:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def write_rows(path: Path, rows: list, delimiter: str = ",", quoting=csv.QUOTE_MINIMAL,
               lineterminator: str = "\n") -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator).writerows(rows)


@pytest.fixture
def export(tmp_path):
    target = tmp_path / "export"
    shutil.copytree(SYNTHETIC_DIR, target)
    return target


def replicate(export: Path, k: int) -> None:
    """Every table of the export k times, IDs suffixed per copy (the first copy unchanged)."""
    for table in C.TABLES:
        path = export / f"{table.name}.csv"
        if table.name == "sib_control" or not path.exists():
            continue
        rows = read_rows(path)
        header, body = rows[0], rows[1:]
        ids = [i for i, name in enumerate(header) if table.field(name).pattern == C.ID_PATTERN]
        out = [header]
        for copy in range(k):
            suffix = "" if copy == 0 else f"x{copy + 1}"
            for row in body:
                out.append([cell + suffix if i in ids else cell for i, cell in enumerate(row)])
        write_rows(path, out)
    seal_synthetic(export, "tests.replicate")  # still synthetic data, from another generator: sealed anew


def refusal(directory: Path) -> ContractError:
    with pytest.raises(ContractError) as info:
        load_dataset(directory)
    return info.value


# --- reading -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mentees", "duos", "outcomes", "expectations", "sib_control"])
def test_pyarrow_reading_equals_the_csv_module(export, tmp_path, name):
    """A file without quotes (pyarrow) and the same file with every cell quoted (csv module)."""
    plain = export / f"{name}.csv"
    rows = read_rows(plain)
    quoted = tmp_path / f"{name}.csv"
    write_rows(quoted, rows, quoting=csv.QUOTE_ALL)
    assert b'"' not in plain.read_bytes() and b'"' in quoted.read_bytes()
    a, b = read_csv_raw(plain), read_csv_raw(quoted)
    assert a.header == b.header == rows[0]
    assert a.rows == b.rows
    assert [cells for _, cells in a.rows] == rows[1:]
    assert a.rows[0][0] == 2 and a.rows[-1][0] == len(rows)


def test_blank_rows_keep_the_numbering(export, tmp_path):
    path = export / "mentors.csv"
    rows = read_rows(path)
    width = len(rows[0])
    rows.insert(3, [" "] * width)       # spreadsheet row 4: blank cells, right number of fields
    rows.insert(6, [""] * width)        # spreadsheet row 7
    write_rows(path, rows, delimiter=";", lineterminator="\r\n")
    raw = read_csv_raw(path)
    numbers = [n for n, _ in raw.rows]
    assert 4 not in numbers and 7 not in numbers
    assert numbers[:6] == [2, 3, 5, 6, 8, 9]
    quoted = tmp_path / "mentors.csv"
    write_rows(quoted, rows, delimiter=";", quoting=csv.QUOTE_ALL)
    assert read_csv_raw(quoted).rows == raw.rows
    assert raw.decimal_comma


def test_empty_line_in_the_middle_is_skipped_like_the_csv_module(export):
    path = export / "mentors.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(5, "")  # spreadsheet row 6 is empty
    path.write_text("\n".join(lines), encoding="utf-8")
    numbers = [n for n, _ in read_csv_raw(path).rows]
    assert 6 not in numbers and numbers[3:6] == [5, 7, 8]
    expected = pd.read_csv(SYNTHETIC_DIR / "mentors.csv", dtype=str, keep_default_na=False)
    assert len(numbers) == len(expected)


# --- large exports ---------------------------------------------------------------------------

def test_replicated_export_loads_and_equals_the_default_k_times(export):
    replicate(export, 5)
    big = load_dataset(export)
    small = load_dataset(SYNTHETIC_DIR)
    for t in C.TABLES:
        if t.name == "sib_control":
            continue
        a, b = big[t.name], small[t.name]
        assert len(a) == 5 * len(b), t.name
        first = a.iloc[: len(b)].reset_index(drop=True)
        assert_frame_equal(first, b, obj=t.name)
        for f in t.fields:
            if f.pattern != C.ID_PATTERN:
                assert a[f.name].iloc[-len(b):].reset_index(drop=True).equals(b[f.name]), (t.name, f.name)


def test_many_bad_rows_name_the_first_rows_and_count_the_others(export):
    replicate(export, 8)
    path = export / "mentees.csv"
    rows = read_rows(path)
    col = rows[0].index("gender")
    bad = [i for i in range(2, len(rows) + 1) if i % 97 == 5]  # spreadsheet rows
    for i in bad:
        rows[i - 1][col] = "x"
    write_rows(path, rows)
    err = refusal(export)
    assert [(i.file, i.column, i.rule) for i in err.issues] == [("mentees.csv", "gender", "unknown_code")]
    assert err.issues[0].rows == tuple(bad)
    text = str(err.issues[0])
    shown = ", ".join(str(r) for r in bad[:MAX_ROWS_SHOWN])
    assert f"rows {shown} and {len(bad) - MAX_ROWS_SHOWN} more" in text
    assert "unknown code 'x'" in text


def test_many_distinct_bad_values_are_merged_with_all_their_rows(export):
    path = export / "mentees.csv"
    rows = read_rows(path)
    col = rows[0].index("age_at_intake")
    bad = {3: "abc", 10: "x1", 11: "abc", 40: "1,5", 41: "zz", 90: "?"}
    for i, value in bad.items():
        rows[i - 1][col] = value
    write_rows(path, rows)
    err = refusal(export)
    (issue,) = err.issues
    assert (issue.column, issue.rule, issue.rows) == ("age_at_intake", "wrong_type", tuple(sorted(bad)))
    # the first three values in the order of their first row, then how many others
    assert issue.detail.startswith("'abc' is not a whole number; 'x1' is not a whole number; '1,5' is not")
    assert issue.detail.endswith("and 2 other values")


def test_id_that_looks_like_a_phone_number_among_many_ids(export):
    replicate(export, 3)
    path = export / "mentors.csv"
    rows = read_rows(path)
    rows[1500][0] = "0471234567"  # spreadsheet row 1501
    write_rows(path, rows)
    err = refusal(export)
    assert [(i.file, i.column, i.rows, i.rule) for i in err.issues] == [
        ("mentors.csv", "mentor_id", (1501,), "direct_identifier")]
    assert "phone" in err.issues[0].detail and "0471234567" not in str(err)


def test_id_with_spaces_is_read_stripped_and_still_matches_its_reference(export):
    path = export / "duos.csv"
    rows = read_rows(path)
    k = rows[0].index("mentee_id")
    original = rows[4][k]
    rows[4][k] = f"  {original} "
    write_rows(path, rows)
    duos = load_dataset(export)["duos"]
    assert duos["mentee_id"][3] == original


def test_dangling_references_in_a_large_export(export):
    replicate(export, 4)
    path = export / "outcomes.csv"
    rows = read_rows(path)
    rows[7][0] = "M_nobody"          # spreadsheet row 8
    rows[-1][0] = "M_nobody_either"  # the last row
    write_rows(path, rows)
    err = refusal(export)
    assert [(i.file, i.column, i.rows, i.rule) for i in err.issues] == [
        ("outcomes.csv", "mentee_id", (8, len(rows)), "dangling_reference")]


def test_a_key_is_compared_by_its_typed_value(export):
    """'1' and '01' are the same rank: the second is a duplicate of the key."""
    path = export / "expectations.csv"
    rows = read_rows(path)
    header = rows[0]
    first = rows[1]
    copy = list(first)
    copy[header.index("rank")] = "0" + first[header.index("rank")]
    copy[header.index("expectation")] = next(e for e in C.EXPECTATIONS
                                             if e not in {r[2] for r in rows[1:] if r[0] == first[0]})
    rows.append(copy)
    write_rows(path, rows)
    err = refusal(export)
    assert [(i.column, i.rows, i.rule) for i in err.issues] == [("mentee_id, rank", (2, len(rows)), "duplicate_id")]


def test_ids_of_referring_columns_share_the_referred_strings(export):
    ds = load_dataset(export)
    mentees = dict(zip(ds["mentees"]["mentee_id"], ds["mentees"]["mentee_id"]))
    for table in ("duos", "outcomes", "expectations"):
        assert all(mentees[v] is v for v in ds[table]["mentee_id"]), table


# --- spreadsheet cells and helpers ------------------------------------------------------------

def test_factorize_keeps_cells_of_different_types_apart():
    col = factorize([1, True, 1.0, "1", 1, True])
    assert col.values == [1, True, 1.0, "1"]
    assert col.codes.tolist() == [0, 1, 2, 3, 0, 1]


def test_spreadsheet_true_in_an_integer_column_is_refused_next_to_ones():
    header = ["cohort", "n", "employed_within_1y"]
    rows = [(2, [2014, 1, 1]), (3, [2015, True, 1]), (4, [2016, 1.0, 1])]
    df, issues = check_table(RawTable.from_rows("sib_control.xlsx", header, rows, False), C.SIB_CONTROL)
    assert [(i.column, i.rows, i.rule) for i in issues] == [("n", (3,), "wrong_type")]


def test_mapping_helpers_rename_drop_and_recode_once_per_distinct_cell():
    header = ["Geslacht", "x", "age"]
    rows = [(2, ["V", "1", "20"]), (3, ["M", "2", "21"]), (5, ["V", "3", "20"])]
    raw = RawTable.from_rows("m.csv", header, rows, False)
    calls = []

    def recode(cell):
        calls.append(cell)
        return {"V": "female", "M": "male"}.get(cell, cell)

    out = raw.keep_columns([0, 2]).with_header(["gender", "age_at_intake"]).map_cells(0, recode)
    assert out.header == ["gender", "age_at_intake"]
    assert out.rows == [(2, ["female", "20"]), (3, ["male", "21"]), (5, ["female", "20"])]
    assert sorted(calls) == ["M", "V"]
    assert raw.rows == rows  # the original is unchanged


def test_duplicated_keys_over_two_columns():
    a = np.array([0, 0, 1, 1, 0])
    b = np.array([0, 1, 0, 1, 1])
    assert duplicated_keys([a, b]).tolist() == [False, True, False, False, True]
    assert duplicated_keys([a]).tolist() == [True] * 5


# --- rules over several columns -------------------------------------------------------------

def _first(rows: list, **conditions) -> int:
    header = rows[0]
    return next(i for i, r in enumerate(rows[1:], start=2) if all(r[header.index(k)] == v for k, v in conditions.items()))


@pytest.mark.parametrize("file, where, changes, rule", [
    ("mentees.csv", {"nationality_status": "belgian_by_birth"}, {"residence_permit": "b_card"},
     "permit_matches_nationality"),
    ("mentees.csv", {"nationality_status": "foreign", "reason_of_stay": "study"}, {"reason_of_stay": "not_applicable"},
     "reason_matches_nationality"),
    ("mentees.csv", {"work_experience_abroad": "false"}, {"work_experience_abroad_duration": "lt2y"},
     "abroad_details_need_experience"),
    ("mentees.csv", {"illiterate": "false", "education_level": "primary"}, {"illiterate": "true"},
     "illiterate_has_no_diploma"),
    ("outcomes.csv", {"status": "work", "positive_type": "open_ended_contract"}, {"positive_type": "university"},
     "type_matches_status"),
    ("outcomes.csv", {"positive_type": "open_ended_contract"}, {"internship_led_to_contract": "true"},
     "internship_flag_only_for_internships"),
    ("duos.csv", {"status": "completed"}, {"status": "ongoing"}, "ongoing_has_no_end"),
])
def test_each_rule_names_the_row_that_breaks_it(export, file, where, changes, rule):
    replicate(export, 2)  # the rule is checked over many rows, the broken one is in the second copy
    path = export / file
    rows = read_rows(path)
    header = rows[0]
    half = (len(rows) - 1) // 2
    row = _first([header] + rows[1 + half:], **where) + half
    for column, value in changes.items():
        rows[row - 1][header.index(column)] = value
    write_rows(path, rows)
    err = refusal(export)
    assert [(i.file, i.rows, i.rule) for i in err.issues] == [(file, (row,), rule)]


def test_an_expectation_named_twice_by_a_mentee(export):
    path = export / "expectations.csv"
    rows = read_rows(path)
    rows[2][2] = rows[1][2]  # spreadsheet rows 2 and 3: the same mentee, the same expectation
    write_rows(path, rows)
    err = refusal(export)
    assert [(i.column, i.rows, i.rule) for i in err.issues] == [
        ("mentee_id, expectation", (2, 3), "expectation_once_per_mentee")]
