"""Analysis views: the validated tables joined and derived for the chapters and the audit.

Each view is a tidy DataFrame; derived columns are computed here, once, so that the
audit and the chapters count the same way.
"""

from __future__ import annotations

import pandas as pd

from . import contract as C
from . import reference
from .keys import record_keys
from .loading import Dataset

AGE_BANDS = ("a18_19", "a20_24", "a25_29", "a30_33")
EDUCATION_GROUPS = {
    "none": "no_recognised_diploma",
    "recognition_pending": "recognition_pending",
    "primary": "primary_lower_secondary",
    "lower_secondary": "primary_lower_secondary",
    "upper_secondary_vocational": "secondary",
    "upper_secondary_general": "secondary",
    "higher_short": "higher",
    "higher_long": "higher",
}
EDUCATION_GROUP_ORDER = ("no_recognised_diploma", "recognition_pending", "primary_lower_secondary",
                         "secondary", "higher")
UPPER_SECONDARY_PLUS = ("upper_secondary_vocational", "upper_secondary_general", "higher_short", "higher_long")


def age_band(age: pd.Series) -> pd.Series:
    bins = [17, 19, 24, 29, 33]
    return pd.cut(age.astype(float), bins=bins, labels=AGE_BANDS).astype(object)


def followup(outcomes: pd.DataFrame, months: int) -> pd.DataFrame:
    return outcomes[outcomes["followup_months"] == months].set_index("mentee_id")


def last_followup(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Each mentee's latest known follow-up row."""
    ordered = outcomes.sort_values(["mentee_id", "followup_months"])
    return ordered.groupby("mentee_id", sort=True).tail(1).set_index("mentee_id")


def mentees_view(ds: Dataset) -> pd.DataFrame:
    m = ds["mentees"].copy()
    countries = reference.countries().set_index("code")
    m["intake_year"] = m["intake_date"].dt.year
    m["age_band"] = age_band(m["age_at_intake"])
    m["continent"] = m["origin_country"].map(countries["continent"])
    m["region"] = m["origin_country"].map(countries["region"])
    m["is_belgian"] = m["nationality_status"] != "foreign"
    m["education_group"] = m["education_level"].map(EDUCATION_GROUPS)
    m["temporary_permit"] = m["residence_permit"].isin(C.TEMPORARY_PERMITS)
    m["housing_problem"] = m["housing_situation"] != "stable"
    foreign_up = m["foreign_diploma_level"].isin(["upper_secondary", "higher"])
    m["any_upper_secondary"] = m["education_level"].isin(UPPER_SECONDARY_PLUS) | foreign_up
    m["any_higher"] = m["education_level"].isin(["higher_short", "higher_long"]) | (
        m["foreign_diploma_level"] == "higher")

    problems = ds["housing_problems"]
    housed_with_problems = m["housing_situation"] == "stable_with_problems"
    for p in C.HOUSING_PROBLEMS:
        named = m["mentee_id"].isin(problems.loc[problems["problem"] == p, "mentee_id"])
        m[f"hp_{p}"] = pd.array(named.where(housed_with_problems), dtype="boolean")

    out = ds["outcomes"]
    ids = m["mentee_id"]
    for months in C.FOLLOWUP_MONTHS:
        m[f"outcome_{months}m"] = ids.map(followup(out, months)["status"])
    last = last_followup(out)
    m["followup_last"] = ids.map(last["followup_months"])
    m["outcome_last"] = ids.map(last["status"])
    m["positive_type_last"] = ids.map(last["positive_type"])
    m["internship_led_to_contract_last"] = pd.array(ids.map(last["internship_led_to_contract"]), dtype="boolean")

    duos = ds["duos"]
    m["n_duos"] = ids.map(duos.groupby("mentee_id").size()).fillna(0).astype(int)
    if ds.has("sib_participants"):
        m["sib_cohort"] = ids.map(ds["sib_participants"].set_index("mentee_id")["cohort"]).astype("Int64")
    else:
        m["sib_cohort"] = pd.array([pd.NA] * len(m), dtype="Int64")
    return m


def mentor_survey_view(ds: Dataset) -> pd.DataFrame:
    s = ds["mentor_survey"].copy()
    probs = ds["mentor_survey_problems"]
    for p in C.SOCIAL_PROBLEMS:
        s[f"sp_{p}"] = s["response_id"].isin(probs.loc[probs["problem"] == p, "response_id"])
    return s


def sib_control_units(ds: Dataset) -> pd.DataFrame:
    """The aggregate control group expanded to one row per member (for shares and tests)."""
    rows = []
    for r in ds["sib_control"].itertuples(index=False):
        rows += [(r.cohort, True)] * int(r.employed_within_1y)
        rows += [(r.cohort, False)] * int(r.n - r.employed_within_1y)
    return pd.DataFrame(rows, columns=["cohort", "employed_within_1y"]).astype(
        {"cohort": "Int64", "employed_within_1y": "boolean"})


def keyed(frame: pd.DataFrame, namespace: str, *id_columns: str) -> pd.DataFrame:
    """The frame with each row's permanent record key (``rkey``, for disclosure control).

    The key comes from the identifier of the record the row counts (a mentee, a mentor, a
    survey answer): rows about the same record get the same key in every view.
    """
    ids = frame[id_columns[0]].astype(str)
    for col in id_columns[1:]:
        ids = ids + "|" + frame[col].astype(str)
    return frame.assign(rkey=record_keys(ids, namespace))


def build_views(ds: Dataset) -> dict:
    """The analysis views, each row with its record key (``rkey``)."""
    views = {
        "mentees": keyed(mentees_view(ds), "mentee", "mentee_id"),
        "duos": keyed(ds["duos"], "duo", "duo_id"),
        "mentors": keyed(ds["mentors"], "mentor", "mentor_id"),
        "intake_obstacles": keyed(ds["intake_obstacles"], "mentee", "mentee_id"),
        "expectations": keyed(ds["expectations"], "mentee", "mentee_id"),
    }
    if ds.has("mentor_survey"):
        views["mentor_survey"] = keyed(mentor_survey_view(ds), "mentor_survey", "response_id")
        views["mentor_survey_problems"] = keyed(ds["mentor_survey_problems"], "mentor_survey_problem",
                                                "response_id", "problem")
    if ds.has("alumni_survey"):
        views["alumni_survey"] = keyed(ds["alumni_survey"], "alumni_survey", "response_id")
        views["alumni_obstacles"] = keyed(ds["alumni_obstacles"], "alumni_survey", "response_id")
    if ds.has("sib_participants"):
        views["sib_participants"] = keyed(ds["sib_participants"], "mentee", "mentee_id")
    if ds.has("sib_control"):
        control = sib_control_units(ds)
        control["unit"] = control.groupby("cohort").cumcount()
        views["sib_control_units"] = keyed(control, "sib_control", "cohort", "unit").drop(columns="unit")
    return views
