"""Synthetic microdata calibrated to the report's published figures.

The real CRM data are confidential. This generator builds a fictitious population of
the report's size whose aggregates reproduce the published marginals and
cross-tabulations. Published numbers are read from ``data/published/figures.csv``
(``pub``); everything the report does not publish is an explicit assumption in this
module (constants in CAPITALS and the ``prior`` functions), listed in
``data/synthetic/README.md``.

Variables are added one at a time, each conditional on parents already present, with
:func:`duoreport.fitting.allocate` (IPF on the prior, then integer rounding). The
random generator is seeded, strata and records are visited in a fixed order, and files
are written with a fixed layout, so two runs give byte-identical files.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import contract as C
from .audit import load_figures
from .fitting import Target, allocate, by, everyone, largest_remainder, where
from .views import EDUCATION_GROUPS

SEED = 20181001
DEFAULT_DIR = C.REPO_ROOT / "data" / "synthetic"

# --- assumptions (not published) -----------------------------------------
INTAKE_YEARS = {2013: 70, 2014: 210, 2015: 300, 2016: 360, 2017: 393}
ANTENNA_BY_YEAR = {  # antennas opened one after the other
    2013: {"brussels": 1.0},
    2014: {"brussels": 1.0},
    2015: {"brussels": 0.75, "liege": 0.25},
    2016: {"brussels": 0.60, "liege": 0.18, "antwerp": 0.22},
    2017: {"brussels": 0.45, "liege": 0.20, "antwerp": 0.20, "ghent": 0.15},
}
N_MENTORS = 756          # "more than 750 mentors"
N_SECOND_DUOS = 179      # mentees rematched after an early stop: 1333 + 179 = 1512 duos
N_FOLLOWED_6M = 1200     # mentees with a 6-month follow-up
N_FOLLOWED_18M = 1000    # of whom with an 18-month follow-up
N_HOUSED_WITH_PROBLEMS = 69  # inferred from 42.03% = 29/69 (see decisions.csv)
N_NO_FIXED_HOME = 15
N_SOCIAL_MENTIONS = 200  # mentions by the mentors answering yes
SIB_CONTROL_N = {2014: 350, 2015: 550, 2016: 710}  # control-group sizes: not published
OUTCOME_CATS = list(C.OUTCOME_STATUSES)
NAT_GROUPS = ["belgian_by_birth", "belgian_naturalised", "foreign_ip", "foreign_fr",
              "foreign_study", "foreign_other"]
NAT_TO_STATUS = {"belgian_by_birth": "belgian_by_birth", "belgian_naturalised": "belgian_naturalised"}
NAT_TO_REASON = {"foreign_ip": "international_protection", "foreign_fr": "family_reunification",
                 "foreign_study": "study", "foreign_other": "other"}
COUNTRY_SHARES = {  # overall origin mix (%), built to meet the continent, region and rank figures
    "MA": 12, "DZ": 4.5, "TN": 2.5, "GN": 10, "CD": 9, "CM": 8, "RW": 7, "BI": 2.2, "SN": 1.8,
    "CI": 1.8, "ER": 1.3, "ET": 1.0, "SO": 1.2, "TG": 0.8, "ML": 0.6, "BF": 0.4, "NE": 0.3,
    "CG": 0.6, "AO": 0.4, "NG": 0.2, "GH": 0.1, "BJ": 0.07,
    "SY": 6, "IQ": 3.5, "PS": 2, "LB": 0.6, "IR": 0.5, "JO": 0.2, "YE": 0.2,
    "AF": 4.5, "IN": 2.5, "PK": 0.9, "NP": 0.6, "CN": 0.5, "VN": 0.4, "PH": 0.3, "BD": 0.3,
    "TR": 2.4, "AL": 1.5, "MK": 0.5, "ME": 0.2, "XK": 1.2, "RU": 1.0, "UA": 0.5, "AM": 0.4,
    "GE": 0.3, "BR": 0.8, "CO": 0.6, "PE": 0.5, "EC": 0.4, "BO": 0.3, "VE": 0.2, "HT": 0.3,
    "CL": 0.13,
}
REFUGEE_ORIGINS = {"SY", "IQ", "AF", "ER", "SO", "PS", "YE", "IR", "GN", "CD", "BI", "RW", "CM",
                   "ET", "RU", "UA", "XK", "AL", "VE", "SN", "CI", "ML", "NE", "TG", "BF", "CG"}
SECTOR_SHARES = {"commerce_distribution": 16, "administration": 13, "no_career_plan": 11,
                 "social": 10, "health": 9, "logistics": 8, "hospitality": 7, "construction": 5,
                 "ict": 5, "education": 4, "industry": 4, "cleaning": 3, "culture_media": 2,
                 "other": 3}
INTAKE_OBSTACLE_SHARES = [45, 38, 33, 28, 25, 22, 20, 18, 14, 11, 9, 7, 6, 4, 3]  # order of C.OBSTACLES
ALUMNI_OBSTACLE_COUNTS = {"language": 40, "no_usable_experience": 36, "discrimination": 33,
                          "no_relevant_network": 30, "self_confidence": 27,
                          "finding_vacancies_applying": 15, "skills_not_recognised": 14,
                          "labour_market_understanding": 12, "job_search_tools": 10,
                          "transport_mobility": 8, "cultural_codes": 7, "administrative": 6,
                          "no_vacancies_for_skills": 6, "career_choice": 5, "childcare": 4}
EXPECTATION_SHARES = [62, 55, 40, 35, 30, 25, 18, 12, 9, 7, 4, 3]  # order of C.EXPECTATIONS; sums to 300
YEARS_WORK_FACTOR = {"lt1": 0.75, "1to3": 0.9, "3to5": 1.0, "5to10": 1.1, "ge10": 1.15}


@lru_cache(maxsize=1)
def _published() -> dict:
    figures = load_figures()
    return dict(zip(figures["id"], figures["value"].astype(float)))


def pub(figure_id: str) -> float:
    """A published value, as a fraction for percentages."""
    return _published()[figure_id]


def frac(figure_id: str) -> float:
    return pub(figure_id) / 100.0


def exact(counts: dict) -> dict:
    """Target shares from integer counts (allocate normalises complete shares)."""
    return {k: float(v) for k, v in counts.items()}


def prior_from(strata: pd.DataFrame, categories, weight) -> np.ndarray:
    """Prior matrix from a function (stratum row, category) -> weight."""
    return np.array([[weight(row, c) for c in categories] for row in strata.itertuples(index=False)],
                    dtype=float)


class Generator:
    def __init__(self, seed: int = SEED):
        self.seed = seed
        self.rng = np.random.default_rng(seed)

    def allocate(self, frame, parents, child, categories, targets=(), prior=None):
        return allocate(frame, parents, child, categories, targets, prior, self.rng)

    # --- mentees -------------------------------------------------------------
    def mentees(self) -> pd.DataFrame:
        n = int(pub("size_mentees"))
        assert sum(INTAKE_YEARS.values()) == n
        m = pd.DataFrame({"mentee_id": [f"M{i:05d}" for i in range(1, n + 1)]})
        m["intake_year"] = np.repeat(list(INTAKE_YEARS), list(INTAKE_YEARS.values()))
        m["antenna"] = self.allocate(
            m, ["intake_year"], "antenna", C.ANTENNAS,
            prior=lambda s: prior_from(s, C.ANTENNAS, lambda r, c: ANTENNA_BY_YEAR[r.intake_year].get(c, 0)))
        m["intake_date"] = [self._date_in_year(y) for y in m["intake_year"]]

        belgian = round(frac("prof_belgian") * n)
        by_birth = round(frac("prof_belgian_born_in_belgium") * belgian)
        reasons = {g: frac(f"prof_reason_{NAT_TO_REASON[g]}") for g in NAT_GROUPS[2:]}
        foreign = largest_remainder(list(reasons.values()), n - belgian)
        counts = dict(zip(NAT_GROUPS, [by_birth, belgian - by_birth, *foreign]))
        m["nat_group"] = self.allocate(m, [], "nat_group", NAT_GROUPS, [Target(everyone, {"all": exact(counts)})])
        m["nationality_status"] = m["nat_group"].map(NAT_TO_STATUS).fillna("foreign")
        m["reason_of_stay"] = m["nat_group"].map(NAT_TO_REASON).fillna("not_applicable")
        m["born_in_belgium"] = m["nat_group"] == "belgian_by_birth"

        m["gender"] = self.allocate(m, ["nat_group"], "gender", ["female", "male"], [
            Target(everyone, {"all": {"female": frac("prof_gender_female"), "male": frac("prof_gender_male")}}),
            Target(by("nat_group"), {"foreign_ip": {"male": frac("imp_ip_men"), "female": 1 - frac("imp_ip_men")},
                                     "foreign_fr": {"female": frac("imp_fr_women"), "male": 1 - frac("imp_fr_women")}}),
        ])
        bands = ["a18_19", "a20_24", "a25_29", "a30_33"]
        m["age_band"] = self.allocate(m, ["gender"], "age_band", bands, [
            Target(everyone, {"all": {b: frac(f"prof_age_{b}") for b in bands}})])
        ranges = {"a18_19": (18, 19), "a20_24": (20, 24), "a25_29": (25, 29), "a30_33": (30, 33)}
        m["age_at_intake"] = [int(self.rng.integers(ranges[b][0], ranges[b][1] + 1)) for b in m["age_band"]]

        self._years(m)
        self._education(m)
        self._family(m)
        self._origin(m)
        self._permit(m)
        self._work_experience(m)
        self._skills_and_income(m)
        return m

    def _date_in_year(self, year: int) -> date:
        start = date(2013, 9, 1) if year == 2013 else date(year, 1, 1)
        end = date(year, 12, 31)
        return start + timedelta(days=int(self.rng.integers(0, (end - start).days + 1)))

    def _years(self, m):
        cats = list(C.YEARS_IN_BELGIUM)
        base = {"belgian_by_birth": [0, 0, 0, 0, 1], "belgian_naturalised": [0, .02, .08, .5, .4],
                "foreign_ip": [.07, .45, .2, .2, .08], "foreign_fr": [.22, .3, .15, .2, .13],
                "foreign_study": [.3, .5, .2, 0, 0], "foreign_other": [.2, .3, .2, .2, .1]}
        m["years_in_belgium"] = self.allocate(
            m, ["nat_group"], "years_in_belgium", cats,
            [Target(everyone, {"all": {c: frac(f"prof_years_{c}") for c in cats}}),
             Target(by("nat_group"), {"foreign_ip": {"lt1": frac("imp_ip_lt1")},
                                      "foreign_fr": {"lt1": frac("imp_fr_lt1")}})],
            prior=lambda s: prior_from(s, cats, lambda r, c: base[r.nat_group][cats.index(c)]))

    def _education(self, m):
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
        m["education_level"] = self.allocate(
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

        m["foreign_diploma_level"] = self.allocate(
            m, ["education_level", "nat_group"], "foreign_diploma_level", levels,
            [Target(by("education_level"), {
                "recognition_pending": {"higher": frac("prof_pending_higher"),
                                        "upper_secondary": 1 - frac("prof_pending_higher")},
                "none": {"upper_secondary": none_plus * 0.6, "higher": none_plus * 0.4}})],
            prior=lambda s: prior_from(s, levels, diploma_weight))
        n_illiterate = round(frac("prof_illiterate") * len(m))
        m["illiterate"] = self.allocate(
            m, ["education_level"], "illiterate", [True, False],
            [Target(by("education_level"), {"none": exact({True: n_illiterate, False: n_none - n_illiterate})})],
            prior=lambda s: prior_from(s, [True, False], lambda r, c: 1.0 if (not c or r.education_level == "none") else 0.0))

    def _family(self, m):
        m["civil_status"] = self.allocate(
            m, ["gender"], "civil_status", ["single", "married"],
            [Target(everyone, {"all": {"single": frac("prof_civil_single"), "married": 1 - frac("prof_civil_single")}})],
            prior=lambda s: prior_from(s, ["single", "married"],
                                       lambda r, c: {"female": (.55, .45), "male": (.71, .29)}[r.gender][c == "married"]))
        m["has_children"] = self.allocate(
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

        m["single_parent"] = self.allocate(
            m, ["has_children", "gender", "civil_status"], "single_parent", [True, False],
            [Target(lambda s: s["gender"].where(s["has_children"]),
                    {"female": {True: mothers / n_f, False: 1 - mothers / n_f},
                     "male": {True: (single_parents - mothers) / n_m, False: 1 - (single_parents - mothers) / n_m}})],
            prior=lambda s: prior_from(s, [True, False], sp_weight))

    def _origin(self, m):
        cats = list(COUNTRY_SHARES)
        regions = C.load_countries().set_index("code")["region"]
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

        m["origin_country"] = self.allocate(
            m, ["nat_group"], "origin_country", cats,
            [Target(everyone, {"all": COUNTRY_SHARES}),
             Target(where("nat_group", {"belgian_by_birth": "belgian", "belgian_naturalised": "belgian"}),
                    {"belgian": belgian_all}),
             Target(by("nat_group"), {"belgian_naturalised": abroad})],
            prior=lambda s: prior_from(s, cats, weight))

    def _permit(self, m):
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

        m["residence_permit"] = self.allocate(
            m, ["nat_group", "nationality_status"], "residence_permit", cats,
            [Target(by("nationality_status"), {"foreign": {c: frac(f"prof_permit_{c}") for c in ("f_card", "b_card", "a_card")}})],
            prior=lambda s: prior_from(s, cats, weight))

    def _work_experience(self, m):
        abroad_w = {"belgian_by_birth": 0, "belgian_naturalised": .5, "foreign_ip": .65, "foreign_fr": .55,
                    "foreign_study": .4, "foreign_other": .55}
        m["work_experience_abroad"] = self.allocate(
            m, ["nat_group"], "work_experience_abroad", [True, False],
            [Target(everyone, {"all": {True: frac("prof_work_abroad"), False: 1 - frac("prof_work_abroad")}})],
            prior=lambda s: prior_from(s, [True, False], lambda r, c: abroad_w[r.nat_group] if c else 1 - abroad_w[r.nat_group]))
        had = m[m["work_experience_abroad"]]
        m["work_experience_abroad_duration"] = None
        m.loc[had.index, "work_experience_abroad_duration"] = self.allocate(
            had, [], "duration", ["ge2y", "lt2y"], [Target(everyone, {"all": {"ge2y": 0.6, "lt2y": 0.4}})])
        m["work_experience_abroad_relevant"] = None
        m.loc[had.index, "work_experience_abroad_relevant"] = self.allocate(
            had, [], "relevant", [True, False],
            [Target(everyone, {"all": {True: frac("prof_work_abroad_relevant"), False: 1 - frac("prof_work_abroad_relevant")}})])

        years_target = {y: {True: frac(f"prof_work_be_years_{y}"), False: 1 - frac(f"prof_work_be_years_{y}")}
                        for y in ("ge10", "5to10", "3to5", "1to3")}
        nat_target = {g: {True: frac(f"prof_work_be_{g}"), False: 1 - frac(f"prof_work_be_{g}")}
                      for g in C.NATIONALITY_STATUSES}
        m["work_experience_belgium"] = self.allocate(
            m, ["nationality_status", "years_in_belgium"], "work_experience_belgium", [True, False],
            [Target(by("nationality_status"), nat_target), Target(by("years_in_belgium"), years_target)],
            prior=lambda s: prior_from(s, [True, False],
                                       lambda r, c: (0.2 if r.years_in_belgium == "lt1" else 0.6) if c else 0.5))

    def _skills_and_income(self, m):
        level_rank = {c: i for i, c in enumerate(C.EDUCATION_LEVELS)}
        licence = {"none": .2, "recognition_pending": .4, "primary": .2, "lower_secondary": .25,
                   "upper_secondary_vocational": .45, "upper_secondary_general": .45, "higher_short": .55,
                   "higher_long": .6}
        no_licence = frac("prof_no_driving_licence")
        m["driving_licence"] = self.allocate(
            m, ["education_level"], "driving_licence", [True, False],
            [Target(everyone, {"all": {True: 1 - no_licence, False: no_licence}})],
            prior=lambda s: prior_from(s, [True, False], lambda r, c: licence[r.education_level] if c else 1 - licence[r.education_level]))

        def yes_no(figure):
            return {"all": {True: frac(figure), False: 1 - frac(figure)}}

        m["it_office_skills"] = self.allocate(
            m, ["education_level"], "it_office_skills", [True, False], [Target(everyone, yes_no("prof_it_office"))],
            prior=lambda s: prior_from(s, [True, False], lambda r, c: (0.3 + 0.1 * level_rank[r.education_level]) if c else 1.0))
        m["it_internet_skills"] = self.allocate(
            m, ["it_office_skills"], "it_internet_skills", [True, False], [Target(everyone, yes_no("prof_it_internet"))],
            prior=lambda s: prior_from(s, [True, False], lambda r, c: (20.0 if r.it_office_skills else 2.0) if c else 1.0))
        m["computer_at_home"] = self.allocate(
            m, ["it_office_skills"], "computer_at_home", [True, False], [Target(everyone, yes_no("prof_computer_home"))],
            prior=lambda s: prior_from(s, [True, False], lambda r, c: (2.0 if r.it_office_skills else 1.0) if c else 1.0))
        # Everyone with a computer has internet at home: the 95% then caps the
        # no-internet share among those without a computer (see decisions.csv).
        m["internet_at_home"] = self.allocate(
            m, ["computer_at_home"], "internet_at_home", [True, False], [Target(everyone, yes_no("prof_internet_home"))],
            prior=lambda s: prior_from(s, [True, False], lambda r, c: 1.0 if (c or not r.computer_at_home) else 0.0))
        no_email = frac("obs_no_email")
        m["has_email"] = self.allocate(
            m, ["it_internet_skills"], "has_email", [True, False],
            [Target(everyone, {"all": {True: 1 - no_email, False: no_email}})],
            prior=lambda s: prior_from(s, [True, False], lambda r, c: 1.0 if c else (0.02 if r.it_internet_skills else 0.4)))
        analog = frac("obs_analog_registration")
        channels = list(C.REGISTRATION_CHANNELS)
        m["registration_channel"] = self.allocate(
            m, ["has_email"], "registration_channel", channels,
            [Target(everyone, {"all": {"online": 1 - analog, "phone": analog * .45, "in_person": analog * .35,
                                       "third_party": analog * .2}})],
            prior=lambda s: prior_from(s, channels, lambda r, c: (1.0 if r.has_email else 0.0) if c == "online" else 1.0))
        m["preferred_sector"] = self.allocate(
            m, [], "preferred_sector", list(SECTOR_SHARES), [Target(everyone, {"all": SECTOR_SHARES})])
        incomes = list(C.INCOME_SOURCES)
        tilt = {"foreign_ip": {"social_welfare": 2.0}, "foreign_fr": {"partner_support": 2.0},
                "belgian_by_birth": {"unemployment_benefit": 2.0, "family_support": 1.5},
                "belgian_naturalised": {"unemployment_benefit": 1.5}}
        m["income_source"] = self.allocate(
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
        m["housing_situation"] = self.allocate(
            m, ["temporary_permit"], "housing_situation", situations,
            [Target(by("temporary_permit"), {
                True: exact({"stable": n_temp - problems_temp, "stable_with_problems": with_problems_temp,
                             "no_fixed_home": problems_temp - with_problems_temp}),
                False: exact({"stable": n_other - (N_HOUSED_WITH_PROBLEMS - with_problems_temp)
                              - (N_NO_FIXED_HOME - (problems_temp - with_problems_temp)),
                              "stable_with_problems": N_HOUSED_WITH_PROBLEMS - with_problems_temp,
                              "no_fixed_home": N_NO_FIXED_HOME - (problems_temp - with_problems_temp)})})])

    # --- multi-answer tables ----------------------------------------------------
    def deal(self, units, counts: dict, key: str, value: str) -> pd.DataFrame:
        """Give each category its count of mentions, spread over shuffled units.

        Mentions are sorted by category and dealt round-robin, so a unit never gets
        the same category twice as long as no count exceeds the number of units.
        """
        units = list(units)
        assert max(counts.values()) <= len(units)
        order = [units[i] for i in self.rng.permutation(len(units))]
        labels = [c for c, k in counts.items() for _ in range(int(k))]
        rows = [(order[i % len(order)], c) for i, c in enumerate(labels)]
        return pd.DataFrame(rows, columns=[key, value])

    # --- the whole dataset --------------------------------------------------------
    def generate(self) -> dict:
        m = self.mentees()
        tables = {"mentees": m}
        tables["mentors"], tables["duos"] = self.duos(m)
        tables["outcomes"] = self.outcomes(m)
        n = len(m)
        tables["intake_obstacles"] = self.deal(
            m["mentee_id"], dict(zip(C.OBSTACLES, largest_remainder(INTAKE_OBSTACLE_SHARES, round(sum(INTAKE_OBSTACLE_SHARES) * n / 100)))),
            "mentee_id", "obstacle")
        exp = self.deal(m["mentee_id"], dict(zip(C.EXPECTATIONS, largest_remainder(EXPECTATION_SHARES, 3 * n))),
                        "mentee_id", "expectation")
        exp["rank"] = exp.groupby("mentee_id").cumcount() + 1
        exp["rank"] = exp.groupby("mentee_id")["rank"].transform(lambda r: self.rng.permutation(r.to_numpy()))
        tables["expectations"] = exp
        housed = m.loc[m["housing_situation"] == "stable_with_problems", "mentee_id"]
        hp = {p: round(frac(f"obs_housing_problem_{p}") * len(housed)) for p in C.HOUSING_PROBLEMS}
        tables["housing_problems"] = self.deal(housed, hp, "mentee_id", "problem")
        tables.update(self.surveys(m, tables["duos"], tables["outcomes"]))
        tables.update(self.sib(m, tables["outcomes"]))
        return tables

    def duos(self, m):
        antenna_counts = m["antenna"].value_counts()
        mentor_counts = largest_remainder([antenna_counts.get(a, 0) for a in C.ANTENNAS], N_MENTORS)
        mentors = pd.DataFrame({"antenna": np.repeat(C.ANTENNAS, mentor_counts)})
        mentors.insert(0, "mentor_id", [f"T{i:05d}" for i in range(1, len(mentors) + 1)])
        mentors["gender"] = self.allocate(mentors, [], "gender", ["male", "female"],
                                          [Target(everyone, {"all": {"male": .55, "female": .45}})])
        mentors["age_at_start"] = self.rng.integers(50, 76, len(mentors))
        sectors = [s for s in C.SECTORS if s != "no_career_plan"]
        mentors["sector"] = self.allocate(mentors, [], "sector", sectors,
                                          [Target(everyone, {"all": {s: SECTOR_SHARES.get(s, 3) for s in sectors}})])

        early = m[m["intake_year"] < 2017]
        rematched = set(early["mentee_id"].iloc[np.sort(self.rng.choice(len(early), N_SECOND_DUOS, replace=False))])
        rows = []
        for r in m.itertuples(index=False):
            start = r.intake_date + timedelta(days=int(self.rng.integers(14, 60)))
            if r.mentee_id in rematched:
                stop = start + timedelta(days=int(self.rng.integers(30, 90)))
                rows.append((r.mentee_id, r.antenna, start, stop, "stopped_early"))
                start = stop + timedelta(days=int(self.rng.integers(14, 45)))
            status = "completed" if self.rng.random() < 0.85 else "stopped_early"
            length = 182 if status == "completed" else int(self.rng.integers(30, 150))
            rows.append((r.mentee_id, r.antenna, start, start + timedelta(days=length), status))
        duos = pd.DataFrame(rows, columns=["mentee_id", "antenna", "start_date", "end_date", "status"])
        duos.insert(0, "duo_id", [f"D{i:05d}" for i in range(1, len(duos) + 1)])
        duos["mentor_id"] = None
        for a in C.ANTENNAS:
            idx = duos.index[duos["antenna"] == a]
            pool = mentors.loc[mentors["antenna"] == a, "mentor_id"].to_numpy()
            if len(idx):
                pool = pool[self.rng.permutation(len(pool))]
                duos.loc[idx, "mentor_id"] = [pool[i % len(pool)] for i in range(len(idx))]
        return mentors, duos.drop(columns="antenna")

    def outcomes(self, m):
        m["has_6m"] = self.allocate(
            m, ["intake_year"], "has_6m", [True, False],
            [Target(everyone, {"all": exact({True: N_FOLLOWED_6M, False: len(m) - N_FOLLOWED_6M})})],
            prior=lambda s: prior_from(s, [True, False], lambda r, c: (0.8 if r.intake_year == 2017 else 0.95) if c else 0.1))
        six = m[m["has_6m"]].copy()
        six["has_18m"] = self.allocate(
            six, ["intake_year"], "has_18m", [True, False],
            [Target(everyone, {"all": exact({True: N_FOLLOWED_18M, False: len(six) - N_FOLLOWED_18M})})],
            prior=lambda s: prior_from(s, [True, False], lambda r, c: (0.3 if r.intake_year == 2017 else 0.95) if c else 0.1))
        eighteen = six[six["has_18m"]].copy()
        eighteen["education_group"] = eighteen["education_level"].map(EDUCATION_GROUPS)

        def shares(prefix):
            return {c: frac(f"{prefix}_{c}") for c in OUTCOME_CATS}

        nat_groups = {"belgian_by_birth": "belgian_by_birth", "belgian_naturalised": "belgian_naturalised",
                      "foreign_ip": "foreign", "foreign_fr": "foreign", "foreign_study": "foreign",
                      "foreign_other": "foreign"}
        targets = [
            Target(everyone, {"all": shares("imp_18m")}),
            Target(by("gender"), {"male": shares("imp_18m_male"), "female": shares("imp_18m_female")}),
            Target(where("nat_group", nat_groups), {"foreign": shares("imp_18m_foreign"),
                                                    "belgian_by_birth": shares("imp_18m_belgian_born_in_belgium")}),
            Target(where("nat_group", {"belgian_by_birth": "belgian", "belgian_naturalised": "belgian"}),
                   {"belgian": shares("imp_18m_belgian")}),
            Target(by("nat_group"), {"foreign_ip": shares("imp_18m_international_protection"),
                                     "foreign_fr": shares("imp_18m_family_reunification")}),
            Target(by("education_group"), {g: shares(f"imp_18m_edu_{g}") for g in
                                           ("no_recognised_diploma", "recognition_pending", "primary_lower_secondary",
                                            "secondary", "higher")}),
        ]
        eighteen["o18"] = self.allocate(
            eighteen, ["gender", "nat_group", "education_group", "years_in_belgium"], "o18", OUTCOME_CATS, targets,
            prior=lambda s: prior_from(s, OUTCOME_CATS, lambda r, c: YEARS_WORK_FACTOR[r.years_in_belgium] if c == "work" else 1.0))
        six["o18"] = eighteen["o18"].reindex(six.index).fillna("none")
        w18 = int((eighteen["o18"] == "work").sum())
        t18 = int((eighteen["o18"] == "training").sum())
        only6 = int((six["o18"] == "none").sum())
        n_work, n_training = int(pub("imp_work_count")), int(pub("imp_training_count"))
        transition = {"work": (.6, .15, .25), "training": (.15, .55, .3), "jobseeker": (.05, .15, .8),
                      "none": (.3, .2, .5)}
        six["o6"] = self.allocate(
            six, ["o18"], "o6", OUTCOME_CATS,
            [Target(everyone, {"all": shares("imp_6m")}),
             Target(by("o18"), {"none": exact({"work": n_work - w18, "training": n_training - t18,
                                               "jobseeker": only6 - (n_work - w18) - (n_training - t18)})})],
            prior=lambda s: prior_from(s, OUTCOME_CATS, lambda r, c: transition[r.o18][OUTCOME_CATS.index(c)]))

        rows = pd.concat([
            pd.DataFrame({"mentee_id": six["mentee_id"], "followup_months": 6, "status": six["o6"],
                          "is_last": six["o18"] == "none"}),
            pd.DataFrame({"mentee_id": eighteen["mentee_id"], "followup_months": 18, "status": eighteen["o18"],
                          "is_last": True}),
        ], ignore_index=True)
        positive = rows[rows["status"] != "jobseeker"].copy()
        types = list(C.POSITIVE_TYPES)
        type_share = {t: frac(f"imp_type_{t}") for t in types}

        def counts_for(status, total):
            names = C.WORK_TYPES if status == "work" else C.TRAINING_TYPES
            return exact(dict(zip(names, largest_remainder([type_share[t] for t in names], total))))

        last_work = int(((positive["status"] == "work") & positive["is_last"]).sum())
        last_training = int(((positive["status"] == "training") & positive["is_last"]).sum())
        positive["type"] = self.allocate(
            positive, ["status", "is_last"], "type", types,
            [Target(lambda s: s["status"] + s["is_last"].map({True: "_last", False: "_earlier"}),
                    {"work_last": counts_for("work", last_work), "training_last": counts_for("training", last_training),
                     "work_earlier": {t: type_share[t] for t in C.WORK_TYPES},
                     "training_earlier": {t: type_share[t] for t in C.TRAINING_TYPES}})],
            prior=lambda s: prior_from(s, types, lambda r, c: 1.0 if (c in C.WORK_TYPES) == (r.status == "work") else 0.0))
        rows["positive_type"] = positive["type"].reindex(rows.index)
        interns = rows[rows["positive_type"] == "entry_internship"]
        hired = frac("imp_internship_contract")
        rows["internship_led_to_contract"] = None
        rows.loc[interns.index, "internship_led_to_contract"] = self.allocate(
            interns, ["is_last"], "hired", [True, False],
            [Target(by("is_last"), {True: {True: hired, False: 1 - hired}, False: {True: hired, False: 1 - hired}})])
        return rows.drop(columns="is_last")

    def surveys(self, m, duos, outcomes):
        completed = duos[duos["status"] == "completed"]
        n_survey = int(pub("size_mentor_survey"))
        chosen = completed.iloc[np.sort(self.rng.choice(len(completed), n_survey, replace=False))]
        survey = pd.DataFrame({"response_id": [f"S{i:04d}" for i in range(1, n_survey + 1)],
                               "duo_id": chosen["duo_id"].to_numpy()})
        yes = round(frac("obs_mentor_social_yes") * n_survey)
        survey["social_problems"] = self.allocate(survey, [], "yes", [True, False],
                                                  [Target(everyone, {"all": exact({True: yes, False: n_survey - yes})})])
        shares = [frac(f"obs_social_{p}") for p in C.SOCIAL_PROBLEMS]
        mentions = dict(zip(C.SOCIAL_PROBLEMS, largest_remainder(shares, N_SOCIAL_MENTIONS)))
        problems = self.deal(survey.loc[survey["social_problems"], "response_id"], mentions, "response_id", "problem")

        followed = outcomes.loc[outcomes["followup_months"] == 18, "mentee_id"].to_numpy()
        n_alumni = int(pub("size_alumni_survey"))
        alumni_ids = np.sort(followed[self.rng.choice(len(followed), n_alumni, replace=False)])
        alumni = pd.DataFrame({"response_id": [f"A{i:04d}" for i in range(1, n_alumni + 1)], "mentee_id": alumni_ids})
        alumni_obstacles = self.deal(alumni["response_id"], ALUMNI_OBSTACLE_COUNTS, "response_id", "obstacle")
        return {"mentor_survey": survey, "mentor_survey_problems": problems,
                "alumni_survey": alumni, "alumni_obstacles": alumni_obstacles}

    def sib(self, m, outcomes):
        last = outcomes.sort_values("followup_months").groupby("mentee_id")["status"].last()
        eligible = m[(m["antenna"] == "brussels") & (m["nationality_status"] == "foreign")
                     & m["mentee_id"].isin(last.index)]
        picks = []
        for cohort in C.SIB_COHORTS:
            pool = eligible[eligible["intake_year"] == cohort]
            size = int(pub(f"imp_sib_{cohort}_n"))
            if len(pool) < size:
                raise RuntimeError(f"only {len(pool)} eligible mentees for SIB cohort {cohort}, need {size}")
            chosen = pool.iloc[np.sort(self.rng.choice(len(pool), size, replace=False))]
            picks.append(pd.DataFrame({"mentee_id": chosen["mentee_id"], "cohort": cohort}))
        sib = pd.concat(picks, ignore_index=True)
        sib["working"] = sib["mentee_id"].map(last) == "work"
        targets = {}
        for cohort in C.SIB_COHORTS:
            size = int(pub(f"imp_sib_{cohort}_n"))
            k = round(frac(f"imp_sib_{cohort}_duo") * size)
            targets[cohort] = exact({True: k, False: size - k})
        sib["employed_within_1y"] = self.allocate(
            sib, ["cohort", "working"], "employed", [True, False], [Target(by("cohort"), targets)],
            prior=lambda s: prior_from(s, [True, False], lambda r, c: (0.6 if r.working else 0.25) if c else 1.0))
        control = pd.DataFrame({"cohort": list(C.SIB_COHORTS)})
        control["n"] = [SIB_CONTROL_N[c] for c in C.SIB_COHORTS]
        control["employed_within_1y"] = [round(frac(f"imp_sib_{c}_control") * SIB_CONTROL_N[c]) for c in C.SIB_COHORTS]
        return {"sib_participants": sib.drop(columns="working"), "sib_control": control}


# --- writing ----------------------------------------------------------------

def _format(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (date, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (np.integer,)):
        return str(int(value))
    return str(value)


def write_tables(tables: dict, out_dir: Path, metadata: dict) -> None:
    """Write every table in contract column order, sorted by primary key, atomically."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".synth-", dir=out_dir.parent))
    try:
        for t in C.TABLES:
            df = tables[t.name][list(t.column_names)].sort_values(list(t.primary_key), kind="stable")
            with open(tmp / f"{t.name}.csv", "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(t.column_names)
                for row in df.itertuples(index=False):
                    w.writerow([_format(v) for v in row])
        (tmp / "dataset.json").write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        readme = out_dir / "README.md"
        if readme.exists():
            shutil.copy2(readme, tmp / "README.md")
        if out_dir.exists():
            backup = out_dir.with_name(out_dir.name + ".old")
            if backup.exists():
                shutil.rmtree(backup)
            os.replace(out_dir, backup)
            os.replace(tmp, out_dir)
            shutil.rmtree(backup)
        else:
            os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def synthesize(out_dir: Path = DEFAULT_DIR, seed: int = SEED) -> Path:
    tables = Generator(seed).generate()
    metadata = {
        "synthetic": True,
        "generator": "duoreport.synth",
        "seed": seed,
        "description": "SYNTHETIC microdata calibrated to the published figures of the DUO for a JOB "
                       "experience report. No row describes a real person.",
    }
    write_tables(tables, out_dir, metadata)
    return Path(out_dir)
