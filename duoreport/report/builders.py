"""How each chart of the report is computed: tidy, protected share tables for one edition.

A builder is a function ``build(ed) -> ChartData``; ``ed`` is the :class:`~.edition.Edition`
(its views, language and threshold). Builders are made by the factories below
(:func:`distribution`, :func:`by_group`, ...) or written out for the charts that need more
(:func:`sib_comparison`). A view is named (``"mentees"``) or computed from the views by a
function (:func:`followups_long`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import i18n
from ..data import contract as C
from ..data import reference
from ..stats.disclosure import protect
from ..stats.shares import TestResult, difference_in_proportions, independence_test, share_table


@dataclass
class ChartData:
    table: pd.DataFrame           # tidy, suppressed; columns label, series (optional), share, ci, n, base_n
    label_col: str = "label"
    hue_col: str | None = None
    source: str = "crm"           # crm | context
    test: object = None           # TestResult of the subgroup difference, if any
    extra: pd.DataFrame | None = None  # a second table (e.g. SIB differences)
    intervals: bool = True
    variable: str | None = None   # the view column the shares describe (None: one column per row)
    group: str | None = None      # the column of the group codes in a grouped chart (for the claims)


def frame(ed, view) -> pd.DataFrame:
    """A view of the edition by name, or computed from the views by a function."""
    return view(ed.views) if callable(view) else ed.views[view]


def _labelled(ed, table: pd.DataFrame, code_list: str, col: str = "category", to: str = "label"):
    table[to] = [ed.label(code_list, c) for c in table[col]]
    return table


def distribution(view: str, variable: str, code_list: str, categories=None, filt: str | None = None):
    """Share of each category of one variable."""
    def build(ed) -> ChartData:
        df = frame(ed, view)
        if filt:
            df = df.query(filt, engine="python")
        cats = list(categories) if categories is not None else None
        table = protect(share_table(df, variable, categories=cats), threshold=ed.threshold)
        return ChartData(_labelled(ed, table, code_list), variable=variable)
    return build


def by_group(view: str, variable: str, code_list: str, group: str, group_list: str, categories,
             groups=None, filt: str | None = None, only=None):
    """Shares of a variable within groups; bars per group, one series per category.

    ``only`` keeps a single category (e.g. True for yes/no variables) after protection; the
    test of the difference between the groups is computed on the published counts.
    """
    def build(ed) -> ChartData:
        df = frame(ed, view)
        if filt:
            df = df.query(filt, engine="python")
        df = df[df[group].notna()]
        if groups is not None:
            df = df[df[group].isin(groups)]
        raw = share_table(df, variable, by=[group], categories=list(categories))
        if groups is not None:
            order = {g: i for i, g in enumerate(groups)}
            raw = raw.sort_values(group, key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
        table = protect(raw, threshold=ed.threshold)
        test = guarded_test(published_counts(table, group), table, group)
        table["label"] = [ed.label(group_list, g) for g in table[group]]
        table["series"] = [ed.label(code_list, c) for c in table["category"]]
        if only is not None:
            table = table[table["category"] == only]
            return ChartData(table, test=test, variable=variable, group=group)
        return ChartData(table, hue_col="series", test=test, variable=variable, group=group)
    return build


def published_counts(table: pd.DataFrame, group: str) -> pd.DataFrame:
    """Groups x categories of the published counts, for the groups whose base is published."""
    shown = table[table["base_n"].notna()]
    return shown.pivot_table(index=group, columns="category", values="n", aggfunc="sum", fill_value=0,
                             sort=False)


def guarded_test(counts: pd.DataFrame, table: pd.DataFrame, group: str):
    """The independence test of the published counts, unless a protected cell enters it.

    A test statistic is a function of every cell, so publishing it next to hidden cells
    could narrow them down; such a test is withheld.
    """
    if len(counts) < 2:
        return None
    tested = table[table[group].isin(counts.index)]
    if tested["suppressed"].any():
        return TestResult("withheld", np.nan, np.nan)
    return independence_test(counts.to_numpy())


def several_flags(view: str, columns, filt: str | None = None):
    """Share of 'yes' for several yes/no columns (one bar each)."""
    def build(ed) -> ChartData:
        df = frame(ed, view)
        if filt:
            df = df.query(filt, engine="python")
        parts = []
        for col in columns:
            t = share_table(df, col, categories=[True, False])
            t = t[t["category"] == True]  # noqa: E712
            parts.append(t.assign(category=col))
        table = pd.concat(parts, ignore_index=True)
        table = protect(table, threshold=ed.threshold)
        table["label"] = [i18n.variable_label(c, ed.lang) for c in table["category"]]
        return ChartData(table)
    return build


def respondent_shares(units: pd.DataFrame, answers: pd.DataFrame, key: str, column: str, categories) -> pd.DataFrame:
    """Respondents naming each category of a multi-answer question, with the record keys of the cells.

    ``units``: the respondents (column ``key`` and their record key ``rkey``); ``answers``: one
    row per (respondent, answer). The result is a share table ready for :func:`protect`.
    """
    units = units.drop_duplicates(key)
    named = answers[answers[key].isin(set(units[key]))].drop_duplicates([key, column])
    named = named[[key, column]].merge(units[[key, "rkey"]], on=key)
    cells = named.groupby(column)["rkey"].agg(["size", "sum"])
    base, base_key = len(units), int(units["rkey"].sum())
    rows = []
    for cat in categories:
        k, k_key = (int(cells.at[cat, "size"]), int(cells.at[cat, "sum"])) if cat in cells.index else (0, 0)
        rows.append({"category": cat, "n": k, "base_n": base, "share": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                     "n_key": k_key, "base_key": base_key})
    return pd.DataFrame(rows)


def multi_answer(sources):
    """Share of respondents naming each obstacle, one series per source.

    ``sources``: list of (series code, units view, unit key, answers view, answer column).
    """
    def build(ed) -> ChartData:
        parts = [respondent_shares(ed.views[units_view], ed.views[answers_view], key, column, C.OBSTACLES)
                 .assign(source=code)
                 for code, units_view, key, answers_view, column in sources if units_view in ed.views]
        table = protect(pd.concat(parts, ignore_index=True), threshold=ed.threshold)
        table["label"] = [ed.label("obstacle", c) for c in table["category"]]
        table["series"] = [i18n.text(f"series_{s}", ed.lang) for s in table["source"]]
        return ChartData(table, hue_col="series" if len(parts) > 1 else None, group="source")
    return build


def expectations_top3(ed) -> ChartData:
    table = respondent_shares(ed.views["mentees"], ed.views["expectations"], "mentee_id",
                              "expectation", C.EXPECTATIONS)
    table = protect(table, threshold=ed.threshold)
    table = table.sort_values("share", ascending=False, kind="stable", na_position="last")
    return ChartData(_labelled(ed, table, "expectation"))


def social_problems(ed) -> ChartData:
    """Social problems named by mentors, as shares of all mentions (the report's pie)."""
    if "mentor_survey_problems" not in ed.views:
        return ChartData(pd.DataFrame())
    table = share_table(ed.views["mentor_survey_problems"], "problem", categories=list(C.SOCIAL_PROBLEMS))
    table = protect(table, threshold=ed.threshold)
    return ChartData(_labelled(ed, table, "social_problem"))


def sib_comparison(ed) -> ChartData:
    """DUO cohorts against the control group, per cohort and pooled, with differences.

    Shares, differences, intervals and tests all come from the published (protected) counts.
    """
    if "sib_participants" not in ed.views or "sib_control_units" not in ed.views:
        return ChartData(pd.DataFrame())
    duo = ed.views["sib_participants"]
    ctl = ed.views["sib_control_units"]
    rows, diffs = [], []
    cohorts = sorted(set(duo["cohort"].dropna().astype(int)) & set(ctl["cohort"].dropna().astype(int)))
    for cohort in cohorts + (["pooled"] if len(cohorts) > 1 else []):
        published = {}
        for group, units in (("duo", duo), ("control", ctl)):
            part = units if cohort == "pooled" else units[units["cohort"] == cohort]
            t = protect(share_table(part, "employed_within_1y", categories=[True, False]), threshold=ed.threshold)
            published[group] = t
            rows.append(t[t["category"] == True].assign(cohort=str(cohort), group=group))  # noqa: E712
        (k1, f1, n1), (k2, f2, n2) = [(t["n"].iloc[0], t["n"].iloc[1], t["base_n"].iloc[0])
                                      for t in (published["duo"], published["control"])]
        shown = not any(t["suppressed"].any() for t in published.values())
        diff = difference_in_proportions(int(min(k1, n1)), int(n1), int(min(k2, n2)), int(n2)) if shown else None
        diffs.append({"cohort": str(cohort), "duo_n": n1, "control_n": n2,
                      "difference": diff.estimate if diff else np.nan, "ci_low": diff.ci_low if diff else np.nan,
                      "ci_high": diff.ci_high if diff else np.nan, "test": diff.test.method if diff else "withheld",
                      "p_value": diff.test.p_value if diff else np.nan})
    if not rows:
        return ChartData(pd.DataFrame())
    table = pd.concat(rows, ignore_index=True)
    table["key"] = table["cohort"] + "_" + table["group"]
    table["label"] = [ed.t("pooled") if c == "pooled" else f"{ed.t('cohort')} {c}" for c in table["cohort"]]
    table["series"] = [ed.label("sib_group", g) for g in table["group"]]
    return ChartData(table, hue_col="series", extra=pd.DataFrame(diffs), group="key")


def context_chart(chart: str, series_from: str, label_from: str, indicator_list: str | None = None):
    """A labour-market chart of the context chapter, from data/context (published aggregates)."""
    def build(ed) -> ChartData:
        ctx = reference.labour_market()
        table = ctx[ctx["chart"] == chart].copy()
        table["share"] = table["value"].astype(float)
        table["suppressed"] = False
        table["label"] = [ed.label("context_" + label_from, c) for c in table[label_from]]
        table["series"] = [ed.label("context_" + series_from, c) for c in table[series_from]]
        return ChartData(table, hue_col="series", source="context", intervals=False, group=series_from)
    return build


def outcome_by(group: str, group_list: str, groups=None, filt=None):
    return by_group("mentees", "outcome_18m", "outcome", group, group_list, C.OUTCOME_STATUSES, groups, filt)


def gender_against_baseline(ed) -> ChartData:
    """Outcomes by gender, with the work share set against the employment rate of
    non-EU-born men and women in Belgium (labour force survey, cited by the report)."""
    data = outcome_by("gender", "gender", ["male", "female"])(ed)
    ctx = reference.labour_market()
    base = ctx[ctx["chart"] == "employment_non_eu_born_by_gender"]
    rows = []
    for gender, sex in (("male", "men"), ("female", "women")):
        cell = data.table[(data.table["gender"] == gender) & (data.table["category"] == "work")]
        share = float(cell["share"].iloc[0]) if len(cell) else np.nan
        row = {ed.t("category"): ed.label("gender", gender),
               ed.t("duo_work_18m"): ed.t("suppressed") if np.isnan(share) else i18n.format_percent(share, ed.lang)}
        for origin in ("non_eu", "non_eu_newcomer"):
            ref = base[(base["origin"] == origin) & (base["breakdown_value"] == sex)]["value"].astype(float)
            label = ed.label("context_origin", origin)
            row[label] = i18n.format_percent(float(ref.iloc[0]), ed.lang, 1) if len(ref) else ""
            if origin == "non_eu" and len(ref) and not np.isnan(share):
                row[ed.t("difference")] = f"{i18n.format_number(share - float(ref.iloc[0]), ed.lang, 1)} {ed.t('points')}"
        rows.append(row)
    data.extra = pd.DataFrame(rows)
    return data


def followups_long(views) -> pd.DataFrame:
    """One row per mentee and follow-up moment (6 and 18 months) with the status then."""
    m = views["mentees"]
    return pd.concat([pd.DataFrame({"followup": 6, "status": m["outcome_6m"], "rkey": m["rkey"]}),
                      pd.DataFrame({"followup": 18, "status": m["outcome_18m"], "rkey": m["rkey"]})], ignore_index=True)


outcomes_6_18 = by_group(followups_long, "status", "outcome", "followup", "followup_months", C.OUTCOME_STATUSES, [6, 18])

NATIONALITY_GROUPS = ("foreign", "international_protection", "family_reunification", "belgian",
                      "belgian_born_in_belgium")


def nationality_frame(views) -> pd.DataFrame:
    """Mentees stacked by overlapping nationality / reason-of-stay groups, as in the report."""
    m = views["mentees"]
    parts = {
        "foreign": m[m["nationality_status"] == "foreign"],
        "international_protection": m[m["reason_of_stay"] == "international_protection"],
        "family_reunification": m[m["reason_of_stay"] == "family_reunification"],
        "belgian": m[m["nationality_status"] != "foreign"],
        "belgian_born_in_belgium": m[(m["nationality_status"] != "foreign") & m["born_in_belgium"]],
    }
    return pd.concat([parts[g].assign(nat_outcome_group=g) for g in NATIONALITY_GROUPS], ignore_index=True)


def nationality_groups(ed) -> ChartData:
    """Outcomes after 18 months by nationality and reason of stay (overlapping groups, as in the report)."""
    data = by_group(nationality_frame, "outcome_18m", "outcome", "nat_outcome_group", "nat_outcome_group",
                    C.OUTCOME_STATUSES, list(NATIONALITY_GROUPS))(ed)
    # the groups overlap, so a test of independence across them would be invalid:
    # test international protection against family reunification only
    df = nationality_frame(ed.views)
    sub = df[df["nat_outcome_group"].isin(["international_protection", "family_reunification"])]
    counts = pd.crosstab(sub["nat_outcome_group"], sub["outcome_18m"])
    data.test = guarded_test(counts, data.table, "nat_outcome_group") if counts.shape[1] > 1 else None
    return data


def top_countries(ed, top: int = 12) -> ChartData:
    m = ed.views["mentees"]
    table = protect(share_table(m, "origin_country"), threshold=ed.threshold)
    # the order a reader sees is the order of the published counts
    table = table.sort_values(["n", "category"], ascending=[False, True], kind="stable", na_position="last").head(top)
    table["label"] = [i18n.country_label(c, ed.lang) for c in table["category"]]
    return ChartData(table)
