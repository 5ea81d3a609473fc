"""The attacker's view of a built site: no published number, difference or combination of
numbers gives away a group of 1 to 9 people (tests/integration/attack.py; the full LP attack
with its figures is benchmarks/bench_attack.py)."""

import pytest

import attack as A
from duoreport.data.loading import load_dataset
from duoreport.data.views import build_views
from duoreport.explorer.cube import build_cube
from duoreport.report.edition import restrict
from duoreport.settings import DEFAULT_DATA

LANGS = ("nl", "fr")


@pytest.fixture(scope="module")
def mentees():
    return build_views(load_dataset(DEFAULT_DATA))


def coded_for(counts, views):
    cols = sorted({c for cnt in counts for c, _ in cnt.constraints} | {cnt.measure for cnt in counts})
    return A.coded_mentees(views["mentees"], cols)


def test_no_published_number_is_a_small_count(site):
    numbers = [n for lang in LANGS for n in A.published_numbers(site, lang)]
    assert len(numbers) > 20000  # the Explore data, the chart CSVs and the audit appendix were read
    assert A.direct_scan(site) == []


@pytest.mark.parametrize("lang", LANGS)
def test_differencing_nested_counts_gives_noise_not_people(site, mentees, lang):
    counts = A.explore_counts(A.cube(site, lang))
    findings = A.Findings()
    A.pair_attack(counts, coded_for(counts, mentees), findings)
    assert findings.targets > 1000  # pairs whose difference is a group of 1..9 people
    assert findings.recovered == [] and findings.narrowed == []


LATTICES = [("antenna", "intake_year"), ("gender", "antenna"), ("education_group", "intake_year")]


@pytest.mark.parametrize("dims", LATTICES, ids="-".join)
def test_interval_attack_on_a_lattice_proves_nothing_small(site, mentees, dims):
    counts = A.explore_counts(A.cube(site, "nl"))
    coded = coded_for(counts, mentees)
    findings = A.Findings()
    for measure in ("outcome_6m", "has_children"):
        A.lattice_attack(counts, coded, measure, dims, findings)
    assert findings.targets > 0
    assert findings.summary()["recovered"] == findings.summary()["narrowed"] == 0
    assert findings.attribute == []  # no zero is proven ("none of them was in training")


def test_joint_interval_attack_over_two_measures(site, mentees):
    """A sample of the LP attack over every Explore view of two measures together (the full run,
    with all targets, is the benchmark)."""
    counts = A.explore_counts(A.cube(site, "nl"))
    findings = A.Findings()
    A.lp_attack(counts, coded_for(counts, mentees), ["outcome_6m", "has_children"], findings, max_targets=4)
    assert findings.targets == 4 and findings.recovered == [] and findings.narrowed == []


def test_a_small_edition_holds_too(mentees):
    """Liège 2015 (about 75 mentees): the Explore data of that edition, attacked the same way."""
    small = restrict(mentees, 2015, "liege")
    data = build_cube(small, "nl")
    counts = A.explore_counts(data)
    coded = coded_for(counts, small)
    findings = A.Findings()
    A.pair_attack(counts, coded, findings)
    for measure in ("outcome_6m", "has_children"):
        A.lattice_attack(counts, coded, measure, ("gender", "education_group"), findings)
    assert findings.targets > 100
    assert findings.summary()["recovered"] == findings.summary()["narrowed"] == 0 and findings.attribute == []


def test_the_same_people_carry_the_same_number_on_every_page(site):
    """One gate: the chapter's CSV and the Explore data show the men who work after 18 months alike."""
    charts = A.chart_csvs(site, "nl")
    chart = charts["impact_gender"]
    men_work = chart.loc[(chart["gender"] == "male") & (chart["category"] == "work"), "n"].iloc[0]
    view = A.cube(site, "nl")["views"]["outcome_18m|gender||"]
    dims = {d["id"]: [v[0] for v in d["values"]] for d in A.cube(site, "nl")["dimensions"]}
    assert view["n"][dims["gender"].index("male")][0] == men_work
