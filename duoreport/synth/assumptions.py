"""What the report does not publish: every assumption of the synthetic generator.

Each constant here is a choice, not a published figure; ``data/synthetic/README.md`` lists them
for readers. Published numbers are read from ``data/published/figures.csv`` by
:func:`duoreport.synth.draw.pub`.
"""

from __future__ import annotations

from datetime import date

from ..data import contract as C
from ..data import reference
from ..data.programme import Antenna, Programme

SEED = 20181001
GENERATOR = "duoreport.synth"

# The programme the synthetic default describes, written to its dataset.yml: the report's
# period (data/published/report.yml) and four antennas opened one after the other (their
# opening dates are assumptions: the first day of their first intake year).
PROGRAMME = Programme(
    organisation="DUO for a JOB",
    antennas=(Antenna("brussels", "Brussel", "Bruxelles", date(2013, 9, 1)),
              Antenna("liege", "Luik", "Liège", date(2015, 1, 1)),
              Antenna("antwerp", "Antwerpen", "Anvers", date(2016, 1, 1)),
              Antenna("ghent", "Gent", "Gand", date(2017, 1, 1))),
    period_start=reference.report_period()[0],
    period_end=reference.report_period()[1],
    kind="synthetic",
)
ANTENNAS = PROGRAMME.codes

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
