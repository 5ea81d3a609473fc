"""The report's figures as data: each value is found on its seed line, ids are tidy."""

import re

import pandas as pd
import pytest

from duoreport.data.reference import DECISIONS_CSV as DECISIONS_PATH
from duoreport.data.reference import published_figures as load_figures
from duoreport.settings import REPO_ROOT

SEED = REPO_ROOT.parent / "shared" / "seed" / "000_ea1779b7f83dcadf.txt"
FIGURES = load_figures()


def dutch(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@pytest.fixture(scope="module")
def seed_lines():
    if not SEED.exists():
        pytest.skip("the seed text is not beside the repository")
    return SEED.read_text(encoding="utf-8").splitlines()


def test_ids_unique_and_columns_complete():
    assert FIGURES["id"].is_unique
    for col in ["id", "chapter", "chart", "base_population", "view", "filter", "variable", "category",
                "unit", "value", "tolerance", "seed_line", "status", "note"]:
        assert col in FIGURES.columns
    assert set(FIGURES["unit"]) <= {"percent", "percent_min", "count", "count_min", "rank"}
    assert set(FIGURES["status"]) <= {"reproduce", "inconsistent"}


PRINTED = FIGURES[FIGURES["unit"].isin(["percent", "count", "count_min", "percent_min"])]


@pytest.mark.parametrize("fig", PRINTED.to_dict("records"), ids=list(PRINTED["id"]))
def test_printed_value_stands_on_its_seed_line(fig, seed_lines):
    """Every printed number is where the table says (within two lines), in Dutch notation."""
    verbal = "verbal" in fig["note"]
    if verbal:
        pytest.skip("a verbal figure ('bijna een kwart') has no digits to find")
    line = int(fig["seed_line"])
    window = " ".join(seed_lines[line - 3: line + 2])
    number = dutch(float(fig["value"]))
    pattern = rf"(?<![\d,]){re.escape(number)}(?![\d])"
    alt = f"{int(fig['value']):,}".replace(",", ".") if float(fig["value"]).is_integer() else None
    assert re.search(pattern, window) or (alt and alt in window), f"{number} not near line {line}: {window[:200]}"


def test_every_inconsistency_has_a_decision():
    decisions = pd.read_csv(DECISIONS_PATH, keep_default_na=False)
    covered = {f for cell in decisions["figures"] for f in cell.split(";") if f}
    assert covered <= set(FIGURES["id"]), covered - set(FIGURES["id"])
    inconsistent = set(FIGURES.loc[FIGURES["status"] == "inconsistent", "id"])
    assert inconsistent <= covered, inconsistent - covered


def test_context_sources_cover_the_footnotes():
    sources = pd.read_csv(REPO_ROOT / "data" / "context" / "sources.csv", keep_default_na=False)
    assert sorted(sources["footnote"].astype(int)) == list(range(1, 77))
    context = pd.read_csv(REPO_ROOT / "data" / "context" / "labour_market.csv", keep_default_na=False)
    assert context["id"].is_unique
    assert set(context["source_footnote"].astype(int)) <= set(range(1, 77))
