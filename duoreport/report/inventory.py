"""The inventory: every chart of the report, its chapter, number and builder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..data import contract as C
from ..data.views import AGE_BANDS, EDUCATION_GROUP_ORDER
from .builders import (by_group, context_chart, distribution, expectations_top3, gender_against_baseline,
                       multi_answer, nationality_groups, outcome_by, outcomes_6_18, several_flags, sib_comparison,
                       social_problems, top_countries)

CHAPTERS = ("context", "profile", "obstacles", "impact")
CHAPTER_NUMBERS = {"context": 1, "profile": 2, "obstacles": 3, "impact": 4}


@dataclass(frozen=True)
class ChartDef:
    id: str
    chapter: str
    number: int
    build: Callable
    seed_line: int
    report_chart: str  # how the seed titles the chart (Dutch), for the inventory


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
    ChartDef("profile_countries", "profile", 5, top_countries, 665, "Belangrijkste landen van herkomst"),
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
    ChartDef("obstacles_housing_permit", "obstacles", 5,
             by_group("mentees", "housing_problem", "boolean", "temporary_permit", "boolean", YES_NO, [True, False],
                      FOREIGN, only=True), 2242, "Huisvestingsproblemen volgens verblijfsvergunning"),
    ChartDef("obstacles_housing", "obstacles", 6,
             several_flags("mentees", [f"hp_{p}" for p in C.HOUSING_PROBLEMS]), 2243, "Huisvestingsproblemen"),

    ChartDef("impact_outcomes", "impact", 1, outcomes_6_18, 2479, "Resultaten na 6 en na 18 maanden"),
    ChartDef("impact_positive_types", "impact", 2,
             distribution("mentees", "positive_type_last", "positive_type", C.POSITIVE_TYPES,
                          "outcome_last in ['work', 'training']"), 2455, "Soorten positieve resultaten en contracten"),
    ChartDef("impact_internships", "impact", 3,
             several_flags("mentees", ["internship_led_to_contract_last"], "positive_type_last == 'entry_internship'"), 2506,
             "Stages die tot een contract leidden"),
    ChartDef("impact_gender", "impact", 4, gender_against_baseline, 2512,
             "Resultaten na 18 maanden volgens geslacht"),
    ChartDef("impact_nationality", "impact", 5, nationality_groups, 2526,
             "Resultaten volgens nationaliteit en reden van verblijf"),
    ChartDef("impact_education", "impact", 6, outcome_by("education_group", "education_group", EDUCATION_GROUP_ORDER),
             2587, "Resultaten volgens opleidingsniveau"),
    ChartDef("impact_years", "impact", 7, outcome_by("years_in_belgium", "years_in_belgium", list(C.YEARS_IN_BELGIUM)),
             2645, "Resultaten volgens aantal jaren in België"),
    ChartDef("impact_sib", "impact", 8, sib_comparison, 2686, "Social Impact Bond: cohorten tegenover de controlegroep"),
]
CHARTS_BY_ID = {c.id: c for c in CHARTS}


def chapter_charts(chapter: str) -> list:
    return [c for c in CHARTS if c.chapter == chapter]
