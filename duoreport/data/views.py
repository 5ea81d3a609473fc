"""Analysis views: the validated tables joined and derived for the chapters and the audit.

Each view is a tidy DataFrame; derived columns are computed here, once, so that the
audit and the chapters count the same way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.extensions import take

from . import contract as C
from . import reference
from .keys import record_keys
from .loading import Dataset, data_hash, load_dataset, release_memory

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


class MenteeRows:
    """For each row of a table about mentees, the row of its mentee in the mentees table (-1: none):
    as the loader found them while checking the foreign key, else by one hash lookup per row."""

    def __init__(self, ds: Dataset):
        self.ds = ds
        self._index = None

    def __call__(self, table: str) -> np.ndarray:
        found = self.ds.row_of.get((table, "mentee_id"))
        if found is not None and len(found) == len(self.ds[table]):
            return found
        if self._index is None:  # its hash table is built once, for every lookup
            self._index = pd.Index(self.ds["mentees"]["mentee_id"])
        return self._index.get_indexer(self.ds[table]["mentee_id"])


class Lookup:
    """Per-mentee values from a table with at most one row per mentee, as ``Series.map`` gives them.

    ``position[r]`` is the mentee of row ``r`` of the table (-1: none; from one hash lookup per
    row, shared by every column taken from the table); ``keep`` selects the rows to use."""

    def __init__(self, index: pd.Index, n_mentees: int, table: pd.DataFrame, position: np.ndarray, keep=None):
        selected = np.arange(len(table)) if keep is None else np.flatnonzero(np.asarray(keep, dtype=bool))
        position = position[selected]
        self.rows = np.full(n_mentees, -1, dtype=np.intp)
        self.rows[position[position >= 0]] = selected[position >= 0]
        self.index = index
        self.table = table

    def __call__(self, column: str) -> pd.Series:
        """What ``mentees["mentee_id"].map(table.set_index("mentee_id")[column])`` gives."""
        values = take(self.table[column].array, self.rows, allow_fill=True)
        return pd.Series(values, index=self.index, copy=False)


def mentees_view(ds: Dataset) -> pd.DataFrame:
    m = ds["mentees"].copy(deep=False)  # copy on write: the new columns never reach the dataset's table
    countries = reference.countries().set_index("code")
    m["intake_year"] = m["intake_date"].dt.year
    m["age_band"] = age_band(m["age_at_intake"])
    m["continent"] = _map_codes(m["origin_country"], countries["continent"])
    m["region"] = _map_codes(m["origin_country"], countries["region"])
    m["is_belgian"] = m["nationality_status"] != "foreign"
    m["education_group"] = _map_codes(m["education_level"], EDUCATION_GROUPS)
    m["temporary_permit"] = m["residence_permit"].isin(C.TEMPORARY_PERMITS)
    m["housing_problem"] = m["housing_situation"] != "stable"
    foreign_up = m["foreign_diploma_level"].isin(["upper_secondary", "higher"])
    m["any_upper_secondary"] = m["education_level"].isin(UPPER_SECONDARY_PLUS) | foreign_up
    m["any_higher"] = m["education_level"].isin(["higher_short", "higher_long"]) | (
        m["foreign_diploma_level"] == "higher")

    rows_of = MenteeRows(ds)
    n = len(m)
    problems = ds["housing_problems"]
    housed_with_problems = (m["housing_situation"] == "stable_with_problems").to_numpy()
    problem_rows = rows_of("housing_problems")
    for p in C.HOUSING_PROBLEMS:
        named = np.zeros(n, dtype=bool)
        rows = problem_rows[(problems["problem"] == p).to_numpy()]
        named[rows[rows >= 0]] = True
        m[f"hp_{p}"] = pd.arrays.BooleanArray(named & housed_with_problems, ~housed_with_problems)

    out = ds["outcomes"]
    outcome_rows = rows_of("outcomes")
    for months in C.FOLLOWUP_MONTHS:
        at = Lookup(m.index, n, out, outcome_rows, out["followup_months"] == months)
        m[f"outcome_{months}m"] = at("status")
    last = Lookup(m.index, n, out, outcome_rows, _last_rows(outcome_rows, out["followup_months"]))
    m["followup_last"] = last("followup_months")
    m["outcome_last"] = last("status")
    m["positive_type_last"] = last("positive_type")
    m["internship_led_to_contract_last"] = pd.array(last("internship_led_to_contract"), dtype="boolean")

    duo_rows = rows_of("duos")
    m["n_duos"] = np.bincount(duo_rows[duo_rows >= 0], minlength=n).astype(int)
    if ds.has("sib_participants"):
        sib = ds["sib_participants"]
        m["sib_cohort"] = Lookup(m.index, n, sib, rows_of("sib_participants"))("cohort").astype("Int64")
    else:
        m["sib_cohort"] = pd.array([pd.NA] * n, dtype="Int64")
    return m


def _last_rows(mentee: np.ndarray, months: pd.Series) -> np.ndarray:
    """Which rows are each mentee's latest follow-up (as :func:`last_followup` picks them);
    ``mentee``: the row's mentee (a number per mentee)."""
    order = np.lexsort((months.to_numpy(dtype=np.int64), mentee))
    last = np.ones(len(order), dtype=bool)
    last[:-1] = mentee[order][1:] != mentee[order][:-1]
    keep = np.zeros(len(mentee), dtype=bool)
    keep[order[last]] = True
    return keep


def _map_codes(values: pd.Series, mapper) -> pd.Series:
    """``values.map(mapper)`` for a column of a few codes: each distinct value is mapped once."""
    codes, distinct = pd.factorize(values)
    if (codes < 0).any():
        return values.map(mapper)  # missing values: as map has them
    mapped = pd.Series(distinct, dtype=values.dtype).map(mapper)
    return pd.Series(mapped.array.take(codes), index=values.index, copy=False)


def mentor_survey_view(ds: Dataset) -> pd.DataFrame:
    s = ds["mentor_survey"].copy()
    probs = ds["mentor_survey_problems"]
    for p in C.SOCIAL_PROBLEMS:
        s[f"sp_{p}"] = s["response_id"].isin(probs.loc[probs["problem"] == p, "response_id"])
    return s


def sib_control_units(ds: Dataset) -> pd.DataFrame:
    """The aggregate control group expanded to one row per member (for shares and tests)."""
    control = ds["sib_control"]
    employed = control["employed_within_1y"].to_numpy(dtype=np.int64)
    others = (control["n"] - control["employed_within_1y"]).to_numpy(dtype=np.int64)
    counts = np.column_stack([employed, others]).ravel()  # per cohort: the employed, then the others
    cohort = np.repeat(np.repeat(control["cohort"].to_numpy(dtype=np.int64), 2), counts)
    flag = np.repeat(np.tile([True, False], len(control)), counts)
    return pd.DataFrame({"cohort": pd.array(cohort, dtype="Int64"), "employed_within_1y": pd.array(flag, dtype="boolean")})


def keyed(frame: pd.DataFrame, namespace: str, *id_columns: str, known=None) -> pd.DataFrame:
    """The frame with each row's permanent record key (``rkey``, for disclosure control).

    The key comes from the identifier of the record the row counts (a mentee, a mentor, a
    survey answer): rows about the same record get the same key in every view. ``known``:
    (identifiers, their keys) already computed for this namespace; a row whose identifier is
    among them takes its key from there (the same keyed hash, not computed again).
    """
    if len(id_columns) == 1 and known is not None:
        rows, keys = known
        position = rows() if callable(rows) else rows.get_indexer(frame[id_columns[0]])
        if len(position) == len(frame) and (position >= 0).all():
            return frame.assign(rkey=keys[position])
    ids = frame[id_columns[0]].astype(str)
    for col in id_columns[1:]:
        ids = ids + "|" + frame[col].astype(str)
    return frame.assign(rkey=record_keys(ids, namespace))


def build_views(ds: Dataset) -> dict:
    """The analysis views, each row with its record key (``rkey``)."""
    mentees = keyed(mentees_view(ds), "mentee", "mentee_id")
    rows_of, mentee_keys = MenteeRows(ds), mentees["rkey"].to_numpy()

    def by_mentee(table: str):  # the tables about mentees take their mentee's key
        return (lambda: rows_of(table)), mentee_keys

    views = {
        "mentees": mentees,
        "duos": keyed(ds["duos"], "duo", "duo_id"),
        "mentors": keyed(ds["mentors"], "mentor", "mentor_id"),
        "intake_obstacles": keyed(ds["intake_obstacles"], "mentee", "mentee_id", known=by_mentee("intake_obstacles")),
        "expectations": keyed(ds["expectations"], "mentee", "mentee_id", known=by_mentee("expectations")),
    }
    if ds.has("mentor_survey"):
        views["mentor_survey"] = keyed(mentor_survey_view(ds), "mentor_survey", "response_id")
        views["mentor_survey_problems"] = keyed(ds["mentor_survey_problems"], "mentor_survey_problem",
                                                "response_id", "problem")
    if ds.has("alumni_survey"):
        views["alumni_survey"] = keyed(ds["alumni_survey"], "alumni_survey", "response_id")
        by_response = (pd.Index(views["alumni_survey"]["response_id"]), views["alumni_survey"]["rkey"].to_numpy())
        views["alumni_obstacles"] = keyed(ds["alumni_obstacles"], "alumni_survey", "response_id", known=by_response)
    if ds.has("sib_participants"):
        views["sib_participants"] = keyed(ds["sib_participants"], "mentee", "mentee_id",
                                          known=by_mentee("sib_participants"))
    if ds.has("sib_control"):
        control = sib_control_units(ds)
        control["unit"] = control.groupby("cohort").cumcount()
        views["sib_control_units"] = keyed(control, "sib_control", "cohort", "unit").drop(columns="unit")
    release_memory()
    return views


_LOADED: dict = {}


def dataset_and_views(directory, mapping=None) -> tuple:
    """The validated dataset of an export and its analysis views, loaded once per version of
    the data in this process: (Dataset, views).

    The version is the data hash of the export's files (its settings and mapping included), so a
    changed file is loaded again. Each call gets its own shallow copies of the views (pandas
    copies on write), so that a caller who adds or changes a column never changes what the next
    caller gets."""
    directory = Path(directory)
    key = (directory.resolve(), None if mapping is None else Path(mapping).resolve(), data_hash(directory, mapping))
    if key not in _LOADED:
        ds = load_dataset(directory, mapping)
        if ds.data_hash != key[2]:  # the files changed while they were read: do not keep it
            return ds, build_views(ds)
        _LOADED.clear()  # one version at a time: the previous one is not needed again
        _LOADED[key] = (ds, build_views(ds))
    ds, views = _LOADED[key]
    return ds, {name: view.copy(deep=False) for name, view in views.items()}
