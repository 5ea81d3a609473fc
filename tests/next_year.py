"""A next-year CRM export, as a researcher would receive it, made from the synthetic default.

:func:`next_year_export` adds an intake year (2018) and a fifth antenna (Mechelen, opened in
March 2018) to the synthetic default's tables, then writes them the way a Belgian CRM and Excel
would: Dutch headers and codes (V/M, Brussel, ja/nee), a Windows-1252 CSV with ``;`` and
day-first dates, French antenna names in another file, a workbook with real date cells and an
explanatory second sheet, the other tables as plain CSV. Beside them: the ``mapping.yml`` and the
``dataset.yml`` (kind real, five antennas, the new period) that a researcher would write.

The generator keeps the tables it meant to write (``expected``), in the contract's form, so that a
test can check the loader's result against what was written, not against the loader itself.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from duoreport.data import contract as C
from duoreport.data.loading import load_dataset
from duoreport.settings import SYNTHETIC_DIR

NEW_YEAR = 2018
NEW_ANTENNA = ("mechelen", "Mechelen", "Malines", date(2018, 3, 1))
EXTRACTED = date(2019, 1, 15)  # the day of the export: later follow-ups do not exist yet
PERIOD = (date(2013, 9, 1), date(2018, 12, 31))
ANTENNAS = (("brussels", "Brussel", "Bruxelles", date(2013, 9, 1)),
            ("liege", "Luik", "Liège", date(2015, 1, 1)),
            ("antwerp", "Antwerpen", "Anvers", date(2016, 1, 1)),
            ("ghent", "Gent", "Gand", date(2017, 1, 1)),
            NEW_ANTENNA)
NEW_SHARES = {"brussels": 0.38, "liege": 0.18, "antwerp": 0.17, "ghent": 0.15, "mechelen": 0.12}

# the CRM's Dutch headers of the mentees file (the other columns keep the contract's names)
MENTEE_HEADERS = {"mentee_id": "Dossiernummer", "antenna": "Antenne", "intake_date": "Intakedatum",
                  "gender": "Geslacht", "age_at_intake": "Leeftijd", "origin_country": "Herkomstland",
                  "education_level": "Opleidingsniveau", "has_children": "Kinderen",
                  "driving_licence": "Rijbewijs"}
GENDER_NL = {"female": "V", "male": "M", "other": "X"}


@dataclass
class NextYearExport:
    path: Path
    expected: dict          # table name -> DataFrame in the contract's form (typed as the loader types)
    n_new: int


def _new_mentees(base: pd.DataFrame, rng, n_new: int, flip_ages: bool) -> pd.DataFrame:
    source = base.iloc[np.sort(rng.choice(len(base), n_new, replace=True))].copy()
    source["source_id"] = source["mentee_id"]
    source["mentee_id"] = [f"N{i:05d}" for i in range(1, n_new + 1)]
    codes = list(NEW_SHARES)
    source["antenna"] = rng.choice(codes, n_new, p=list(NEW_SHARES.values()))
    days = rng.integers(0, 365, n_new)
    starts = [date(NEW_YEAR, 1, 1) + timedelta(days=int(d)) for d in days]
    opened = NEW_ANTENNA[3]
    starts = [max(s, opened) if a == "mechelen" else s for s, a in zip(starts, source["antenna"])]
    source["intake_date"] = pd.to_datetime(starts)
    if flip_ages:  # an older intake: 30-33 overtakes 20-24 as the second age band of all years together
        source["age_at_intake"] = rng.integers(30, 34, n_new)
    return source.reset_index(drop=True)


def _write_csv(path: Path, header: list, rows: list, delimiter=",", encoding="utf-8", newline="\n") -> None:
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator=newline)
        w.writerow(header)
        w.writerows(rows)


def _text(value, *, day_first=False, yes_no=("true", "false")) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d/%m/%Y") if day_first else value.strftime("%Y-%m-%d")
    if isinstance(value, (np.integer,)):
        return str(int(value))
    return str(value)


def _cells(df: pd.DataFrame):
    return [[None if (v is pd.NA or v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT)
             else v for v in row] for row in df.itertuples(index=False)]


def next_year_export(target: Path, n_new: int = 420, seed: int = 2019, flip_ages: bool = True) -> NextYearExport:
    """Write the next-year export into ``target`` (a new folder) and return it with its expected tables.

    ``flip_ages``: the 2018 intake is 30 to 33 years old, so that the order of the age bands over
    all years changes (25-29, then 30-33 before 20-24): a sentence that states the synthetic
    default's order must not be published as written."""
    rng = np.random.default_rng(seed)
    base = load_dataset(SYNTHETIC_DIR)
    tables = {name: (None if df is None else df.copy()) for name, df in base.tables.items()}

    new = _new_mentees(tables["mentees"], rng, n_new, flip_ages)
    source_of = dict(zip(new["mentee_id"], new["source_id"]))
    mentees = pd.concat([tables["mentees"], new.drop(columns="source_id")], ignore_index=True)

    mentors = tables["mentors"]
    n_mechelen = 25
    new_mentors = pd.DataFrame({
        "mentor_id": [f"TM{i:04d}" for i in range(1, n_mechelen + 1)],
        "antenna": "mechelen",
        "gender": rng.choice(["female", "male"], n_mechelen),
        "age_at_start": pd.array(rng.integers(50, 72, n_mechelen), dtype="Int64"),
        "sector": rng.choice([s for s in C.SECTORS if s != "no_career_plan"], n_mechelen),
    })
    mentors = pd.concat([mentors, new_mentors], ignore_index=True)
    pools = {a: mentors.loc[mentors["antenna"] == a, "mentor_id"].tolist() for a in NEW_SHARES}

    duo_rows, outcome_rows = [], []
    old_outcomes = tables["outcomes"].set_index(["mentee_id", "followup_months"])
    for i, r in enumerate(new.itertuples(index=False)):
        start = r.intake_date.date() + timedelta(days=int(rng.integers(14, 45)))
        pool = pools[r.antenna]
        mentor = pool[i % len(pool)]
        end = start + timedelta(days=182)
        if end <= EXTRACTED:
            duo_rows.append((f"DN{i + 1:05d}", r.mentee_id, mentor, start, end, "completed"))
        else:
            duo_rows.append((f"DN{i + 1:05d}", r.mentee_id, mentor, start, None, "ongoing"))
        if start + timedelta(days=183) <= EXTRACTED and (source_of[r.mentee_id], 6) in old_outcomes.index:
            o = old_outcomes.loc[(source_of[r.mentee_id], 6)]
            missing = lambda v: None if pd.isna(v) else v  # noqa: E731
            outcome_rows.append((r.mentee_id, 6, o["status"], missing(o["positive_type"]),
                                 missing(o["internship_led_to_contract"])))
    new_duos = pd.DataFrame(duo_rows, columns=["duo_id", "mentee_id", "mentor_id", "start_date", "end_date", "status"])
    new_duos["start_date"] = pd.to_datetime(new_duos["start_date"])
    new_duos["end_date"] = pd.to_datetime(new_duos["end_date"])
    duos = pd.concat([tables["duos"], new_duos], ignore_index=True)
    new_outcomes = pd.DataFrame(outcome_rows, columns=list(C.OUTCOMES.column_names)).astype(
        {"followup_months": "Int64", "positive_type": object, "internship_led_to_contract": "boolean"})
    outcomes = pd.concat([tables["outcomes"], new_outcomes], ignore_index=True)

    def copied(table: str) -> pd.DataFrame:
        old = tables[table]
        parts = []
        for new_id, old_id in source_of.items():
            rows = old[old["mentee_id"] == old_id].copy()
            rows["mentee_id"] = new_id
            parts.append(rows)
        return pd.concat([old, *parts], ignore_index=True)

    tables.update(mentees=mentees, mentors=mentors, duos=duos, outcomes=outcomes,
                  intake_obstacles=copied("intake_obstacles"), expectations=copied("expectations"),
                  housing_problems=copied("housing_problems"))
    expected = {}
    for t in C.TABLES:
        df = tables[t.name]
        if df is None:
            continue
        df = df[list(t.column_names)].reset_index(drop=True)
        expected[t.name] = df.astype({f.name: "Int64" for f in t.fields if f.type == "integer"
                                      or (f.type == "code" and C.codes_of(f) and isinstance(C.codes_of(f)[0], int))})
        for f in t.fields:  # text columns as the loader gives them: objects, None when empty
            column = expected[t.name][f.name]
            if f.type in ("string", "code") and not (C.codes_of(f) and isinstance(C.codes_of(f)[0], int)):
                expected[t.name][f.name] = column.astype(object).where(column.notna(), None)

    target = Path(target)
    target.mkdir(parents=True)
    _write_mentees(target / "Jongeren.csv", expected["mentees"])
    _write_mentors(target / "mentors.csv", expected["mentors"])
    _write_workbook(target / "Duos.xlsx", "Duo's", expected["duos"],
                    note=["Export van de duo's uit het CRM, opgemaakt op", datetime(2019, 1, 15)])
    _write_workbook(target / "outcomes.xlsx", "Opvolging", expected["outcomes"])
    for name in ("intake_obstacles", "expectations", "housing_problems", "alumni_survey", "alumni_obstacles",
                 "mentor_survey", "mentor_survey_problems", "sib_participants", "sib_control"):
        df = expected[name]
        _write_csv(target / f"{name}.csv", list(df.columns), [[_text(v) for v in row] for row in df.itertuples(index=False)])
    (target / "mapping.yml").write_text(MAPPING, encoding="utf-8")
    (target / "dataset.yml").write_text(settings_text(), encoding="utf-8")
    return NextYearExport(target, expected, n_new)


def _write_mentees(path: Path, df: pd.DataFrame) -> None:
    """Excel's 'CSV (;)' on a Belgian Windows: cp1252, ';', CRLF, day-first dates, Dutch words."""
    names = {a[0]: a[1] for a in ANTENNAS}
    header = [MENTEE_HEADERS.get(c, c) for c in df.columns]
    rows = []
    for row in df.to_dict("records"):
        out = []
        for column, value in row.items():
            if column == "gender":
                out.append(GENDER_NL[value])
            elif column == "antenna":
                out.append(names[value])
            else:
                out.append(_text(value, day_first=True, yes_no=("ja", "nee")))
        rows.append(out)
    _write_csv(path, header, rows, delimiter=";", encoding="cp1252", newline="\r\n")


def _write_mentors(path: Path, df: pd.DataFrame) -> None:
    """The volunteers' file, kept by a French-speaking office: antenna names in French."""
    names = {a[0]: a[2] for a in ANTENNAS}
    rows = [[names[v] if c == "antenna" else GENDER_NL[v] if c == "gender" else _text(v)
             for c, v in row.items()] for row in df.to_dict("records")]
    _write_csv(path, list(df.columns), rows, delimiter=";", encoding="utf-8-sig", newline="\r\n")


def _excel_value(v):
    """A cell as Excel holds it: a date cell, a number, a yes/no, a text."""
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def _write_workbook(path: Path, sheet: str, df: pd.DataFrame, note: list | None = None) -> None:
    """A workbook with the table on one sheet (real date cells) and, if given, a note on a second one."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(df.columns))
    for row in _cells(df):
        ws.append([_excel_value(v) for v in row])
    if note:
        wb.create_sheet("Uitleg").append(note)
    wb.save(path)


MAPPING = """\
# How to read this CRM export (see README.md, "Your own export").
date_order: day_first        # Jongeren.csv writes 31/12/2018
codes:
  gender: {V: female, M: male, X: other}
  antenna: {Brussel: brussels, Luik: liege, Antwerpen: antwerp, Gent: ghent, Mechelen: mechelen,
            Bruxelles: brussels, "Liège": liege, Anvers: antwerp, Gand: ghent, Malines: mechelen}
tables:
  mentees:
    file: Jongeren.csv
    encoding: cp1252         # Excel's "CSV (;)" on Windows
    columns: {Dossiernummer: mentee_id, Antenne: antenna, Intakedatum: intake_date, Geslacht: gender,
              Leeftijd: age_at_intake, Herkomstland: origin_country, Opleidingsniveau: education_level,
              Kinderen: has_children, Rijbewijs: driving_licence}
  duos:
    file: Duos.xlsx
    sheet: "Duo's"
ignore: ["Duos.xlsx[Uitleg]"]   # a note, not data
"""


def settings_text() -> str:
    lines = ["kind: real", "organisation: DUO for a JOB", "period:", f"  start: {PERIOD[0]}", f"  end: {PERIOD[1]}",
             "antennas:"]
    for code, nl, fr, opened in ANTENNAS:
        lines += [f"  - code: {code}", f"    name_nl: {nl}", f"    name_fr: \"{fr}\"", f"    opened: {opened}"]
    return "\n".join(lines) + "\n"
