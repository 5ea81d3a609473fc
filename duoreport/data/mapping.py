"""The import mapping: how to read an export whose files do not already speak the contract.

A CRM export rarely has the contract's file names, column names and codes. Rather than editing
the export (raw inputs stay as they came) or the code, the researcher declares the differences
in a small YAML file, ``mapping.yml`` beside the export (or any file given with ``--mapping``)::

    encoding: cp1252            # CSV files saved by Excel as "CSV (;)"; default utf-8
    date_order: day_first       # 31/12/2018 is read as 2018-12-31; default: ISO dates only
    codes:                      # value maps for every table with that column
      gender: {V: female, M: male, X: other}
    tables:
      mentees:
        file: Deelnemers.xlsx   # default: mentees.csv or mentees.xlsx
        sheet: Jongeren         # required when the workbook has more than one non-empty sheet
        columns: {Geslacht: gender, Antenne: antenna}
        codes:
          antenna: {Brussel: brussels, Gand: ghent}
    ignore: [Notes.xlsx]        # files (or 'file.xlsx[sheet]') that are deliberately not read

Everything is applied while reading, before validation; the data contract then checks the
result like any other export. Nothing is guessed: a date is read day first only when
``date_order: day_first`` is declared, an encoding other than UTF-8 only when declared, a sheet
only when it is the workbook's one non-empty sheet or declared. ``duoreport validate`` proposes a
mapping for what it refuses and ``duoreport mapping init EXPORT`` writes one to review
(:mod:`.proposal`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import contract as C
from .issues import ContractError, Issue
from .yamlfile import Located, read_yaml

MAPPING_FILE = "mapping.yml"
DATE_ORDERS = ("iso", "day_first")
TOP_KEYS = ("encoding", "date_order", "codes", "tables", "ignore")
TABLE_KEYS = ("file", "sheet", "columns", "codes", "encoding", "date_order")
DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: 0?0:00(?::00)?)?$")


@dataclass(frozen=True)
class TableMapping:
    file: str | None = None
    sheet: str | None = None
    columns: dict = field(default_factory=dict)   # export header -> contract column (None: not read)
    codes: dict = field(default_factory=dict)     # contract column -> {export value: code}
    encoding: str | None = None
    date_order: str | None = None


@dataclass(frozen=True)
class Mapping:
    encoding: str = "utf-8"
    date_order: str = "iso"
    codes: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)    # table name -> TableMapping
    ignore: tuple = ()
    source: str | None = None                     # the file it was read from, for messages

    def table(self, name: str) -> TableMapping:
        return self.tables.get(name, TableMapping())

    def encoding_of(self, name: str) -> str:
        return self.table(name).encoding or self.encoding

    def date_order_of(self, name: str) -> str:
        return self.table(name).date_order or self.date_order

    def codes_of(self, name: str) -> dict:
        """Value maps for a table: the global ones, overridden column by column by the table's own."""
        merged = {col: dict(values) for col, values in self.codes.items()}
        for col, values in self.table(name).codes.items():
            merged[col] = {**merged.get(col, {}), **values}
        return merged

    @property
    def is_identity(self) -> bool:
        return self == Mapping(source=self.source)


IDENTITY = Mapping()


def cell_key(value) -> str:
    """Export values are compared as text: 6, 6.0 and '6' are the same cell."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _encoding_ok(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def parse_mapping(doc: Located, tables=C.TABLES):
    """(Mapping, issues) from a parsed mapping file; ``tables`` are the contract's (bound) tables."""
    issues: list = []
    data = doc.data
    if not isinstance(data, dict):
        return IDENTITY, [doc.issue((), "wrong_type", "the mapping must be a list of 'key: value' settings")]
    by_name = {t.name: t for t in tables}
    columns_anywhere = {f.name for t in tables for f in t.fields}
    for key in data:
        if key not in TOP_KEYS:
            issues.append(doc.issue((key,), "unknown_key", f"'{key}' is not a mapping setting; the settings are "
                                                           f"{', '.join(TOP_KEYS)}"))

    def encoding(value, path):
        if value is None:
            return None
        if not isinstance(value, str) or not _encoding_ok(value):
            issues.append(doc.issue(path, "unknown_code", f"unknown encoding {value!r}; use utf-8 or cp1252 "
                                                          "(Windows, Excel's 'CSV (;)')"))
            return None
        return value

    def date_order(value, path):
        if value is None:
            return None
        if value not in DATE_ORDERS:
            issues.append(doc.issue(path, "unknown_code", f"date_order {value!r} is not allowed; allowed: "
                                                          f"{', '.join(DATE_ORDERS)}"))
            return None
        return value

    def codes(value, path, fields_by_name):
        out = {}
        if value is None:
            return out
        if not isinstance(value, dict):
            issues.append(doc.issue(path, "wrong_type", "codes are given per column: 'column: {export value: code}'"))
            return out
        for column, values in value.items():
            f = fields_by_name.get(column)
            if f is None or f.type not in ("code", "boolean"):
                what = "not a column of the contract" if f is None else f"a {f.type} column, not a code"
                issues.append(doc.issue(path + (column,), "unknown_column",
                                        f"'{column}' is {what}; codes are mapped for code and yes/no columns, "
                                        "by their contract name"))
                continue
            if not isinstance(values, dict):
                issues.append(doc.issue(path + (column,), "wrong_type", "give the codes as 'export value: code'"))
                continue
            allowed = C.codes_of(f)
            mapped = {}
            for raw, target in values.items():
                target_key = cell_key(target) if target is not None else None
                if f.type == "boolean":
                    ok = target_key is not None and target_key.lower() in C.TRUE_VALUES + C.FALSE_VALUES
                elif allowed is None:
                    ok = target_key is not None  # antennas of unusable settings: checked with the data
                else:
                    ok = target_key in {cell_key(c) for c in allowed}
                if not ok:
                    shown = ", ".join(map(str, allowed)) if allowed and len(allowed) <= 30 else \
                        "true, false" if f.type == "boolean" else "the codes of the contract"
                    issues.append(doc.issue(path + (column, raw), "unknown_code",
                                            f"{raw!r} is mapped to {target!r}, which is not an allowed code of "
                                            f"'{column}'; allowed: {shown}"))
                    continue
                mapped[cell_key(raw)] = target_key
            out[column] = mapped
        return out

    all_fields = {f.name: f for t in tables for f in t.fields}
    tables_out = {}
    raw_tables = data.get("tables") or {}
    if not isinstance(raw_tables, dict):
        issues.append(doc.issue(("tables",), "wrong_type", "tables are given by contract name: 'mentees: {...}'"))
        raw_tables = {}
    for name, spec in raw_tables.items():
        path = ("tables", name)
        table = by_name.get(name)
        if table is None:
            issues.append(doc.issue(path, "unknown_table", f"'{name}' is not a table of the contract; the tables "
                                                           f"are {', '.join(by_name)}"))
            continue
        spec = spec or {}
        if not isinstance(spec, dict):
            issues.append(doc.issue(path, "wrong_type", "a table's mapping has file, sheet, columns, codes"))
            continue
        for key in spec:
            if key not in TABLE_KEYS:
                issues.append(doc.issue(path + (key,), "unknown_key", f"'{key}' is not a table setting; the "
                                                                      f"settings are {', '.join(TABLE_KEYS)}"))
        renames = {}
        raw_columns = spec.get("columns") or {}
        if not isinstance(raw_columns, dict):
            issues.append(doc.issue(path + ("columns",), "wrong_type", "columns are given as 'export header: column'"))
            raw_columns = {}
        for header, column in raw_columns.items():
            if column is not None and column not in table.column_names:
                issues.append(doc.issue(path + ("columns", header), "unknown_column",
                                        f"'{column}' is not a column of {name}; its columns are "
                                        f"{', '.join(table.column_names)} (or null: a column not read)"))
                continue
            renames[str(header).strip()] = column
        targets = [c for c in renames.values() if c is not None]
        for column in {c for c in targets if targets.count(c) > 1}:
            issues.append(doc.issue(path + ("columns",), "duplicate_column",
                                    f"two export columns are mapped to '{column}'"))
        file = spec.get("file")
        if file is not None and (not isinstance(file, str) or "/" in file or "\\" in file):
            issues.append(doc.issue(path + ("file",), "wrong_type", "a file name in the export folder, without a path"))
            file = None
        sheet = spec.get("sheet")
        tables_out[name] = TableMapping(
            file=file, sheet=None if sheet is None else str(sheet), columns=renames,
            codes=codes(spec.get("codes"), path + ("codes",), {f.name: f for f in table.fields}),
            encoding=encoding(spec.get("encoding"), path + ("encoding",)),
            date_order=date_order(spec.get("date_order"), path + ("date_order",)))
    ignore = data.get("ignore") or []
    if isinstance(ignore, str):
        ignore = [ignore]
    if not isinstance(ignore, list):
        issues.append(doc.issue(("ignore",), "wrong_type", "ignore is a list of file names ('file.xlsx[sheet]' "
                                                            "for one sheet)"))
        ignore = []
    mapping = Mapping(
        encoding=encoding(data.get("encoding"), ("encoding",)) or "utf-8",
        date_order=date_order(data.get("date_order"), ("date_order",)) or "iso",
        codes=codes(data.get("codes"), ("codes",), {n: f for n, f in all_fields.items() if n in columns_anywhere}),
        tables=tables_out, ignore=tuple(str(i) for i in ignore), source=doc.name)
    return mapping, issues


def mapping_path(directory: Path, explicit=None) -> Path | None:
    """The mapping file in use: ``explicit`` (``--mapping``), else ``mapping.yml`` beside the export."""
    if explicit:
        return Path(explicit)
    candidate = Path(directory) / MAPPING_FILE
    return candidate if candidate.exists() else None


def read_mapping(path: Path | None, tables=C.TABLES) -> Mapping:
    """The mapping of a file (IDENTITY without one); ContractError on any problem."""
    if path is None:
        return IDENTITY
    path = Path(path)
    if not path.exists():
        raise ContractError([Issue(path.name, None, (), "missing_file", f"the mapping file {path} does not exist",
                                   unit="line")])
    mapping, issues = parse_mapping(read_yaml(path), tables)
    if issues:
        raise ContractError(issues)
    return mapping


# --- applying a mapping to the raw cells of one table ----------------------------------------------

def day_first_to_iso(text: str) -> str | None:
    """'31/12/2018' -> '2018-12-31' (also with '-' or '.'; midnight may follow); None if not such a date."""
    m = DAY_FIRST.match(text.strip())
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def apply(raw, table: C.Table, mapping: Mapping):
    """The raw table (:class:`~duoreport.data.raw.RawTable`) with the mapping applied: headers
    renamed (columns declared as not read left out), values mapped to codes, day-first dates
    turned into ISO dates. Each distinct cell is converted once. Cells that no rule matches are
    left as they are, for the contract to judge."""
    tm = mapping.table(table.name)
    if tm.columns:
        keep = [i for i, h in enumerate(raw.header) if not (h in tm.columns and tm.columns[h] is None)]
        if len(keep) < len(raw.header):
            raw = raw.keep_columns(keep)
        raw = raw.with_header([tm.columns.get(h, h) for h in raw.header])
    for column, values in mapping.codes_of(table.name).items():
        if column in raw.header and values:
            raw = raw.map_cells(raw.header.index(column), _recode(values))
    if mapping.date_order_of(table.name) == "day_first":
        for f in table.fields:
            if f.type == "date" and f.name in raw.header:
                raw = raw.map_cells(raw.header.index(f.name), _day_first)
    return raw


def _recode(values: dict):
    def convert(cell):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return cell
        return values.get(cell_key(cell), cell)

    return convert


def _day_first(cell):
    if isinstance(cell, str):
        iso = day_first_to_iso(cell)
        if iso is not None:
            return iso
    return cell
