"""What `duoreport validate` and `duoreport mapping init` propose for a raw export.

The next-year export without its mapping and settings is what a researcher receives from the CRM.
The proposal must recognise what a person would (Geslacht is gender, V is female, Brussel is
brussels, dates are day first, the duos are on the sheet "Duo's"), say what it guessed, and leave
undecided what it cannot know (a sheet that may or may not be data).
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
import yaml

from duoreport.data import contract as C
from duoreport.data.loading import load_dataset
from duoreport.data.proposal import propose, suggest_code, suggest_column
from next_year import GENDER_NL


@pytest.fixture(scope="module")
def raw(next_year_made, tmp_path_factory):
    """The next-year export as the CRM gives it: without mapping.yml and dataset.yml."""
    target = tmp_path_factory.mktemp("raw") / "export"
    shutil.copytree(next_year_made.path, target)
    (target / "mapping.yml").unlink()
    (target / "dataset.yml").unlink()
    return replace(next_year_made, path=target)


@pytest.fixture(scope="module")
def proposal(raw):
    return propose(raw.path)


@pytest.mark.parametrize("value, column, code, sure", [
    ("V", "gender", "female", True), ("Vrouw", "gender", "female", True), ("Homme", "gender", "male", True),
    ("Brussel", "antenna", "brussels", True), ("Gand", "antenna", "ghent", True), ("Liège", "antenna", "liege", True),
    ("Marokko", "origin_country", "MA", True), ("Maroc", "origin_country", "MA", True),
    ("higher-long", "education_level", "higher_long", True), ("Higher Long", "education_level", "higher_long", True),
    ("hgher_long", "education_level", "higher_long", False), ("xyz", "gender", None, False),
])
def test_the_closest_allowed_code(value, column, code, sure):
    field = C.MENTEES.field(column) if column != "antenna" else C.bound_tables(("brussels", "liege", "ghent"))[0].field(
        "antenna")
    assert suggest_code(value, field) == (code, sure)


@pytest.mark.parametrize("header, column", [("Geslacht", "gender"), ("sexe", "gender"), ("Intakedatum", "intake_date"),
                                            ("Date d'intake", "intake_date"), ("Leeftijd", "age_at_intake"),
                                            ("Land van herkomst", "origin_country"), ("Antenne", "antenna"),
                                            ("Rijbewijs", "driving_licence"), ("Kleur", None)])
def test_known_header_synonyms(header, column):
    assert suggest_column(header, C.MENTEES)[0] == column


def test_the_proposal_reads_the_raw_export(raw, proposal):
    mapping = yaml.safe_load(proposal.mapping_yaml)
    assert mapping["date_order"] == "day_first"
    genders = set(raw.expected["mentees"]["gender"]) | set(raw.expected["mentors"]["gender"])
    assert mapping["codes"]["gender"] == {GENDER_NL[g]: g for g in genders} == {"V": "female", "M": "male"}
    antenna = mapping["codes"]["antenna"]
    assert {k: antenna[k] for k in ("Brussel", "Luik", "Antwerpen", "Gent", "Bruxelles", "Liège", "Anvers",
                                    "Gand")} == {"Brussel": "brussels", "Luik": "liege", "Antwerpen": "antwerp",
                                                 "Gent": "ghent", "Bruxelles": "brussels", "Liège": "liege",
                                                 "Anvers": "antwerp", "Gand": "ghent"}
    assert mapping["tables"]["mentees"]["file"] == "Jongeren.csv"
    assert mapping["tables"]["mentees"]["columns"] == {
        "Dossiernummer": "mentee_id", "Antenne": "antenna", "Intakedatum": "intake_date", "Geslacht": "gender",
        "Leeftijd": "age_at_intake", "Herkomstland": "origin_country", "Opleidingsniveau": "education_level",
        "Kinderen": "has_children", "Rijbewijs": "driving_licence"}
    assert mapping["tables"]["duos"] == {"file": "Duos.xlsx", "sheet": "Duo's"}


def test_what_it_cannot_know_is_left_to_the_researcher(proposal):
    # a new antenna, named in Dutch in one file and in French in another: two guesses to check
    assert any("Mechelen" in g for g in proposal.guesses) and any("Malines" in g for g in proposal.guesses)
    # the explanatory sheet is neither read nor ignored: the researcher decides
    assert any("Duos.xlsx[Uitleg]" in u for u in proposal.unresolved)
    assert 'ignore: ["Duos.xlsx[Uitleg]"]' in proposal.mapping_yaml
    assert "ignore" not in yaml.safe_load(proposal.mapping_yaml)
    settings = yaml.safe_load(proposal.settings_yaml)
    assert settings["kind"] == "real" and "synthetic" not in settings
    assert [a["code"] for a in settings["antennas"]] == ["brussels", "liege", "antwerp", "ghent", "mechelen",
                                                        "malines"]


def test_after_the_researchers_two_decisions_the_export_loads(raw, proposal, tmp_path):
    export = tmp_path / "export"
    shutil.copytree(raw.path, export)
    text = proposal.mapping_yaml.replace('# ignore: ["Duos.xlsx[Uitleg]"]', 'ignore: ["Duos.xlsx[Uitleg]"]')
    (export / "mapping.yml").write_text(text.replace("Malines: malines", "Malines: mechelen"), encoding="utf-8")
    settings = yaml.safe_load(proposal.settings_yaml)
    settings["antennas"] = [a for a in settings["antennas"] if a["code"] != "malines"]
    (export / "dataset.yml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    ds = load_dataset(export)
    assert len(ds["mentees"]) == 1333 + raw.n_new
    assert set(ds["mentors"]["antenna"]) == {"brussels", "liege", "antwerp", "ghent", "mechelen"}


def test_the_proposal_changes_nothing_for_a_readable_export(raw, tmp_path):
    from duoreport.settings import SYNTHETIC_DIR

    assert not propose(SYNTHETIC_DIR).changes
    assert propose(raw.path).changes
