"""The report's charts and tables, computed for one edition (intake year, antenna, language).

Every chart of the report is a :class:`ChartDef` in :data:`CHARTS` (the inventory).
A chapter notebook builds an :class:`Edition`, then shows each of its charts with
:meth:`Edition.chart`; the figures, tables and key numbers are glued for the book.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np
import pandas as pd

from . import contract as C
from . import i18n
from .audit import load_figures, recompute
from .disclosure import DEFAULT_THRESHOLD, suppress
from .loading import load_dataset
from .stats import TestResult, crosstab_counts, difference_in_proportions, independence_test, share_table
from .views import AGE_BANDS, EDUCATION_GROUP_ORDER, build_views

if TYPE_CHECKING:
    from .render import RenderedChart

CHAPTERS = ("context", "profile", "obstacles", "impact")
CHAPTER_NUMBERS = {"context": 1, "profile": 2, "obstacles": 3, "impact": 4}
CONTEXT_CSV = C.REPO_ROOT / "data" / "context" / "labour_market.csv"
ALL = "all"


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


@dataclass(frozen=True)
class ChartDef:
    id: str
    chapter: str
    number: int
    build: Callable
    seed_line: int
    report_chart: str  # how the seed titles the chart (Dutch), for the inventory


# --- the edition -------------------------------------------------------------

@dataclass
class Edition:
    data_dir: Path | str | None = None
    year: object = ALL
    antenna: str = ALL
    lang: str = "nl"
    threshold: int = DEFAULT_THRESHOLD
    views: dict = field(init=False)
    dataset: object = field(init=False)
    suppressed_cells: set = field(init=False, default_factory=set)

    def __post_init__(self):
        if self.lang not in i18n.LANGUAGES:
            raise ValueError(f"lang must be one of {i18n.LANGUAGES}, not {self.lang!r}")
        if self.antenna != ALL and self.antenna not in C.ANTENNAS:
            raise ValueError(f"antenna must be 'all' or one of {C.ANTENNAS}, not {self.antenna!r}")
        if self.year not in (ALL, None):
            self.year = int(self.year)
        else:
            self.year = ALL
        self.data_dir = Path(self.data_dir) if self.data_dir else C.REPO_ROOT / "data" / "synthetic"
        self.dataset = load_dataset(self.data_dir)
        self.views = restrict(build_views(self.dataset), self.year, self.antenna)

    @property
    def synthetic(self) -> bool:
        return self.dataset.synthetic

    @property
    def n_mentees(self) -> int:
        return len(self.views["mentees"])

    def label(self, code_list, code) -> str:
        return i18n.label(code_list, code, self.lang)

    def t(self, key, **fmt) -> str:
        return i18n.text(key, self.lang, **{"threshold": self.threshold, **fmt})

    def chart(self, chart_id: str) -> "RenderedChart":
        from .render import render_chart

        return render_chart(self, CHARTS_BY_ID[chart_id])

    def key_numbers(self, chapter: str) -> dict:
        """The chapter's published figures recomputed on this edition: id -> (value, base_n, shown)."""
        if chapter == "context":
            return self.context_numbers()
        figures = load_figures()
        chapters = {chapter, "method"} if chapter == "profile" else {chapter}
        out = {}
        for fig in figures[figures["chapter"].isin(chapters)].to_dict("records"):
            if fig["view"] not in self.views:
                continue
            value, base = recompute(fig, self.views)
            out[fig["id"]] = (value, base, self.format_figure(fig, value, base))
        return out

    def context_numbers(self) -> dict:
        """External figures cited in the context chapter (published aggregates, no base n)."""
        ctx = pd.read_csv(CONTEXT_CSV, keep_default_na=False)
        out = {}
        for row in ctx.to_dict("records"):
            value = float(row["value"])
            if row["unit"] == "percent":
                shown = i18n.format_percent(value, self.lang, 0 if value.is_integer() else 1)
            elif row["unit"] == "count":
                shown = i18n.format_count(int(value), self.lang)
            else:
                shown = i18n.format_number(value, self.lang, 0 if value.is_integer() else 1)
            out[row["id"]] = (value, 0, shown)
        return out

    def format_figure(self, fig: dict, value: float, base: int) -> str:
        if np.isnan(value):
            return self.t("suppressed")
        unit = fig["unit"]
        if unit == "rank":
            return i18n.format_count(int(value), self.lang)
        if unit in ("count", "count_min"):
            if value < self.threshold:
                return self.t("suppressed")
            return i18n.format_count(int(value), self.lang)
        k = round(value * base / 100)
        if base < self.threshold or k < self.threshold or base - k < self.threshold:
            return self.t("suppressed")
        # a number the prose shows must not reveal a cell that a chart suppressed
        if any((fig["variable"], c.lower()) in self.suppressed_cells for c in fig["category"].split("|")):
            return self.t("suppressed")
        decimals = 2 if not float(fig["value"]).is_integer() and fig["value"] * 100 % 100 else 0
        return i18n.format_percent(value, self.lang, decimals)


def restrict(views: dict, year, antenna) -> dict:
    """Views limited to the mentees of one intake year and/or antenna."""
    if year == ALL and antenna == ALL:
        return views
    m = views["mentees"]
    keep = pd.Series(True, index=m.index)
    if year != ALL:
        keep &= m["intake_year"] == year
    if antenna != ALL:
        keep &= m["antenna"] == antenna
    m = m[keep]
    ids = set(m["mentee_id"])
    out = dict(views)
    out["mentees"] = m
    for name in ("duos", "intake_obstacles", "expectations", "sib_participants"):
        if name in out:
            out[name] = out[name][out[name]["mentee_id"].isin(ids)]
    duo_ids = set(out["duos"]["duo_id"])
    if "mentor_survey" in out:
        survey = out["mentor_survey"][out["mentor_survey"]["duo_id"].isin(duo_ids)]
        out["mentor_survey"] = survey
        problems = out["mentor_survey_problems"]
        out["mentor_survey_problems"] = problems[problems["response_id"].isin(survey["response_id"])]
    if "alumni_survey" in out:
        alumni = out["alumni_survey"][out["alumni_survey"]["mentee_id"].isin(ids)]
        out["alumni_survey"] = alumni
        obstacles = out["alumni_obstacles"]
        out["alumni_obstacles"] = obstacles[obstacles["response_id"].isin(alumni["response_id"])]
    mentors = set(out["duos"]["mentor_id"])
    out["mentors"] = out["mentors"][out["mentors"]["mentor_id"].isin(mentors)]
    if "sib_control_units" in out:
        control = out["sib_control_units"]
        if antenna not in (ALL, "brussels"):
            control = control.iloc[0:0]  # the SIB ran in Brussels only
        elif year != ALL:
            control = control[control["cohort"] == year]
        out["sib_control_units"] = control
    return out


# --- builders ------------------------------------------------------------------

def _labelled(ed: Edition, table: pd.DataFrame, code_list: str, col: str = "category", to: str = "label"):
    table[to] = [ed.label(code_list, c) for c in table[col]]
    return table


def distribution(view: str, variable: str, code_list: str, categories=None, filt: str | None = None):
    """Share of each category of one variable."""
    def build(ed: Edition) -> ChartData:
        df = ed.views[view]
        if filt:
            df = df.query(filt, engine="python")
        cats = list(categories) if categories is not None else None
        table = suppress(share_table(df, variable, categories=cats), threshold=ed.threshold)
        return ChartData(_labelled(ed, table, code_list), variable=variable)
    return build


def by_group(view: str, variable: str, code_list: str, group: str, group_list: str, categories,
             groups=None, filt: str | None = None, only=None):
    """Shares of a variable within groups; bars per group, one series per category.

    ``only`` keeps a single category (e.g. True for yes/no variables) after suppression.
    """
    def build(ed: Edition) -> ChartData:
        df = ed.views[view]
        if filt:
            df = df.query(filt, engine="python")
        df = df[df[group].notna()]
        if groups is not None:
            df = df[df[group].isin(groups)]
        raw = share_table(df, variable, by=[group], categories=list(categories))
        if groups is not None:
            order = {g: i for i, g in enumerate(groups)}
            raw = raw.sort_values(group, key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
        table = suppress(raw, by=[group], threshold=ed.threshold)
        withheld = table.groupby(group, sort=False)["base_n"].apply(lambda s: s.isna().all())
        counts = crosstab_counts(raw, group)
        counts = counts.loc[[g for g in counts.index if not withheld.get(g, True)]]
        test = guarded_test(counts, table, group)
        table["label"] = [ed.label(group_list, g) for g in table[group]]
        table["series"] = [ed.label(code_list, c) for c in table["category"]]
        if only is not None:
            table = table[table["category"] == only]
            return ChartData(table, test=test, variable=variable)
        return ChartData(table, hue_col="series", test=test, variable=variable)
    return build


def guarded_test(counts: pd.DataFrame, table: pd.DataFrame, group: str):
    """The independence test, unless a suppressed cell enters it.

    A test statistic is a function of every cell, so publishing it next to suppressed
    cells could let a reader solve for them; such a test is withheld.
    """
    if len(counts) < 2:
        return None
    tested = table[table[group].isin(counts.index)]
    if tested["suppressed"].any():
        return TestResult("withheld", np.nan, np.nan)
    return independence_test(counts.to_numpy())


def several_flags(view: str, columns, filt: str | None = None):
    """Share of 'yes' for several yes/no columns (one bar each)."""
    def build(ed: Edition) -> ChartData:
        df = ed.views[view]
        if filt:
            df = df.query(filt, engine="python")
        parts = []
        for col in columns:
            t = share_table(df, col, categories=[True, False])
            t = t[t["category"] == True]  # noqa: E712
            parts.append(t.assign(category=col))
        table = pd.concat(parts, ignore_index=True)
        table = suppress(table.assign(flag=table["category"]), by=["flag"], threshold=ed.threshold)
        table["label"] = [i18n.variable_label(c, ed.lang) for c in table["category"]]
        return ChartData(table)
    return build


def respondent_shares(units: pd.Series, answers: pd.DataFrame, key: str, column: str, categories) -> pd.DataFrame:
    """Share of respondents naming each category of a multi-answer question (Wilson intervals)."""
    from .stats import wilson_interval

    answers = answers[answers[key].isin(set(units))]
    base = units.nunique()
    counts = answers.groupby(column)[key].nunique()
    rows = []
    for cat in categories:
        k = int(counts.get(cat, 0))
        lo, hi = wilson_interval(k, base)
        rows.append({"category": cat, "n": k, "base_n": base, "share": 100 * k / base if base else np.nan,
                     "ci_low": 100 * lo, "ci_high": 100 * hi})
    return pd.DataFrame(rows)


def multi_answer(sources):
    """Share of respondents naming each obstacle, one series per source.

    ``sources``: list of (series code, units view, unit key, answers view, answer column).
    """
    def build(ed: Edition) -> ChartData:
        parts = [respondent_shares(ed.views[units_view][key], ed.views[answers_view], key, column, C.OBSTACLES)
                 .assign(source=code)
                 for code, units_view, key, answers_view, column in sources if units_view in ed.views]
        table = suppress(pd.concat(parts, ignore_index=True), by=["source"], threshold=ed.threshold)
        table["label"] = [ed.label("obstacle", c) for c in table["category"]]
        table["series"] = [i18n.text(f"series_{s}", ed.lang) for s in table["source"]]
        return ChartData(table, hue_col="series" if len(parts) > 1 else None)
    return build


def expectations_top3(ed: Edition) -> ChartData:
    table = respondent_shares(ed.views["mentees"]["mentee_id"], ed.views["expectations"], "mentee_id",
                              "expectation", C.EXPECTATIONS)
    table = suppress(table.assign(g="all"), by=["g"], threshold=ed.threshold)
    table = table.sort_values("share", ascending=False, kind="stable", na_position="last")
    return ChartData(_labelled(ed, table, "expectation"))


def social_problems(ed: Edition) -> ChartData:
    """Social problems named by mentors, as shares of all mentions (the report's pie)."""
    if "mentor_survey_problems" not in ed.views:
        return ChartData(pd.DataFrame())
    table = share_table(ed.views["mentor_survey_problems"], "problem", categories=list(C.SOCIAL_PROBLEMS))
    table = suppress(table, threshold=ed.threshold)
    return ChartData(_labelled(ed, table, "social_problem"))


def sib_comparison(ed: Edition) -> ChartData:
    """DUO cohorts against the control group, per cohort and pooled, with differences."""
    if "sib_participants" not in ed.views or "sib_control_units" not in ed.views:
        return ChartData(pd.DataFrame())
    duo = ed.views["sib_participants"]
    ctl = ed.views["sib_control_units"]
    rows, diffs = [], []
    cohorts = sorted(set(duo["cohort"].dropna().astype(int)) & set(ctl["cohort"].dropna().astype(int)))
    for cohort in cohorts + (["pooled"] if len(cohorts) > 1 else []):
        d = duo if cohort == "pooled" else duo[duo["cohort"] == cohort]
        c = ctl if cohort == "pooled" else ctl[ctl["cohort"] == cohort]
        k1, n1 = int(d["employed_within_1y"].sum()), len(d)
        k2, n2 = int(c["employed_within_1y"].sum()), len(c)
        for group, k, n in (("duo", k1, n1), ("control", k2, n2)):
            t = share_table(pd.DataFrame({"e": [True] * k + [False] * (n - k)}), "e", categories=[True, False])
            t = t[t["category"] == True].assign(cohort=str(cohort), group=group)  # noqa: E712
            rows.append(t)
        diff = difference_in_proportions(k1, n1, k2, n2)
        diffs.append({"cohort": str(cohort), "duo_n": n1, "duo_k": k1, "control_n": n2, "control_k": k2,
                      "difference": diff.estimate, "ci_low": diff.ci_low, "ci_high": diff.ci_high,
                      "test": diff.test.method, "p_value": diff.test.p_value})
    if not rows:
        return ChartData(pd.DataFrame())
    table = pd.concat(rows, ignore_index=True)
    table = suppress(table.assign(key=table["cohort"] + "_" + table["group"]), by=["key"], threshold=ed.threshold)
    table["label"] = [ed.t("pooled") if c == "pooled" else f"{ed.t('cohort')} {c}" for c in table["cohort"]]
    table["series"] = [ed.label("sib_group", g) for g in table["group"]]
    extra = pd.DataFrame(diffs)
    small = (extra[["duo_k", "control_k"]] < ed.threshold).any(axis=1) | (
        (extra["duo_n"] - extra["duo_k"]) < ed.threshold) | ((extra["control_n"] - extra["control_k"]) < ed.threshold)
    extra.loc[small, ["difference", "ci_low", "ci_high", "p_value"]] = np.nan
    return ChartData(table, hue_col="series", extra=extra.drop(columns=["duo_k", "control_k"]))


def context_chart(chart: str, series_from: str, label_from: str, indicator_list: str | None = None):
    """A labour-market chart of the context chapter, from data/context (published aggregates)."""
    def build(ed: Edition) -> ChartData:
        ctx = pd.read_csv(CONTEXT_CSV, keep_default_na=False)
        table = ctx[ctx["chart"] == chart].copy()
        table["share"] = table["value"].astype(float)
        table["suppressed"] = False
        table["label"] = [ed.label("context_" + label_from, c) for c in table[label_from]]
        table["series"] = [ed.label("context_" + series_from, c) for c in table[series_from]]
        return ChartData(table, hue_col="series", source="context", intervals=False)
    return build


def outcome_by(group: str, group_list: str, groups=None, filt=None):
    return by_group("mentees", "outcome_18m", "outcome", group, group_list, C.OUTCOME_STATUSES, groups, filt)


def gender_against_baseline(ed: Edition) -> ChartData:
    """Outcomes by gender, with the work share set against the employment rate of
    non-EU-born men and women in Belgium (labour force survey, cited by the report)."""
    data = outcome_by("gender", "gender", ["male", "female"])(ed)
    ctx = pd.read_csv(CONTEXT_CSV, keep_default_na=False)
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


def outcomes_6_18(ed: Edition) -> ChartData:
    m = ed.views["mentees"]
    long = pd.concat([pd.DataFrame({"followup": 6, "status": m["outcome_6m"]}),
                      pd.DataFrame({"followup": 18, "status": m["outcome_18m"]})], ignore_index=True)
    return by_group_frame(ed, long, "status", "outcome", "followup", "followup_months", C.OUTCOME_STATUSES, [6, 18])


def by_group_frame(ed, df, variable, code_list, group, group_list, categories, groups):
    views = dict(ed.views)
    views["_tmp"] = df
    tmp = Edition.__new__(Edition)
    tmp.__dict__.update(ed.__dict__)
    tmp.views = views
    return by_group("_tmp", variable, code_list, group, group_list, categories, groups)(tmp)


def nationality_groups(ed: Edition) -> ChartData:
    """Outcomes after 18 months by nationality and reason of stay (overlapping groups, as in the report)."""
    m = ed.views["mentees"]
    parts = [
        ("foreign", m[m["nationality_status"] == "foreign"]),
        ("international_protection", m[m["reason_of_stay"] == "international_protection"]),
        ("family_reunification", m[m["reason_of_stay"] == "family_reunification"]),
        ("belgian", m[m["nationality_status"] != "foreign"]),
        ("belgian_born_in_belgium", m[(m["nationality_status"] != "foreign") & m["born_in_belgium"]]),
    ]
    df = pd.concat([p.assign(nat_outcome_group=g) for g, p in parts], ignore_index=True)
    data = by_group_frame(ed, df, "outcome_18m", "outcome", "nat_outcome_group", "nat_outcome_group",
                          C.OUTCOME_STATUSES, [g for g, _ in parts])
    # the groups overlap, so a test of independence across them would be invalid:
    # test international protection against family reunification only
    sub = df[df["nat_outcome_group"].isin(["international_protection", "family_reunification"])]
    counts = pd.crosstab(sub["nat_outcome_group"], sub["outcome_18m"])
    data.test = guarded_test(counts, data.table, "nat_outcome_group") if counts.shape[1] > 1 else None
    return data


# --- the inventory ---------------------------------------------------------------

FOREIGN = "nationality_status == 'foreign'"
YES_NO = [True, False]

CHARTS = [
    ChartDef("context_participation_education", "context", 1,
             context_chart("participation_by_origin_education", "breakdown_value", "origin"), 380,
             "Arbeidsparticipatie volgens afkomst en opleidingsniveau (20-64 jaar, 2014)"),
    ChartDef("context_youth_participation", "context", 2,
             context_chart("youth_participation_unemployment", "indicator", "origin"), 399,
             "Arbeidsparticipatie en werkloosheidscijfers volgens afkomst (20-29 jaar, 2014)"),
    ChartDef("context_temp_agency", "context", 3,
             context_chart("temp_agency_share", "breakdown_value", "origin"), 455,
             "Aandeel werknemers in de uitzendsector volgens afkomst en leeftijdscategorie (2014)"),
    ChartDef("context_pay_level", "context", 4,
             context_chart("pay_level_by_origin", "breakdown_value", "origin"), 547,
             "Uitsplitsing van werknemers volgens salaris en afkomst (18-29 jaar, 2014)"),
    ChartDef("context_employment_gender", "context", 5,
             context_chart("employment_non_eu_born_by_gender", "breakdown_value", "origin"), 2558,
             "Arbeidsparticipatie van mannen en vrouwen geboren buiten de EU (in de tekst)"),

    ChartDef("profile_gender", "profile", 1, distribution("mentees", "gender", "gender", ["female", "male"]), 629, "Geslacht"),
    ChartDef("profile_age", "profile", 2, distribution("mentees", "age_band", "age_band", AGE_BANDS), 637, "Leeftijd"),
    ChartDef("profile_continent", "profile", 3,
             distribution("mentees", "continent", "continent", ["africa", "asia", "europe_non_eu", "americas"]), 664,
             "Nationaliteit en afkomst: continent"),
    ChartDef("profile_region", "profile", 4,
             distribution("mentees", "region", "region", ["maghreb", "sub_saharan_africa", "north_africa_other",
                                                          "middle_east", "asia_other", "eu_candidate", "europe_other",
                                                          "latin_america"]), 664,
             "Afkomst: Maghreb, Midden-Oosten en andere regio's"),
    ChartDef("profile_countries", "profile", 5, lambda ed: top_countries(ed), 665, "Belangrijkste landen van herkomst"),
    ChartDef("profile_nationality", "profile", 6,
             distribution("mentees", "nationality_status", "nationality_status", C.NATIONALITY_STATUSES), 669,
             "Nationaliteit en geboorteplaats"),
    ChartDef("profile_permits", "profile", 7,
             distribution("mentees", "residence_permit", "residence_permit", C.RESIDENCE_PERMITS[1:], FOREIGN), 683,
             "Verblijfsvergunningen"),
    ChartDef("profile_years", "profile", 8,
             distribution("mentees", "years_in_belgium", "years_in_belgium", C.YEARS_IN_BELGIUM), 696,
             "Aantal jaren in België"),
    ChartDef("profile_reason", "profile", 9,
             distribution("mentees", "reason_of_stay", "reason_of_stay", C.REASONS_OF_STAY[1:], FOREIGN), 713,
             "Reden van verblijf"),
    ChartDef("profile_civil_status", "profile", 10,
             distribution("mentees", "civil_status", "civil_status", C.CIVIL_STATUSES), 730, "Burgerlijke staat"),
    ChartDef("profile_children", "profile", 11,
             by_group("mentees", "has_children", "boolean", "gender", "gender", YES_NO, ["female", "male"], only=True), 732,
             "Kinderen volgens geslacht"),
    ChartDef("profile_education", "profile", 12,
             distribution("mentees", "education_level", "education_level", C.EDUCATION_LEVELS), 763, "Opleidingsniveau"),
    ChartDef("profile_foreign_diplomas", "profile", 13,
             distribution("mentees", "foreign_diploma_level", "foreign_diploma_level", C.FOREIGN_DIPLOMA_LEVELS,
                          "education_level in ['none', 'recognition_pending']"), 750,
             "Niet erkende diploma's: diploma uit het thuisland"),
    ChartDef("profile_driving_licence", "profile", 14,
             by_group("mentees", "driving_licence", "boolean", "education_group", "education_group", YES_NO,
                      EDUCATION_GROUP_ORDER, only=True), 758, "Rijbewijs (volgens opleidingsniveau)"),
    ChartDef("profile_it", "profile", 15,
             several_flags("mentees", ["it_office_skills", "it_internet_skills", "computer_at_home", "internet_at_home",
                                       "has_email"]), 791, "Informaticakennis en uitrusting"),
    ChartDef("profile_sectors", "profile", 16,
             distribution("mentees", "preferred_sector", "sector", C.SECTORS), 800, "Carrièreplannen: sectoren"),
    ChartDef("profile_work_abroad", "profile", 17,
             several_flags("mentees", ["work_experience_abroad"]), 810, "Beroepservaring in het buitenland"),
    ChartDef("profile_work_belgium_nationality", "profile", 18,
             by_group("mentees", "work_experience_belgium", "boolean", "nationality_status", "nationality_status", YES_NO,
                      C.NATIONALITY_STATUSES, only=True), 822, "Beroepservaring in België volgens nationaliteit"),
    ChartDef("profile_work_belgium_years", "profile", 19,
             by_group("mentees", "work_experience_belgium", "boolean", "years_in_belgium", "years_in_belgium", YES_NO,
                      list(reversed(C.YEARS_IN_BELGIUM)), only=True), 828,
             "Beroepservaring in België volgens verblijfsduur"),
    ChartDef("profile_income", "profile", 20,
             distribution("mentees", "income_source", "income_source", C.INCOME_SOURCES), 866,
             "Inkomstenbronnen van de jongeren"),

    ChartDef("obstacles_named", "obstacles", 1,
             multi_answer([("intake", "mentees", "mentee_id", "intake_obstacles", "obstacle"),
                           ("alumni", "alumni_survey", "response_id", "alumni_obstacles", "obstacle")]), 905,
             "Vastgestelde obstakels in de zoektocht naar werk (intake en alumni)"),
    ChartDef("obstacles_expectations", "obstacles", 2, expectations_top3, 970,
             "Verwachtingen van de jongeren ten aanzien van het mentoringprogramma"),
    ChartDef("obstacles_email", "obstacles", 3,
             distribution("mentees", "registration_channel", "registration_channel", C.REGISTRATION_CHANNELS), 1457,
             "Inschrijving en e-mailadres"),
    ChartDef("obstacles_social", "obstacles", 4, social_problems, 2100, "Problemen van sociale aard (mentoren)"),
    ChartDef("obstacles_housing", "obstacles", 5,
             several_flags("mentees", [f"hp_{p}" for p in C.HOUSING_PROBLEMS]), 2243, "Huisvestingsproblemen"),
    ChartDef("obstacles_housing_permit", "obstacles", 6,
             by_group("mentees", "housing_problem", "boolean", "temporary_permit", "boolean", YES_NO, [True, False],
                      FOREIGN, only=True), 2242, "Huisvestingsproblemen volgens verblijfsvergunning"),

    ChartDef("impact_outcomes", "impact", 1, outcomes_6_18, 2479, "Resultaten na 6 en na 18 maanden"),
    ChartDef("impact_gender", "impact", 2, gender_against_baseline, 2512,
             "Resultaten na 18 maanden volgens geslacht"),
    ChartDef("impact_nationality", "impact", 3, nationality_groups, 2526,
             "Resultaten volgens nationaliteit en reden van verblijf"),
    ChartDef("impact_education", "impact", 4, outcome_by("education_group", "education_group", EDUCATION_GROUP_ORDER),
             2587, "Resultaten volgens opleidingsniveau"),
    ChartDef("impact_years", "impact", 5, outcome_by("years_in_belgium", "years_in_belgium", list(C.YEARS_IN_BELGIUM)),
             2645, "Resultaten volgens aantal jaren in België"),
    ChartDef("impact_positive_types", "impact", 6,
             distribution("mentees", "positive_type_last", "positive_type", C.POSITIVE_TYPES,
                          "outcome_last in ['work', 'training']"), 2455, "Soorten positieve resultaten en contracten"),
    ChartDef("impact_internships", "impact", 7,
             several_flags("mentees", ["internship_led_to_contract_last"], "positive_type_last == 'entry_internship'"), 2506,
             "Stages die tot een contract leidden"),
    ChartDef("impact_sib", "impact", 8, sib_comparison, 2686, "Social Impact Bond: cohorten tegenover de controlegroep"),
]
CHARTS_BY_ID = {c.id: c for c in CHARTS}


def top_countries(ed: Edition, top: int = 12) -> ChartData:
    m = ed.views["mentees"]
    table = share_table(m, "origin_country")
    table = table.sort_values(["n", "category"], ascending=[False, True], kind="stable").head(top)
    table = suppress(table.assign(g="all"), by=["g"], threshold=ed.threshold)
    table["label"] = [i18n.country_label(c, ed.lang) for c in table["category"]]
    return ChartData(table)


def chapter_charts(chapter: str) -> list:
    return [c for c in CHARTS if c.chapter == chapter]
