"""Say how to fix a refused export: allowed codes, the closest code, a proposed import mapping.

Two services, both proposals and never applied by themselves:

- :func:`explain` completes the loader's problems: every unknown-code problem lists the allowed
  codes and the closest one for each refused value ("'V' → female?"); an unknown column says
  which contract column it probably is; a day-first date says how to declare the date order.
- :func:`propose` looks at a raw export (file and sheet names, headers, values, dates, encoding)
  and writes the mapping (``mapping.yml``) and, when the export has none, the settings
  (``dataset.yml``) that would make it readable, as YAML text with every guess marked for
  review. ``duoreport validate`` prints it; ``duoreport mapping init EXPORT`` writes it.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np

from . import contract as C
from . import reference
from .issues import ContractError, Issue
from .mapping import (DAY_FIRST, IDENTITY, Mapping, TableMapping, apply, cell_key, day_first_to_iso, mapping_path,
                      read_mapping)
from .programme import SETTINGS_FILE, Antenna, Programme, default_programme, fold, read_settings, settings_yaml
from .synonyms import HEADER_SYNONYMS, TABLE_SYNONYMS, VALUE_SYNONYMS, name_key

MAX_CODES_LISTED = 30
MAX_VALUES_EXPLAINED = 5


# --- the closest code, the closest column ------------------------------------------------------

def _country_names() -> dict:
    out = {}
    for row in reference.countries().to_dict("records"):
        for key in ("name_nl", "name_fr"):
            out[name_key(row[key])] = row["code"]
    return out


def suggest_code(value, f: C.Field, programme: Programme | None = None, known: dict | None = None):
    """(code, sure) for a value that is not an allowed code of ``f``; (None, False) if nothing is close.

    ``sure`` is True for a known synonym (a Dutch or French label, an abbreviation such as V or M,
    an antenna's name), False for a guess by spelling."""
    text = cell_key(value)
    key = name_key(text)
    if f.type == "boolean":
        allowed = ("true", "false")
        synonyms = VALUE_SYNONYMS["boolean"]
    else:
        allowed = tuple(cell_key(c) for c in (C.codes_of(f) or ()))
        synonyms = dict(VALUE_SYNONYMS.get(f.name, {}))
    for code in allowed:
        if key == name_key(code):
            return code, True
    if key in synonyms:
        return synonyms[key], True
    if f.name == "antenna":
        for prog in (programme, default_programme()):
            if prog is not None:
                code = prog.resolve_antenna(text)
                if code is not None and (not allowed or code in allowed):
                    return code, True
    if f.reference == "countries":
        names = _country_names()
        if key in names:
            return names[key], True
        allowed = tuple(names.values())
        synonyms = names
    if known and key in known:
        return known[key], True
    candidates = {name_key(c): c for c in allowed} | dict(synonyms) | dict(known or {})
    close = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.75)
    if close:
        return candidates[close[0]], False
    return None, False


def suggest_column(header: str, table: C.Table, taken=()):
    """(contract column, sure) for an export header, or (None, False)."""
    key = name_key(header)
    free = [c for c in table.column_names if c not in taken]
    for column in free:
        if key == name_key(column) or key in HEADER_SYNONYMS.get(column, ()):
            return column, True
    candidates = {}
    for column in free:
        for synonym in [column, *HEADER_SYNONYMS.get(column, ())]:
            candidates[synonym] = column
    close = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.8)
    if close:
        return candidates[close[0]], False
    return None, False


def allowed_text(f: C.Field) -> str:
    if f.reference == "countries":
        return "the ISO 3166-1 alpha-2 codes of data/reference/countries.csv (MA, SY, CD, ...)"
    if f.type == "boolean":
        return ", ".join(C.TRUE_VALUES + C.FALSE_VALUES)
    codes = [str(c) for c in (C.codes_of(f) or ())]
    if len(codes) > MAX_CODES_LISTED:
        return ", ".join(codes[:MAX_CODES_LISTED]) + f" and {len(codes) - MAX_CODES_LISTED} more"
    return ", ".join(codes)


def _flow(values: dict) -> str:
    return "{" + ", ".join(f"{_q(k)}: {_q(v)}" for k, v in values.items()) + "}"


def _q(value) -> str:
    """A YAML scalar that reads back as the same text."""
    text = str(value)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_ .'/()-]*", text) and text.strip() == text and \
            fold(text) not in ("yes", "no", "true", "false", "on", "off", "y", "n", "null", "~"):
        return text
    return json.dumps(text, ensure_ascii=False)


# --- completing the loader's problems ---------------------------------------------------------

def explain(issues, raws: dict, tables, programme: Programme | None, mapping: Mapping = IDENTITY) -> list:
    """The loader's problems, each completed with the allowed codes, the closest code or column,
    and how to fix it in the mapping or the settings."""
    by_file = {raw.file: (name, raw) for name, raw in raws.items()}
    by_name = {t.name: t for t in tables}
    out = []
    for issue in issues:
        found = by_file.get(issue.file)
        if found is None or issue.column is None:
            out.append(_date_hint(issue))
            continue
        name, raw = found
        table = by_name[name]
        if issue.rule == "unknown_code" and issue.column in table.column_names:
            out.append(_explain_code(issue, raw, table, programme))
        elif issue.rule == "unknown_column":
            column, sure = suggest_column(issue.column, table, taken=raw.header)
            if column is not None:
                guess = "" if sure else "?"
                detail = (f"{issue.detail}; or, if it is '{column}'{guess}, declare it in mapping.yml: "
                          f"tables: {name}: columns: {{{_q(issue.column)}: {column}}}")
                out.append(replace(issue, detail=detail))
            else:
                out.append(issue)
        elif issue.rule == "missing_column":
            unknown = [h for h in raw.header if h not in table.column_names]
            if unknown:
                detail = (f"{issue.detail}; if the export names it otherwise ({', '.join(map(repr, unknown[:5]))}), "
                          f"declare it in mapping.yml: tables: {name}: columns: {{<export name>: {issue.column}}}")
                out.append(replace(issue, detail=detail))
            else:
                out.append(issue)
        else:
            out.append(_date_hint(issue))
    return out


def _date_hint(issue: Issue) -> Issue:
    if issue.rule == "wrong_type" and "day/month/year" in issue.detail:
        return replace(issue, detail=issue.detail + "; or, if the whole export writes dates day first, declare "
                                                    "date_order: day_first in mapping.yml")
    return issue


def _explain_code(issue: Issue, raw, table: C.Table, programme) -> Issue:
    f = table.field(issue.column)
    column = raw.columns[raw.header.index(issue.column)]
    at = np.isin(raw.row_numbers, np.asarray(issue.rows, dtype=np.int64))
    positions = list(dict.fromkeys(column.codes[at].tolist()))  # distinct cells, in row order
    values = list(dict.fromkeys(cell_key(v) for v in column.distinct(positions)))
    parts = [issue.detail, f"allowed: {allowed_text(f)}"]
    suggested = {}
    for v in values[:MAX_VALUES_EXPLAINED]:
        code, sure = suggest_code(v, f, programme)
        if code is not None:
            suggested[v] = code
            parts.append(f"'{v}' is probably {code}" if sure else f"'{v}' could be {code}")
    fix = "map the export's values to codes in mapping.yml"
    if suggested:
        fix += f" (codes: {issue.column}: {_flow(suggested)})"
    if f.name == "antenna":
        fix += f", or declare a new antenna in {SETTINGS_FILE} (antennas: code, name_nl, name_fr, opened)"
    parts.append("fix: " + fix)
    return replace(issue, detail="; ".join(parts))


# --- a proposed mapping for a raw export --------------------------------------------------------

@dataclass
class Proposal:
    mapping_yaml: str
    settings_yaml: str | None          # None when the export already has valid settings
    guesses: list = field(default_factory=list)   # what a researcher must check, in words
    unresolved: list = field(default_factory=list)  # what the proposal could not fill in

    mapping_lines: list = field(default_factory=list)
    changes: bool = False  # whether the proposed mapping differs from the mapping in use


@dataclass
class _Source:
    file: str
    sheet: str | None
    path: Path


def _sources(directory: Path) -> list:
    from .reading import non_empty_sheets

    out = []
    for p in sorted(directory.iterdir()):
        if not p.is_file() or p.name.startswith((".", "~$")):
            continue
        if p.suffix.lower() == ".csv":
            out.append(_Source(p.name, None, p))
        elif p.suffix.lower() == ".xlsx":
            try:
                sheets = non_empty_sheets(p)
            except ContractError:
                continue
            if len(sheets) <= 1:
                out.append(_Source(p.name, None, p))
            else:
                out += [_Source(p.name, s, p) for s in sheets]
    return out


def _source_for(table: str, sources: list, mapping: Mapping, claimed: set):
    tm = mapping.table(table)
    if tm.file is not None:
        hits = [s for s in sources if s.file == tm.file and (tm.sheet is None or s.sheet in (tm.sheet, None))]
        return (hits[0] if hits else None), True
    for s in sources:
        if s.sheet is None and s.file in (f"{table}.csv", f"{table}.xlsx"):
            return s, True
    wanted = set(TABLE_SYNONYMS.get(table, [table]))
    for s in sources:
        if (s.file, s.sheet) in claimed:
            continue
        names = [name_key(Path(s.file).stem)] + ([name_key(s.sheet)] if s.sheet else [])
        if any(n in wanted for n in names):
            return s, False
    for s in sources:  # a workbook 'mentees.xlsx' with several sheets: one of them, named like a table
        if s.file == f"{table}.xlsx":
            return s, False
    return None, False


def _read_source(src: _Source, table: C.Table, encoding: str):
    from .reading import read_csv_raw, read_xlsx_raw

    if src.path.suffix.lower() == ".xlsx":
        return read_xlsx_raw(src.path, table.name, src.sheet), encoding
    try:
        return read_csv_raw(src.path, encoding=encoding), encoding
    except ContractError as exc:
        if "encoding" in exc.rules() and encoding.replace("-", "").lower() == "utf8":
            return read_csv_raw(src.path, encoding="cp1252"), "cp1252"
        raise


def propose(directory, mapping_file=None, known_values=None) -> Proposal:
    """The mapping (and settings) that would make a raw export readable, as YAML text to review.

    ``known_values(table, column)`` may give more names of codes (the book's Dutch and French
    labels, folded with :func:`~duoreport.data.synonyms.name_key`) -> code."""
    directory = Path(directory)
    guesses, unresolved = [], []
    settings_missing = not (directory / SETTINGS_FILE).exists()
    try:
        programme, _ = read_settings(directory / SETTINGS_FILE)
    except ContractError:
        programme = None
    base = programme or default_programme()
    tables = C.bound_tables(base.codes)
    source = mapping_path(directory, mapping_file)
    try:
        current = read_mapping(source, tables)
    except ContractError:
        current = IDENTITY
    sources = _sources(directory)
    claimed: set = set()
    encoding = current.encoding
    per_table = {}
    day_first_tables, new_antennas, antenna_first = [], {}, {}
    global_codes: dict = {}
    for table in tables:
        src, declared = _source_for(table.name, sources, current, claimed)
        if src is None:
            if table.required:
                unresolved.append(f"{table.name}: no file found (expected {table.name}.csv or .xlsx, or a file or "
                                  "sheet with a recognisable name); name it under tables: "
                                  f"{table.name}: file: ...")
            continue
        claimed.add((src.file, src.sheet))
        tm = current.table(table.name)
        entry = {"file": tm.file, "sheet": tm.sheet, "columns": dict(tm.columns), "codes": {},
                 "encoding": tm.encoding}
        if not declared or (src.sheet is not None and tm.sheet is None):
            default_file = src.file in (f"{table.name}.csv", f"{table.name}.xlsx")
            if not default_file:
                entry["file"] = src.file
            if src.sheet is not None:
                entry["sheet"] = src.sheet
            guesses.append(f"{table.name} is read from {src.file}" + (f", sheet '{src.sheet}'" if src.sheet else ""))
        try:
            raw, used_encoding = _read_source(src, table, encoding)
        except ContractError as exc:
            unresolved.append(f"{table.name}: {exc.issues[0]}")
            per_table[table.name] = entry
            continue
        if used_encoding != encoding:
            entry["encoding"] = used_encoding
            guesses.append(f"{src.file} is not UTF-8; it is read as cp1252 (Windows, Excel's 'CSV (;)')")
        taken = set(raw.header) | set(entry["columns"].values())
        for header in raw.header:
            if header in table.column_names or header in entry["columns"]:
                continue
            column, sure = suggest_column(header, table, taken)
            if column is None:
                unresolved.append(f"{table.name}: the export's column '{header}' matches no contract column; map "
                                  "it (columns: {'" + header + "': <column>}) or map it to null if it is not used")
                continue
            entry["columns"][header] = column
            taken.add(column)
            if not sure:
                guesses.append(f"{table.name}: column '{header}' read as {column} (by spelling)")
        trial = apply(raw, table, replace(current, tables={**current.tables, table.name: TableMapping(
            columns={h: c for h, c in entry["columns"].items()})}, codes={}))
        for f in table.fields:
            if f.name not in trial.header:
                if f.required:
                    unresolved.append(f"{table.name}: no export column is read as {f.name}")
                continue
            k = trial.header.index(f.name)
            distinct = trial.columns[k].uniques  # each distinct cell once, in order of appearance
            if f.type == "date":
                texts = [c for c in distinct if isinstance(c, str) and c.strip()]
                if texts and any(DAY_FIRST.match(t.strip()) for t in texts) and \
                        not any(re.match(r"^\d{4}-\d{2}-\d{2}", t.strip()) for t in texts):
                    day_first_tables.append(table.name)
                continue
            if f.type not in ("code", "boolean"):
                continue
            allowed = {cell_key(c) for c in (C.codes_of(f) or ())}
            if f.type == "boolean":
                allowed = set(C.TRUE_VALUES + C.FALSE_VALUES)
            known = known_values(table.name, f.name) if known_values else None
            already = current.codes_of(table.name).get(f.name, {})
            for cell in distinct:
                if cell is None or (isinstance(cell, str) and not cell.strip()):
                    continue
                value = cell_key(cell)
                if (value.lower() if f.type == "boolean" else value) in allowed or value in already:
                    continue
                if value in entry["codes"].get(f.name, {}) or value in global_codes.get(f.name, {}):
                    continue
                code, sure = suggest_code(value, f, programme, known)
                if code is None and f.name == "antenna":
                    code = name_key(value)
                    new_antennas.setdefault(code, value)
                    sure = False
                if code is None:
                    unresolved.append(f"{table.name}: value '{value}' of {f.name} matches no allowed code "
                                      f"(allowed: {allowed_text(f)})")
                    entry["codes"].setdefault(f.name, {})[value] = None
                    continue
                target = global_codes if f.name in ("gender", "antenna") or f.type == "boolean" else entry["codes"]
                target.setdefault(f.name, {})[value] = code
                if not sure:
                    guesses.append(f"{f.name}: '{value}' read as {code} (by spelling)")
            if f.name == "antenna" and table.name == "mentees" and "intake_date" in trial.header:
                d = trial.header.index("intake_date")
                for _, cells in trial.rows:  # one pass over the mentees: the first intake per antenna
                    value = cell_key(cells[k])
                    when = cells[d]
                    iso = when.date().isoformat() if hasattr(when, "date") and callable(when.date) \
                        else (str(when).strip() if isinstance(when, str) else None)
                    if isinstance(when, str) and DAY_FIRST.match(when.strip()):
                        iso = day_first_to_iso(when)
                    if iso and re.match(r"^\d{4}-\d{2}-\d{2}$", iso[:10]):
                        antenna_first[value] = min(antenna_first.get(value, iso[:10]), iso[:10])
        per_table[table.name] = entry

    leftovers = [s for s in sources if (s.file, s.sheet) not in claimed and s.file not in current.ignore
                 and not (s.sheet and f"{s.file}[{s.sheet}]" in current.ignore)
                 and not any(s.file == c[0] and c[1] is None for c in claimed)]
    for s in leftovers:
        name = f"{s.file}[{s.sheet}]" if s.sheet else s.file
        unresolved.append(f"{name}: no table of the contract recognised in it; if it holds no data, list it under "
                          f"ignore: (the proposal has the line, commented out); if it does, name it under tables:")
    date_order = current.date_order
    if day_first_tables and date_order != "day_first":
        date_order = "day_first"
        guesses.append("dates are written day first (" + ", ".join(sorted(set(day_first_tables))) +
                       "): date_order: day_first")
    lines = _mapping_yaml(encoding, date_order, _merge(current.codes, global_codes), per_table, current.ignore,
                          [f"{s.file}[{s.sheet}]" if s.sheet else s.file for s in leftovers])
    settings_text = None
    if settings_missing:
        antennas = list(base.antennas)
        notes = {}
        codes_in_data = set(global_codes.get("antenna", {}).values())
        for code, shown in new_antennas.items():
            first = antenna_first.get(shown)
            antennas.append(Antenna(code, shown, shown, date.fromisoformat(first) if first else None))
            notes[code] = "TODO: a new antenna found in the data; check the code and the French name"
        for a in base.antennas:
            if codes_in_data and a.code not in codes_in_data:
                notes[a.code] = "no mentee of this export has this antenna: keep it or delete it"
        prog = Programme(base.organisation, tuple(antennas), None, None, "real")
        settings_text = settings_yaml(prog, notes=notes)
        guesses.append(f"{SETTINGS_FILE}: kind real, the antennas of the default programme"
                       + (f" plus {', '.join(new_antennas)}" if new_antennas else "") + "; check them")
    changes = bool(global_codes) or date_order != current.date_order or any(
        e["file"] != current.table(n).file or e["sheet"] != current.table(n).sheet or e["codes"]
        or e["columns"] != current.table(n).columns or e["encoding"] != current.table(n).encoding
        for n, e in per_table.items())
    return Proposal("\n".join(lines) + "\n", settings_text, guesses, unresolved, mapping_lines=lines,
                    changes=changes)


def _merge(current: dict, new: dict) -> dict:
    out = {c: dict(v) for c, v in current.items()}
    for column, values in new.items():
        out.setdefault(column, {}).update(values)
    return out


def _mapping_yaml(encoding, date_order, codes, per_table, ignore, leftovers=()) -> list:
    lines = [
        "# Import mapping for duoreport: how to read this export (see README.md, \"Your own export\").",
        "# Proposed by duoreport from the export's files: review every entry before you rely on it.",
        f"encoding: {encoding}        # utf-8, or cp1252 for Excel's 'CSV (;)' on Windows",
        f"date_order: {date_order}    # iso (2018-12-31) or day_first (31/12/2018)",
    ]
    if codes:
        lines.append("codes:                 # export value: contract code, for every table with that column")
        for column, values in codes.items():
            lines.append(f"  {column}: {_flow(values)}")
    tables = {name: e for name, e in per_table.items()
              if e.get("file") or e.get("sheet") or e.get("columns") or e.get("codes") or e.get("encoding")}
    if tables:
        lines.append("tables:")
        for name, e in tables.items():
            lines.append(f"  {name}:")
            if e.get("file"):
                lines.append(f"    file: {_q(e['file'])}")
            if e.get("sheet"):
                lines.append(f"    sheet: {_q(e['sheet'])}")
            if e.get("encoding"):
                lines.append(f"    encoding: {e['encoding']}")
            if e.get("columns"):
                lines.append("    columns:")
                for header, column in e["columns"].items():
                    lines.append(f"      {_q(header)}: {column if column is not None else 'null'}")
            if e.get("codes"):
                lines.append("    codes:")
                for column, values in e["codes"].items():
                    shown = {k: ("TODO" if v is None else v) for k, v in values.items()}
                    lines.append(f"      {column}: {_flow(shown)}")
    if ignore:
        lines.append("ignore: [" + ", ".join(_q(i) for i in ignore) + "]")
    if leftovers:
        lines.append("# Files or sheets that no table reads: uncomment after checking that they hold no data.")
        lines.append("# ignore: [" + ", ".join(_q(i) for i in (*ignore, *leftovers)) + "]")
    return lines
