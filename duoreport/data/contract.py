"""The data contract: the tables a CRM export must provide.

This module is the single source of truth. ``data/contract/datapackage.json``
(a Frictionless Data Package) and the researcher-facing page
``book/contract_tables.md`` are generated from it by ``duoreport contract``,
and a test checks that the committed copies are up to date.

Categories are stable, language-neutral codes; their Dutch and French labels
live in ``duoreport/i18n/locales/{nl,fr}.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from . import reference

# --- code lists -----------------------------------------------------------

GENDERS = ("female", "male", "other")
NATIONALITY_STATUSES = ("belgian_by_birth", "belgian_naturalised", "foreign")
RESIDENCE_PERMITS = (
    "not_applicable",  # Belgian nationals need no permit
    "a_card", "b_card", "c_card", "e_card", "f_card", "f_plus_card",
    "orange_card", "other",
)
TEMPORARY_PERMITS = ("a_card", "orange_card")
YEARS_IN_BELGIUM = ("lt1", "1to3", "3to5", "5to10", "ge10")
REASONS_OF_STAY = (
    "not_applicable", "international_protection", "family_reunification",
    "study", "other",
)
CIVIL_STATUSES = ("single", "married", "other")
EDUCATION_LEVELS = (
    "none", "recognition_pending", "primary", "lower_secondary",
    "upper_secondary_vocational", "upper_secondary_general",
    "higher_short", "higher_long",
)
FOREIGN_DIPLOMA_LEVELS = (
    "none", "primary", "lower_secondary", "upper_secondary", "higher",
)
REGISTRATION_CHANNELS = ("online", "phone", "in_person", "third_party")
SECTORS = (
    "commerce_distribution", "administration", "no_career_plan", "social",
    "health", "logistics", "hospitality", "construction", "ict",
    "education", "industry", "cleaning", "culture_media", "other",
)
INCOME_SOURCES = (
    "social_welfare", "unemployment_benefit", "partner_support",
    "no_income", "family_support", "work_income",
)
HOUSING_SITUATIONS = ("stable", "stable_with_problems", "no_fixed_home")
HOUSING_PROBLEMS = ("rent_too_high", "too_small", "unhealthy", "eviction_risk")
WORK_ABROAD_DURATIONS = ("lt2y", "ge2y")
DUO_STATUSES = ("completed", "stopped_early", "ongoing")
OUTCOME_STATUSES = ("work", "training", "jobseeker")
POSITIVE_TYPES = (
    "open_ended_contract", "fixed_term_over_1y", "fixed_term_3m_1y",
    "self_employed", "vocational_training", "entry_internship", "university",
)
WORK_TYPES = POSITIVE_TYPES[:4]
TRAINING_TYPES = POSITIVE_TYPES[4:]
OBSTACLES = (
    "language", "no_usable_experience", "finding_vacancies_applying",
    "discrimination", "job_search_tools", "labour_market_understanding",
    "skills_not_recognised", "no_relevant_network", "self_confidence",
    "transport_mobility", "administrative", "cultural_codes",
    "career_choice", "no_vacancies_for_skills", "childcare",
)
EXPECTATIONS = (
    "sector_mentor_experience", "support_advice", "job_search_understanding",
    "new_networks", "internships_trainings_info", "interview_practice",
    "cv_letter_help", "career_choice", "language_practice",
    "workplace_attitudes", "belgian_institutions", "belgian_culture_history",
)
SOCIAL_PROBLEMS = (
    "financial_debt", "administrative_legal", "housing", "physical_health",
    "mental_health", "childcare", "violence_against_women", "disability",
    "other",
)
SIB_COHORTS = (2014, 2015, 2016)
FOLLOWUP_MONTHS = (6, 18)

PROGRAMME_START = date(2013, 1, 1)  # the earliest date the contract accepts (DUO for a JOB began in 2013)
ANTENNAS_REFERENCE = "antennas"      # codes declared by the dataset's settings (duoreport.data.programme)
MENTEE_AGE = (18, 33)
MENTOR_AGE = (50, 90)

ID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"


# --- schema objects -------------------------------------------------------

@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | integer | number | boolean | date | code
    description: str
    required: bool = True
    codes: tuple | None = None
    minimum: object = None
    maximum: object = None
    pattern: str | None = None
    reference: str | None = None  # codes come from a reference table

    def frictionless(self) -> dict:
        ftype = {"code": "string"}.get(self.type, self.type)
        if self.type == "code" and self.codes and isinstance(self.codes[0], int):
            ftype = "integer"
        constraints: dict = {}
        if self.required:
            constraints["required"] = True
        if self.codes is not None:
            constraints["enum"] = list(self.codes)
        if self.minimum is not None:
            constraints["minimum"] = str(self.minimum) if isinstance(self.minimum, date) else self.minimum
        if self.maximum is not None:
            constraints["maximum"] = str(self.maximum) if isinstance(self.maximum, date) else self.maximum
        if self.pattern:
            constraints["pattern"] = self.pattern
        out = {"name": self.name, "type": ftype, "description": self.description}
        if ftype == "boolean":
            out["trueValues"] = list(TRUE_VALUES)
            out["falseValues"] = list(FALSE_VALUES)
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class Rule:
    """A rule over several columns of one row."""

    name: str
    description: str
    columns: tuple
    violated: object  # callable(DataFrame) -> boolean Series


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    fields: tuple
    primary_key: tuple
    foreign_keys: tuple = ()  # ((columns...), table, (columns...))
    required: bool = True
    rules: tuple = field(default_factory=tuple)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def column_names(self) -> tuple:
        return tuple(f.name for f in self.fields)


TRUE_VALUES = ("true", "1", "yes", "ja", "oui", "waar", "vrai")
FALSE_VALUES = ("false", "0", "no", "nee", "non", "onwaar", "faux")


def _code(name, codes, description, required=True):
    return Field(name, "code", description, required=required, codes=tuple(codes))


def _antenna(description):
    # the allowed codes are the antennas of the dataset's settings (dataset.yml): see bound_tables()
    return Field("antenna", "code", description, reference=ANTENNAS_REFERENCE)


def _bool(name, description, required=True):
    return Field(name, "boolean", description, required=required)


def _id(name, description):
    return Field(name, "string", description, pattern=ID_PATTERN)


def _is(col, values):
    return lambda df: df[col].isin(values)


MENTEES = Table(
    name="mentees",
    description="One row per young job-seeker (mentee) with intake data.",
    primary_key=("mentee_id",),
    fields=(
        _id("mentee_id", "Pseudonymous mentee identifier (never a name or national number)."),
        _antenna("Antenna that followed the mentee."),
        Field("intake_date", "date", "Date of the intake interview.", minimum=PROGRAMME_START),
        _code("gender", GENDERS, "Gender as recorded at intake."),
        Field("age_at_intake", "integer", "Age in whole years at intake.",
              minimum=MENTEE_AGE[0], maximum=MENTEE_AGE[1]),
        _code("nationality_status", NATIONALITY_STATUSES,
              "Belgian by birth, naturalised Belgian, or foreign national."),
        _bool("born_in_belgium", "Born in Belgium."),
        Field("origin_country", "code",
              "Country of origin (ISO 3166-1 alpha-2) of the mentee or, for Belgians, of the family.",
              reference="countries"),
        _code("residence_permit", RESIDENCE_PERMITS, "Residence permit (foreign nationals)."),
        _code("years_in_belgium", YEARS_IN_BELGIUM, "Years lived in Belgium at intake (band)."),
        _code("reason_of_stay", REASONS_OF_STAY, "Reason of stay (foreign nationals)."),
        _code("civil_status", CIVIL_STATUSES, "Civil status at intake."),
        _bool("has_children", "Has one or more children."),
        _bool("single_parent", "Single parent (only possible with children)."),
        _code("education_level", EDUCATION_LEVELS,
              "Highest diploma recognised in Belgium, or recognition pending."),
        _code("foreign_diploma_level", FOREIGN_DIPLOMA_LEVELS,
              "Highest diploma obtained abroad that is not (yet) recognised in Belgium."),
        _bool("illiterate", "Cannot read or write (as declared at intake)."),
        _bool("driving_licence", "Holds a driving licence."),
        _bool("it_office_skills", "Masters basic word processing and spreadsheets."),
        _bool("it_internet_skills", "Can use the internet."),
        _bool("computer_at_home", "Has access to a computer at home."),
        _bool("internet_at_home", "Has internet access at home."),
        _bool("has_email", "Has an e-mail address (the address itself is never exported)."),
        _code("registration_channel", REGISTRATION_CHANNELS, "How the mentee registered."),
        _code("preferred_sector", SECTORS, "Preferred sector of work."),
        _bool("work_experience_abroad", "Has work experience abroad."),
        _code("work_experience_abroad_duration", WORK_ABROAD_DURATIONS,
              "Duration of the work experience abroad.", required=False),
        Field("work_experience_abroad_relevant", "boolean",
              "Considers the experience abroad relevant for the career plan in Belgium.",
              required=False),
        _bool("work_experience_belgium", "Has work experience in Belgium."),
        _code("income_source", INCOME_SOURCES, "Main source of income at intake."),
        _code("housing_situation", HOUSING_SITUATIONS, "Housing situation at intake."),
    ),
    rules=(
        Rule("single_parent_needs_children", "single_parent is true only when has_children is true",
             ("single_parent", "has_children"),
             lambda df: df["single_parent"] & ~df["has_children"]),
        Rule("permit_matches_nationality",
             "residence_permit is not_applicable exactly when nationality_status is Belgian",
             ("residence_permit", "nationality_status"),
             lambda df: (df["residence_permit"] == "not_applicable")
             != (df["nationality_status"] != "foreign")),
        Rule("reason_matches_nationality",
             "reason_of_stay is not_applicable exactly when nationality_status is Belgian",
             ("reason_of_stay", "nationality_status"),
             lambda df: (df["reason_of_stay"] == "not_applicable")
             != (df["nationality_status"] != "foreign")),
        Rule("abroad_details_need_experience",
             "work_experience_abroad_duration and _relevant are filled exactly when "
             "work_experience_abroad is true",
             ("work_experience_abroad", "work_experience_abroad_duration",
              "work_experience_abroad_relevant"),
             lambda df: (df["work_experience_abroad_duration"].notna()
                         | df["work_experience_abroad_relevant"].notna())
             != df["work_experience_abroad"]),
        Rule("illiterate_has_no_diploma",
             "an illiterate mentee has education_level none",
             ("illiterate", "education_level"),
             lambda df: df["illiterate"] & (df["education_level"] != "none")),
    ),
)

MENTORS = Table(
    name="mentors",
    description="One row per volunteer mentor (aged 50 or more).",
    primary_key=("mentor_id",),
    fields=(
        _id("mentor_id", "Pseudonymous mentor identifier."),
        _antenna("Antenna of the mentor."),
        _code("gender", GENDERS, "Gender."),
        Field("age_at_start", "integer", "Age when the mentor joined.",
              minimum=MENTOR_AGE[0], maximum=MENTOR_AGE[1]),
        _code("sector", SECTORS[:2] + SECTORS[3:], "Sector of professional experience."),
    ),
)

DUOS = Table(
    name="duos",
    description="One row per mentoring duo (a mentee may have had more than one duo).",
    primary_key=("duo_id",),
    foreign_keys=((("mentee_id",), "mentees", ("mentee_id",)),
                  (("mentor_id",), "mentors", ("mentor_id",))),
    fields=(
        _id("duo_id", "Pseudonymous duo identifier."),
        _id("mentee_id", "The mentee (mentees.mentee_id)."),
        _id("mentor_id", "The mentor (mentors.mentor_id)."),
        Field("start_date", "date", "Start of the coaching.", minimum=PROGRAMME_START),
        Field("end_date", "date", "End of the coaching (empty while ongoing).",
              required=False, minimum=PROGRAMME_START),
        _code("status", DUO_STATUSES, "Completed, stopped early, or still ongoing."),
    ),
    rules=(
        Rule("end_after_start", "end_date is not before start_date",
             ("start_date", "end_date"),
             lambda df: df["end_date"].notna() & (df["end_date"] < df["start_date"])),
        Rule("ongoing_has_no_end", "end_date is empty exactly when status is ongoing",
             ("status", "end_date"),
             lambda df: df["end_date"].isna() != (df["status"] == "ongoing")),
    ),
)

OUTCOMES = Table(
    name="outcomes",
    description="Follow-up of each mentee 6 and 18 months after the start of the coaching.",
    primary_key=("mentee_id", "followup_months"),
    foreign_keys=((("mentee_id",), "mentees", ("mentee_id",)),),
    fields=(
        _id("mentee_id", "The mentee."),
        _code("followup_months", FOLLOWUP_MONTHS, "Months after the start of the coaching."),
        _code("status", OUTCOME_STATUSES, "Work, internship or training, or still job-seeker."),
        _code("positive_type", POSITIVE_TYPES,
              "Contract or training type of a positive outcome.", required=False),
        Field("internship_led_to_contract", "boolean",
              "For an entry internship: hired on a permanent contract by the host within 12 months.",
              required=False),
    ),
    rules=(
        Rule("type_matches_status",
             "positive_type is a work type for status work, a training type for status "
             "training, and empty for jobseeker",
             ("status", "positive_type"),
             lambda df: ~(((df["status"] == "work") & df["positive_type"].isin(WORK_TYPES))
                          | ((df["status"] == "training") & df["positive_type"].isin(TRAINING_TYPES))
                          | ((df["status"] == "jobseeker") & df["positive_type"].isna()))),
        Rule("internship_flag_only_for_internships",
             "internship_led_to_contract is filled exactly for entry internships",
             ("positive_type", "internship_led_to_contract"),
             lambda df: df["internship_led_to_contract"].notna()
             != (df["positive_type"] == "entry_internship")),
    ),
)

INTAKE_OBSTACLES = Table(
    name="intake_obstacles",
    description="Obstacles to finding work named by the mentee at intake (one row per mention).",
    primary_key=("mentee_id", "obstacle"),
    foreign_keys=((("mentee_id",), "mentees", ("mentee_id",)),),
    fields=(_id("mentee_id", "The mentee."),
            _code("obstacle", OBSTACLES, "Obstacle named.")),
)

EXPECTATIONS_TABLE = Table(
    name="expectations",
    description="The mentee's top-3 expectations of the programme, ranked at intake.",
    primary_key=("mentee_id", "rank"),
    foreign_keys=((("mentee_id",), "mentees", ("mentee_id",)),),
    fields=(_id("mentee_id", "The mentee."),
            Field("rank", "integer", "Rank given (1 = most important).", minimum=1, maximum=3),
            _code("expectation", EXPECTATIONS, "Expectation.")),
    rules=(Rule("expectation_once_per_mentee", "an expectation is ranked at most once per mentee",
                ("mentee_id", "expectation"),
                lambda df: df.duplicated(["mentee_id", "expectation"], keep=False)),),
)

HOUSING_PROBLEMS_TABLE = Table(
    name="housing_problems",
    description="Problems with their housing named by mentees who have a home (one row per mention).",
    primary_key=("mentee_id", "problem"),
    foreign_keys=((("mentee_id",), "mentees", ("mentee_id",)),),
    fields=(_id("mentee_id", "The mentee."),
            _code("problem", HOUSING_PROBLEMS, "Housing problem.")),
)

ALUMNI_SURVEY = Table(
    name="alumni_survey",
    description="Respondents to the alumni survey, some time after the coaching.",
    primary_key=("response_id",),
    foreign_keys=((("mentee_id",), "mentees", ("mentee_id",)),),
    required=False,
    fields=(_id("response_id", "Pseudonymous response identifier."),
            _id("mentee_id", "The former mentee.")),
)

ALUMNI_OBSTACLES = Table(
    name="alumni_obstacles",
    description="Obstacles named in the alumni survey (one row per mention).",
    primary_key=("response_id", "obstacle"),
    foreign_keys=((("response_id",), "alumni_survey", ("response_id",)),),
    required=False,
    fields=(_id("response_id", "The response."),
            _code("obstacle", OBSTACLES, "Obstacle named.")),
)

MENTOR_SURVEY = Table(
    name="mentor_survey",
    description="Mentors' end-of-coaching survey on social problems of their mentee.",
    primary_key=("response_id",),
    foreign_keys=((("duo_id",), "duos", ("duo_id",)),),
    required=False,
    fields=(_id("response_id", "Pseudonymous response identifier."),
            _id("duo_id", "The duo the mentor speaks about."),
            _bool("social_problems", "The job search was hindered by social problems.")),
)

MENTOR_SURVEY_PROBLEMS = Table(
    name="mentor_survey_problems",
    description="Social problems named by mentors (one row per mention).",
    primary_key=("response_id", "problem"),
    foreign_keys=((("response_id",), "mentor_survey", ("response_id",)),),
    required=False,
    fields=(_id("response_id", "The response."),
            _code("problem", SOCIAL_PROBLEMS, "Social problem.")),
)

SIB_PARTICIPANTS = Table(
    name="sib_participants",
    description="Mentees in the Social Impact Bond cohorts and the Observatory's one-year outcome.",
    primary_key=("mentee_id",),
    foreign_keys=((("mentee_id",), "mentees", ("mentee_id",)),),
    required=False,
    fields=(_id("mentee_id", "The mentee."),
            _code("cohort", SIB_COHORTS, "SIB cohort (year)."),
            _bool("employed_within_1y", "Integrated into work within one year (Observatory definition).")),
)

SIB_CONTROL = Table(
    name="sib_control",
    description="Aggregate control group of the SIB evaluation, one row per cohort "
                "(the Observatory publishes counts, not microdata).",
    primary_key=("cohort",),
    required=False,
    fields=(_code("cohort", SIB_COHORTS, "SIB cohort (year)."),
            Field("n", "integer", "Size of the control group.", minimum=1),
            Field("employed_within_1y", "integer", "Members integrated into work within one year.",
                  minimum=0)),
    rules=(Rule("employed_not_above_n", "employed_within_1y is not larger than n",
                ("n", "employed_within_1y"),
                lambda df: df["employed_within_1y"] > df["n"]),),
)

TABLES = (
    MENTEES, MENTORS, DUOS, OUTCOMES, INTAKE_OBSTACLES, EXPECTATIONS_TABLE,
    HOUSING_PROBLEMS_TABLE, ALUMNI_SURVEY, ALUMNI_OBSTACLES, MENTOR_SURVEY,
    MENTOR_SURVEY_PROBLEMS, SIB_PARTICIPANTS, SIB_CONTROL,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}

def reference_codes(name: str) -> tuple:
    if name == "countries":
        return tuple(reference.countries()["code"])
    raise KeyError(name)


def bound_tables(antenna_codes) -> tuple:
    """The tables with the allowed antenna codes of one dataset (from its settings).

    ``None`` (settings unusable) leaves the antenna columns unchecked text, so that the other
    problems of the export are still reported in the same run."""
    def bind(f: Field) -> Field:
        if f.reference != ANTENNAS_REFERENCE:
            return f
        if antenna_codes is None:
            return replace(f, type="string", reference=None)
        return replace(f, codes=tuple(antenna_codes), reference=None)

    return tuple(replace(t, fields=tuple(bind(f) for f in t.fields)) for t in TABLES)


def codes_of(f: Field) -> tuple | None:
    """The allowed codes of a field; None for a free field and for the antennas of an unbound
    table (they depend on the dataset: :func:`bound_tables`)."""
    if f.codes is not None:
        return f.codes
    if f.reference == ANTENNAS_REFERENCE:
        return None
    if f.reference:
        return reference_codes(f.reference)
    return None


def datapackage() -> dict:
    """The contract as a Frictionless Data Package descriptor."""
    resources = []
    for t in TABLES:
        fields = []
        for f in t.fields:
            if f.reference == ANTENNAS_REFERENCE:
                d = replace(f, reference=None).frictionless()
                d["description"] += " One of the antenna codes declared in the export's dataset.yml."
            else:
                d = Field(**{**f.__dict__, "codes": codes_of(f)}).frictionless()
            fields.append(d)
        schema: dict = {"fields": fields, "primaryKey": list(t.primary_key)}
        if t.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": list(cols), "reference": {"resource": ref, "fields": list(rcols)}}
                for cols, ref, rcols in t.foreign_keys
            ]
        resources.append({
            "name": t.name,
            "path": f"{t.name}.csv",
            "description": t.description,
            "required": t.required,
            "dialect": {"delimiter": ","},
            "encoding": "utf-8",
            "schema": schema,
            "rules": [{"name": r.name, "description": r.description} for r in t.rules],
        })
    return {
        "name": "duo-for-a-job-crm-export",
        "title": "DUO for a JOB CRM export (data contract)",
        "description": "Tables a CRM export provides to recompute the experience report. "
                       "Generated from duoreport/data/contract.py; do not edit by hand.",
        "resources": resources,
    }


def contract_markdown() -> str:
    """A page a researcher can read: every table, column, type and rule."""
    lines = [
        "<!-- Generated by `duoreport contract` from duoreport/data/contract.py; do not edit. -->",
        "",
    ]
    for t in TABLES:
        req = "required" if t.required else "optional"
        lines += [f"### `{t.name}` ({req})", "", t.description, "",
                  f"Primary key: `{', '.join(t.primary_key)}`.", ""]
        for cols, ref, rcols in t.foreign_keys:
            lines.append(f"Foreign key: `{', '.join(cols)}` → `{ref}.{', '.join(rcols)}`.")
        if t.foreign_keys:
            lines.append("")
        lines += ["| column | type | required | allowed values | meaning |",
                  "|---|---|---|---|---|"]
        for f in t.fields:
            allowed = ""
            if f.codes is not None:
                allowed = ", ".join(f"`{c}`" for c in f.codes)
            elif f.reference == ANTENNAS_REFERENCE:
                allowed = "an antenna `code` of the export's `dataset.yml`"
            elif f.reference:
                allowed = f"a code of `data/reference/{f.reference}.csv`"
            elif f.minimum is not None or f.maximum is not None:
                allowed = f"{f.minimum if f.minimum is not None else ''} … {f.maximum if f.maximum is not None else ''}"
            elif f.pattern:
                allowed = "letters, digits, `_`, `-` (max. 40)"
            lines.append(f"| `{f.name}` | {f.type} | {'yes' if f.required else 'no'} | {allowed} | {f.description} |")
        if t.rules:
            lines += ["", "Rules across columns:", ""]
            lines += [f"- `{r.name}`: {r.description}." for r in t.rules]
        lines.append("")
    return "\n".join(lines)
