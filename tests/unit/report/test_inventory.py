"""Chapters as a user runs them: papermill editions, the chart inventory, glue, disclosure."""

import json
import re
from pathlib import Path

import pytest

from duoreport.data.loading import load_dataset
from duoreport.publish.editions import RunSpec, edition_matrix, run_editions
from duoreport.report.edition import Edition
from duoreport.report.inventory import CHAPTERS, CHARTS
from duoreport.settings import DEFAULT_DATA, REPO_ROOT

# The charts and tables of the seed report, read off the text by hand, with the
# inventory id that recreates each. Independent of chapters.CHARTS: a chart removed
# from the code, or never added, fails here.
SEED_CHARTS = {
    "Arbeidsparticipatie volgens afkomst en opleidingsniveau (20-64 jaar, 2014)": "context_participation_education",
    "Arbeidsparticipatie en werkloosheidscijfers volgens afkomst (20-29 jaar, 2014)": "context_youth_participation",
    "Aandeel werknemers in de uitzendsector volgens afkomst en leeftijdscategorie (2014)": "context_temp_agency",
    "Uitsplitsing van werknemers volgens salaris en afkomst (18-29 jaar, 2014)": "context_pay_level",
    "Geslacht": "profile_gender",
    "Leeftijd": "profile_age",
    "Nationaliteit en afkomst (continent, Maghreb, Midden-Oosten)": "profile_region",
    "Belangrijkste landen van oorsprong": "profile_countries",
    "Nationaliteit en geboorteplaats": "profile_nationality",
    "Verblijfsvergunningen": "profile_permits",
    "Aantal jaren in België (0-1 ... +10 jaar)": "profile_years",
    "Reden van verblijf": "profile_reason",
    "Burgerlijke staat en gezinssituatie": "profile_civil_status",
    "Kinderen (38% van de vrouwen, 19% van de mannen)": "profile_children",
    "Opleidingsniveau": "profile_education",
    "Niet erkende diploma's": "profile_foreign_diplomas",
    "Rijbewijs": "profile_driving_licence",
    "Informaticakennis en uitrusting": "profile_it",
    "Carrièreplannen (sectoren)": "profile_sectors",
    "Beroepservaring in het buitenland": "profile_work_abroad",
    "Beroepservaring in België (nationaliteit)": "profile_work_belgium_nationality",
    "Beroepservaring in België (verblijfsduur)": "profile_work_belgium_years",
    "Inkomstenbronnen van de jongeren": "profile_income",
    "Vastgestelde obstakels in de zoektocht naar werk (intake / alumni)": "obstacles_named",
    "Verwachtingen van de jongeren ten aanzien van het mentoringprogramma": "obstacles_expectations",
    "E-mailadres en analoge inschrijving": "obstacles_email",
    "Problemen van sociale aard": "obstacles_social",
    "Huisvesting (huurprijs, oppervlakte, ongezond, uitzetting)": "obstacles_housing",
    "Huisvesting bij tijdelijke verblijfsvergunning (17%)": "obstacles_housing_permit",
    "Resultaten na 6 maanden / na 18 maanden": "impact_outcomes",
    "Resultaten mannen / vrouwen na 18 maanden": "impact_gender",
    "Nationaliteit en reden van verblijf": "impact_nationality",
    "Opleidingsniveau (resultaten)": "impact_education",
    "Aantal jaren in België (resultaten)": "impact_years",
    "Soorten positieve resultaten (COD, CDD, opleiding, stage)": "impact_positive_types",
    "Stages die tot een vast contract leidden (52%)": "impact_internships",
    "De Social Impact Bond: cohorten 2014-2016 en controlegroep": "impact_sib",
}

CHART_IDS = {c.id for c in CHARTS}


def test_every_seed_chart_is_in_the_inventory():
    missing = {title: cid for title, cid in SEED_CHARTS.items() if cid not in CHART_IDS}
    assert not missing


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chart_of_a_chapter_is_shown_by_its_notebook(chapter):
    text = (REPO_ROOT / "notebooks" / f"{chapter}.md").read_text(encoding="utf-8")
    shown = re.findall(r'show\(ed, "([a-z_0-9]+)"', text)
    expected = [c.id for c in CHARTS if c.chapter == chapter]
    assert shown == expected
    assert ":tags: [parameters]" in text and "output_dir" in text


def test_notebooks_are_stored_without_outputs():
    for path in (REPO_ROOT / "notebooks").iterdir():
        assert path.suffix == ".md", f"{path.name}: store notebooks as MyST text"


# --- executing the chapters as papermill does ----------------------------------------

EDITIONS = [
    RunSpec("all", "all", "nl", str(DEFAULT_DATA)),
    RunSpec("all", "all", "fr", str(DEFAULT_DATA)),
    RunSpec("2015", "liege", "fr", str(DEFAULT_DATA)),  # 75 mentees: suppression shows
]


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("editions")
    results = run_editions(EDITIONS, out, load_dataset(DEFAULT_DATA).data_hash, jobs=2, progress=False)
    assert all(r.status == "ran" for r in results), [r.message for r in results]
    return out


def glued(nb_path: Path) -> dict:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", f"{nb_path.name}: {output.get('ename')}"
            meta = output.get("metadata", {}).get("scrapbook")
            if meta:
                out[meta["name"]] = output["data"]
    return out
















# --- the editions runner ---------------------------------------------------------------



def test_matrix_covers_years_antennas_languages():
    specs, empty, _ = edition_matrix(DEFAULT_DATA)
    slugs = {s.slug for s in specs} | {s.slug for s in empty}
    assert len(slugs) == 2 * 6 * 5  # (all + 5 years) x (all + 4 antennas) x 2 languages
    assert "nl/all-all" in {s.slug for s in specs}
    assert "fr/2013-ghent" in {s.slug for s in empty}  # Ghent opened in 2017


def test_edition_parameters_are_checked():
    with pytest.raises(ValueError):
        Edition(lang="en")
    with pytest.raises(ValueError):
        Edition(antenna="namur")
