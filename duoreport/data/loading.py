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

import numpy as np
import pandas as pd

from . import contract as C
from .raw import RawColumn, RawTable, blank as _blank

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

BOM = b"\xef\xbb\xbf"
# the characters that str.strip() removes and str.isspace() accepts, among ASCII
ASCII_WHITESPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(BOM):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContractError([Issue(path.name, None, (), "encoding",
                                   f"not valid UTF-8 (byte {exc.start}); the file looks like a "
                                   "Windows-1252/Latin-1 export. Save it as 'CSV UTF-8'.")]) from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get)
    return delimiter if counts[delimiter] else ","


def read_csv_raw(path: Path, data: bytes | None = None, unencoded=()) -> RawTable:
    """A CSV file's cells (``data``: its bytes, when already read; ``unencoded``: columns to
    leave unencoded, for :func:`reference_lookups` to encode with the columns they share
    values with).

    A file without quote characters is split by pyarrow (vectorised, both cores); any other
    file, and any file pyarrow does not read as a plain grid, by Python's csv module. Both
    give the same cells and row numbers; the csv module's path names the rows whose field
    count is wrong."""
    data = path.read_bytes() if data is None else data
    if data.isascii():  # ASCII is UTF-8; no need to decode a large file to know it
        body = data
        if not body[:4096].strip(ASCII_WHITESPACE) and not body.strip(ASCII_WHITESPACE):
            raise ContractError([Issue(path.name, None, (), "empty_file", "the file is empty")])
        end = body.find(b"\n")
        delimiter = _delimiter(body[: len(body) if end < 0 else end + 1].decode("ascii").splitlines()[0])
    else:
        text = _decode(path, data)
        if not text.strip():
            raise ContractError([Issue(path.name, None, (), "empty_file", "the file is empty")])
        delimiter = _delimiter(text.splitlines()[0])
        body = data[3:] if data.startswith(BOM) else data
    decimal_comma = delimiter == ";"
    if b'"' not in body and b"\x00" not in body:
        raw = _read_plain_csv(path.name, body, delimiter, decimal_comma, set(unencoded))
        if raw is not None:
            return raw
    return _read_csv_module(path.name, body.decode("utf-8"), delimiter, decimal_comma)


def _read_plain_csv(file: str, body: bytes, delimiter: str, decimal_comma: bool,
                    unencoded: set = frozenset()) -> RawTable | None:
    """A CSV file without quotes, split by pyarrow; None when it is not a plain grid (a row with
    another number of fields, an empty line): the csv module's path then says where."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    cut = [i for i in (body.find(b"\n"), body.find(b"\r")) if i >= 0]
    header = [h.strip() for h in body[: min(cut) if cut else len(body)].decode("utf-8").split(delimiter)]
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, double_quote=False,
                                             escape_char=False, newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=False))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    columns = []
    for i, name in enumerate(header):
        column = RawColumn.unencoded(table.column(i))
        if name not in unencoded:
            column.codes  # factorised now: the codes take less memory than the text of every cell
        columns.append(column)
    return RawTable.from_columns(file, header, columns, first_row=2, decimal_comma=decimal_comma)


def _read_csv_module(file: str, text: str, delimiter: str, decimal_comma: bool) -> RawTable:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = [row for row in reader]
    header = [h.strip() for h in lines[0]]
    rows = []
    issues = []
    for i, row in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            issues.append(Issue(file, None, (i,), "field_count",
                                f"{len(row)} fields where the header has {len(header)} "
                                f"(separator '{delimiter}'); a stray separator or an unquoted "
                                "decimal comma would be misread, so the file is refused"))
            continue
        rows.append((i, row))
    if issues:
        raise ContractError(issues)
    return RawTable.from_rows(file, header, rows, decimal_comma=decimal_comma)


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
    return RawTable.from_rows(path.name, header, rows, decimal_comma=False)


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


# --- one column -----------------------------------------------------------

# What a distinct cell turned out to be.
OK, BLANK, IDENTIFIER, WRONG, OUT_OF_RANGE = range(5)

# The identifier checks as one RE2 pattern (pyarrow), for cells that already match ID_PATTERN:
# such cells are ASCII letters, digits, '_' and '-', on which RE2 and Python's re agree; a cell
# that matches is looked at again by identifier_value (which also counts the digits).
_ID_LOOKALIKE = f"(?:{NRN_RE.pattern})|(?:{PHONE_RE.pattern})"


def judge_cell(cell, f: C.Field, decimal_comma: bool, codes):
    """(verdict, payload) of one raw cell: (OK, typed value), (BLANK, None), (IDENTIFIER, kind)
    or (WRONG | OUT_OF_RANGE, message)."""
    if _blank(cell):
        return BLANK, None
    if f.type == "string":
        as_text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell)
        kind = identifier_value(as_text.strip())
        if kind:
            return IDENTIFIER, kind
    try:
        value = convert_cell(cell, f, decimal_comma, codes)
    except CellError as exc:
        message = str(exc)
        if identifier_value(str(cell).strip()):
            message = message.replace(repr(str(cell).strip()), "<redacted>").replace(str(cell).strip(), "<redacted>")
        return (OUT_OF_RANGE if exc.rule == "out_of_range" else WRONG), message
    if f.type in ("integer", "number", "date"):
        problem = _range_problem(value, f)
        if problem:
            return OUT_OF_RANGE, problem
    return OK, value


@dataclass(frozen=True)
class TextPool:
    """An ID column's distinct strings, as a pyarrow array and as Python strings (same order).

    A column that refers to it (a foreign key) holds the same strings; looking them up here
    lets both share one Python object per ID rather than one per cell, and finds the cells
    that refer to nothing."""

    arrow: object
    objects: np.ndarray


@dataclass
class References:
    """What the checks of the tables so far know of their ID columns, for the foreign keys."""

    pools: dict = field(default_factory=dict)    # (table, column) -> TextPool of a referred column
    unknown: dict = field(default_factory=dict)  # (table, column) -> rows whose ID the referred column lacks
    # (table, column) -> (found, position): for each distinct cell of a referring column, whether
    # the referred column's distinct cells hold it and where (see reference_lookups)
    lookups: dict = field(default_factory=dict)


@dataclass
class CheckedColumn:
    values: object                   # the typed values (None when there are issues)
    issues: list
    keys: np.ndarray | None = None   # per row, which distinct typed value it holds (for key checks)
    distinct: object = None          # the distinct typed values, in the order of ``keys``
    pool: TextPool | None = None     # the strings of an ID column whose cells are all valid as they stand
    unknown_rows: np.ndarray | None = None  # rows whose ID the referred column lacks (None: not known)


def _ids_as_they_stand(column: RawColumn, f: C.Field, known: TextPool | None, lookup=None):
    """For an ID column read from CSV: which distinct cells are valid IDs as they stand, their
    Python strings, and which are IDs of the referred column (vectorised; (None, None, None)
    for other columns).

    A cell found among the referred column's IDs is valid (they were). Another cell that
    matches the ID pattern has no blank, no e-mail sign and nothing to strip; if it does not
    look like a phone or national register number either, it is a valid ID."""
    if f.pattern != C.ID_PATTERN or column.arrow is None:
        return None, None, None
    import pyarrow as pa
    import pyarrow.compute as pc

    n = column.n_distinct
    plain = np.zeros(n, dtype=bool)
    objects = np.empty(n, dtype=object)
    found = None
    rest = np.arange(n)
    if known is not None:
        if lookup is not None:
            found, position = lookup
            objects[found] = known.objects[position[found]]
        else:
            position = pc.index_in(column.arrow, value_set=known.arrow)
            found = position.is_valid().to_numpy(zero_copy_only=False)
            objects[found] = known.objects[position.drop_null().to_numpy()]
        plain |= found
        rest = np.nonzero(~found)[0]
    if len(rest):
        cells = column.arrow if len(rest) == n else column.arrow.take(pa.array(rest))
        valid = pc.match_substring_regex(cells, C.ID_PATTERN).to_numpy(zero_copy_only=False) & \
            ~pc.match_substring_regex(cells, _ID_LOOKALIKE).to_numpy(zero_copy_only=False)
        plain[rest[valid]] = True
        objects[rest] = cells.to_numpy(zero_copy_only=False)
    return plain, objects, found


def _rows_by(groups: np.ndarray, n_groups: int, row_numbers: np.ndarray) -> list:
    """For each group 0..n_groups-1, the row numbers (ascending) of the rows in it (-1: in none)."""
    inside = np.nonzero(groups >= 0)[0]
    order = inside[np.argsort(groups[inside], kind="stable")]
    bounds = np.cumsum(np.bincount(groups[inside], minlength=n_groups))
    starts = np.concatenate([[0], bounds[:-1]])
    return [tuple(row_numbers[order[a:b]].tolist()) for a, b in zip(starts, bounds)]


def _messages_rows(verdict: np.ndarray, payload: list, wanted: int, column: RawColumn,
                   row_numbers: np.ndarray) -> dict:
    """Message -> rows, for the distinct cells with one verdict, in the order of their first row."""
    distinct = np.nonzero(verdict == wanted)[0]
    if not len(distinct):
        return {}
    messages = list(dict.fromkeys(payload[i] for i in distinct))
    number = {m: k for k, m in enumerate(messages)}
    group_of_distinct = np.full(len(verdict), -1, dtype=np.int64)
    group_of_distinct[distinct] = [number[payload[i]] for i in distinct]
    rows = _rows_by(group_of_distinct[column.codes], len(messages), row_numbers)
    return dict(sorted(zip(messages, rows), key=lambda pair: pair[1][0]))


def _distinct_keys(values: list):
    """A number per value (equal values, equal numbers; all missing values one) and the
    distinct values in the order of their numbers."""
    number: dict = {}
    keys = np.array([number.setdefault(v, len(number)) for v in values], dtype=np.intp)
    return keys, list(number)


def check_column(file: str, column: RawColumn, f: C.Field, decimal_comma: bool, row_numbers: np.ndarray,
                 known: TextPool | None = None, lookup=None) -> CheckedColumn:
    """Convert and check one column of a table.

    Each distinct cell is judged once (:func:`judge_cell`; the cells of an ID column that are
    valid as they stand are recognised vectorised) and the verdicts are spread over the rows.
    The issues are those a cell-by-cell check gives: missing values, direct identifiers, wrong
    types or unknown codes, out-of-range values, each naming its rows. ``known``: the pool of
    the ID column this one refers to (a foreign key); ``lookup``: where its distinct cells are
    among the referred column's (:func:`reference_lookups`)."""
    codes_list = C.codes_of(f)
    n = column.n_distinct
    verdict = np.full(n, OK, dtype=np.int8)
    payload: list = [None] * n
    plain, objects, found = _ids_as_they_stand(column, f, known, lookup)
    todo = np.arange(n) if plain is None else np.nonzero(~plain)[0]
    for i, cell in zip(todo.tolist(), column.distinct(todo)):
        verdict[i], payload[i] = judge_cell(cell, f, decimal_comma, codes_list)

    issues = []
    blank_rows = (verdict == BLANK)[column.codes]
    if f.required and blank_rows.any():
        issues.append(Issue(file, f.name, tuple(row_numbers[blank_rows].tolist()), "missing_value",
                            "a value is required"))
    for kind, rows in _messages_rows(verdict, payload, IDENTIFIER, column, row_numbers).items():
        issues.append(Issue(file, f.name, rows, "direct_identifier",
                            f"the value looks like {kind}; direct identifiers must never enter "
                            "the pipeline: export pseudonymous IDs"))
    rule = "unknown_code" if f.type == "code" else "wrong_type"
    for msg, rows in _group_messages(_messages_rows(verdict, payload, WRONG, column, row_numbers)):
        issues.append(Issue(file, f.name, rows, rule, msg))
    for msg, rows in _group_messages(_messages_rows(verdict, payload, OUT_OF_RANGE, column, row_numbers)):
        issues.append(Issue(file, f.name, rows, "out_of_range", msg))
    if issues:
        return CheckedColumn(None, issues)
    if plain is not None and plain.all():  # every distinct cell is a valid ID as it stands
        unknown = None if found is None else row_numbers[~found[column.codes]]
        return CheckedColumn(objects[column.codes], [], column.codes, objects, TextPool(column.arrow, objects),
                             unknown)
    if plain is not None:
        for i in np.nonzero(plain)[0].tolist():
            payload[i] = objects[i]
    typed = _typed_series(payload, f, codes_list)
    keys, distinct = _distinct_keys(payload)
    if isinstance(typed, pd.Series):  # strings and dates: the distinct values spread over the rows
        return CheckedColumn(typed.to_numpy()[column.codes], [], keys[column.codes], distinct)
    return CheckedColumn(typed[column.codes], [], keys[column.codes], distinct)


def duplicated_keys(keys: list) -> np.ndarray:
    """Rows whose combination of keys (one array of distinct-value numbers per column) is not unique."""
    if len(keys) == 1 and len(keys[0]):  # numbers below the number of rows: count them
        return np.bincount(keys[0])[keys[0]] > 1
    combined = keys[0].astype(np.int64)
    for more in keys[1:]:
        width = int(more.max()) + 1 if len(more) else 1
        combined = combined * width + more
        if len(keys) > 2:  # keep the numbers small for the next column
            combined = pd.factorize(combined)[0].astype(np.int64)
    return pd.Series(combined).duplicated(keep=False).to_numpy()


# --- one table -------------------------------------------------------------

# (table, column) -> (table, column) it refers to, for the one-column foreign keys
REFERS_TO = {(t.name, cols[0]): (ref, rcols[0]) for t in C.TABLES for cols, ref, rcols in t.foreign_keys
             if len(cols) == 1}
REFERRED = set(REFERS_TO.values())


def check_table(raw: RawTable, table: C.Table, references: References | None = None):
    """Return (typed DataFrame or None, issues).

    ``references``: what the checks of the tables before this one know of their ID columns;
    this table's are added (for the foreign keys, :func:`load_dataset`)."""
    references = References() if references is None else references
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
    if not raw.n_rows and not table.name.endswith(("_obstacles", "_problems")) and table.name != "housing_problems":
        issues.append(Issue(file, None, (), "empty_file", "the file has a header but no data rows"))
    if issues:
        return None, issues

    checked = {}
    for f in table.fields:
        target = REFERS_TO.get((table.name, f.name))
        c = check_column(file, raw.columns[raw.header.index(f.name)], f, raw.decimal_comma, raw.row_numbers,
                         references.pools.get(target), references.lookups.get((table.name, f.name)))
        issues += c.issues
        checked[f.name] = c
        if c.pool is not None and (table.name, f.name) in REFERRED:
            references.pools[(table.name, f.name)] = c.pool
        if c.unknown_rows is not None and target in references.pools:
            references.unknown[(table.name, f.name)] = c.unknown_rows
    if issues:
        return None, issues
    index = pd.Index(raw.row_numbers, name="row")
    # a Series per column keeps each column's type (codes stay Python strings, dtype object)
    df = pd.DataFrame({name: pd.Series(c.values, index=index, dtype=getattr(c.values, "dtype", None), copy=False)
                       for name, c in checked.items()})

    dup = duplicated_keys([checked[k].keys for k in table.primary_key])
    if dup.any():
        keys = ", ".join(table.primary_key)
        issues.append(Issue(file, keys, tuple(df.index[dup]), "duplicate_id",
                            f"the key ({keys}) must be unique"))
    for r in table.rules:
        mask = pd.Series(_violated(r, df, checked), index=df.index).fillna(False).astype(bool)
        if mask.any():
            issues.append(Issue(file, ", ".join(r.columns), tuple(df.index[mask]),
                                r.name, r.description))
    return df, issues


def _violated(rule: C.Rule, df: pd.DataFrame, checked: dict):
    """The rows that break a rule over several columns.

    The rule sees its text columns as categoricals built from the distinct values already
    known (comparisons, ``isin`` and ``duplicated`` then work on small integer codes, not on
    strings); a rule that cannot work on them sees the columns as they are."""
    frame = df
    text = [name for name in rule.columns if name in df and df[name].dtype == object]
    if text:
        frame = df.copy(deep=False)
        for name in text:
            c = checked[name]
            missing = [i for i, v in enumerate(c.distinct) if v is None]
            codes = np.asarray(c.keys, dtype=np.int64)
            categories = list(c.distinct) if not missing else [v for v in c.distinct if v is not None]
            if missing:  # missing values are code -1; the codes above it move down by one
                shift = np.arange(len(c.distinct)) - np.cumsum([v is None for v in c.distinct])
                shift[missing] = -1
                codes = shift[codes]
            frame[name] = pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))
    try:
        return rule.violated(frame)
    except (TypeError, ValueError):
        return rule.violated(df)


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

def _as_text(values: pd.Series) -> pd.Series:
    """A key column as Python strings (object dtype: pandas compares them in C)."""
    return values if values.dtype == object else values.astype(str).astype(object)


def _foreign_key_issues(tables: dict, files: dict, references: References | None = None):
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
            dangling = _dangling_rows(t.name, df, cols, target, rcols, references)
            if dangling:
                issues.append(Issue(files[t.name], ", ".join(cols), dangling, "dangling_reference",
                                    f"points to no row of {ref}.{', '.join(rcols)}"))
    return issues


def _dangling_rows(table: str, df: pd.DataFrame, cols, target: pd.DataFrame, rcols,
                   references: References | None) -> tuple:
    """The rows of ``df`` whose key ``cols`` is not a key ``rcols`` of ``target`` (compared as text)."""
    if references is not None and (table, cols[0]) in references.unknown:
        return tuple(references.unknown[(table, cols[0])].tolist())  # found while checking the column
    if len(cols) == 1:
        found = _as_text(df[cols[0]]).isin(_as_text(target[rcols[0]]))
    else:
        keys = pd.MultiIndex.from_frame(target[list(rcols)].astype(str))
        found = pd.MultiIndex.from_frame(df[list(cols)].astype(str)).isin(keys)
    return tuple(df.index[~np.asarray(found, dtype=bool)].tolist())


def data_hash(directory: Path) -> str:
    h = hashlib.sha256()
    for t in C.TABLES:
        p = find_table_file(directory, t.name)
        if p is not None:
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _read_table(path: Path, table: C.Table, hasher) -> RawTable:
    """Read one table's file and add it to the data hash (the same bytes, read once)."""
    data = path.read_bytes()
    hasher.update(path.name.encode())
    hasher.update(data)
    if path.suffix == ".xlsx":
        return read_xlsx_raw(path, table.name)
    shared = {col for t, col in set(REFERS_TO) | REFERRED if t == table.name}
    return read_csv_raw(path, data, unencoded=shared)


def reference_lookups(raws: dict) -> dict:
    """For every one-column foreign key read from CSV, where its distinct cells are among the
    distinct cells of the column it refers to: (table, column) -> (found, position), two arrays
    over the referring column's distinct cells.

    The referred column and all the columns that refer to it are encoded together, in one
    hashing pass (pyarrow): the columns still unencoded are factorised by it (each of their
    cells hashed once, for their own codes and for the comparison at the same time)."""
    import pyarrow as pa

    children = {}
    for key, parent in REFERS_TO.items():
        children.setdefault(parent, []).append(key)
    out = {}
    for (ptable, pcol), keys in children.items():
        parent = _text_column(raws.get(ptable), pcol)
        if parent is None:
            continue
        kids = [(key, col) for key in keys if (col := _text_column(raws.get(key[0]), key[1])) is not None]
        if not kids:
            continue
        columns = [parent] + [col for _, col in kids]
        inputs = [col.arrow if col.encoded else col.cells for col in columns]  # distinct cells, or every cell
        chunks = [chunk for a in inputs for chunk in (a.chunks if isinstance(a, pa.ChunkedArray) else [a])]
        encoded = pa.chunked_array(chunks, type=pa.string()).dictionary_encode().combine_chunks()
        indices, domain = encoded.indices.to_numpy(), encoded.dictionary
        bounds = np.concatenate([[0], np.cumsum([len(a) for a in inputs])])
        # the referred column comes first: its distinct cells are the first entries of the domain
        if parent.encoded:
            n_parent = parent.n_distinct
        else:
            own = indices[: bounds[1]]
            n_parent = int(own.max()) + 1 if len(own) else 0
            parent.set_encoding(own, domain.slice(0, n_parent))
        for (key, col), start, end in zip(kids, bounds[1:-1], bounds[2:]):
            position = indices[start:end]
            if not col.encoded:  # every cell: keep the distinct ones, in the domain's order
                used = np.zeros(len(domain), dtype=bool)
                used[position] = True
                kept = np.flatnonzero(used)
                col.set_encoding((np.cumsum(used) - 1)[position], domain.take(pa.array(kept)))
                position = kept
            out[key] = (position < n_parent, position)
    return out


def _text_column(raw: RawTable | None, name: str) -> RawColumn | None:
    """A column read from CSV (text cells, encoded or not), or None."""
    if raw is None or name not in raw.header:
        return None
    col = raw.columns[raw.header.index(name)]
    return col if not col.encoded or col.arrow is not None else None


def load_dataset(directory) -> Dataset:
    """Load and validate every table of an export; raise ContractError on any problem.

    Every file is read first (and hashed), then the foreign keys are looked up in one pass per
    referred column, then each table is converted and checked; the problems are reported
    table by table, in the order of the contract."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ContractError([Issue(str(directory), None, (), "missing_directory",
                                   "the data directory does not exist")])
    found_issues = {t.name: [] for t in C.TABLES}
    tables, files, raws = {}, {}, {}
    hasher = hashlib.sha256()  # as data_hash(directory), from the bytes read here
    for t in C.TABLES:
        try:
            path = find_table_file(directory, t.name)
        except ContractError as exc:
            found_issues[t.name] += exc.issues
            continue
        if path is None:
            if t.required:
                found_issues[t.name].append(Issue(f"{t.name}.csv", None, (), "missing_file",
                                                  "the required file is missing (CSV or XLSX)"))
            tables[t.name] = None
            continue
        files[t.name] = path.name
        try:
            raws[t.name] = _read_table(path, t, hasher)
        except ContractError as exc:
            found_issues[t.name] += exc.issues
    references = References(lookups=reference_lookups(raws))
    for t in C.TABLES:
        if t.name not in raws:
            continue
        df, table_issues = check_table(raws.pop(t.name), t, references)
        found_issues[t.name] += table_issues
        tables[t.name] = df if not table_issues else None
    issues = [i for t in C.TABLES for i in found_issues[t.name]]
    if not issues:
        issues += _foreign_key_issues(tables, files, references)
    if issues:
        raise ContractError(issues)
    marker = directory / MARKER_FILE
    metadata = json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else {}
    tables = {name: None if df is None else df.reset_index(drop=True) for name, df in tables.items()}
    return Dataset(tables, directory, bool(metadata.get("synthetic", False)), hasher.hexdigest(), metadata)
