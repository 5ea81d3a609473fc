"""The mentees: who they are at intake (calibrated to the profile chapter and the outcome subgroups)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import contract as C
from ..data import reference
from ..stats.fitting import Target, by, everyone, largest_remainder, where
from .assumptions import (ANTENNA_BY_YEAR, ANTENNAS, COUNTRY_SHARES, INTAKE_YEARS, N_HOUSED_WITH_PROBLEMS, N_NO_FIXED_HOME,
                          NAT_GROUPS, NAT_TO_REASON, NAT_TO_STATUS, REFUGEE_ORIGINS, SECTOR_SHARES)
from .draw import exact, frac, prior_from, pub


def mentees(draw) -> pd.DataFrame:
    n = int(pub("size_mentees"))
    assert sum(INTAKE_YEARS.values()) == n
    m = pd.DataFrame({"mentee_id": [f"M{i:05d}" for i in range(1, n + 1)]})
    m["intake_year"] = np.repeat(list(INTAKE_YEARS), list(INTAKE_YEARS.values()))
    m["antenna"] = draw.allocate(
        m, ["intake_year"], "antenna", ANTENNAS,
        prior=lambda s: prior_from(s, ANTENNAS, lambda r, c: ANTENNA_BY_YEAR[r.intake_year].get(c, 0)))
    m["intake_date"] = [draw.date_in_year(y) for y in m["intake_year"]]

    belgian = round(frac("prof_belgian") * n)
    by_birth = round(frac("prof_belgian_born_in_belgium") * belgian)
    reasons = {g: frac(f"prof_reason_{NAT_TO_REASON[g]}") for g in NAT_GROUPS[2:]}
    foreign = largest_remainder(list(reasons.values()), n - belgian)
    counts = dict(zip(NAT_GROUPS, [by_birth, belgian - by_birth, *foreign]))
    m["nat_group"] = draw.allocate(m, [], "nat_group", NAT_GROUPS, [Target(everyone, {"all": exact(counts)})])
    m["nationality_status"] = m["nat_group"].map(NAT_TO_STATUS).fillna("foreign")
    m["reason_of_stay"] = m["nat_group"].map(NAT_TO_REASON).fillna("not_applicable")
    m["born_in_belgium"] = m["nat_group"] == "belgian_by_birth"

    m["gender"] = draw.allocate(m, ["nat_group"], "gender", ["female", "male"], [
        Target(everyone, {"all": {"female": frac("prof_gender_female"), "male": frac("prof_gender_male")}}),
        Target(by("nat_group"), {"foreign_ip": {"male": frac("imp_ip_men"), "female": 1 - frac("imp_ip_men")},
                                 "foreign_fr": {"female": frac("imp_fr_women"), "male": 1 - frac("imp_fr_women")}}),
    ])
    bands = ["a18_19", "a20_24", "a25_29", "a30_33"]
    m["age_band"] = draw.allocate(m, ["gender"], "age_band", bands, [
        Target(everyone, {"all": {b: frac(f"prof_age_{b}") for b in bands}})])
    ranges = {"a18_19": (18, 19), "a20_24": (20, 24), "a25_29": (25, 29), "a30_33": (30, 33)}
    m["age_at_intake"] = [int(draw.rng.integers(ranges[b][0], ranges[b][1] + 1)) for b in m["age_band"]]

    _years(draw, m)
    _education(draw, m)
    _family(draw, m)
    _origin(draw, m)
    _permit(draw, m)
    _work_experience(draw, m)
    _skills_and_income(draw, m)
    return m


def _years(draw, m):
    cats = list(C.YEARS_IN_BELGIUM)
    base = {"belgian_by_birth": [0, 0, 0, 0, 1], "belgian_naturalised": [0, .02, .08, .5, .4],
            "foreign_ip": [.07, .45, .2, .2, .08], "foreign_fr": [.22, .3, .15, .2, .13],
            "foreign_study": [.3, .5, .2, 0, 0], "foreign_other": [.2, .3, .2, .2, .1]}
    m["years_in_belgium"] = draw.allocate(
        m, ["nat_group"], "years_in_belgium", cats,
        [Target(everyone, {"all": {c: frac(f"prof_years_{c}") for c in cats}}),
         Target(by("nat_group"), {"foreign_ip": {"lt1": frac("imp_ip_lt1")},
                                  "foreign_fr": {"lt1": frac("imp_fr_lt1")}})],
        prior=lambda s: prior_from(s, cats, lambda r, c: base[r.nat_group][cats.index(c)]))


def _education(draw, m):
    cats = list(C.EDUCATION_LEVELS)
    birth = {"none": .11, "recognition_pending": 0, "primary": .01, "lower_secondary": .08,
             "upper_secondary_vocational": .25, "upper_secondary_general": .25,
             "higher_short": .18, "higher_long": .12}
    pending_by_years = {"lt1": 3, "1to3": 2.5, "3to5": 1.5, "5to10": 0.8, "ge10": 0.4}

    def weight(r, c):
        if r.nat_group == "belgian_by_birth":
            return birth[c]
        return pending_by_years[r.years_in_belgium] if c == "recognition_pending" else 1.0

    share = {c: frac(f"prof_education_{c}") for c in cats}
    m["education_level"] = draw.allocate(
        m, ["nat_group", "years_in_belgium"], "education_level", cats,
        [Target(everyone, {"all": share}),
         Target(by("nat_group"), {"belgian_by_birth": {"none": frac("imp_bebirth_no_diploma")}})],
        prior=lambda s: prior_from(s, cats, weight))

    levels = list(C.FOREIGN_DIPLOMA_LEVELS)
    n_none = int((m["education_level"] == "none").sum())
    n_pending = int((m["education_level"] == "recognition_pending").sum())
    unrecognised_plus = frac("prof_unrecognised_foreign_secondary_plus") * (n_none + n_pending)
    none_plus = max(0.0, unrecognised_plus - n_pending) / n_none  # pending all hold such a diploma

    def diploma_weight(r, c):
        if r.education_level == "recognition_pending":
            return {"upper_secondary": 1, "higher": 1}.get(c, 0)
        if r.education_level == "none" and r.nat_group != "belgian_by_birth":
            return {"none": 4, "primary": 1, "lower_secondary": 1, "upper_secondary": 1.2, "higher": 0.8}[c]
        return 1.0 if c == "none" else 0.0

    m["foreign_diploma_level"] = draw.allocate(
        m, ["education_level", "nat_group"], "foreign_diploma_level", levels,
        [Target(by("education_level"), {
            "recognition_pending": {"higher": frac("prof_pending_higher"),
                                    "upper_secondary": 1 - frac("prof_pending_higher")},
            "none": {"upper_secondary": none_plus * 0.6, "higher": none_plus * 0.4}})],
        prior=lambda s: prior_from(s, levels, diploma_weight))
    n_illiterate = round(frac("prof_illiterate") * len(m))
    m["illiterate"] = draw.allocate(
        m, ["education_level"], "illiterate", [True, False],
        [Target(by("education_level"), {"none": exact({True: n_illiterate, False: n_none - n_illiterate})})],
        prior=lambda s: prior_from(s, [True, False], lambda r, c: 1.0 if (not c or r.education_level == "none") else 0.0))


def _family(draw, m):
    m["civil_status"] = draw.allocate(
        m, ["gender"], "civil_status", ["single", "married"],
        [Target(everyone, {"all": {"single": frac("prof_civil_single"), "married": 1 - frac("prof_civil_single")}})],
        prior=lambda s: prior_from(s, ["single", "married"],
                                   lambda r, c: {"female": (.55, .45), "male": (.71, .29)}[r.gender][c == "married"]))
    m["has_children"] = draw.allocate(
        m, ["gender", "civil_status"], "has_children", [True, False],
        [Target(by("gender"), {"female": {True: frac("prof_children_women"), False: 1 - frac("prof_children_women")},
                               "male": {True: frac("prof_children_men"), False: 1 - frac("prof_children_men")}})],
        prior=lambda s: prior_from(s, [True, False],
                                   lambda r, c: (0.6 if r.civil_status == "married" else 0.3) if c else 1.0))
    parents = m[m["has_children"]]
    single_parents = frac("prof_single_parent") * len(parents)
    mothers = frac("prof_single_parent_mothers") * single_parents
    n_f = int((parents["gender"] == "female").sum())
    n_m = len(parents) - n_f

    def sp_weight(r, c):
        if not c:
            return 1.0
        return 1.0 if (r.has_children and r.civil_status == "single") else 0.0

    m["single_parent"] = draw.allocate(
        m, ["has_children", "gender", "civil_status"], "single_parent", [True, False],
        [Target(lambda s: s["gender"].where(s["has_children"]),
                {"female": {True: mothers / n_f, False: 1 - mothers / n_f},
                 "male": {True: (single_parents - mothers) / n_m, False: 1 - (single_parents - mothers) / n_m}})],
        prior=lambda s: prior_from(s, [True, False], sp_weight))


def _origin(draw, m):
    cats = list(COUNTRY_SHARES)
    regions = reference.countries().set_index("code")["region"]
    belgian_all = {c: frac(f"prof_belgian_origin_{c}") for c in ("MA", "CD", "RW", "GN")}
    abroad = {c: frac(f"prof_belgian_abroad_origin_{c}") for c in ("RW", "CD", "MA", "GN")}

    def weight(r, c):
        if r.nat_group == "foreign_ip":
            return 1.0 if c in REFUGEE_ORIGINS else 0.05
        if r.nat_group == "foreign_study":
            return 2.0 if regions[c] in ("sub_saharan_africa", "asia_other", "latin_america") else 0.5
        if r.nat_group == "belgian_by_birth":
            return 3.0 if c in ("MA", "TR", "CD", "DZ", "TN") else 1.0
        return 1.0

    m["origin_country"] = draw.allocate(
        m, ["nat_group"], "origin_country", cats,
        [Target(everyone, {"all": COUNTRY_SHARES}),
         Target(where("nat_group", {"belgian_by_birth": "belgian", "belgian_naturalised": "belgian"}),
                {"belgian": belgian_all}),
         Target(by("nat_group"), {"belgian_naturalised": abroad})],
        prior=lambda s: prior_from(s, cats, weight))


def _permit(draw, m):
    cats = list(C.RESIDENCE_PERMITS)
    base = {"foreign_ip": {"b_card": 5, "a_card": 3, "c_card": 1, "orange_card": .5, "other": .5, "f_card": .3},
            "foreign_fr": {"f_card": 5, "b_card": 2, "a_card": 1.5, "f_plus_card": .8, "c_card": 1, "e_card": .3,
                           "other": .3},
            "foreign_study": {"a_card": 10, "other": 1},
            "foreign_other": {c: 1 for c in cats[1:]}}

    def weight(r, c):
        if r.nationality_status != "foreign":
            return 1.0 if c == "not_applicable" else 0.0
        return base[r.nat_group].get(c, 0.0)

    m["residence_permit"] = draw.allocate(
        m, ["nat_group", "nationality_status"], "residence_permit", cats,
        [Target(by("nationality_status"), {"foreign": {c: frac(f"prof_permit_{c}") for c in ("f_card", "b_card", "a_card")}})],
        prior=lambda s: prior_from(s, cats, weight))


def _work_experience(draw, m):
    abroad_w = {"belgian_by_birth": 0, "belgian_naturalised": .5, "foreign_ip": .65, "foreign_fr": .55,
                "foreign_study": .4, "foreign_other": .55}
    m["work_experience_abroad"] = draw.allocate(
        m, ["nat_group"], "work_experience_abroad", [True, False],
        [Target(everyone, {"all": {True: frac("prof_work_abroad"), False: 1 - frac("prof_work_abroad")}})],
        prior=lambda s: prior_from(s, [True, False], lambda r, c: abroad_w[r.nat_group] if c else 1 - abroad_w[r.nat_group]))
    had = m[m["work_experience_abroad"]]
    m["work_experience_abroad_duration"] = None
    m.loc[had.index, "work_experience_abroad_duration"] = draw.allocate(
        had, [], "duration", ["ge2y", "lt2y"], [Target(everyone, {"all": {"ge2y": 0.6, "lt2y": 0.4}})])
    m["work_experience_abroad_relevant"] = None
    m.loc[had.index, "work_experience_abroad_relevant"] = draw.allocate(
        had, [], "relevant", [True, False],
        [Target(everyone, {"all": {True: frac("prof_work_abroad_relevant"), False: 1 - frac("prof_work_abroad_relevant")}})])

    years_target = {y: {True: frac(f"prof_work_be_years_{y}"), False: 1 - frac(f"prof_work_be_years_{y}")}
                    for y in ("ge10", "5to10", "3to5", "1to3")}
    nat_target = {g: {True: frac(f"prof_work_be_{g}"), False: 1 - frac(f"prof_work_be_{g}")}
                  for g in C.NATIONALITY_STATUSES}
    m["work_experience_belgium"] = draw.allocate(
        m, ["nationality_status", "years_in_belgium"], "work_experience_belgium", [True, False],
        [Target(by("nationality_status"), nat_target), Target(by("years_in_belgium"), years_target)],
        prior=lambda s: prior_from(s, [True, False],
                                   lambda r, c: (0.2 if r.years_in_belgium == "lt1" else 0.6) if c else 0.5))


def _skills_and_income(draw, m):
    level_rank = {c: i for i, c in enumerate(C.EDUCATION_LEVELS)}
    licence = {"none": .2, "recognition_pending": .4, "primary": .2, "lower_secondary": .25,
               "upper_secondary_vocational": .45, "upper_secondary_general": .45, "higher_short": .55,
               "higher_long": .6}
    no_licence = frac("prof_no_driving_licence")
    m["driving_licence"] = draw.allocate(
        m, ["education_level"], "driving_licence", [True, False],
        [Target(everyone, {"all": {True: 1 - no_licence, False: no_licence}})],
        prior=lambda s: prior_from(s, [True, False], lambda r, c: licence[r.education_level] if c else 1 - licence[r.education_level]))

    def yes_no(figure):
        return {"all": {True: frac(figure), False: 1 - frac(figure)}}

    m["it_office_skills"] = draw.allocate(
        m, ["education_level"], "it_office_skills", [True, False], [Target(everyone, yes_no("prof_it_office"))],
        prior=lambda s: prior_from(s, [True, False], lambda r, c: (0.3 + 0.1 * level_rank[r.education_level]) if c else 1.0))
    m["it_internet_skills"] = draw.allocate(
        m, ["it_office_skills"], "it_internet_skills", [True, False], [Target(everyone, yes_no("prof_it_internet"))],
        prior=lambda s: prior_from(s, [True, False], lambda r, c: (20.0 if r.it_office_skills else 2.0) if c else 1.0))
    m["computer_at_home"] = draw.allocate(
        m, ["it_office_skills"], "computer_at_home", [True, False], [Target(everyone, yes_no("prof_computer_home"))],
        prior=lambda s: prior_from(s, [True, False], lambda r, c: (2.0 if r.it_office_skills else 1.0) if c else 1.0))
    # Everyone with a computer has internet at home: the 95% then caps the
    # no-internet share among those without a computer (see decisions.csv).
    m["internet_at_home"] = draw.allocate(
        m, ["computer_at_home"], "internet_at_home", [True, False], [Target(everyone, yes_no("prof_internet_home"))],
        prior=lambda s: prior_from(s, [True, False], lambda r, c: 1.0 if (c or not r.computer_at_home) else 0.0))
    no_email = frac("obs_no_email")
    m["has_email"] = draw.allocate(
        m, ["it_internet_skills"], "has_email", [True, False],
        [Target(everyone, {"all": {True: 1 - no_email, False: no_email}})],
        prior=lambda s: prior_from(s, [True, False], lambda r, c: 1.0 if c else (0.02 if r.it_internet_skills else 0.4)))
    analog = frac("obs_analog_registration")
    channels = list(C.REGISTRATION_CHANNELS)
    m["registration_channel"] = draw.allocate(
        m, ["has_email"], "registration_channel", channels,
        [Target(everyone, {"all": {"online": 1 - analog, "phone": analog * .45, "in_person": analog * .35,
                                   "third_party": analog * .2}})],
        prior=lambda s: prior_from(s, channels, lambda r, c: (1.0 if r.has_email else 0.0) if c == "online" else 1.0))
    m["preferred_sector"] = draw.allocate(
        m, [], "preferred_sector", list(SECTOR_SHARES), [Target(everyone, {"all": SECTOR_SHARES})])
    incomes = list(C.INCOME_SOURCES)
    tilt = {"foreign_ip": {"social_welfare": 2.0}, "foreign_fr": {"partner_support": 2.0},
            "belgian_by_birth": {"unemployment_benefit": 2.0, "family_support": 1.5},
            "belgian_naturalised": {"unemployment_benefit": 1.5}}
    m["income_source"] = draw.allocate(
        m, ["nat_group"], "income_source", incomes,
        [Target(everyone, {"all": {c: frac(f"prof_income_{c}") for c in incomes}})],
        prior=lambda s: prior_from(s, incomes, lambda r, c: tilt.get(r.nat_group, {}).get(c, 1.0)))

    temporary = m["residence_permit"].isin(C.TEMPORARY_PERMITS)
    m["temporary_permit"] = temporary
    n_temp = int(temporary.sum())
    problems_temp = round(frac("obs_housing_temporary_permit") * n_temp)
    with_problems_temp = round(problems_temp * 0.75)
    n_other = len(m) - n_temp
    situations = list(C.HOUSING_SITUATIONS)
    m["housing_situation"] = draw.allocate(
        m, ["temporary_permit"], "housing_situation", situations,
        [Target(by("temporary_permit"), {
            True: exact({"stable": n_temp - problems_temp, "stable_with_problems": with_problems_temp,
                         "no_fixed_home": problems_temp - with_problems_temp}),
            False: exact({"stable": n_other - (N_HOUSED_WITH_PROBLEMS - with_problems_temp)
                          - (N_NO_FIXED_HOME - (problems_temp - with_problems_temp)),
                          "stable_with_problems": N_HOUSED_WITH_PROBLEMS - with_problems_temp,
                          "no_fixed_home": N_NO_FIXED_HOME - (problems_temp - with_problems_temp)})})])
