"""Chapters as a user runs them: papermill editions, the chart inventory, glue, disclosure."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from duoreport.audit import run_audit
from duoreport.data.loading import load_dataset
from duoreport.data.reference import published_figures as load_figures
from duoreport.i18n import text
from duoreport.publish.editions import RunSpec, run_edition, run_editions
from duoreport.report.inventory import CHAPTERS, CHARTS
from duoreport.settings import DEFAULT_DATA

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


@pytest.mark.parametrize("spec", EDITIONS, ids=lambda s: s.slug)
def test_edition_has_every_chapter_figure_and_table(editions, spec):
    folder = editions / spec.slug
    for chapter in CHAPTERS:
        keys = glued(folder / f"{chapter}.ipynb")
        for chart in (c for c in CHARTS if c.chapter == chapter):
            assert f"fig_{chart.id}" in keys and f"tab_{chart.id}" in keys and f"cap_{chart.id}" in keys
        assert (folder / f"{chapter}.html").stat().st_size > 10_000


def test_full_edition_figures_are_images(editions):
    keys = glued(editions / "nl/all-all" / "impact.ipynb")
    for chart in (c for c in CHARTS if c.chapter == "impact"):
        assert any(m.endswith("image/png") for m in keys[f"fig_{chart.id}"]), chart.id


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_glued_numbers_equal_the_audit(editions, lang):
    """The prose numbers are the protected audit's values, and those stay within what the
    protection noise allows of the exact recomputation (the unprotected microdata)."""
    ds = load_dataset(DEFAULT_DATA)
    protected = run_audit(ds, threshold=10).set_index("id")
    exact = run_audit(ds).set_index("id")
    figures = load_figures().set_index("id")
    words = text("suppressed_prose", lang, threshold_words="tien" if lang == "nl" else "dix")
    checked = 0
    for chapter in ("profile", "obstacles", "impact"):
        numbers = json.loads((editions / f"{lang}/all-all" / f"{chapter}_numbers.json").read_text(encoding="utf-8"))
        keys = glued(editions / f"{lang}/all-all" / f"{chapter}.ipynb")
        for fid, entry in numbers.items():
            assert fid in keys, fid  # glued for the prose
            if entry["value"] is None:
                assert entry["shown"] == words and pd.isna(protected.loc[fid, "recomputed"]), fid
                continue
            assert entry["value"] == pytest.approx(protected.loc[fid, "recomputed"], abs=1e-4), fid
            unit, true = figures.loc[fid, "unit"], exact.loc[fid, "recomputed"]
            if unit == "percent":
                base = exact.loc[fid, "base_n"]  # ±5 on the count and on the base, at most
                k = true * base / 100
                assert 100 * (k - 5) / (base + 5) - 1e-9 <= entry["value"] <= 100 * (k + 5) / (base - 5) + 1e-9, fid
                shown = float(re.sub(r"[^\d,]", "", entry["shown"]).replace(",", "."))
                assert shown == round(entry["value"]) or abs(shown - entry["value"]) <= 0.5 + 1e-9, fid
                assert "," not in entry["shown"] and "." not in entry["shown"]  # house style: whole percentages
            elif unit in ("count", "count_min"):
                assert abs(entry["value"] - true) <= 5, fid
            checked += 1
    assert checked > 150


def test_small_edition_protects_and_says_so(editions):
    folder = editions / "fr/2015-liege"
    html = (folder / "impact.html").read_text(encoding="utf-8")
    assert "<\u00a010" in html or "&lt;\u00a010" in html
    numbers = json.loads((folder / "impact_numbers.json").read_text(encoding="utf-8"))
    assert any(v["shown"] == "moins de dix personnes" for v in numbers.values())


@pytest.mark.parametrize("spec", EDITIONS, ids=lambda s: s.slug)
def test_no_published_cell_below_the_threshold(editions, spec):
    """Every chart CSV of every edition: a visible count is at least the threshold."""
    folder = editions / spec.slug / "data"
    files = sorted(folder.glob("*.csv"))
    assert len(files) >= 30
    for path in files:
        data = pd.read_csv(path)
        if "n" not in data or "suppressed" not in data:
            continue  # context charts: published aggregates, no counts
        visible = data.loc[~data["suppressed"].astype(bool), "n"].dropna()
        assert (visible >= spec.threshold).all(), path.name
        hidden = data.loc[data["suppressed"].astype(bool)]
        assert hidden["n"].isna().all() and hidden["share"].isna().all(), path.name
        bases = data["base_n"].dropna()
        assert (bases >= spec.threshold).all(), path.name


def test_synthetic_label_and_provenance_in_every_chapter(editions):
    for chapter in CHAPTERS:
        html = (editions / "nl/all-all" / f"{chapter}.html").read_text(encoding="utf-8")
        assert "synthetisch" in html.lower()
        assert load_dataset(DEFAULT_DATA).data_hash[:16] in html


def test_edition_html_loads_nothing_from_other_hosts(editions):
    for path in (editions / "nl/all-all").glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="https?://', html), path.name


# --- the editions runner ---------------------------------------------------------------

def test_second_run_skips_and_a_failure_is_isolated(editions, tmp_path):
    again = run_editions(EDITIONS[:1], editions, load_dataset(DEFAULT_DATA).data_hash, jobs=1, progress=False)
    assert [r.status for r in again] == ["skipped"]
    bad = RunSpec("all", "all", "nl", str(tmp_path / "no-such-export"))
    result = run_edition(bad, tmp_path / "out")
    assert result.status == "failed"
    log = tmp_path / "out" / "failed" / "nl_all-all.log"
    assert log.exists() and "missing_directory" in log.read_text()
    assert not (tmp_path / "out" / "nl" / "all-all").exists()  # nothing half-written
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".run-")]






@pytest.mark.timeout(600)
def test_editions_run_from_a_process_that_has_run_a_notebook_before(tmp_path):
    """A test session or a JupyterLab terminal has run notebooks before: jupyter_core then keeps an
    event-loop thread for this thread's name. A forked worker inherited that state without the
    thread and waited forever for its first kernel (the CI run that never ended); workers are spawned."""
    import asyncio

    from jupyter_core.utils import run_sync

    async def nested():  # a coroutine run from inside a running loop, as nbclient does
        return run_sync(asyncio.sleep)(0, result="done")

    assert asyncio.run(nested()) == "done"
    spec = RunSpec("2015", "liege", "nl", str(DEFAULT_DATA))
    results = run_editions([spec], tmp_path, load_dataset(DEFAULT_DATA).data_hash, jobs=1, progress=False)
    assert [r.status for r in results] == ["ran"], [r.message for r in results]
    assert (tmp_path / "nl" / "2015-liege" / "impact.ipynb").is_file()


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_an_export_where_the_age_order_flips_changes_the_sentence(editions, lang):
    """The same page on data where the 20-24 band outnumbers the 25-29 band: the ordering
    sentence gives way to its neutral wording, in both languages."""
    import copy

    from duoreport.report.claims import Facts, apply_claims, load_claims
    from duoreport.settings import BOOK_DIR

    claims = load_claims(BOOK_DIR / "claims")
    page = (BOOK_DIR / lang / "profile.md").read_text(encoding="utf-8")
    facts = Facts.from_edition(editions / f"{lang}/all-all", lang)
    as_built, decisions = apply_claims(page, "profile.md", claims, facts)
    assert ("profile_age_order", "claim") in {(d.claim, d.published) for d in decisions}

    flipped = copy.deepcopy(facts)
    cells = {c["category"]: c for c in flipped.charts["profile_age"]["cells"]}
    cells["a20_24"]["share"], cells["a25_29"]["share"] = cells["a25_29"]["share"], cells["a20_24"]["share"]
    text, decisions = apply_claims(page, "profile.md", claims, flipped)
    assert ("profile_age_order", "else") in {(d.claim, d.published) for d in decisions}
    assert text != as_built
    marker = page.index("<!-- claim: profile_age_order -->")
    wording = page[marker:].split("-->", 1)[1].split("<!-- else -->", 1)[0]
    assert wording.strip()[:40] in as_built and wording.strip()[:40] not in text
