"""The command line with a researcher's mistakes: a clear message, exit 2, nothing written.

Run in-process (``duoreport.cli.main``) for speed; one test runs the real command in a
subprocess from another working directory, with a relative path.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from duoreport import cli
from duoreport.data.loading import load_dataset
from duoreport.settings import REPO_ROOT, SYNTHETIC_DIR


@pytest.fixture
def next_year(next_year_made):
    return next_year_made


@pytest.fixture
def bad_export(tmp_path):
    target = tmp_path / "bad"
    shutil.copytree(SYNTHETIC_DIR, target)
    lines = (target / "mentees.csv").read_text(encoding="utf-8").split("\n")
    cells = lines[2].split(",")
    cells[3] = "x"  # gender of spreadsheet row 3
    lines[2] = ",".join(cells)
    (target / "mentees.csv").write_text("\n".join(lines), encoding="utf-8")
    return target


def run(capsys, *args) -> tuple:
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def nothing_in(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


@pytest.mark.parametrize("year, words", [("2030", ["2030", "2013, 2014, 2015, 2016, 2017"]),
                                         ("abc", ["'abc'", "intake year"]), ("17", ["'17'"])])
def test_run_refuses_a_year_the_data_do_not_have(capsys, tmp_path, year, words):
    code, out, err = run(capsys, "run", "--year", year, "--out", tmp_path / "editions")
    assert code == 2
    assert all(w in err for w in words) and "Traceback" not in err
    assert nothing_in(tmp_path / "editions")


def test_run_refuses_an_unknown_antenna_and_lists_the_names(capsys, tmp_path):
    code, out, err = run(capsys, "run", "--antenna", "Namen", "--out", tmp_path / "editions")
    assert code == 2
    assert "ghent (Gent, Gand)" in err and "liege (Luik, Liège)" in err
    assert nothing_in(tmp_path / "editions")


def test_run_refuses_an_empty_combination(capsys, tmp_path):
    code, out, err = run(capsys, "run", "--year", "2014", "--antenna", "Gand", "--out", tmp_path / "editions")
    assert code == 2 and "2014" in err and "Gent" in err
    assert nothing_in(tmp_path / "editions")


@pytest.mark.parametrize("given, code", [("Gent", "ghent"), ("Gand", "ghent"), ("ghent", "ghent"),
                                         ("Anvers", "antwerp"), ("Liege", "liege"), ("all", "all")])
def test_antenna_names_in_both_languages(given, code):
    assert cli.parse_antenna(given, load_dataset(SYNTHETIC_DIR)) == code


def test_a_new_years_data_accept_its_year_and_its_new_antenna(next_year):
    ds = load_dataset(next_year.path)
    assert cli.parse_year("2018", ds) == 2018
    assert cli.parse_antenna("Malines", ds) == "mechelen"
    with pytest.raises(cli.UsageError):
        cli.parse_year("2019", ds)


@pytest.mark.parametrize("command", [
    ["run", "--data", "{bad}", "--out", "{out}/editions"],
    ["editions", "--data", "{bad}", "--out", "{out}/editions"],
    ["audit", "{bad}", "--out", "{out}/audit.csv"],
    ["build", "{bad}", "--build-dir", "{out}"],
    ["explore", "--data", "{bad}"],
    ["compare", "{bad}", str(SYNTHETIC_DIR), "--out", "{out}/compare.csv"],
])
def test_every_command_that_reads_an_export_validates_it_first(capsys, bad_export, tmp_path, command):
    out = tmp_path / "out"
    args = [a.format(bad=bad_export, out=out) for a in command]
    code, stdout, err = run(capsys, *args)
    assert code == 2
    line = next(ln for ln in err.splitlines() if "unknown_code" in ln)
    assert "mentees.csv" in line and "gender" in line and "row 3" in line and "allowed: female, male, other" in line
    assert "Traceback" not in err
    assert nothing_in(out)


def test_validate_proposes_a_mapping_for_a_raw_export(capsys, next_year, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(next_year.path, raw)
    (raw / "mapping.yml").unlink()
    code, out, err = run(capsys, "validate", raw)
    assert code == 2
    assert "A mapping that would fix" in err and "Geslacht: gender" in err and "date_order: day_first" in err
    assert sorted(p.name for p in raw.iterdir()) == sorted(p.name for p in next_year.path.iterdir() if
                                                          p.name != "mapping.yml")  # nothing written


def test_mapping_init_writes_what_validate_proposed(capsys, next_year, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(next_year.path, raw)
    (raw / "mapping.yml").unlink()
    (raw / "dataset.yml").unlink()
    code, out, err = run(capsys, "mapping", "init", raw)
    assert code == 0, err
    assert (raw / "mapping.yml").exists() and (raw / "dataset.yml").exists()
    assert "Duos.xlsx[Uitleg]" in out  # left to the researcher
    code, out, err = run(capsys, "mapping", "init", raw)
    assert code == 2 and "exists" in err  # never overwritten by surprise


def test_compare_writes_the_figures_of_two_exports(capsys, next_year, tmp_path):
    out = tmp_path / "compare.csv"
    code, stdout, err = run(capsys, "compare", SYNTHETIC_DIR, next_year.path, "--out", out)
    assert code == 0, err
    table = pd.read_csv(out).set_index("id")
    assert table.loc["size_mentees", ["old", "new", "difference"]].tolist() == [1333, 1333 + next_year.n_new,
                                                                                next_year.n_new]
    assert set(table["period_note"]) == {"wider_period"}


def test_relative_paths_from_another_folder(tmp_path):
    export = tmp_path / "exports" / "crm"
    shutil.copytree(SYNTHETIC_DIR, export)
    work = tmp_path / "work"
    work.mkdir()
    relative = Path("..") / "exports" / "crm"
    env = {"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"}
    for command in (["validate", relative], ["audit", relative, "--out", "audit.csv"],
                    ["run", "--data", relative, "--year", "2030", "--out", "editions"]):
        proc = subprocess.run([sys.executable, "-m", "duoreport", *map(str, command)], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == (2 if "2030" in command else 0), proc.stderr
    assert sorted(p.name for p in work.iterdir()) == ["audit.csv", "audit.json"]
    assert str(export) in (work / "audit.json").read_text()
