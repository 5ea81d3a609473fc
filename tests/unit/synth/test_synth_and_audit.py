"""The synthetic default: deterministic, valid, and reproducing the report within tolerance."""

import filecmp
import json

import numpy as np
import pandas as pd
import pytest
import yaml

from duoreport.settings import REPO_ROOT
from duoreport.audit import run_audit, summary
from duoreport.data import contract as C
from duoreport.data.loading import load_dataset
from duoreport.stats.figures import holds, recompute
from duoreport.synth import DEFAULT_DIR, synthesize


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    return synthesize(tmp_path_factory.mktemp("synth") / "a")


@pytest.fixture(scope="module")
def audit(fresh):
    return run_audit(load_dataset(fresh))


def _files(directory):
    return sorted(p.name for p in directory.iterdir())


def test_two_runs_are_byte_identical(fresh, tmp_path):
    again = synthesize(tmp_path / "b")
    assert _files(fresh) == _files(again)
    match, mismatch, errors = filecmp.cmpfiles(fresh, again, _files(fresh), shallow=False)
    assert not mismatch and not errors


def test_committed_default_is_what_the_generator_makes(fresh):
    names = [n for n in _files(fresh)]
    match, mismatch, errors = filecmp.cmpfiles(fresh, DEFAULT_DIR, names, shallow=False)
    assert not mismatch and not errors, "run `duoreport synth` and commit data/synthetic"


def test_synthetic_is_labelled(fresh):
    ds = load_dataset(fresh)
    assert ds.synthetic and ds.kind == "synthetic"
    settings = yaml.safe_load((fresh / "dataset.yml").read_text(encoding="utf-8"))
    assert settings["kind"] == "synthetic"
    assert settings["synthetic"]["generator"] == "duoreport.synth"
    assert all(len(h) == 64 for h in settings["synthetic"]["tables_sha256"].values())
    assert not (fresh / "dataset.json").exists()


def test_report_sizes(fresh):
    ds = load_dataset(fresh)
    assert len(ds["mentees"]) == 1333
    assert len(ds["duos"]) > 1500
    assert len(ds["mentors"]) > 750
    assert len(ds["mentor_survey"]) == 220
    assert len(ds["alumni_survey"]) == 100
    assert ds["sib_participants"]["cohort"].value_counts().sort_index().tolist() == [70, 110, 142]
    settings = yaml.safe_load((fresh / "dataset.yml").read_text(encoding="utf-8"))
    assert set(ds["mentees"]["antenna"]) == {a["code"] for a in settings["antennas"]} == {
        "brussels", "liege", "antwerp", "ghent"}
    assert sorted(ds["mentees"]["intake_date"].dt.year.unique()) == [2013, 2014, 2015, 2016, 2017]


def test_every_audited_figure_within_tolerance(audit):
    reproduce = audit[audit["status"] == "reproduce"]
    bad = reproduce[~reproduce["within_tolerance"]]
    assert bad.empty, bad[["id", "published", "recomputed"]].to_string()
    info = summary(audit)
    assert info["audited"] == 204 and info["within_tolerance"] == 204  # the README quotes these counts


def test_known_inconsistencies_really_do_not_hold(audit):
    """A figure marked inconsistent must actually miss: otherwise the mark hides nothing."""
    marked = audit[audit["status"] == "inconsistent"]
    assert len(marked) == 5
    assert not marked["within_tolerance"].any()


def test_hand_computed_crosstabs_agree_with_the_report(fresh):
    """Recompute a few cross-tabulations with plain pandas, independently of the audit code."""
    ds = load_dataset(fresh)
    m, o = ds["mentees"], ds["outcomes"]
    o18 = o[o["followup_months"] == 18].merge(m, on="mentee_id")
    work = pd.crosstab(o18["gender"], o18["status"], normalize="index") * 100
    assert abs(work.loc["male", "work"] - 61) <= 1 and abs(work.loc["female", "work"] - 48) <= 1
    kids = m.groupby("gender")["has_children"].mean() * 100
    assert abs(kids["female"] - 38) <= 1 and abs(kids["male"] - 19) <= 1
    sib = ds["sib_participants"].groupby("cohort")["employed_within_1y"].sum().tolist()
    assert sib == [30, 48, 55]  # 42.9% of 70, 43.6% of 110, 38.7% of 142
    last = o.sort_values("followup_months").groupby("mentee_id").tail(1)
    assert (last["status"] == "work").sum() == 575 and (last["status"] == "training").sum() == 218


def test_audit_recompute_hand_worked():
    views = {"v": pd.DataFrame({"x": ["a", "a", "b", "c", "c", "c"], "g": [1, 1, 1, 2, 2, 2],
                                "flag": pd.array([True, False, None, True, True, False], dtype="boolean")})}
    fig = {"id": "t", "view": "v", "filter": "", "variable": "x", "category": "a", "unit": "percent"}
    assert recompute(fig, views) == (pytest.approx(100 / 3), 6)
    assert recompute({**fig, "unit": "rank"}, views)[0] == 2
    assert recompute({**fig, "category": "c", "unit": "rank"}, views)[0] == 1
    assert recompute({**fig, "category": "b", "unit": "rank"}, views)[0] == 3
    assert recompute({**fig, "filter": "g == 2", "category": "c"}, views)[0] == 100
    assert recompute({**fig, "variable": "flag", "category": "true"}, views) == (60.0, 5)  # NA left out
    assert recompute({**fig, "variable": "", "unit": "count_min"}, views)[0] == 6
    assert holds("count_min", 5, 6, 0) and not holds("count_min", 6, 6, 0)
    assert holds("percent", 50, 50.9, 1) and not holds("percent", 50, 51.1, 1)
    assert holds("percent_min", 75, 75, 0) and not holds("percent", 1, np.nan, 1)


def test_contract_files_are_up_to_date():
    committed = json.loads((REPO_ROOT / "data" / "contract" / "datapackage.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(C.datapackage())), "run `duoreport contract`"
    assert (REPO_ROOT / "book" / "contract_tables.md").read_text(encoding="utf-8") == C.contract_markdown()


def test_datapackage_matches_the_synthetic_headers(fresh):
    for resource in C.datapackage()["resources"]:
        header = (fresh / resource["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == [f["name"] for f in resource["schema"]["fields"]]
