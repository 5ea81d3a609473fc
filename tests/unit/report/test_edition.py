"""The edition decides what it shows once: prose numbers equal the charts' cells, in any cell order."""

import matplotlib.pyplot as plt
import pytest

from duoreport.report.edition import Edition
from duoreport.report.inventory import chapter_charts
from duoreport.report.render import render_chart


@pytest.mark.parametrize("year, antenna, lang, chapter", [
    ("2015", "liege", "fr", "impact"),
    ("2015", "liege", "nl", "profile"),
    ("all", "ghent", "nl", "obstacles"),
])
def test_key_numbers_before_the_charts_equal_key_numbers_after(year, antenna, lang, chapter):
    glue_first = Edition(None, year, antenna, lang)
    numbers_first = glue_first.key_numbers(chapter)
    for chart in chapter_charts(chapter):
        render_chart(glue_first, chart.id)
    plt.close("all")

    charts_first = Edition(None, year, antenna, lang)
    for chart in chapter_charts(chapter):
        render_chart(charts_first, chart.id)
    plt.close("all")
    numbers_after = charts_first.key_numbers(chapter)

    shown_first = {k: v[2] for k, v in numbers_first.items()}
    assert shown_first == {k: v[2] for k, v in numbers_after.items()}
    # a small edition: some prose numbers are protected and read in words
    words = glue_first.t("suppressed_prose", threshold_words="tien" if lang == "nl" else "dix")
    assert words in shown_first.values()


@pytest.mark.parametrize("figure, chart, category, group", [
    ("prof_gender_female", "profile_gender", "female", None),
    ("prof_age_a25_29", "profile_age", "a25_29", None),
    ("prof_children_women", "profile_children", True, "female"),
    ("imp_18m_male_work", "impact_gender", "work", "male"),
])
def test_a_prose_number_is_the_share_the_chart_shows(figure, chart, category, group):
    """The same cell of people, the same published share, in the prose and in the chart."""
    ed = Edition(None, "all", "all", "nl")
    chapter = chart.split("_")[0]
    value, base, shown = ed.key_numbers(chapter)[figure]
    table = ed.chart_data(chart).table
    rows = table[table["category"] == category]
    if group is not None:
        rows = rows[rows[ed.chart_data(chart).group] == group]
    assert len(rows) == 1
    assert value == pytest.approx(rows["share"].iloc[0])
    assert base == rows["base_n"].iloc[0]
