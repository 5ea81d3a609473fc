"""Read a CRM export (CSV or XLSX), check it against the contract, return typed tables.

Every load goes through :func:`load_dataset`; there is no unchecked path. Problems are
collected and raised together as a :class:`ContractError` whose lines name the file,
column, spreadsheet row(s) (the header is row 1) and the rule that was broken.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from . import contract as C
from .issues import MAX_ROWS_SHOWN, ContractError, Issue  # noqa: F401  (part of this module's API)
from .mapping import IDENTITY, Mapping, apply, mapping_path, read_mapping
from .programme import (SETTINGS_FILE, Programme, Seal, data_issues, intake_years, read_settings, settings_yaml,
                        tables_fingerprints)
from .raw import RawColumn, RawTable, blank as _blank
from .reading import (DATA_SUFFIXES, find_table_file, read_csv_raw, read_table, read_xlsx_raw,  # noqa: F401
                      unread_issues)

INT64_MAX = 2**63 - 1

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


@dataclass
class Dataset:
    """A validated export: typed tables, the programme it describes and what it is (``kind``)."""

    tables: dict
    source_dir: Path
    programme: Programme
    data_hash: str
    mapping: Mapping = IDENTITY
    files: dict = field(default_factory=dict)  # table -> the file (and sheet) it was read from
    # (table, column) of a foreign key -> for each row, the row of the referred table it points
    # to (found while checking; absent when it was not, e.g. for a spreadsheet)
    row_of: dict = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def has(self, name: str) -> bool:
        return self.tables.get(name) is not None

    @property
    def kind(self) -> str:
        """``"synthetic"`` or ``"real"``, as the dataset's settings declare (and the seal confirms)."""
        return self.programme.kind

    @property
    def synthetic(self) -> bool:
        return self.programme.synthetic

    @property
    def intake_years(self) -> tuple:
        return intake_years(self.tables["mentees"])

    @property
    def period(self) -> tuple:
        """(start, end) of the programme's period: as declared, else the first and last intake date."""
        dates = self.tables["mentees"]["intake_date"]
        start = self.programme.period_start or (dates.min().date() if len(dates) else None)
        end = self.programme.period_end or (dates.max().date() if len(dates) else None)
        return start, end


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
    rows: dict = field(default_factory=dict)     # (table, column) referred to -> the row of each distinct cell
    row_of: dict = field(default_factory=dict)   # (table, column) referring -> the referred row of each row


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
            rows = np.full(len(c.pool.objects), -1, dtype=np.int32)
            rows[c.keys] = np.arange(len(c.keys), dtype=np.int32)
            references.rows[(table.name, f.name)] = rows
        if c.unknown_rows is not None and target in references.pools:
            references.unknown[(table.name, f.name)] = c.unknown_rows
            if not len(c.unknown_rows) and target in references.rows and (table.name, f.name) in references.lookups:
                _, position = references.lookups[(table.name, f.name)]
                references.row_of[(table.name, f.name)] = references.rows[target][position][c.keys]
    if issues:
        return None, issues
    index = pd.Index(raw.row_numbers, name="row")
    # column by column: a Series keeps each column's type (codes stay Python strings, dtype
    # object), and the frame is not consolidated into blocks (a copy of every column at once)
    df = pd.DataFrame(index=index)
    for name, c in checked.items():
        df[name] = pd.Series(c.values, index=index, dtype=getattr(c.values, "dtype", None), copy=False)
        c.values = None

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


def _hash(named_bytes) -> str:
    h = hashlib.sha256()
    for name, data in named_bytes:
        h.update(name.encode())
        h.update(data)
    return h.hexdigest()


def release_memory() -> None:
    """Give back to the system the memory freed by a large step (a load, the views).

    pyarrow's pool and glibc's allocator keep freed memory for later use; after a load of a
    million rows that is several hundred MiB that the next steps, which allocate differently,
    would not reuse. Nothing changes for the data; elsewhere than glibc the second half is
    skipped."""
    import ctypes
    import ctypes.util

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)
    except OSError:
        pass


class BackgroundHash:
    """SHA-256 of the bytes given to :meth:`update`, in order, computed in a thread (hashlib
    releases the GIL), so that the hashing of a large export overlaps its parsing and no file's
    bytes need to be kept until the end."""

    def __init__(self):
        from concurrent.futures import ThreadPoolExecutor

        self._hash = hashlib.sha256()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="data-hash")
        self._last = None

    def update(self, data: bytes) -> None:
        self._last = self._pool.submit(self._hash.update, data)

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def hexdigest(self) -> str:
        self.close()
        if self._last is not None:
            self._last.result()  # an error in the thread is raised here
        return self._hash.hexdigest()


def _declarations(directory: Path, mapping_file: Path | None) -> list:
    """The settings and mapping files, (name, bytes), in the order they enter the data hash."""
    paths = [directory / SETTINGS_FILE] + ([mapping_file] if mapping_file is not None else [])
    return [(p.name, p.read_bytes()) for p in paths if p.is_file()]


def data_hash(directory: Path, mapping=None) -> str:
    """SHA-256 of everything a load reads: the tables' files (each once, in contract order), then
    the settings and the mapping. :func:`load_dataset` gives the same hash from the bytes it reads."""
    directory = Path(directory)
    source = mapping_path(directory, mapping)
    try:
        used_mapping = read_mapping(source)
    except ContractError:
        used_mapping = IDENTITY
    files = []
    for t in C.TABLES:
        try:
            p = find_table_file(directory, t.name, used_mapping)
        except ContractError:
            continue
        if p is not None and p not in files:
            files.append(p)
    return _hash([(p.name, p.read_bytes()) for p in files] + _declarations(directory, source))


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


def load_dataset(directory, mapping=None, verify_seal: bool = True) -> Dataset:
    """Load and validate every table of an export; raise ContractError on any problem.

    The export's settings (``dataset.yml``) are read first: they say what the data are and
    which antennas exist. The import mapping (``mapping``, a file, or ``mapping.yml`` beside the
    export) is applied while reading. Every file is read once (and hashed, with the settings and
    the mapping), then the foreign keys are looked up in one pass per referred column, then each
    table is converted and checked; the problems of the settings, the mapping and the tables are
    reported together, table by table in the order of the contract. ``verify_seal=False`` is for
    the generator that is about to seal its own output (:func:`seal_synthetic`)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ContractError([Issue(str(directory), None, (), "missing_directory",
                                   "the data directory does not exist")])
    settings_issues = []
    programme = seal = None
    try:
        programme, seal = read_settings(directory / SETTINGS_FILE)
    except ContractError as exc:
        settings_issues += exc.issues
    contract_tables = C.bound_tables(programme.codes if programme else None)
    try:
        used_mapping = read_mapping(mapping_path(directory, mapping), contract_tables)
    except ContractError as exc:  # without its mapping the tables cannot be judged: say what to fix first
        raise ContractError(settings_issues + exc.issues) from None
    hasher = BackgroundHash()  # the data hash of data_hash(), from the bytes read here, while they are parsed
    try:
        return _read_and_check(directory, mapping, verify_seal, programme, seal, settings_issues, contract_tables,
                               used_mapping, hasher)
    finally:
        hasher.close()


def _read_and_check(directory, mapping, verify_seal, programme, seal, settings_issues, contract_tables,
                    used_mapping, hasher) -> Dataset:
    """The body of :func:`load_dataset` once the settings and the mapping are read."""
    found_issues = {t.name: [] for t in contract_tables}
    tables, files, raws, used, workbooks = {}, {}, {}, {}, {}
    hashed = set()
    for t in contract_tables:
        try:
            path = find_table_file(directory, t.name, used_mapping)
        except ContractError as exc:
            found_issues[t.name] += exc.issues
            for suffix in DATA_SUFFIXES:  # the ambiguous files are claimed, not unread
                used.setdefault(f"{t.name}{suffix}", {None})
            continue
        if path is None:
            if t.required:
                found_issues[t.name].append(Issue(f"{t.name}.csv", None, (), "missing_file",
                                                  "the required file is missing (CSV or XLSX)"))
            tables[t.name] = None
            continue
        used.setdefault(path.name, set()).add(used_mapping.table(t.name).sheet)
        if path in workbooks:  # a workbook is read once, for the tables of its sheets
            data = workbooks[path]
        else:
            data = path.read_bytes()
        if path not in hashed:  # every file enters the data hash once, in contract order
            hashed.add(path)
            hasher.update(path.name.encode())
            hasher.update(data)
            if path.suffix.lower() == ".xlsx":
                workbooks[path] = data
        try:
            shared = {col for name, col in set(REFERS_TO) | REFERRED if name == t.name}
            raw = read_table(path, t, used_mapping, data, unencoded=shared)
        except ContractError as exc:
            found_issues[t.name] += exc.issues
            used[path.name].add(None)  # its problem is reported; its other sheets are not "unread" on top
            continue
        dropped = [h for h, target in used_mapping.table(t.name).columns.items()
                   if target is None and h in raw.header and identifier_column(h)]
        if dropped:  # declaring a column as not read is not enough: it must leave the export
            found_issues[t.name] += [Issue(raw.file, h, (1,), "direct_identifier",
                                           "this column looks like a direct identifier (name, e-mail, phone, "
                                           "national register number, address); declaring it as not read is not "
                                           "enough, such data must never enter the pipeline: drop the column from "
                                           "the export") for h in dropped]
            continue
        raws[t.name] = apply(raw, t, used_mapping)
        files[t.name] = raw.file
    references = References(lookups=reference_lookups(raws))
    for t in contract_tables:
        if t.name not in raws:
            continue
        raw = raws.pop(t.name)
        df, table_issues = check_table(raw, t, references)
        if table_issues:
            from .proposal import explain  # allowed codes, the closest code or column, how to fix it

            table_issues = explain(table_issues, {t.name: raw}, contract_tables, programme, used_mapping)
        found_issues[t.name] += table_issues
        tables[t.name] = df if not table_issues else None
    issues = settings_issues + [i for t in contract_tables for i in found_issues[t.name]]
    issues += unread_issues(directory, used, used_mapping)
    if not issues:
        issues += _foreign_key_issues(tables, files, references)
    if not issues and programme is not None:
        issues += data_issues(programme, seal, tables, files, SETTINGS_FILE, verify_seal)
    if issues:
        raise ContractError(issues)
    tables = {name: None if df is None else df.reset_index(drop=True) for name, df in tables.items()}
    for name, data in _declarations(directory, mapping_path(directory, mapping)):
        hasher.update(name.encode())
        hasher.update(data)
    digest = hasher.hexdigest()
    release_memory()
    return Dataset(tables, directory, programme, digest, used_mapping, files, row_of=references.row_of)


def seal_synthetic(directory, generator: str, seed=None) -> Dataset:
    """Seal a generator's output: write the fingerprint of its tables into its ``dataset.yml``
    (which must declare ``kind: synthetic``). Only a generator calls this, on the files it wrote."""
    directory = Path(directory)
    ds = load_dataset(directory, verify_seal=False)
    if not ds.synthetic:
        raise ValueError(f"{directory / SETTINGS_FILE} does not declare kind: synthetic; only synthetic data are sealed")
    seal = Seal(generator, seed, tables_fingerprints(ds.tables))
    (directory / SETTINGS_FILE).write_text(settings_yaml(ds.programme, seal), encoding="utf-8")
    return load_dataset(directory)
