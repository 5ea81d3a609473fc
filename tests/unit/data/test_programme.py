"""The dataset's settings (dataset.yml): what the data are and the programme they describe.

Each test writes a settings file (or changes the synthetic export's) in one known place and checks
the refusal against what it did: the rule, the file, the key and the line; or, for valid settings,
what the programme then says.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from duoreport.data import contract as C
from duoreport.data.issues import ContractError
from duoreport.data.loading import load_dataset
from duoreport.data.programme import Antenna, Programme, default_programme, read_settings
from duoreport.settings import SYNTHETIC_DIR

GOOD = """\
kind: real
organisation: DUO for a JOB
period:
  start: 2013-09-01
  end: 2018-12-31
antennas:
  - code: brussels
    name_nl: Brussel
    name_fr: Bruxelles
    opened: 2013-09-01
  - code: ghent
    name_nl: Gent
    name_fr: Gand
"""


def settings(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dataset.yml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> ContractError:
    with pytest.raises(ContractError) as info:
        read_settings(path)
    return info.value


def where(err: ContractError) -> list:
    return [(i.file, i.column, tuple(i.rows), i.rule) for i in err.issues]


@pytest.fixture
def export(tmp_path):
    target = tmp_path / "export"
    shutil.copytree(SYNTHETIC_DIR, target)
    return target


def edit_settings(export: Path, change) -> None:
    data = yaml.safe_load((export / "dataset.yml").read_text(encoding="utf-8"))
    change(data)
    (export / "dataset.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def as_real(data: dict) -> None:
    data["kind"] = "real"
    del data["synthetic"]


# --- a valid file ---------------------------------------------------------------------------

def test_valid_settings_give_the_programme(tmp_path):
    programme, seal = read_settings(settings(tmp_path, GOOD))
    assert seal is None
    assert programme == Programme("DUO for a JOB", (Antenna("brussels", "Brussel", "Bruxelles", date(2013, 9, 1)),
                                                    Antenna("ghent", "Gent", "Gand", None)),
                                  date(2013, 9, 1), date(2018, 12, 31), "real")
    assert not programme.synthetic
    assert programme.antenna_name("ghent", "fr") == "Gand"


@pytest.mark.parametrize("given, code", [("Gent", "ghent"), ("gand", "ghent"), ("GHENT", "ghent"),
                                         ("Bruxelles", "brussels"), (" brussel ", "brussels"),
                                         ("Liège", "liege"), ("Liege", "liege"), ("luik", "liege"),
                                         ("Anvers", "antwerp"), ("Antwerpen", "antwerp"), ("Namen", None)])
def test_antennas_are_named_by_code_or_by_their_dutch_or_french_name(given, code):
    assert default_programme().resolve_antenna(given) == code


def test_the_synthetic_default_declares_itself_synthetic():
    ds = load_dataset(SYNTHETIC_DIR)
    assert ds.kind == "synthetic" and ds.synthetic
    assert ds.programme.codes == ("brussels", "liege", "antwerp", "ghent")
    assert ds.period == (date(2013, 9, 1), date(2017, 12, 31))
    assert ds.intake_years == (2013, 2014, 2015, 2016, 2017)


# --- the file itself ---------------------------------------------------------------------------

def test_missing_settings_file_names_the_command_that_writes_one(export):
    (export / "dataset.yml").unlink()
    with pytest.raises(ContractError) as info:
        load_dataset(export)
    assert [i.rule for i in info.value.issues] == ["missing_settings"]
    assert "duoreport mapping init" in info.value.issues[0].detail


@pytest.mark.parametrize("text, expected", [
    (GOOD.replace("kind: real\n", ""), [("dataset.yml", None, (), "missing_kind")]),
    (GOOD.replace("kind: real", "kind: fake"), [("dataset.yml", "kind", (1,), "unknown_code")]),
    (GOOD.replace("  end: 2018-12-31", "  end: 2012-12-31"), [("dataset.yml", "period.end", (5,), "out_of_range")]),
    (GOOD.replace("  start: 2013-09-01", "  start: 01/09/2013"), [("dataset.yml", "period.start", (4,), "wrong_type")]),
    (GOOD.replace("    name_fr: Gand\n", ""), [("dataset.yml", "antennas[2]", (11,), "missing_value")]),
    (GOOD.replace("code: ghent", "code: Gent Centrum"), [("dataset.yml", "antennas[2].code", (11,), "wrong_type")]),
    (GOOD.replace("code: ghent", "code: brussels"),
     [("dataset.yml", "antennas[2].code", (11,), "duplicate_id")]),
    (GOOD.replace("name_fr: Gand", "name_fr: Bruxelles"), [("dataset.yml", "antennas[2]", (11,), "duplicate_id")]),
    (GOOD.replace("organisation: DUO for a JOB", "organisation:"),
     [("dataset.yml", "organisation", (2,), "missing_value")]),
    (GOOD + "antennes: []\n", [("dataset.yml", "antennes", (14,), "unknown_key")]),
    (GOOD + "synthetic:\n  generator: x\n", [("dataset.yml", "synthetic", (14,), "kind_conflict")]),
])
def test_each_problem_names_the_key_and_the_line(tmp_path, text, expected):
    err = refusal(settings(tmp_path, text))
    assert where(err) == expected
    assert all(i.unit == "line" for i in err.issues)
    assert "line" in str(err.issues[0]) or not expected[0][2]


def test_a_yaml_syntax_error_names_its_line(tmp_path):
    err = refusal(settings(tmp_path, GOOD.replace("    name_nl: Gent", "    name_nl: [Gent")))
    assert err.rules() == {"yaml_syntax"}
    assert err.issues[0].rows and 12 <= err.issues[0].rows[0] <= 14


# --- the settings against the data -----------------------------------------------------------------

def test_a_synthetic_settings_file_next_to_other_people_is_refused(export):
    """The case of the issue: the settings of the synthetic default left beside other data. Here
    the other data are valid under those settings (same antennas, dates in the period) but
    describe other people (other IDs): only the seal can tell, and it does."""
    for t in C.TABLES:
        path = export / f"{t.name}.csv"
        ids = [f.name for f in t.fields if f.pattern == C.ID_PATTERN]
        if not path.exists() or not ids:
            continue
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        at = [rows[0].index(c) for c in ids]
        body = [[cell + "R" if i in at else cell for i, cell in enumerate(row)] for row in rows[1:]]
        path.write_text("\n".join(",".join(r) for r in [rows[0], *body]) + "\n", encoding="utf-8")
    with pytest.raises(ContractError) as info:
        load_dataset(export)
    assert [(i.file, i.column, i.rule) for i in info.value.issues] == [("dataset.yml", "kind", "synthetic_seal")]
    assert "kind: real" in info.value.issues[0].detail
    edit_settings(export, as_real)
    assert load_dataset(export).kind == "real"


def test_the_seal_tells_the_generators_tables_from_others(export):
    """A row added (or removed) changes a table's keys: the data are no longer the generator's."""
    path = export / "sib_control.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(ContractError) as info:
        load_dataset(export)
    assert [(i.file, i.column, i.rule) for i in info.value.issues] == [("dataset.yml", "kind", "synthetic_seal")]
    assert "sib_control" in info.value.issues[0].detail and "kind: real" in info.value.issues[0].detail


def test_values_edited_by_hand_stay_synthetic(export):
    """The seal looks at sizes and keys: an edited value is still fictitious, and still labelled so."""
    path = export / "mentees.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",male,", ",female,", 1), encoding="utf-8")
    assert load_dataset(export).synthetic


def test_synthetic_without_the_generators_seal_is_refused(export):
    edit_settings(export, lambda d: d.pop("synthetic"))
    with pytest.raises(ContractError) as info:
        load_dataset(export)
    assert info.value.rules() == {"synthetic_unsealed"}


def test_the_same_tables_declared_real_are_real_everywhere(export):
    edit_settings(export, as_real)
    ds = load_dataset(export)
    assert ds.kind == "real" and not ds.synthetic


def test_a_leftover_dataset_json_decides_nothing(export):
    edit_settings(export, as_real)
    (export / "dataset.json").write_text('{"synthetic": true}', encoding="utf-8")
    assert not load_dataset(export).synthetic


def test_intakes_outside_the_declared_period_are_refused_with_their_rows(export):
    edit_settings(export, lambda d: (as_real(d), d["period"].update(end=date(2016, 12, 31))))
    with pytest.raises(ContractError) as info:
        load_dataset(export)
    [issue] = info.value.issues
    assert (issue.file, issue.column, issue.rule) == ("mentees.csv", "intake_date", "outside_period")
    late = [i for i, line in enumerate((export / "mentees.csv").read_text().split("\n")[1:], start=2)
            if line and line.split(",")[2] > "2016-12-31"]
    assert list(issue.rows) == late and len(late) > 300


def test_an_intake_before_its_antenna_opened_is_refused(export):
    edit_settings(export, lambda d: (as_real(d), d["antennas"][3].update(opened=date(2017, 6, 1))))
    with pytest.raises(ContractError) as info:
        load_dataset(export)
    [issue] = info.value.issues
    assert issue.rule == "before_opening"
    rows = (export / "mentees.csv").read_text().split("\n")
    for n in issue.rows:
        antenna, intake = rows[n - 1].split(",")[1:3]
        assert antenna == "ghent" and intake < "2017-06-01"


def test_an_antenna_of_the_data_missing_from_the_settings_lists_the_declared_ones(export):
    edit_settings(export, lambda d: (as_real(d), d["antennas"].pop()))
    with pytest.raises(ContractError) as info:
        load_dataset(export)
    issues = [i for i in info.value.issues if i.file == "mentees.csv"]
    assert [(i.column, i.rule) for i in issues] == [("antenna", "unknown_code")]
    assert "allowed: brussels, liege, antwerp" in issues[0].detail
    assert "dataset.yml" in issues[0].detail


def test_a_new_antenna_is_a_settings_change(export):
    """Rename an antenna's code in the data and declare it: nothing else changes."""
    for name in ("mentees.csv", "mentors.csv"):
        path = export / name
        path.write_text(path.read_text(encoding="utf-8").replace(",ghent,", ",gent_noord,"), encoding="utf-8")
    edit_settings(export, lambda d: (as_real(d), d["antennas"][3].update(code="gent_noord", name_nl="Gent-Noord",
                                                                        name_fr="Gand-Nord")))
    ds = load_dataset(export)
    assert ds.programme.codes[-1] == "gent_noord"
    assert ds.programme.resolve_antenna("Gand-Nord") == "gent_noord"
    assert (ds["mentees"]["antenna"] == "gent_noord").sum() > 0
