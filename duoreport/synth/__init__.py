"""Synthetic microdata calibrated to the report's published figures.

The real CRM data are confidential. This generator builds a fictitious population of
the report's size whose aggregates reproduce the published marginals and
cross-tabulations. Published numbers are read from ``data/published/figures.csv``
(:func:`.draw.pub`); everything the report does not publish is an explicit assumption
(:mod:`.assumptions` and the ``prior`` functions of each table family), listed in
``data/synthetic/README.md``.

Variables are added one at a time, each conditional on parents already present, with
:func:`duoreport.stats.fitting.allocate` (IPF on the prior, then integer rounding). One
seeded random generator (:class:`.draw.Draw`) is used by the table families in a fixed
order, strata and records are visited in a fixed order, and files are written with a fixed
layout, so two runs give byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

from ..settings import SYNTHETIC_DIR
from .answers import intake_answers
from .assumptions import GENERATOR, PROGRAMME, SEED
from .draw import Draw
from .mentees import mentees
from .outcomes import outcomes
from .programme import mentors_and_duos
from .sib import sib
from .surveys import surveys
from .write import write_tables

DEFAULT_DIR = SYNTHETIC_DIR


def generate(seed: int = SEED) -> dict:
    """Every table of the contract, drawn in a fixed order from one seeded generator."""
    draw = Draw(seed)
    m = mentees(draw)
    tables = {"mentees": m}
    tables["mentors"], tables["duos"] = mentors_and_duos(draw, m)
    tables["outcomes"] = outcomes(draw, m)
    tables.update(intake_answers(draw, m))
    tables.update(surveys(draw, m, tables["duos"], tables["outcomes"]))
    tables.update(sib(draw, m, tables["outcomes"]))
    return tables


def synthesize(out_dir: Path = DEFAULT_DIR, seed: int = SEED) -> Path:
    """Generate the synthetic default and write it as an export folder, with its settings
    (``dataset.yml``: kind synthetic, the programme, the seal of the tables written)."""
    write_tables(generate(seed), out_dir, PROGRAMME, GENERATOR, seed)
    return Path(out_dir)


__all__ = ["DEFAULT_DIR", "SEED", "generate", "synthesize"]
