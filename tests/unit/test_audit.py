"""The audit on another export: a comparison with the report, not a reproduction check.

The expected values come from the next-year export's generator (how many mentees it added) and
from the report's published figures, not from the audit's own arithmetic.
"""

from __future__ import annotations

from datetime import date

import pytest

from duoreport.audit import compare_exports, period_note, run_audit, summary
from duoreport.data.loading import load_dataset
from duoreport.data.reference import published_figures, report_period
from duoreport.publish.stage import audit_markdown
from duoreport.data.reference import decisions
from duoreport.settings import SYNTHETIC_DIR


@pytest.fixture(scope="module")
def synthetic():
    return load_dataset(SYNTHETIC_DIR)


@pytest.fixture(scope="module")
def real(next_year_made):
    return load_dataset(next_year_made.path)


@pytest.fixture(scope="module")
def real_audit(real):
    return run_audit(real)


def test_the_report_period_is_the_one_the_report_states():
    assert report_period() == (date(2013, 9, 1), date(2017, 12, 31))


@pytest.mark.parametrize("period, code", [
    ((date(2013, 9, 1), date(2017, 12, 31)), "same_period"),
    ((date(2013, 9, 1), date(2018, 12, 31)), "wider_period"),
    ((date(2018, 1, 1), date(2018, 12, 31)), "later_period"),
    ((date(2015, 1, 1), date(2016, 12, 31)), "shorter_period"),
    ((date(2012, 1, 1), date(2013, 8, 31)), "earlier_period"),
    ((date(2014, 1, 1), date(2018, 12, 31)), "other_period"),
])
def test_period_notes(period, code):
    assert period_note(period, report_period()) == code


def test_on_the_synthetic_default_it_stays_a_reproduction_check(synthetic):
    audit = run_audit(synthetic)
    assert set(audit["data"]) == {"synthetic"} and set(audit["period_note"]) == {""}
    assert summary(audit)["outside_tolerance"] == 0


def test_on_a_real_export_each_figure_is_set_against_the_report(real_audit, next_year_made):
    published = published_figures().set_index("id")
    audit = real_audit.set_index("id")
    assert set(audit["data"]) == {"real"} and set(audit["period_note"]) == {"wider_period"}
    assert audit.loc["size_mentees", "published"] == float(published.loc["size_mentees", "value"]) == 1333
    assert audit.loc["size_mentees", "recomputed"] == 1333 + next_year_made.n_new
    assert audit.loc["size_mentees", "difference"] == next_year_made.n_new
    assert not audit.loc["size_mentees", "within_tolerance"]


def test_the_appendix_says_that_differences_are_expected(real, real_audit):
    periods = {"export": real.period, "report": report_period()}
    nl = audit_markdown(real_audit, decisions(), "nl", periods=periods)
    fr = audit_markdown(real_audit, decisions(), "fr", periods=periods)
    assert "Verschillen zijn te verwachten" in nl and "Des différences sont attendues" in fr
    assert "31\u00a0december 2018" in nl and "31\u00a0décembre 2018" in fr  # the export's period, in words
    assert "| Deze export |" in nl and "| Cet export |" in fr
    assert "Binnen de tolerantie" not in nl and "Dans la tolérance" not in fr
    row = next(line for line in nl.splitlines() if line.startswith("| `size_mentees`"))
    assert [c.strip() for c in row.strip("|").split("|")][:4] == ["`size_mentees`", "1.333", "1.753", "420"]


def test_the_synthetic_appendix_keeps_its_reproduction_table(synthetic):
    nl = audit_markdown(run_audit(synthetic), decisions(), "nl")
    assert "Binnen de tolerantie" in nl and "Verschillen zijn te verwachten" not in nl
    assert "De synthetische data bevatten 1.333 mentees" in nl  # how the synthetic default follows a rule


@pytest.mark.parametrize("lang, word", [("nl", "synthetisch"), ("fr", "synthétique")])
def test_the_real_appendix_says_nothing_of_synthetic_data(real, real_audit, lang, word):
    text = audit_markdown(real_audit, decisions(), lang, periods={"export": real.period, "report": report_period()})
    assert word not in text.lower()
    assert "1.333 krijgt voorrang" in text or "1 333 l’emporte" in text


def test_compare_two_exports(synthetic, real, next_year_made):
    table = compare_exports(synthetic, real).set_index("id")
    assert table.loc["size_mentees", ["old", "new", "difference"]].tolist() == [1333, 1333 + next_year_made.n_new,
                                                                                next_year_made.n_new]
    assert (table["old_base_n"] <= table["new_base_n"]).all()  # the new export holds the old one
    # a share recomputed independently on the new export's microdata
    m = real["mentees"]
    women = 100 * (m["gender"] == "female").mean()
    fig = published_figures().set_index("id")
    female_ids = [i for i in fig.index if fig.loc[i, "variable"] == "gender" and fig.loc[i, "category"] == "female"
                  and not fig.loc[i, "filter"] and fig.loc[i, "unit"] == "percent"]
    assert female_ids
    assert table.loc[female_ids[0], "new"] == pytest.approx(women, abs=1e-3)
