"""Narrative claims: the expression language, the choice of wording, and the errors, on hand-made facts."""

import pytest

from duoreport.report.claims import Claim, ClaimError, Facts, apply_claims, evaluate, load_claims
from duoreport.settings import BOOK_DIR

SUPPRESSED = "onderdrukt"


def cell(category, share, group=None, n=None, base=100):
    return {"category": category, "group": group, "share": share, "n": n if share is not None else None,
            "base_n": base, "suppressed": share is None}


@pytest.fixture
def facts():
    charts = {
        "profile_age": {"cells": [cell("a18_19", None), cell("a20_24", 23.0), cell("a25_29", 56.0), cell("a30_33", 19.0)],
                        "test": None, "extra": None},
        "profile_children": {"cells": [cell("true", 38.0, "female"), cell("true", 19.0, "male")],
                             "test": {"method": "chi2", "p_value": 0.0001}, "extra": None},
        "impact_years": {"cells": [cell("work", 47.0, "lt1"), cell("work", 52.0, "1to3"), cell("work", 58.0, "ge10")],
                         "test": {"method": "chi2", "p_value": 0.515}, "extra": None},
        "impact_education": {"cells": [], "test": {"method": "withheld", "p_value": None}, "extra": None},
        "impact_sib": {"cells": [], "test": None,
                       "extra": [{"cohort": "2015", "difference": 13.1, "p_value": 0.008},
                                 {"cohort": "2014", "difference": 4.0, "p_value": 0.4}]},
    }
    numbers = {"prof_age_a18_19": {"value": None, "base_n": None, "shown": SUPPRESSED},
               "prof_age_a25_29": {"value": 56.0, "base_n": 1333, "shown": "56%"}}
    scope = {"period_start": "2013-09-01", "period_end": "2017-12-31", "years": [2013, 2014, 2015, 2016, 2017],
             "antennas": ["brussels", "liege"], "year": "all", "antenna": "all", "synthetic": True}
    return Facts(numbers, charts, scope, {"ctx_a": 8.0, "ctx_b": 21.0})


def holds(expression, facts):
    return evaluate(Claim("c", "", expression, "test"), facts)


@pytest.mark.parametrize("expression, expected", [
    ("largest('profile_age') == 'a25_29'", True),
    ("rank('profile_age', 'a20_24') == 2", True),
    ("order('profile_age')[-1] == 'a18_19'", True),          # a protected cell sorts last
    ("top('profile_age', 2) == {'a25_29', 'a20_24'}", True),
    ("share('profile_children', True, 'female') > share('profile_children', True, 'male')", True),
    ("increasing([share('impact_years', 'work', g) for g in []])", None),  # comprehensions are not allowed
    ("increasing([share('impact_years', 'work', 'lt1'), share('impact_years', 'work', '1to3'), "
     "share('impact_years', 'work', 'ge10')])", True),
    ("significant('profile_children')", True),
    ("not significant('impact_years')", True),
    ("p_value('impact_years') >= 0.05", True),
    ("sib('2015', 'p_value') < 0.05 and sib('2014', 'p_value') >= 0.05", True),
    ("context('ctx_a') < context('ctx_b')", True),
    ("period_years == 5 and first_year == 2013 and len(antennas) == 2", True),
    ("synthetic", True),
    ("value('prof_age_a25_29') > 50", True),
])
def test_expressions_on_hand_made_facts(expression, expected, facts):
    if "for g in" in expression:
        with pytest.raises(ClaimError):
            holds(expression, facts)
        return
    assert holds(expression, facts) is expected


def test_a_protected_value_makes_the_claim_undecided(facts):
    assert holds("value('prof_age_a18_19') < 5", facts) is None       # shown as suppressed: not a value
    assert holds("share('profile_age', 'a18_19') < 5", facts) is None
    assert holds("rank('profile_age', 'a18_19') == 4", facts) is None  # no rank a reader could check
    assert holds("significant('impact_education')", facts) is None    # the test is withheld
    assert holds("max(value('prof_age_a18_19'), 3) > 1", facts) is None


def test_or_and_and_short_circuit_like_python(facts):
    assert holds("not shown('prof_age_a18_19') or value('prof_age_a18_19') < 5", facts) is True
    assert holds("shown('prof_age_a18_19') and value('prof_age_a18_19') < 5", facts) is False


@pytest.mark.parametrize("expression", [
    "__import__('os').system('true')",
    "facts.numbers",
    "value('x').real",
    "open('/etc/passwd')",
    "lambda: 1",
])
def test_anything_but_the_language_is_refused(expression, facts):
    with pytest.raises(ClaimError):
        holds(expression, facts)


def test_unknown_figure_or_chart_names_the_claim(facts):
    with pytest.raises(ClaimError, match="unknown key number 'nope'"):
        holds("value('nope') > 1", facts)
    with pytest.raises(ClaimError, match="unknown chart"):
        holds("share('nope', 'a') > 1", facts)


PAGE = ("Intro. <!-- claim: big -->De grootste groep is 25-29.<!-- else -->De verdeling staat in de figuur."
        "<!-- end claim --> Slot. <!-- claim: small -->Zeldzaam.<!-- else -->Neutraal.<!-- end claim -->")


def test_the_wording_follows_the_claim(facts):
    claims = {"big": Claim("big", "", "largest('profile_age') == 'a25_29'", "t"),
              "small": Claim("small", "", "value('prof_age_a18_19') < 5", "t")}
    text, decisions = apply_claims(PAGE, "p.md", claims, facts)
    assert text == "Intro. De grootste groep is 25-29. Slot. Neutraal."
    assert [(d.claim, d.holds, d.published) for d in decisions] == [("big", True, "claim"), ("small", None, "else")]


def test_the_ordering_sentence_changes_when_the_data_flip(facts):
    facts.charts["profile_age"]["cells"][1]["share"] = 60.0  # 20-24 now the largest band
    claims = {"big": Claim("big", "", "largest('profile_age') == 'a25_29'", "t"),
              "small": Claim("small", "", "True", "t")}
    text, _ = apply_claims(PAGE, "p.md", claims, facts)
    assert "De verdeling staat in de figuur." in text and "grootste" not in text


def test_a_failing_claim_without_other_wording_stops_with_page_sentence_and_claim(facts):
    claims = {"big": Claim("big", "the 20-24 band is the largest", "largest('profile_age') == 'a20_24'", "t")}
    page = "Tekst. <!-- claim: big -->De jongsten zijn de grootste groep.<!-- end claim -->"
    with pytest.raises(ClaimError) as err:
        apply_claims(page, "book/nl/profile.md", claims, facts)
    message = str(err.value)
    assert "book/nl/profile.md" in message and "'big'" in message and "De jongsten zijn" in message


def test_undefined_and_unpaired_markers_are_errors(facts):
    with pytest.raises(ClaimError, match="not defined"):
        apply_claims("<!-- claim: ghost -->x<!-- else -->y<!-- end claim -->", "p.md", {}, facts)
    with pytest.raises(ClaimError, match="without its pair"):
        apply_claims("<!-- claim: a -->x<!-- else -->y", "p.md", {"a": Claim("a", "", "True", "t")}, facts)


def test_every_claim_of_the_book_compiles():
    claims = load_claims(BOOK_DIR / "claims")
    assert len(claims) > 50
