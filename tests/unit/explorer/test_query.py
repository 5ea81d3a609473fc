"""The subgroup explorer against hand-made populations whose counts are known, and the
differencing attacks a reader could try with many queries.

Expected shares, intervals and test statistics are worked out here with plain ``math``;
which cells must be hidden is derived by hand in the comments of each test.
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
from duoreport.stats.disclosure import suppress
from duoreport.stats.shares import share_table

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


def published(result, mentees):
    """Every count a result shows: {(constraints, part): (value, ids of the people counted)}."""
    q = result.query
    measure = mentees[q.measure]
    out = {}

    def people(constraints, part):
        mask = measure.notna() if part == KNOWN else (measure == part)
        for col, value in constraints:
            mask &= (mentees[col] == value).fillna(False).astype(bool)
        return frozenset(mentees.loc[mask, "mentee_id"])

    def add(constraints, part, value):
        key = (frozenset(constraints), part)
        ids = people(constraints, part)
        assert value == len(ids), (key, value, len(ids))  # a published count is the true count
        out[key] = (int(value), ids)

    filters = tuple(q.filters.items())
    if result.base_n is not None:
        add(filters, KNOWN, result.base_n)
    for r in result.table.itertuples(index=False):
        constraints = filters + tuple((col, getattr(r, col)) for col in q.split)
        if not r.suppressed:
            add(constraints, r.category, r.n)
        if not math.isnan(r.base_n):
            add(constraints, KNOWN, r.base_n)
    return out


def gather(results, mentees):
    """The counts published by several views of one measure (what a reader collects)."""
    assert len({r.query.measure for r in results}) == 1
    counts = {}
    for r in results:
        for key, value in published(r, mentees).items():
            assert counts.get(key, value) == value  # one count, one value, in every view
            counts[key] = value
    return counts


def assert_no_small_difference(counts, t=T):
    """G1: no two published counts whose people are nested differ by 1..t-1."""
    items = list(counts.items())
    for (ka, (va, ia)), (kb, (vb, ib)) in itertools.product(items, items):
        if ia <= ib:
            assert not 1 <= vb - va < t, f"{dict(kb[0])}/{kb[1]}={vb} minus {dict(ka[0])}/{ka[1]}={va}"


def true_count(mentees, measure, constraints, part):
    mask = mentees[measure].notna() if part == KNOWN else mentees[measure] == part
    for col, value in constraints:
        mask &= (mentees[col] == value).fillna(False).astype(bool)
    return int(mask.sum())


def assert_lines(counts, mentees, measure, dims, categories, max_dims, t=T):
    """G2: along every line, the published parts leave 0, or >= t people in >= 2 unpublished
    parts, under a published parent; under an unpublished parent, >= t people or no part."""
    domains = {d: E.DIMENSION_CODES[d] for d in dims}
    checked = 0
    for k in range(max_dims):
        for cols in itertools.combinations(dims, k):
            for values in itertools.product(*[domains[c] for c in cols]):
                base = tuple(zip(cols, values))
                for part in list(categories) + [KNOWN]:
                    lines = [[(frozenset(base + ((d, u),)), part) for u in domains[d]]
                             for d in dims if d not in cols]
                    if part == KNOWN:  # the categories of a base
                        lines.append([(frozenset(base), c) for c in categories])
                    for line in lines:
                        hidden = [true_count(mentees, measure, key[0], key[1]) for key in line if key not in counts]
                        mass = sum(hidden)
                        if (frozenset(base), part) in counts:  # the remainder is seen, not its split
                            assert mass == 0 or (mass >= t and len(hidden) >= 2), (base, part, line, hidden)
                        else:
                            assert mass >= t or len(hidden) == len(line), (base, part, line, hidden)
                        checked += 1
    assert checked > 0


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
    assert r.base_n == 138 and not r.base_suppressed  # 141 rows, 3 without a 6-month outcome
    assert r.test is None
    for cat, k in (("work", 50), ("training", 41), ("jobseeker", 47)):
        c = cell(r, category=cat)
        assert c["n"] == k and c["base_n"] == 138 and not c["suppressed"]
        assert c["share"] == pytest.approx(100 * k / 138)
        low, high = wilson_pct(k, 138)
        assert c["ci_low"] == pytest.approx(low, abs=1e-9) and c["ci_high"] == pytest.approx(high, abs=1e-9)


def test_split_by_one_dimension(shares_views):
    r = explore(shares_views, Query("outcome_6m", ("gender",)))
    expected = {"female": {"work": 22, "training": 21, "jobseeker": 26},
                "male": {"work": 28, "training": 20, "jobseeker": 21}}
    for g, cats in expected.items():
        for cat, k in cats.items():
            c = cell(r, gender=g, category=cat)
            assert (c["n"], c["base_n"]) == (k, 69)
            assert c["share"] == pytest.approx(100 * k / 69)
            assert (c["ci_low"], c["ci_high"]) == pytest.approx(wilson_pct(k, 69))
    other = row(r, gender="other")  # every code is listed; nobody has it, so nothing is shown
    assert len(other) == 3 and other["suppressed"].all() and other[["n", "base_n", "share"]].isna().all().all()
    table = [[22, 21, 26], [28, 20, 21]]
    x2 = pearson_chi2(table)
    assert r.test.method == "chi2" and r.test.dof == 2
    assert r.test.statistic == pytest.approx(x2)
    assert r.test.p_value == pytest.approx(chi2_sf_even_dof(x2, 2))


def test_split_by_two_dimensions(shares_views):
    r = explore(shares_views, Query("outcome_6m", ("gender", "antenna")))
    assert list(r.table.columns[:4]) == ["gender", "antenna", "gender_label", "antenna_label"]
    assert len(r.table) == 3 * 4 * 3  # every gender x antenna x category
    groups = {("female", "brussels"): (12, 10, 14), ("female", "liege"): (10, 11, 12),
              ("male", "brussels"): (15, 10, 11), ("male", "liege"): (13, 10, 10)}
    for (g, a), ks in groups.items():
        base = sum(ks)
        for cat, k in zip(OUTCOMES, ks):
            c = cell(r, gender=g, antenna=a, category=cat)
            assert (c["n"], c["base_n"], bool(c["suppressed"])) == (k, base, False)
            assert c["share"] == pytest.approx(100 * k / base)
            assert (c["ci_low"], c["ci_high"]) == pytest.approx(wilson_pct(k, base))
    empty = r.table[~r.table[["gender", "antenna"]].apply(tuple, axis=1).isin(groups)]
    assert empty["suppressed"].all() and empty["base_n"].isna().all()
    x2 = pearson_chi2(list(groups.values()))
    assert r.test.method == "chi2" and r.test.dof == 6
    assert r.test.statistic == pytest.approx(x2)
    assert r.test.p_value == pytest.approx(chi2_sf_even_dof(x2, 6))
    assert r.base_n == 138


def test_filter_selects_exactly_the_expected_rows(shares_views):
    m = shares_views["mentees"]
    q = Query("outcome_6m", filters={"gender": "female", "antenna": "liege"})
    expected = set(m.loc[(m.gender == "female") & (m.antenna == "liege"), "mentee_id"])
    assert len(expected) == 33 and set(population(shares_views, q)["mentee_id"]) == expected
    r = explore(shares_views, q)
    assert r.base_n == 33
    assert [cell(r, category=c)["n"] for c in OUTCOMES] == [10, 11, 12]
    # people without a known outcome are outside the base: 38 women in Brussels, 36 counted
    q2 = Query("outcome_6m", filters={"gender": "female", "antenna": "brussels"})
    assert len(population(shares_views, q2)) == 36
    assert explore(shares_views, q2).base_n == 36


# --- suppression ------------------------------------------------------------------------


def test_small_cell_and_secondary_suppression(small_views):
    """By hand, with t = 10 (counts True/False): Brussels 15/20, Liège 12/14, Ghent 4/16.

    Cell rule: Ghent True (4) is under 10; Ghent False (16) is the Ghent base (20) minus 4.
    Line rule, "True" along antenna: the hidden part holds 4 people, so the smallest shown
    part, Liège (12), is hidden too; "False" along antenna: Ghent (16) is the only hidden
    part, so Liège (14) is hidden as well. Brussels is shown, the three bases are shown,
    Antwerp (nobody) is withheld."""
    r = explore(small_views, Query("has_children", ("antenna",)))
    assert [cell(r, antenna="brussels", category=c)["n"] for c in (True, False)] == [15, 20]
    for a in ("liege", "ghent", "antwerp"):
        assert row(r, antenna=a)["suppressed"].all()
    bases = {a: row(r, antenna=a)["base_n"].iloc[0] for a in ("brussels", "liege", "ghent")}
    assert bases == {"brussels": 35, "liege": 26, "ghent": 20}
    assert row(r, antenna="antwerp")["base_n"].isna().all()
    assert r.base_n == 81
    assert r.test.method == "withheld"
    # secondary suppression: no group with people has exactly one hidden cell, no category
    # exactly one hidden group among the groups with people
    people = r.table[r.table["antenna"] != "antwerp"]
    assert set(people.groupby("antenna")["suppressed"].sum()) <= {0, 2}
    assert all(v != 1 for v in people.groupby("category")["suppressed"].sum())
    # the same cells stay hidden when asked for one antenna at a time
    for a, base in (("liege", 26), ("ghent", 20)):
        one = explore(small_views, Query("has_children", filters={"antenna": a}))
        assert one.base_n == base and one.table["suppressed"].all()
    whole = explore(small_views, Query("has_children"))
    assert [cell(whole, category=c)["n"] for c in (True, False)] == [31, 50]


def test_single_view_suppression_would_leak_across_views(small_views):
    """The book's per-table rule alone: Liège asked on its own shows 12 parents, and
    31 (all) - 15 (Brussels) - 12 (Liège) = 4 parents in Ghent. The explorer never shows 12."""
    m = small_views["mentees"]
    liege = suppress(share_table(m[m.antenna == "liege"], "has_children", categories=[True, False]))
    assert liege.loc[liege["category"] == True, "n"].iloc[0] == 12  # noqa: E712
    views = [explore(small_views, Query("has_children", split, filters))
             for split, filters in [((), {}), (("antenna",), {})]
             + [((), {"antenna": a}) for a in E.DIMENSION_CODES["antenna"]]]
    counts = gather(views, m)
    shown_true = [v for (key, part), (v, _) in counts.items() if part is True and len(key) == 1]
    assert 31 - sum(shown_true) not in range(1, T)
    assert_no_small_difference(counts)


def test_differencing_women_in_ghent(attack_views):
    """25 women in Ghent, 7 with recognition pending (18 secondary). A reader compares
    A = women in Ghent split by education, B = women in Ghent, B' = B + recognition pending."""
    m = attack_views["mentees"]
    base = {"gender": "female", "antenna": "ghent"}
    a = explore(attack_views, Query("outcome_6m", ("education_group",), base))
    b = explore(attack_views, Query("outcome_6m", filters=base))
    b2 = explore(attack_views, Query("outcome_6m", filters={**base, "education_group": "recognition_pending"}))
    b3 = explore(attack_views, Query("outcome_6m", filters={**base, "education_group": "secondary"}))
    assert b.base_n == 25 and a.base_n == 25  # the 25 women may be shown: 45 women, 37 in Ghent
    assert b2.base_suppressed and b3.base_suppressed  # 7, and 18 = 25 - 7
    # what the per-view rule of the book would have shown: 25 and 18, hence 7
    book = suppress(share_table(m[(m.gender == "female") & (m.antenna == "ghent") & (m.education_group == "secondary")],
                                "outcome_6m", categories=list(OUTCOMES)))
    assert book["base_n"].iloc[0] == 18
    views = [a, b, b2, b3]
    values = [v for v, _ in gather(views, m).values()]
    assert values  # something is published
    for x, y in itertools.product(values, values):  # any two published numbers of these views
        assert not 1 <= x - y < T
    assert_no_small_difference(gather(views, m))


def test_differencing_split_by_antenna_against_filter_antenna(attack_views):
    m = attack_views["mentees"]
    split = explore(attack_views, Query("outcome_6m", ("antenna",), {"gender": "female"}))
    filtered = [explore(attack_views, Query("outcome_6m", filters={"gender": "female", "antenna": a}))
                for a in E.DIMENSION_CODES["antenna"]]
    women = explore(attack_views, Query("outcome_6m", filters={"gender": "female"}))
    assert (women.base_n, row(split, antenna="ghent")["base_n"].iloc[0], filtered[3].base_n) == (45, 25, 25)
    counts = gather([split, women, *filtered], m)
    assert_no_small_difference(counts)
    # along the antenna line of every category: total minus the shown antennas
    for part in list(OUTCOMES) + [KNOWN]:
        parent = counts.get((frozenset({("gender", "female")}), part))
        if parent is None:
            continue
        shown = sum(v for (key, p), (v, _) in counts.items() if p == part and len(key) == 2)
        assert not 1 <= parent[0] - shown < T


def test_every_query_of_the_hand_population(attack_views):
    """All queries with up to three filters and two splits on the three dimensions of the
    population: every count shown is >= 10, no two nested counts differ by 1..9 (G1), and
    every line leaves 0 or >= 10 people in two or more hidden parts (G2)."""
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
    assert counts and all(v >= T for v, _ in counts.values())
    assert (frozenset(), KNOWN) in counts and counts[(frozenset(), KNOWN)][0] == 68
    assert_no_small_difference(counts)
    assert_lines(counts, m, "outcome_6m", dims, OUTCOMES, max_dims=3)


def test_differencing_through_a_tie_in_the_data():
    """Every Belgian by birth or naturalised has reason of stay "not applicable": the
    population of that reason (30) contains the 24 Belgians by birth, although no filter of
    one query is a filter of the other; 30 - 24 would give the 6 naturalised Belgians.

    By hand: the nationality line alone (24, 6, 20) would be satisfied by hiding the 6 and
    the 20 foreigners (two hidden parts, 26 people); the cell rule finds that all 24 Belgians
    by birth share reason "not applicable" and hides them (30 - 24 = 6)."""
    views = make_views([(("belgian_by_birth", "not_applicable", False), 24),
                        (("belgian_naturalised", "not_applicable", False), 6),
                        (("foreign", "international_protection", False), 10),
                        (("foreign", "family_reunification", False), 10)],
                       ["nationality_status", "reason_of_stay", "has_children"])
    m = views["mentees"]
    reason = explore(views, Query("has_children", filters={"reason_of_stay": "not_applicable"}))
    by_birth = explore(views, Query("has_children", filters={"nationality_status": "belgian_by_birth"}))
    split = explore(views, Query("has_children", ("nationality_status",)))
    assert reason.base_n == 30 and by_birth.base_suppressed
    bases = split.table.groupby("nationality_status", sort=False)["base_n"].first()
    assert bases.isna().tolist() == [True, True, False] and bases["foreign"] == 20
    dims = ("nationality_status", "reason_of_stay")
    results = [explore(views, Query("has_children", split, filters))
               for filters in [{}] + [{d: v} for d in dims for v in E.DIMENSION_CODES[d]]
               for split in [()] + [(d,) for d in dims if d not in filters]]
    counts = gather(results, m)
    assert_no_small_difference(counts)
    assert_lines(counts, m, "has_children", dims, (True, False), max_dims=2)


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


# --- labels and exports -------------------------------------------------------------------


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
    assert nl.labels["suppressed"] == "onderdrukt" and fr.labels["suppressed"] == "masqué"
    assert nl.labels["categories"]["jobseeker"] == "Werkzoekende"
    assert fr.labels["categories"]["jobseeker"] == "Demandeur d’emploi"
    assert nl.labels["base"] == "basis n: 66" and fr.labels["base"] == "base n: 66"
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
    assert (brussels["n"], brussels["base_n"], brussels["share"]) == ("15", "35", str(round(100 * 15 / 35, 1)))
    assert "4" not in {x["n"] for x in rows} and "16" not in {x["n"] for x in rows}


def test_to_png_and_figure(shares_views):
    r = explore(shares_views, Query("outcome_6m", ("gender", "antenna"), lang="nl"))
    fig = figure(r)
    assert fig.axes[0].get_title(loc="left").startswith("Resultaat na 6 maanden")
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
    assert as_text.base_n == as_int.base_n == 326
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
        assert np.allclose(visible["share"], 100 * visible["n"] / visible["base_n"])
        assert ((visible["ci_low"] <= visible["share"]) & (visible["share"] <= visible["ci_high"])).all()
        assert t.loc[t["suppressed"], ["n", "share"]].isna().all().all()
        assert to_csv(r)
    assert results[0].base_n == int(m["outcome_6m"].notna().sum())
    assert (~results[1].table["suppressed"]).any()  # not everything is hidden
    for measure in {q.measure for q in queries}:
        assert_no_small_difference(gather([r for r in results if r.query.measure == measure], m))
