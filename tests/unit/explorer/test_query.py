"""The subgroup explorer against hand-made populations whose true counts are known.

Every count the explorer shows goes through the cell-key method: hidden exactly when the true
count is under the threshold, otherwise within 5 of the true count, and the same number for the
same set of people in every view. Shares, intervals and test statistics are worked out here with
plain ``math`` from the published counts; the explorer never produces its own expectation.
"""

import csv
import io
import itertools
import math

import numpy as np
import pandas as pd
import pytest

from duoreport import explorer as E
from duoreport.explorer import Query, explore, figure, population, to_csv, to_png
from duoreport.data.keys import record_keys

T = 10
Z95 = 1.959963984540054  # standard normal quantile 0.975
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- helpers (plain math and pandas, no explorer code) -------------------------------------


def wilson_pct(k, n, z=Z95):
    """Wilson (1927) score interval in percent, written out."""
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def pearson_chi2(table):
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table)]
    total = sum(rows)
    return sum((o - rows[i] * cols[j] / total) ** 2 / (rows[i] * cols[j] / total)
               for i, r in enumerate(table) for j, o in enumerate(r))


def chi2_sf_even_dof(x, dof):
    """Survival function of chi-square with an even number of degrees of freedom (closed form)."""
    k = dof // 2
    return math.exp(-x / 2) * sum((x / 2) ** i / math.factorial(i) for i in range(k))


def make_views(spec, columns):
    rows = []
    for values, count in spec:
        rows += [values] * count
    df = pd.DataFrame(rows, columns=columns)
    df.insert(0, "mentee_id", [f"m{i:03d}" for i in range(len(df))])
    df["rkey"] = record_keys(df["mentee_id"], "mentee")
    return {"mentees": df}


def row(result, **codes):
    """The table rows of one group and/or category."""
    t = result.table
    mask = np.ones(len(t), dtype=bool)
    for col, value in codes.items():
        mask &= (t[col] == value).to_numpy()
    return t[mask]


def cell(result, **codes):
    r = row(result, **codes)
    assert len(r) == 1, codes
    return r.iloc[0]


KNOWN = "known"


def people_of(mentees, measure, constraints, part):
    """The ids a count describes: the constraints, and the measure's category (or "known")."""
    mask = mentees[measure].notna() if part == KNOWN else (mentees[measure] == part)
    for col, value in constraints:
        mask &= (mentees[col] == value).fillna(False).astype(bool)
    return frozenset(mentees.loc[mask, "mentee_id"])


def published(result, mentees):
    """Every count a result shows or hides: {people: (published value or None)} with the checks
    of the method against the true count (hidden iff under 10, else within 5 of the truth)."""
    q = result.query
    out = {}

    def add(constraints, part, value):
        ids = people_of(mentees, q.measure, constraints, part)
        if len(ids) < T:
            assert value is None or (isinstance(value, float) and math.isnan(value)), (constraints, part, value)
            return
        assert value is not None and not math.isnan(value), (constraints, part, len(ids))
        assert value >= T and abs(value - len(ids)) <= 5, (constraints, part, value, len(ids))
        out.setdefault(ids, set()).add(value)

    filters = tuple(q.filters.items())
    add(filters, KNOWN, result.base_n)
    for r in result.table.itertuples(index=False):
        constraints = filters + tuple((col, getattr(r, col)) for col in q.split)
        add(constraints, r.category, r.n)
        add(constraints, KNOWN, r.base_n)
    return out


def gather(results, mentees):
    """What a reader collects from many views: every set of people must carry ONE number."""
    counts = {}
    for r in results:
        for ids, values in published(r, mentees).items():
            counts.setdefault(ids, set()).update(values)
    for ids, values in counts.items():
        assert len(values) == 1, f"{len(ids)} people published as {sorted(values)}"
    return counts


def check_cells(result):
    """Shares and Wilson intervals are those of the published counts."""
    for r in result.table.itertuples(index=False):
        if r.suppressed:
            assert math.isnan(r.n) and math.isnan(r.share) and math.isnan(r.ci_low)
            continue
        k = min(r.n, r.base_n)
        assert r.share == pytest.approx(100 * k / r.base_n)
        assert (r.ci_low, r.ci_high) == pytest.approx(wilson_pct(k, r.base_n), abs=1e-9)


# --- hand-made populations --------------------------------------------------------------

# Shares: 2 genders x 2 antennas, every cell 10 or more; 3 people without a 6-month outcome.
SHARES_SPEC = [
    (("female", "brussels", "work"), 12), (("female", "brussels", "training"), 10),
    (("female", "brussels", "jobseeker"), 14), (("female", "brussels", None), 2),
    (("female", "liege", "work"), 10), (("female", "liege", "training"), 11),
    (("female", "liege", "jobseeker"), 12),
    (("male", "brussels", "work"), 15), (("male", "brussels", "training"), 10),
    (("male", "brussels", "jobseeker"), 11),
    (("male", "liege", "work"), 13), (("male", "liege", "training"), 10),
    (("male", "liege", "jobseeker"), 10), (("male", "liege", None), 1),
]
SHARES_COLUMNS = ["gender", "antenna", "outcome_6m"]

# A small cell: 4 parents in Ghent (has_children), 81 mentees in 3 antennas.
SMALL_SPEC = [
    (("brussels", True), 15), (("brussels", False), 20),
    (("liege", True), 12), (("liege", False), 14),
    (("ghent", True), 4), (("ghent", False), 16),
]
SMALL_COLUMNS = ["antenna", "has_children"]

# The differencing scenario: 25 women in Ghent, 7 of them with diploma recognition pending.
ATTACK_SPEC = [
    (("female", "ghent", "recognition_pending", "work"), 3),
    (("female", "ghent", "recognition_pending", "training"), 1),
    (("female", "ghent", "recognition_pending", "jobseeker"), 3),
    (("female", "ghent", "secondary", "work"), 8),
    (("female", "ghent", "secondary", "training"), 4),
    (("female", "ghent", "secondary", "jobseeker"), 6),
    (("female", "brussels", "secondary", "work"), 4),
    (("female", "brussels", "secondary", "training"), 2),
    (("female", "brussels", "secondary", "jobseeker"), 4),
    (("female", "brussels", "higher", "work"), 6),
    (("female", "brussels", "higher", "training"), 1),
    (("female", "brussels", "higher", "jobseeker"), 3),
    (("male", "ghent", "secondary", "work"), 5),
    (("male", "ghent", "secondary", "training"), 3),
    (("male", "ghent", "secondary", "jobseeker"), 4),
    (("male", "brussels", "higher", "work"), 5),
    (("male", "brussels", "higher", "training"), 2),
    (("male", "brussels", "higher", "jobseeker"), 4),
]
ATTACK_COLUMNS = ["gender", "antenna", "education_group", "outcome_6m"]
OUTCOMES = ("work", "training", "jobseeker")


@pytest.fixture(scope="module")
def shares_views():
    return make_views(SHARES_SPEC, SHARES_COLUMNS)


@pytest.fixture(scope="module")
def small_views():
    return make_views(SMALL_SPEC, SMALL_COLUMNS)


@pytest.fixture(scope="module")
def attack_views():
    return make_views(ATTACK_SPEC, ATTACK_COLUMNS)


# --- shares, intervals, tests -----------------------------------------------------------


def test_no_split_shares_and_base(shares_views):
    r = explore(shares_views, Query("outcome_6m"))
    m = shares_views["mentees"]
    assert abs(r.base_n - 138) <= 5 and not r.base_suppressed  # 141 rows, 3 without a 6-month outcome
    assert r.test is None
    published(r, m)
    check_cells(r)


def test_split_by_one_dimension(shares_views):
    r = explore(shares_views, Query("outcome_6m", ("gender",)))
    m = shares_views["mentees"]
    published(r, m)
    check_cells(r)
    other = row(r, gender="other")  # every code is listed; nobody has it, so nothing is shown
    assert len(other) == 3 and other["suppressed"].all() and other[["n", "base_n", "share"]].isna().all().all()
    table = [[cell(r, gender=g, category=c)["n"] for c in OUTCOMES] for g in ("female", "male")]
    x2 = pearson_chi2(table)  # the test is the test of the published counts
    assert r.test.method == "chi2" and r.test.dof == 2
    assert r.test.statistic == pytest.approx(x2)
    assert r.test.p_value == pytest.approx(chi2_sf_even_dof(x2, 2))


def test_split_by_two_dimensions(shares_views):
    r = explore(shares_views, Query("outcome_6m", ("gender", "antenna")))
    m = shares_views["mentees"]
    assert list(r.table.columns[:4]) == ["gender", "antenna", "gender_label", "antenna_label"]
    assert len(r.table) == 3 * 4 * 3  # every gender x antenna x category
    published(r, m)
    check_cells(r)
    groups = [("female", "brussels"), ("female", "liege"), ("male", "brussels"), ("male", "liege")]
    empty = r.table[~r.table[["gender", "antenna"]].apply(tuple, axis=1).isin(groups)]
    assert empty["suppressed"].all() and empty["base_n"].isna().all()
    table = [[cell(r, gender=g, antenna=a, category=c)["n"] for c in OUTCOMES] for g, a in groups]
    x2 = pearson_chi2(table)
    assert r.test.method == "chi2" and r.test.dof == 6
    assert r.test.statistic == pytest.approx(x2)
    assert r.test.p_value == pytest.approx(chi2_sf_even_dof(x2, 6))


def test_filter_selects_exactly_the_expected_rows(shares_views):
    m = shares_views["mentees"]
    q = Query("outcome_6m", filters={"gender": "female", "antenna": "liege"})
    expected = set(m.loc[(m.gender == "female") & (m.antenna == "liege"), "mentee_id"])
    assert len(expected) == 33 and set(population(shares_views, q)["mentee_id"]) == expected
    published(explore(shares_views, q), m)
    # people without a known outcome are outside the base: 38 women in Brussels, 36 counted
    q2 = Query("outcome_6m", filters={"gender": "female", "antenna": "brussels"})
    assert len(population(shares_views, q2)) == 36
    assert abs(explore(shares_views, q2).base_n - 36) <= 5


# --- protection -------------------------------------------------------------------------


def test_a_small_cell_is_hidden_and_nothing_else(small_views):
    """Brussels 15/20, Liège 12/14, Ghent 4/16 (has_children True/False): only Ghent's 4 is
    under 10. No other cell is hidden to protect it: Ghent's base minus Ghent's 16 gives the
    4 only to within ±10, as both carry their own noise."""
    r = explore(small_views, Query("has_children", ("antenna",)))
    m = small_views["mentees"]
    hidden = r.table.loc[r.table["suppressed"] & (r.table["antenna"] != "antwerp"), ["antenna", "category"]]
    assert hidden.apply(tuple, axis=1).tolist() == [("ghent", True)]
    assert row(r, antenna="antwerp")["suppressed"].all() and row(r, antenna="antwerp")["base_n"].isna().all()
    assert r.test.method == "withheld"  # a tested cell is hidden
    counts = gather([r, explore(small_views, Query("has_children"))]
                    + [explore(small_views, Query("has_children", filters={"antenna": a}))
                       for a in ("brussels", "liege", "ghent")], m)
    assert len(counts) >= 9


def test_the_same_women_get_the_same_number_in_every_view(attack_views):
    """25 women in Ghent: by a filter on both, by a split on antenna, by a split on gender."""
    m = attack_views["mentees"]
    views = [explore(attack_views, Query("outcome_6m", filters={"gender": "female", "antenna": "ghent"})),
             explore(attack_views, Query("outcome_6m", ("antenna",), {"gender": "female"})),
             explore(attack_views, Query("outcome_6m", ("gender",), {"antenna": "ghent"})),
             explore(attack_views, Query("outcome_6m", ("gender", "antenna"))),
             explore(attack_views, Query("outcome_6m", ("education_group",), {"gender": "female", "antenna": "ghent"}))]
    counts = gather(views, m)
    women_ghent = people_of(m, "outcome_6m", (("gender", "female"), ("antenna", "ghent")), KNOWN)
    assert len(women_ghent) == 25 and women_ghent in counts


def test_every_query_of_the_hand_population(attack_views):
    """All queries with up to three filters and two splits on the three dimensions: every count
    is hidden exactly when it is under 10, within 5 of the truth otherwise, and one set of people
    has one number across all the views (differences of views give noise, not people)."""
    m = attack_views["mentees"]
    dims = ("gender", "antenna", "education_group")
    results = []
    for k in range(len(dims) + 1):
        for fcols in itertools.combinations(dims, k):
            for values in itertools.product(*[E.DIMENSION_CODES[c] for c in fcols]):
                rest = [d for d in dims if d not in fcols]
                for s in range(min(2, len(rest)) + 1):
                    for split in itertools.combinations(rest, s):
                        results.append(explore(attack_views, Query("outcome_6m", split, dict(zip(fcols, values)))))
    counts = gather(results, m)
    everyone = people_of(m, "outcome_6m", (), KNOWN)
    assert len(everyone) == 68 and everyone in counts
    for r in results:
        check_cells(r)


def test_population_under_threshold_publishes_only_that(attack_views):
    q = Query("outcome_6m", filters={"gender": "female", "antenna": "ghent",
                                     "education_group": "recognition_pending"})
    for query in (q, Query("outcome_6m", ("education_group",), {"gender": "female", "antenna": "liege"}),
                  Query("outcome_6m", ("antenna",), {"gender": "female", "education_group": "recognition_pending"})):
        r = explore(attack_views, query)
        assert r.base_n is None and r.base_suppressed and r.suppressed
        assert r.table["suppressed"].all()
        assert r.table[["n", "base_n", "share", "ci_low", "ci_high"]].isna().all().all()
        assert r.test is None or r.test.method == "withheld"
        assert r.labels["suppressed"] in r.labels["base"]
        rows = list(csv.DictReader(io.StringIO(to_csv(r))))
        assert all(x[c] == "" for x in rows for c in ("n", "base_n", "share", "ci_low", "ci_high"))
        assert to_png(r).startswith(PNG_SIGNATURE)


def test_labels_in_dutch_and_french(shares_views):
    nl = explore(shares_views, Query("outcome_6m", ("gender",), {"antenna": "liege"}, lang="nl"))
    fr = explore(shares_views, Query("outcome_6m", ("gender",), {"antenna": "liege"}, lang="fr"))
    labels = ["gender_label", "category_label"]
    assert cell(nl, gender="female", category="work")[labels].tolist() == ["Vrouw", "Werk"]
    assert cell(fr, gender="female", category="work")[labels].tolist() == ["Femme", "Emploi"]
    assert nl.labels["measure"] == "Resultaat na 6 maanden" and fr.labels["measure"] == "Résultat après 6 mois"
    assert nl.labels["split"] == {"gender": "Geslacht"} and fr.labels["split"] == {"gender": "Genre"}
    assert len(nl.labels["filters"]) == 1 and nl.labels["filters"][0].endswith(": Luik")
    assert fr.labels["filters"][0].endswith(": Liège")
    assert nl.labels["suppressed"] == fr.labels["suppressed"] == "<\u00a010"
    assert nl.labels["categories"]["jobseeker"] == "Werkzoekende"
    assert fr.labels["categories"]["jobseeker"] == "Demandeur d’emploi"
    shown = nl.labels["base"].split(": ")[1]
    assert nl.labels["base"].startswith("basis n: ") and fr.labels["base"] == "base n\u202f: " + shown
    assert abs(int(shown) - 66) <= 5
    yes = explore(shares_views, Query("outcome_6m", lang="fr"))
    assert yes.labels["test"] is None and yes.labels["title"] == "Résultat après 6 mois"


def test_to_csv_hides_small_counts(small_views):
    r = explore(small_views, Query("has_children", ("antenna",), lang="fr"))
    text = to_csv(r)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["antenna", "antenna_label", "category", "category_label", "n", "base_n", "share",
                             "ci_low", "ci_high", "suppressed"]
    assert len(rows) == 8
    for x in rows:
        for c in ("n", "base_n"):
            assert x[c] == "" or int(x[c]) >= T
        if x["suppressed"] == "True":
            assert x["n"] == x["share"] == x["ci_low"] == x["ci_high"] == ""
    brussels = [x for x in rows if x["antenna"] == "brussels" and x["category"] == "True"][0]
    n, base = int(brussels["n"]), int(brussels["base_n"])
    assert abs(n - 15) <= 5 and abs(base - 35) <= 5 and brussels["share"] == str(round(100 * min(n, base) / base, 1))
    ghent = [x for x in rows if x["antenna"] == "ghent" and x["category"] == "True"][0]
    assert ghent["n"] == "" and ghent["suppressed"] == "True"


def test_to_png_and_figure(shares_views):
    r = explore(shares_views, Query("outcome_6m", ("gender", "antenna"), lang="nl"))
    fig = figure(r)
    assert fig.get_suptitle().startswith("Resultaat na 6 maanden")  # the title belongs to the figure
    import matplotlib.pyplot as plt
    plt.close(fig)
    png = to_png(r)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    assert to_png(explore(shares_views, Query("outcome_6m"))).startswith(PNG_SIGNATURE)


# --- the query object ----------------------------------------------------------------------


def test_query_validation():
    q = Query("outcome_6m", ["gender"], {"antenna": "ghent"})
    assert q == Query("outcome_6m", ("gender",), {"antenna": "ghent"})
    assert hash(q) == hash(Query("outcome_6m", "gender", {"antenna": "ghent"}))
    with pytest.raises(TypeError):
        q.filters["antenna"] = "liege"
    for bad in (dict(measure="salary"), dict(measure="outcome_6m", split=("gender", "antenna", "age_band")),
                dict(measure="outcome_6m", split=("colour",)),
                dict(measure="outcome_6m", split=("gender",), filters={"gender": "female"}),
                dict(measure="outcome_6m", filters={"antenna": ["ghent", "liege"]}),  # no lists, no "all except"
                dict(measure="outcome_6m", filters={"antenna": None}),
                dict(measure="outcome_6m", lang="en"), dict(measure="outcome_6m", threshold=0),
                dict(measure="outcome_6m", split=("gender", "antenna"),
                     filters={"age_band": "a20_24", "intake_year": 2015, "sib_cohort": 2015})):
        with pytest.raises(ValueError):
            Query(**bad)


def test_filter_values(shares_views, synthetic_views):
    with pytest.raises(ValueError):
        explore(shares_views, Query("outcome_6m", filters={"antenna": "namur"}))
    as_text = explore(synthetic_views, Query("outcome_6m", filters={"intake_year": "2016"}))  # from a widget
    as_int = explore(synthetic_views, Query("outcome_6m", filters={"intake_year": 2016}))
    assert as_text.base_n == as_int.base_n and abs(as_int.base_n - 326) <= 5
    assert as_text.table.equals(as_int.table)


# --- the synthetic default -----------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_views():
    from duoreport.data.loading import load_dataset
    from duoreport.data.views import build_views
    from duoreport.settings import REPO_ROOT

    return build_views(load_dataset(REPO_ROOT / "data" / "synthetic"))


def test_smoke_on_the_synthetic_default(synthetic_views):
    m = synthetic_views["mentees"]
    queries = [
        Query("outcome_6m"),
        Query("outcome_18m", ("antenna", "gender")),
        Query("outcome_6m", ("antenna",), {"gender": "female"}),
        Query("income_source", ("education_group",), {"gender": "female"}, lang="fr"),
        Query("outcome_6m", ("reason_of_stay", "years_in_belgium"), {"antenna": "brussels"}),
        Query("has_children", ("intake_year",), {"sib_cohort": 2015}),
        Query("driving_licence", ("age_band", "nationality_status")),
        Query("outcome_18m", ("foreign_diploma_level",), {"gender": "male", "intake_year": 2016}),
    ]
    results = [explore(synthetic_views, q) for q in queries]
    for r in results:
        t = r.table
        visible = t[~t["suppressed"]]
        assert (visible["n"] >= T).all() and (t["base_n"].dropna() >= T).all()
        assert r.base_n is None or r.base_n >= T
        assert np.allclose(visible["share"], 100 * np.minimum(visible["n"], visible["base_n"]) / visible["base_n"])
        assert ((visible["ci_low"] <= visible["share"]) & (visible["share"] <= visible["ci_high"])).all()
        assert t.loc[t["suppressed"], ["n", "share"]].isna().all().all()
        assert to_csv(r)
    assert abs(results[0].base_n - int(m["outcome_6m"].notna().sum())) <= 5
    assert (~results[1].table["suppressed"]).any()  # not everything is hidden
    for measure in {q.measure for q in queries}:
        gather([r for r in results if r.query.measure == measure], m)
