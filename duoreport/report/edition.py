"""One edition of the report (an intake year and/or antenna, a language): its data and what it shows.

A chapter notebook opens an :class:`Edition`; :meth:`Edition.chapter_data` computes and protects
every chart of a chapter once, and the key numbers of the prose (:meth:`Edition.key_numbers`)
read the same decided cells, whatever order the cells of a notebook run in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import i18n
from ..data import reference
from ..data.views import dataset_and_views
from ..settings import DEFAULT_DATA, DEFAULT_THRESHOLD
from ..stats.figures import Recomputer
from .builders import ChartData
from .inventory import CHARTS_BY_ID, chapter_charts

ALL = "all"


@dataclass
class Edition:
    data_dir: Path | str | None = None
    year: object = ALL
    antenna: str = ALL
    lang: str = "nl"
    threshold: int = DEFAULT_THRESHOLD
    mapping: Path | str | None = None  # the import mapping, if not mapping.yml beside the export
    views: dict = field(init=False)
    dataset: object = field(init=False)
    _decided: dict = field(init=False, default_factory=dict, repr=False)
    _recomputer: object = field(init=False, default=None, repr=False)

    def __post_init__(self):
        if self.lang not in i18n.LANGUAGES:
            raise ValueError(f"lang must be one of {i18n.LANGUAGES}, not {self.lang!r}")
        if self.year not in (ALL, None):
            self.year = int(self.year)
        else:
            self.year = ALL
        self.data_dir = Path(self.data_dir) if self.data_dir else DEFAULT_DATA
        # loaded, checked and joined once per version of the data in this process (a kernel that
        # runs several notebooks of the same data reuses them)
        self.dataset, views = dataset_and_views(self.data_dir, self.mapping or None)
        codes = self.dataset.programme.codes
        if self.antenna != ALL and self.antenna not in codes:
            raise ValueError(f"antenna must be 'all' or one of {codes} (dataset.yml), not {self.antenna!r}")
        if self.year != ALL and self.year not in self.dataset.intake_years:
            raise ValueError(f"no intake in {self.year}: the intake years of the data are "
                             f"{', '.join(map(str, self.dataset.intake_years))}")
        i18n.use_programme(self.dataset.programme)
        self.views = restrict(views, self.year, self.antenna)

    @property
    def recompute(self) -> Recomputer:
        """Recomputes published figures on this edition's views, sharing the work between them."""
        if self._recomputer is None or self._recomputer.views is not self.views:
            self._recomputer = Recomputer(self.views)
        return self._recomputer

    @property
    def synthetic(self) -> bool:
        return self.dataset.synthetic

    @property
    def n_mentees(self) -> int:
        return len(self.views["mentees"])

    def scope(self) -> dict:
        """What the edition covers: its intake period in whole months, intake years and antennas."""
        m = self.views["mentees"]
        dates = pd.to_datetime(m["intake_date"]).dropna()
        start = dates.min().to_period("M").start_time.date().isoformat() if len(dates) else None
        end = dates.max().to_period("M").end_time.date().isoformat() if len(dates) else None
        programme = self.dataset.programme
        if self.year == ALL and self.antenna == ALL:  # the whole export: the programme's period, if declared
            start = programme.period_start.isoformat() if programme.period_start else start
            end = programme.period_end.isoformat() if programme.period_end else end
        present = set(m["antenna"].dropna())
        return {"period_start": start, "period_end": end,
                "years": sorted(int(y) for y in m["intake_year"].dropna().unique()),
                "antennas": [a for a in programme.codes if a in present],
                "year": self.year, "antenna": self.antenna, "synthetic": bool(self.synthetic),
                "kind": self.dataset.kind, "organisation": programme.organisation}

    def label(self, code_list, code) -> str:
        return i18n.label(code_list, code, self.lang)

    def t(self, key, **fmt) -> str:
        return i18n.text(key, self.lang, **{"threshold": self.threshold, **fmt})

    def chapter_data(self, chapter: str) -> dict:
        """Every chart of a chapter, computed and protected once: chart id -> :class:`ChartData`.

        Charts, tables, CSVs and key numbers all read this one decided set, so what is shown
        does not depend on the order in which a notebook asks for it.
        """
        if chapter not in self._decided:
            self._decided[chapter] = {chart.id: chart.build(self) for chart in chapter_charts(chapter)}
        return self._decided[chapter]

    def chart_data(self, chart_id: str) -> ChartData:
        return self.chapter_data(CHARTS_BY_ID[chart_id].chapter)[chart_id]

    def key_numbers(self, chapter: str) -> dict:
        """The chapter's published figures on this edition: id -> (value, base_n, shown text).

        Values come from protected counts only (:func:`duoreport.stats.figures.recompute_published`),
        the same cell-key noise as the charts that show the same cells; a hidden value is NaN and
        reads "fewer than ten people" in the page's language.
        """
        if chapter == "context":
            return self.context_numbers()
        figures = reference.published_figures()
        chapters = {chapter, "method"} if chapter == "profile" else {chapter}
        out = {}
        for fig in figures[figures["chapter"].isin(chapters)].to_dict("records"):
            if fig["view"] not in self.views:
                continue
            value, base, hidden = self.recompute.published(fig, self.threshold)
            out[fig["id"]] = (value, base, self.format_figure(fig, value, hidden))
        return out

    def context_numbers(self) -> dict:
        """External figures cited in the context chapter (published aggregates, no base n)."""
        ctx = reference.labour_market()
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

    def format_figure(self, fig: dict, value: float, hidden: bool) -> str:
        """A key number as the prose shows it (house style: whole percentages, protected in words)."""
        if hidden or np.isnan(value):
            return self.t("suppressed_prose", threshold_words=i18n.spell_number(self.threshold, self.lang))
        if fig["unit"] in ("rank", "count", "count_min"):
            return i18n.format_count(int(value), self.lang)
        return i18n.format_percent(value, self.lang, 0)


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
