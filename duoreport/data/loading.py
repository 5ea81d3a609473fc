"""Read a CRM export (CSV or XLSX), check it against the contract, return typed tables.

Every load goes through :func:`load_dataset`; there is no unchecked path. Problems are
collected and raised together as a :class:`ContractError` whose lines name the file,
column, spreadsheet row(s) (the header is row 1) and the rule that was broken.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from . import contract as C

MAX_ROWS_SHOWN = 8
INT64_MAX = 2**63 - 1
# A stray quote makes the rest of a file one field; with the default limit (128 KiB) the
# csv module raises instead of letting the row's field count reveal the problem.
csv.field_size_limit(2**31 - 1)
MARKER_FILE = "dataset.json"

# Column names that suggest a direct identifier. Matched on the lower-cased name
# split into words; such columns are refused even before the unknown-column check.
IDENTIFIER_WORDS = {
    "name", "names", "naam", "nom", "prenom", "prénom", "voornaam", "achternaam",
    "firstname", "lastname", "surname", "fullname",
    "email", "mail", "courriel", "phone", "telephone", "téléphone", "telefoon",
    "tel", "gsm", "mobile", "mobiel",
    "rijksregister", "rijksregisternummer", "niss", "insz", "rrn", "nrn",
    "address", "adres", "adresse", "street", "straat", "rue", "huisnummer",
    "postcode", "zip", "zipcode",
}
IDENTIFIER_PHRASES = ("national_register", "register_number", "e_mail", "first_name",
                      "last_name", "family_name", "full_name", "date_of_birth", "birth_date",
                      "geboortedatum", "date_naissance")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
NRN_RE = re.compile(r"^\d{2}\.?\d{2}\.?\d{2}[- ]?\d{3}\.?\d{2}$")
PHONE_RE = re.compile(r"^(\+|00)?\d[\d ./-]{7,}\d$")


@dataclass(frozen=True)
class Issue:
    file: str
    column: str | None
    rows: tuple
    rule: str
    detail: str

    def __str__(self) -> str:
        where = self.file
        if self.column:
            where += f", column '{self.column}'"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
            more = f" and {len(self.rows) - MAX_ROWS_SHOWN} more" if len(self.rows) > MAX_ROWS_SHOWN else ""
            where += f", row{'s' if len(self.rows) > 1 else ''} {shown}{more}"
        return f"{where}: [{self.rule}] {self.detail}"


class ContractError(Exception):
    """The input breaks the data contract; nothing has been written."""

    def __init__(self, issues):
        self.issues = list(issues)
        super().__init__(self.report())

    def report(self) -> str:
        head = f"The data do not meet the contract ({len(self.issues)} problem(s)); nothing was written."
        return "\n".join([head] + [f"  - {i}" for i in self.issues])

    def rules(self) -> set:
        return {i.rule for i in self.issues}


@dataclass
class Dataset:
    tables: dict
    source_dir: Path
    synthetic: bool
    data_hash: str
    metadata: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def has(self, name: str) -> bool:
        return self.tables.get(name) is not None


# --- reading files ---------------------------------------------------------

@dataclass
class RawTable:
    file: str
    header: list
    rows: list  # list of lists, cells are str (CSV) or python values (XLSX)
    decimal_comma: bool


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContractError([Issue(path.name, None, (), "encoding",
                                   f"not valid UTF-8 (byte {exc.start}); the file looks like a "
                                   "Windows-1252/Latin-1 export. Save it as 'CSV UTF-8'.")]) from None


def read_csv_raw(path: Path) -> RawTable:
    data = path.read_bytes()
    text = _decode(path, data)
    if not text.strip():
        raise ContractError([Issue(path.name, None, (), "empty_file", "the file is empty")])
    first_line = text.splitlines()[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = [row for row in reader]
    header = [h.strip() for h in lines[0]]
    rows = []
    issues = []
    for i, row in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            issues.append(Issue(path.name, None, (i,), "field_count",
                                f"{len(row)} fields where the header has {len(header)} "
                                f"(separator '{delimiter}'); a stray separator or an unquoted "
                                "decimal comma would be misread, so the file is refused"))
            continue
        rows.append((i, row))
    if issues:
        raise ContractError(issues)
    return RawTable(path.name, header, rows, decimal_comma=(delimiter == ";"))


def read_xlsx_raw(path: Path, table: str) -> RawTable:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for broken files
        raise ContractError([Issue(path.name, None, (), "unreadable_xlsx", str(exc))]) from None
    ws = wb[table] if table in wb.sheetnames else wb.worksheets[0]
    all_rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not all_rows or all(v is None for v in all_rows[0]):
        raise ContractError([Issue(path.name, None, (), "empty_file", "the sheet is empty")])
    header = ["" if v is None else str(v).strip() for v in all_rows[0]]
    while header and header[-1] == "":
        header.pop()
    rows = []
    issues = []
    for i, row in enumerate(all_rows[1:], start=2):
        if any(c is not None and str(c).strip() for c in row[len(header):]):
            issues.append(Issue(path.name, None, (i,), "field_count",
                                "a value stands in a column without a header; it would be ignored, "
                                "so the sheet is refused"))
        cells = list(row[: len(header)]) + [None] * max(0, len(header) - len(row))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        rows.append((i, ["" if c is None else c for c in cells]))
    if issues:
        raise ContractError(issues)
    return RawTable(path.name, header, rows, decimal_comma=False)


def find_table_file(directory: Path, table: str):
    candidates = [directory / f"{table}.csv", directory / f"{table}.xlsx"]
    present = [p for p in candidates if p.exists()]
    if len(present) > 1:
        raise ContractError([Issue(present[0].name, None, (), "ambiguous_file",
                                   f"both {table}.csv and {table}.xlsx exist; keep one")])
    return present[0] if present else None


# --- converting cells ----------------------------------------------------

class CellError(ValueError):
    def __init__(self, message, rule=None):
        super().__init__(message)
        self.rule = rule


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def convert_cell(value, f: C.Field, decimal_comma: bool, codes):
    """Convert one raw cell to its typed value, or raise CellError saying why."""
    kind = f.type
    if kind == "code" and codes and isinstance(codes[0], int):
        kind = "int_code"
    if kind in ("string", "code"):
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if kind == "code" and text not in codes:
            raise CellError(f"unknown code {text!r}")
        if f.pattern and not re.fullmatch(f.pattern, text):
            raise CellError(f"{text!r} does not match the pattern {f.pattern}")
        return text
    if kind in ("integer", "int_code"):
        if isinstance(value, bool):
            raise CellError(f"{value!r} is not a whole number")
        if isinstance(value, (int, float)):
            if float(value).is_integer():
                number = int(value)
                if abs(number) > INT64_MAX:
                    raise CellError(f"{number} is out of range for a whole number", rule="out_of_range")
            else:
                raise CellError(f"{value!r} is not a whole number")
        else:
            text = str(value).strip()
            if not re.fullmatch(r"[+-]?\d+", text):
                raise CellError(f"{text!r} is not a whole number")
            number = int(text)
        if abs(number) > INT64_MAX:
            raise CellError(f"{number} is out of range for a whole number", rule="out_of_range")
        if kind == "int_code" and number not in codes:
            raise CellError(f"unknown code {number!r}")
        return number
    if kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        text = str(value).strip()
        pattern = r"[+-]?\d+(,\d+)?" if decimal_comma else r"[+-]?\d+(\.\d+)?"
        if not re.fullmatch(pattern, text):
            sep = "comma" if decimal_comma else "point"
            raise CellError(f"{text!r} is not a number with a decimal {sep}")
        return float(text.replace(",", "."))
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = str(value).strip().lower()
        if text in C.TRUE_VALUES:
            return True
        if text in C.FALSE_VALUES:
            return False
        raise CellError(f"{value!r} is not a yes/no value (use true or false)")
    if kind == "date":
        if isinstance(value, datetime):
            if value.time() != datetime.min.time():
                raise CellError(f"{value.isoformat()} has a time of day; a date is expected")
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(T00:00(:00)?)?", text)
        if not m:
            hint = " (day/month/year? convert the column to ISO dates)" if re.fullmatch(
                r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", text) else ""
            raise CellError(f"{text!r} is not an ISO date YYYY-MM-DD{hint}")
        try:
            return date.fromisoformat(m.group(1))
        except ValueError:
            raise CellError(f"{text!r} is not a valid calendar date") from None
    raise AssertionError(f"unknown field type {f.type}")


def _range_problem(value, f: C.Field):
    lo, hi = f.minimum, f.maximum
    if f.type == "date" and hi is None:
        hi = date.today()
    if lo is not None and value < lo:
        return f"{value} is below the minimum {lo}"
    if hi is not None and value > hi:
        return f"{value} is above the maximum {hi}" + (" (in the future)" if f.type == "date" and f.maximum is None else "")
    return None


def identifier_column(name: str) -> bool:
    norm = re.sub(r"[^a-z0-9éè]+", "_", name.lower()).strip("_")
    words = set(norm.split("_"))
    if norm.startswith("has_") or norm.startswith("is_"):
        return False  # a yes/no flag about a thing is not the thing itself
    return bool(words & IDENTIFIER_WORDS) or any(p in norm for p in IDENTIFIER_PHRASES)


def identifier_value(text: str) -> str | None:
    if EMAIL_RE.search(text):
        return "an e-mail address"
    if NRN_RE.match(text):
        return "a national register number"
    if PHONE_RE.match(text) and sum(ch.isdigit() for ch in text) >= 9:
        return "a phone number"
    return None


# --- one table -------------------------------------------------------------

def check_table(raw: RawTable, table: C.Table):
    """Return (typed DataFrame or None, issues)."""
    issues = []
    file = raw.file
    known = set(table.column_names)
    seen = set()
    for col in raw.header:
        if col in seen:
            issues.append(Issue(file, col, (1,), "duplicate_column", "the column appears twice"))
        seen.add(col)
        if col not in known and identifier_column(col):
            issues.append(Issue(file, col, (1,), "direct_identifier",
                                "this column looks like a direct identifier (name, e-mail, phone, "
                                "national register number, address); such data must never enter "
                                "the pipeline: drop the column from the export"))
        elif col not in known:
            issues.append(Issue(file, col, (1,), "unknown_column",
                                "the column is not in the data contract; drop it from the export"))
    for col in table.column_names:
        if col not in raw.header:
            issues.append(Issue(file, col, (), "missing_column", "the column is missing"))
    if not raw.rows and not table.name.endswith(("_obstacles", "_problems")) and table.name != "housing_problems":
        issues.append(Issue(file, None, (), "empty_file", "the file has a header but no data rows"))
    if issues:
        return None, issues

    index = {col: raw.header.index(col) for col in table.column_names}
    row_numbers = [n for n, _ in raw.rows]
    columns = {}
    for f in table.fields:
        codes = C.codes_of(f)
        values, bad, missing, out_of_range, idents = [], {}, [], {}, {}
        for n, row in raw.rows:
            cell = row[index[f.name]]
            if _blank(cell):
                if f.required:
                    missing.append(n)
                values.append(None)
                continue
            if f.type == "string":
                as_text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell)
                kind = identifier_value(as_text.strip())
                if kind:
                    idents.setdefault(kind, []).append(n)
                    values.append(None)
                    continue
            try:
                v = convert_cell(cell, f, raw.decimal_comma, codes)
            except CellError as exc:
                message = str(exc)
                if identifier_value(str(cell).strip()):
                    message = message.replace(repr(str(cell).strip()), "<redacted>").replace(str(cell).strip(), "<redacted>")
                if exc.rule == "out_of_range":
                    out_of_range.setdefault(message, []).append(n)
                else:
                    bad.setdefault(message, []).append(n)
                values.append(None)
                continue
            if f.type in ("integer", "number", "date"):
                problem = _range_problem(v, f)
                if problem:
                    out_of_range.setdefault(problem, []).append(n)
            values.append(v)
        if missing:
            issues.append(Issue(file, f.name, tuple(missing), "missing_value", "a value is required"))
        for kind, rows in idents.items():
            issues.append(Issue(file, f.name, tuple(rows), "direct_identifier",
                                f"the value looks like {kind}; direct identifiers must never enter "
                                "the pipeline: export pseudonymous IDs"))
        rule = "unknown_code" if f.type == "code" else "wrong_type"
        for msg, rows in _group_messages(bad):
            issues.append(Issue(file, f.name, rows, rule, msg))
        for msg, rows in _group_messages(out_of_range):
            issues.append(Issue(file, f.name, rows, "out_of_range", msg))
        columns[f.name] = _typed_series(values, f, codes)
    if issues:
        return None, issues
    df = pd.DataFrame(columns)
    df.index = pd.Index(row_numbers, name="row")

    dup = df.duplicated(list(table.primary_key), keep=False)
    if dup.any():
        keys = ", ".join(table.primary_key)
        issues.append(Issue(file, keys, tuple(df.index[dup]), "duplicate_id",
                            f"the key ({keys}) must be unique"))
    for r in table.rules:
        mask = pd.Series(r.violated(df), index=df.index).fillna(False).astype(bool)
        if mask.any():
            issues.append(Issue(file, ", ".join(r.columns), tuple(df.index[mask]),
                                r.name, r.description))
    return df, issues


def _group_messages(groups: dict):
    """Merge per-value messages into at most a few lines, keeping the rows."""
    items = list(groups.items())
    if len(items) <= 3:
        return [(msg, tuple(rows)) for msg, rows in items]
    rows = sorted(r for _, rs in items for r in rs)
    examples = "; ".join(msg for msg, _ in items[:3])
    return [(f"{examples}; and {len(items) - 3} other values", tuple(rows))]


def _typed_series(values, f: C.Field, codes):
    if f.type == "boolean":
        return pd.array(values, dtype="boolean")
    if f.type == "integer" or (f.type == "code" and codes and isinstance(codes[0], int)):
        return pd.array(values, dtype="Int64")
    if f.type == "number":
        return pd.array(values, dtype="Float64")
    if f.type == "date":
        return pd.to_datetime(pd.Series(values, dtype="object"))
    return pd.Series(values, dtype="object")


# --- the whole export -------------------------------------------------------

def _foreign_key_issues(tables: dict, files: dict):
    issues = []
    for t in C.TABLES:
        df = tables.get(t.name)
        if df is None:
            continue
        for cols, ref, rcols in t.foreign_keys:
            target = tables.get(ref)
            if target is None:
                issues.append(Issue(files[t.name], ", ".join(cols), (), "missing_reference_table",
                                    f"refers to {ref}, which is not in the export"))
                continue
            keys = set(map(tuple, target[list(rcols)].astype(str).itertuples(index=False)))
            own = df[list(cols)].astype(str).itertuples(index=False)
            dangling = [row for row, key in zip(df.index, own) if tuple(key) not in keys]
            if dangling:
                issues.append(Issue(files[t.name], ", ".join(cols), tuple(dangling), "dangling_reference",
                                    f"points to no row of {ref}.{', '.join(rcols)}"))
    return issues


def data_hash(directory: Path) -> str:
    h = hashlib.sha256()
    for t in C.TABLES:
        p = find_table_file(directory, t.name)
        if p is not None:
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def load_dataset(directory) -> Dataset:
    """Load and validate every table of an export; raise ContractError on any problem."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ContractError([Issue(str(directory), None, (), "missing_directory",
                                   "the data directory does not exist")])
    issues, tables, files = [], {}, {}
    for t in C.TABLES:
        try:
            path = find_table_file(directory, t.name)
        except ContractError as exc:
            issues += exc.issues
            continue
        if path is None:
            if t.required:
                issues.append(Issue(f"{t.name}.csv", None, (), "missing_file",
                                    "the required file is missing (CSV or XLSX)"))
            tables[t.name] = None
            continue
        files[t.name] = path.name
        try:
            raw = read_xlsx_raw(path, t.name) if path.suffix == ".xlsx" else read_csv_raw(path)
        except ContractError as exc:
            issues += exc.issues
            continue
        df, table_issues = check_table(raw, t)
        issues += table_issues
        tables[t.name] = df if not table_issues else None
    if not issues:
        issues += _foreign_key_issues(tables, files)
    if issues:
        raise ContractError(issues)
    marker = directory / MARKER_FILE
    metadata = json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else {}
    tables = {name: None if df is None else df.reset_index(drop=True) for name, df in tables.items()}
    return Dataset(tables, directory, bool(metadata.get("synthetic", False)),
                   data_hash(directory), metadata)
