"""The settings of a dataset: what the data are (synthetic or real) and the programme they describe.

Every export carries a settings file, ``dataset.yml``, beside its tables (``duoreport mapping init``
writes a template). It declares

- ``kind``: ``synthetic`` or ``real``. Nothing else decides it: not the folder, not a leftover
  file. A ``synthetic`` declaration is sealed: it names the generator and the fingerprint (size
  and keys) of each table it wrote (:func:`tables_fingerprints`), and a dataset whose tables are
  not those the generator wrote is refused, so a settings file copied from the synthetic default
  into a real export cannot make the real data say "synthetic". (Values edited by hand in a
  synthetic table keep its keys: they stay fictitious, and the seal does not look at them.)
- ``organisation``: the organisation's name as the book prints it;
- ``period``: the programme's period covered by the export (``start``, ``end``: intake dates),
  optional; every intake date must lie in it;
- ``antennas``: one entry per antenna: ``code`` (the value used in the data), ``name_nl``,
  ``name_fr`` and ``opened`` (optional; no intake may precede it). Adding an antenna is adding an
  entry here; the contract takes the allowed antenna codes from this list.

The file is validated like the data: each problem names the file, the key, the line, the rule
and the fix (:class:`~duoreport.data.issues.Issue`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..settings import SYNTHETIC_DIR
from .issues import ContractError, Issue
from .yamlfile import Located, read_yaml

SETTINGS_FILE = "dataset.yml"
KINDS = ("synthetic", "real")
LANGS = ("nl", "fr")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TOP_KEYS = ("kind", "organisation", "period", "antennas", "synthetic")
ANTENNA_KEYS = ("code", "name_nl", "name_fr", "opened")
SEAL_KEYS = ("generator", "seed", "tables_sha256")


@dataclass(frozen=True)
class Antenna:
    code: str
    name_nl: str
    name_fr: str
    opened: date | None = None

    def name(self, lang: str) -> str:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
        return self.name_nl if lang == "nl" else self.name_fr


@dataclass(frozen=True)
class Programme:
    """The programme an export describes (from its ``dataset.yml``)."""

    organisation: str
    antennas: tuple
    period_start: date | None
    period_end: date | None
    kind: str

    @property
    def synthetic(self) -> bool:
        return self.kind == "synthetic"

    @property
    def codes(self) -> tuple:
        """The antenna codes, in the order of the settings file."""
        return tuple(a.code for a in self.antennas)

    def antenna(self, code: str) -> Antenna:
        for a in self.antennas:
            if a.code == code:
                return a
        raise KeyError(f"no antenna {code!r} in the settings; the antennas are {', '.join(self.codes)}")

    def antenna_name(self, code: str, lang: str) -> str:
        return self.antenna(code).name(lang)

    def resolve_antenna(self, text: str) -> str | None:
        """The code of an antenna given by its code or its Dutch or French name ("Gent", "Gand",
        "ghent", "Liege"); case and accents do not matter. None if no antenna has that name."""
        wanted = fold(text)
        for a in self.antennas:
            if wanted in (fold(a.code), fold(a.name_nl), fold(a.name_fr)):
                return a.code
        return None

    def antenna_choices(self) -> str:
        """The antennas as a reader may name them, for messages: ``ghent (Gent, Gand), ...``."""
        return ", ".join(f"{a.code} ({a.name_nl}, {a.name_fr})" if a.name_nl != a.name_fr
                         else f"{a.code} ({a.name_nl})" for a in self.antennas)


@dataclass(frozen=True)
class Seal:
    """The proof that a synthetic dataset is what its generator wrote: the fingerprint of each
    table it wrote (an optional table may be left out; none may be changed)."""

    generator: str
    seed: int | None
    tables_sha256: dict  # table name -> fingerprint (:func:`table_fingerprint`)


def fold(text) -> str:
    """Lower case without accents or surrounding spaces: how names are compared."""
    text = unicodedata.normalize("NFKD", str(text).strip().lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


# --- reading and checking the settings file ---------------------------------------------------

def _as_date(value):
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _date_field(doc: Located, mapping: dict, key: str, path: tuple, issues: list):
    if key not in mapping or mapping[key] in (None, ""):
        return None
    value = _as_date(mapping[key])
    if value is None:
        issues.append(doc.issue(path + (key,), "wrong_type",
                                f"{mapping[key]!r} is not a date; write it as YYYY-MM-DD (for example 2013-09-01)"))
    return value


def _text_field(doc: Located, mapping: dict, key: str, path: tuple, issues: list, what: str):
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        issues.append(doc.issue(path + (key,) if key in mapping else path, "missing_value",
                                f"{what} is required ({key}: ...)"))
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        issues.append(doc.issue(path + (key,), "wrong_type", f"{what} must be a text"))
        return None
    return str(value).strip()


def _unknown_keys(doc: Located, mapping: dict, allowed: tuple, path: tuple, issues: list) -> None:
    for key in mapping:
        if key not in allowed:
            issues.append(doc.issue(path + (key,), "unknown_key",
                                    f"'{key}' is not a setting; the settings here are {', '.join(allowed)}"))


def parse_settings(doc: Located):
    """(Programme or None, Seal or None, issues) from a parsed ``dataset.yml``."""
    issues: list = []
    data = doc.data
    if not isinstance(data, dict):
        issues.append(doc.issue((), "wrong_type", "the settings file must be a list of 'key: value' settings"))
        return None, None, issues
    _unknown_keys(doc, data, TOP_KEYS, (), issues)

    kind = data.get("kind")
    if kind is None:
        issues.append(doc.issue(("kind",) if "kind" in data else (), "missing_kind",
                                "the file must say what the data are: 'kind: real' for an export of the CRM, "
                                "'kind: synthetic' only for data written by a generator"))
    elif kind not in KINDS:
        issues.append(doc.issue(("kind",), "unknown_code",
                                f"kind {kind!r} is not allowed; allowed: {', '.join(KINDS)}"))
        kind = None

    organisation = _text_field(doc, data, "organisation", (), issues, "the organisation's name")

    start = end = None
    period = data.get("period")
    if period is not None:
        if not isinstance(period, dict):
            issues.append(doc.issue(("period",), "wrong_type", "period has two dates: 'start:' and 'end:'"))
        else:
            _unknown_keys(doc, period, ("start", "end"), ("period",), issues)
            start = _date_field(doc, period, "start", ("period",), issues)
            end = _date_field(doc, period, "end", ("period",), issues)
            if start and end and end < start:
                issues.append(doc.issue(("period", "end"), "out_of_range",
                                        f"the period ends ({end}) before it starts ({start})"))

    antennas = []
    raw_antennas = data.get("antennas")
    if not isinstance(raw_antennas, list) or not raw_antennas:
        issues.append(doc.issue(("antennas",) if "antennas" in data else (), "missing_value",
                                "at least one antenna is required: a list of entries with code, name_nl, "
                                "name_fr and (optionally) opened"))
        raw_antennas = []
    seen: dict = {}
    for i, entry in enumerate(raw_antennas):
        path = ("antennas", i)
        if not isinstance(entry, dict):
            issues.append(doc.issue(path, "wrong_type", "an antenna is an entry with code, name_nl, name_fr, opened"))
            continue
        _unknown_keys(doc, entry, ANTENNA_KEYS, path, issues)
        code = _text_field(doc, entry, "code", path, issues, "the antenna's code")
        name_nl = _text_field(doc, entry, "name_nl", path, issues, "the antenna's Dutch name")
        name_fr = _text_field(doc, entry, "name_fr", path, issues, "the antenna's French name")
        opened = _date_field(doc, entry, "opened", path, issues)
        if code is not None and not CODE_RE.match(code):
            issues.append(doc.issue(path + ("code",), "wrong_type",
                                    f"the code {code!r} must be lower-case letters, digits and _ (for example "
                                    "'mechelen'); the names are for readers, the code is what the data hold"))
            code = None
        if None in (code, name_nl, name_fr):
            continue
        for word in {fold(code), fold(name_nl), fold(name_fr)}:
            if word in seen and seen[word] != code:
                issues.append(doc.issue(path, "duplicate_id",
                                        f"'{word}' already names the antenna {seen[word]!r}; codes and names "
                                        "must tell the antennas apart"))
            seen[word] = code
        if code in [a.code for a in antennas]:
            issues.append(doc.issue(path + ("code",), "duplicate_id", f"the antenna {code!r} is listed twice"))
            continue
        antennas.append(Antenna(code, name_nl, name_fr, opened))

    seal = None
    raw_seal = data.get("synthetic")
    if kind == "synthetic" and raw_seal is not None:  # without a seal: refused with the data (data_issues)
        if not isinstance(raw_seal, dict) or not isinstance(raw_seal.get("tables_sha256"), dict):
            issues.append(doc.issue(("synthetic",), "synthetic_unsealed",
                                    "the generator's seal has generator, seed and tables_sha256 (one fingerprint per "
                                    "table); it is written by the generator itself (`duoreport synth`), not by hand"))
        else:
            _unknown_keys(doc, raw_seal, SEAL_KEYS, ("synthetic",), issues)
            seal = Seal(str(raw_seal.get("generator", "")), raw_seal.get("seed"),
                        {str(k): str(v) for k, v in raw_seal["tables_sha256"].items()})
    elif kind == "real" and raw_seal is not None:
        issues.append(doc.issue(("synthetic",), "kind_conflict",
                                "a real export carries no 'synthetic:' section (a leftover from the synthetic "
                                "default?); delete the section"))
    if issues:
        return None, None, issues
    return Programme(organisation, tuple(antennas), start, end, kind), seal, []


def read_settings(path: Path):
    """(Programme, Seal or None) from a settings file; ContractError on any problem."""
    path = Path(path)
    if not path.exists():
        raise ContractError([Issue(path.name, None, (), "missing_settings",
                                   f"every export declares its settings in {SETTINGS_FILE} beside the tables "
                                   "(kind: real or synthetic, organisation, antennas, period); "
                                   "`duoreport mapping init EXPORT` writes a template to review", unit="line")])
    programme, seal, issues = parse_settings(read_yaml(path))
    if issues:
        raise ContractError(issues)
    return programme, seal


@lru_cache(maxsize=None)
def default_programme() -> Programme:
    """The programme of the embedded synthetic default (DUO for a JOB's four antennas)."""
    return read_settings(SYNTHETIC_DIR / SETTINGS_FILE)[0]


# --- checks against the data ---------------------------------------------------------------------

def table_fingerprint(name: str, df: pd.DataFrame) -> str:
    """SHA-256 of a table's size and keys (its primary key columns, in row order): what tells a
    generator's table from any other. Taken on the typed table, not on its file, so the same
    data in CSV or XLSX, with or without BOM, give the same fingerprint; it costs one pass over
    the key columns, whatever the size of the table."""
    from .contract import TABLES_BY_NAME

    h = hashlib.sha256(f"{name}:{len(df)}".encode())
    for column in TABLES_BY_NAME[name].primary_key:
        h.update(b"\x00" + "\n".join(map(str, df[column].tolist())).encode("utf-8"))
    return h.hexdigest()


def tables_fingerprints(tables: dict) -> dict:
    """The fingerprint of every table present, by name."""
    return {name: table_fingerprint(name, df) for name, df in tables.items() if df is not None}


def data_issues(programme: Programme, seal: Seal | None, tables: dict, files: dict, settings_name: str,
                verify_seal: bool = True) -> list:
    """Problems between the settings and the (valid) tables: intake outside the period or before
    the antenna opened; a synthetic declaration whose tables are not the generator's."""
    issues = []
    mentees = tables.get("mentees")
    if mentees is not None and len(mentees):
        file = files.get("mentees", "mentees.csv")
        dates = mentees["intake_date"].dt.date
        rows = mentees.index
        if programme.period_start is not None:
            early = (dates < programme.period_start).to_numpy()
            if early.any():
                issues.append(Issue(file, "intake_date", tuple(rows[early]), "outside_period",
                                    f"before the start of the programme's period ({programme.period_start}, "
                                    f"{settings_name}); correct the date or move period.start"))
        if programme.period_end is not None:
            late = (dates > programme.period_end).to_numpy()
            if late.any():
                issues.append(Issue(file, "intake_date", tuple(rows[late]), "outside_period",
                                    f"after the end of the programme's period ({programme.period_end}, "
                                    f"{settings_name}); a later export moves period.end (or leaves the period "
                                    "out to take it from the data)"))
        for a in programme.antennas:
            if a.opened is None:
                continue
            before = ((mentees["antenna"] == a.code) & (dates < a.opened)).to_numpy()
            if before.any():
                issues.append(Issue(file, "antenna, intake_date", tuple(rows[before]), "before_opening",
                                    f"an intake at {a.name_nl}/{a.name_fr} before the antenna opened ({a.opened}, "
                                    f"{settings_name}); correct the date or the antenna's 'opened'"))
    if not verify_seal:
        return issues
    if programme.synthetic and seal is None:
        issues.append(Issue(settings_name, "kind", (), "synthetic_unsealed",
                            "kind: synthetic needs the generator's seal (synthetic: generator, seed, tables_sha256), "
                            "written by the generator itself (`duoreport synth`); an export of the CRM declares "
                            "kind: real", unit="line"))
    elif programme.synthetic:
        changed = [name for name, fingerprint in tables_fingerprints(tables).items()
                   if seal.tables_sha256.get(name) != fingerprint]
        if changed:
            issues.append(Issue(settings_name, "kind", (), "synthetic_seal",
                                f"kind: synthetic is declared, but {', '.join(changed)} "
                                f"{'is' if len(changed) == 1 else 'are'} not what the generator "
                                f"({seal.generator or 'unknown'}) wrote: the settings file was copied or the "
                                "tables were changed. An export of the CRM declares kind: real (and no "
                                "'synthetic:' section); synthetic data are re-sealed by their generator",
                                unit="line"))
    return issues


# --- writing a settings file -----------------------------------------------------------------------

def _yaml_text(value: str) -> str:
    import json

    return value if re.fullmatch(r"[A-Za-z][\w .'/-]*", value) and value.strip() == value else json.dumps(value, ensure_ascii=False)


def settings_yaml(programme: Programme, seal: Seal | None = None, notes: dict | None = None) -> str:
    """The settings file for a programme, with comments a researcher can follow.

    ``notes`` maps an antenna code to a comment written beside its entry (``TODO`` hints)."""
    notes = notes or {}
    lines = [
        "# Settings of this dataset for duoreport: what the data are and the programme they describe.",
        "# Checked with the data by `duoreport validate`; see README.md, section \"Your own export\".",
        "",
        "# real: an export of the CRM. synthetic: fictitious data, written and sealed by a generator.",
        f"kind: {programme.kind}",
        f"organisation: {_yaml_text(programme.organisation)}",
    ]
    if programme.period_start or programme.period_end:
        lines += ["# The programme's period covered by the export (intake dates); leave it out to take it from the data."]
        lines.append("period:")
        if programme.period_start:
            lines.append(f"  start: {programme.period_start.isoformat()}")
        if programme.period_end:
            lines.append(f"  end: {programme.period_end.isoformat()}")
    else:
        lines += ["# The programme's period (intake dates), optional:", "# period:", "#   start: YYYY-MM-DD",
                  "#   end: YYYY-MM-DD"]
    lines += ["# One entry per antenna: the code used in the data, the Dutch and French names, the opening date.",
              "antennas:"]
    for a in programme.antennas:
        lines.append(f"  - code: {a.code}" + (f"  # {notes[a.code]}" if a.code in notes else ""))
        lines.append(f"    name_nl: {_yaml_text(a.name_nl)}")
        lines.append(f"    name_fr: {_yaml_text(a.name_fr)}")
        if a.opened:
            lines.append(f"    opened: {a.opened.isoformat()}")
    if seal is not None:
        lines += ["# Written by the generator: the fingerprint of the tables it wrote (do not edit).",
                  "synthetic:", f"  generator: {seal.generator}"]
        if seal.seed is not None:
            lines.append(f"  seed: {seal.seed}")
        lines.append("  tables_sha256:")
        lines += [f"    {name}: {digest}" for name, digest in seal.tables_sha256.items()]
    return "\n".join(lines) + "\n"


def intake_years(mentees: pd.DataFrame) -> tuple:
    """The intake years present in the data, in order."""
    return tuple(sorted(int(y) for y in mentees["intake_date"].dt.year.dropna().unique()))
