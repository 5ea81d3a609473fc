"""Follow-ups after 6 and 18 months: status, type of positive result, internships."""

from __future__ import annotations

import pandas as pd

from ..data import contract as C
from ..data.views import EDUCATION_GROUPS
from ..stats.fitting import Target, by, everyone, largest_remainder, where
from .assumptions import N_FOLLOWED_6M, N_FOLLOWED_18M, OUTCOME_CATS, YEARS_WORK_FACTOR
from .draw import exact, frac, prior_from, pub


def outcomes(draw, m):
    m["has_6m"] = draw.allocate(
        m, ["intake_year"], "has_6m", [True, False],
        [Target(everyone, {"all": exact({True: N_FOLLOWED_6M, False: len(m) - N_FOLLOWED_6M})})],
        prior=lambda s: prior_from(s, [True, False], lambda r, c: (0.8 if r.intake_year == 2017 else 0.95) if c else 0.1))
    six = m[m["has_6m"]].copy()
    six["has_18m"] = draw.allocate(
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
    eighteen["o18"] = draw.allocate(
        eighteen, ["gender", "nat_group", "education_group", "years_in_belgium"], "o18", OUTCOME_CATS, targets,
        prior=lambda s: prior_from(s, OUTCOME_CATS, lambda r, c: YEARS_WORK_FACTOR[r.years_in_belgium] if c == "work" else 1.0))
    six["o18"] = eighteen["o18"].reindex(six.index).fillna("none")
    w18 = int((eighteen["o18"] == "work").sum())
    t18 = int((eighteen["o18"] == "training").sum())
    only6 = int((six["o18"] == "none").sum())
    n_work, n_training = int(pub("imp_work_count")), int(pub("imp_training_count"))
    transition = {"work": (.6, .15, .25), "training": (.15, .55, .3), "jobseeker": (.05, .15, .8),
                  "none": (.3, .2, .5)}
    six["o6"] = draw.allocate(
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
    positive["type"] = draw.allocate(
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
    rows.loc[interns.index, "internship_led_to_contract"] = draw.allocate(
        interns, ["is_last"], "hired", [True, False],
        [Target(by("is_last"), {True: {True: hired, False: 1 - hired}, False: {True: hired, False: 1 - hired}})])
    return rows.drop(columns="is_last")
