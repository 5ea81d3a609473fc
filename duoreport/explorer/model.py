"""What a reader of the explorer may ask: measures, dimensions, the query and what it returns."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd

from .. import i18n
from ..data import contract as C
from ..data.programme import default_programme
from ..data.views import AGE_BANDS, EDUCATION_GROUP_ORDER
from ..settings import DEFAULT_THRESHOLD
from ..stats.shares import TestResult


# the report's intake years and the default programme's antennas; values found in the data are added
INTAKE_YEARS = tuple(range(C.PROGRAMME_START.year, 2018))

DIMENSIONS = (
    ("gender", C.GENDERS),
    ("age_band", AGE_BANDS),
    ("nationality_status", C.NATIONALITY_STATUSES),
    ("reason_of_stay", C.REASONS_OF_STAY),
    ("education_group", EDUCATION_GROUP_ORDER),
    ("foreign_diploma_level", C.FOREIGN_DIPLOMA_LEVELS),
    ("years_in_belgium", C.YEARS_IN_BELGIUM),
    ("antenna", default_programme().codes),
    ("intake_year", INTAKE_YEARS),
    ("sib_cohort", C.SIB_COHORTS),
)
"""Split and filter dimensions: (column of the mentees view, its codes in display order).
Values found in the data but not in the code list are appended (later intake years)."""

YES_NO = (True, False)
MEASURES = (
    ("outcome_6m", C.OUTCOME_STATUSES),
    ("outcome_18m", C.OUTCOME_STATUSES),
    ("has_children", YES_NO),
    ("single_parent", YES_NO),
    ("civil_status", C.CIVIL_STATUSES),
    ("driving_licence", YES_NO),
    ("income_source", C.INCOME_SOURCES),
    ("work_experience_belgium", YES_NO),
    ("work_experience_abroad", YES_NO),
    ("housing_problem", YES_NO),
)
"""Measures: (column of the mentees view, its categories in display order). Shares are taken
over the people whose value is known, as everywhere in the book."""

DIMENSION_CODES = dict(DIMENSIONS)
MEASURE_CODES = dict(MEASURES)
MAX_SPLIT = 2
MAX_CONSTRAINTS = 4
VIEW = "mentees"


def _scalar(value) -> bool:
    return not isinstance(value, (list, tuple, set, frozenset, dict, np.ndarray, pd.Series, pd.Index))


def normalise_value(value):
    """A data value as a plain, hashable Python value; None when missing."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return int(value) if float(value).is_integer() else float(value)
    return value


def coded_values(series: pd.Series, codes) -> tuple:
    """A column as the explorer counts it: (domain, codes). The domain is the code list ``codes``,
    then every other value found, sorted as text (later intake years); each row's code is its
    value's index in the domain, -1 when missing. Values are normalised once per distinct value
    (:func:`normalise_value`), not once per row."""
    raw, uniques = pd.factorize(series, use_na_sentinel=True)
    values = [normalise_value(v) for v in uniques.tolist()]
    domain = list(codes)
    domain += sorted({v for v in values if v is not None and v not in domain}, key=str)
    index = {v: i for i, v in enumerate(domain)}
    # the last entry answers factorize's -1 (missing): lookup[-1] == -1
    lookup = np.array([index[v] if v is not None else -1 for v in values] + [-1], dtype=np.int64)
    return tuple(domain), lookup[raw]


@dataclass(frozen=True)
class Query:
    """One view of the explorer.

    ``measure``: a column of :data:`MEASURES`; ``split``: 0 to 2 columns of :data:`DIMENSIONS`;
    ``filters``: column of :data:`DIMENSIONS` -> the single value it must equal (there is no
    "all except" and no list of values); ``lang``: ``"nl"`` or ``"fr"``; ``threshold``: the
    smallest count shown.
    """

    measure: str
    split: tuple = ()
    filters: Mapping = field(default_factory=dict)
    lang: str = "nl"
    threshold: int = DEFAULT_THRESHOLD

    def __post_init__(self):
        split = (self.split,) if isinstance(self.split, str) else tuple(self.split or ())
        filters = dict(self.filters or {})
        if self.measure not in MEASURE_CODES:
            raise ValueError(f"unknown measure {self.measure!r}; choose one of {', '.join(MEASURE_CODES)}")
        if len(split) > MAX_SPLIT:
            raise ValueError(f"split by at most {MAX_SPLIT} dimensions, not {len(split)}")
        if len(set(split)) != len(split):
            raise ValueError(f"a dimension appears twice in the split {split}")
        for col in list(split) + list(filters):
            if col not in DIMENSION_CODES:
                raise ValueError(f"unknown dimension {col!r}; choose among {', '.join(DIMENSION_CODES)}")
        both = set(split) & set(filters)
        if both:
            raise ValueError(f"{', '.join(sorted(both))} is both split and filtered")
        for col, value in filters.items():
            if not _scalar(value) or normalise_value(value) is None:
                raise ValueError(f"the filter on {col!r} must be one value, not {value!r}")
        if len(split) + len(filters) > MAX_CONSTRAINTS:
            raise ValueError(f"at most {MAX_CONSTRAINTS} filters and splits together")
        if self.lang not in i18n.LANGUAGES:
            raise ValueError(f"unknown language {self.lang!r}")
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, numbers.Integral) or self.threshold < 1:
            raise ValueError(f"the threshold must be a whole number of at least 1, not {self.threshold!r}")
        object.__setattr__(self, "split", split)
        object.__setattr__(self, "filters", MappingProxyType(filters))
        object.__setattr__(self, "threshold", int(self.threshold))

    def __hash__(self):
        return hash((self.measure, self.split, tuple(sorted(self.filters.items(), key=str)), self.lang,
                     self.threshold))


@dataclass
class Result:
    """What one query publishes.

    ``table``: one row per split group (every code of the split dimensions, in code order,
    groups without anyone included) and category, with the split columns (codes), their
    ``<column>_label``, ``category``, ``category_label``, ``n``, ``base_n``, ``share``,
    ``ci_low``, ``ci_high`` (percent) and ``suppressed``; hidden values are NaN.
    ``base_n``: people in the filtered population whose measure is known (None when hidden).
    ``test``: None without a split (or with fewer than two groups that have people),
    ``TestResult("withheld", ...)`` when a tested cell is hidden or the population is
    withheld, else the chi-square / Fisher / permutation test of groups x categories.
    ``labels``: the texts of the view in ``query.lang``.
    """

    query: Query
    table: pd.DataFrame
    base_n: int | None
    base_suppressed: bool
    test: TestResult | None
    labels: dict

    @property
    def suppressed(self) -> bool:
        """True when the size of the population is withheld."""
        return self.base_suppressed
