"""Reading an export's files: CSV and XLSX cells as they are, the import mapping applied.

The reading side of the loader (:mod:`.loading` converts and checks the cells). Nothing here
guesses: a CSV file is UTF-8 unless the mapping declares another encoding, a workbook's sheet is
its only non-empty sheet or the declared one, and a data file or sheet that no table reads is
reported, never skipped silently.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path


from . import contract as C
from .issues import ContractError, Issue
from .mapping import IDENTITY, Mapping
from .raw import RawColumn, RawTable

# A stray quote makes the rest of a file one field; with the default limit (128 KiB) the
# csv module raises instead of letting the row's field count reveal the problem.
csv.field_size_limit(2**31 - 1)
DATA_SUFFIXES = (".csv", ".xlsx")
# files a reader might expect to be read; they are not (say so rather than skip them silently)
UNREAD_SUFFIXES = (".xls", ".xlsm", ".ods", ".tsv", ".txt")
BOM = b"\xef\xbb\xbf"
# the characters that str.strip() removes and str.isspace() accepts, among ASCII
ASCII_WHITESPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _is_utf8(encoding: str) -> bool:
    return encoding.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig")


def _decode(path: Path, data: bytes, encoding: str = "utf-8") -> str:
    if data.startswith(BOM):
        data = data[3:]
        encoding = "utf-8"  # a BOM says UTF-8 whatever was declared
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if _is_utf8(encoding):
            detail = (f"not valid UTF-8 (byte {exc.start}); the file looks like a Windows-1252/Latin-1 "
                      "export. Save it as 'CSV UTF-8', or declare 'encoding: cp1252' in the export's mapping.yml")
        else:
            detail = (f"not valid {encoding} (byte {exc.start}), the encoding declared in the mapping; "
                      "check the declared encoding")
        raise ContractError([Issue(path.name, None, (), "encoding", detail)]) from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get)
    return delimiter if counts[delimiter] else ","


def read_csv_raw(path: Path, data: bytes | None = None, unencoded=(), encoding: str = "utf-8") -> RawTable:
    """A CSV file's cells (``data``: its bytes, when already read; ``unencoded``: columns to
    leave unencoded, for :func:`~duoreport.data.loading.reference_lookups` to encode with the
    columns they share values with); UTF-8 unless ``encoding`` (declared in the import mapping)
    says otherwise.

    A file without quote characters is split by pyarrow (vectorised, both cores); any other
    file, and any file pyarrow does not read as a plain grid, by Python's csv module. Both
    give the same cells and row numbers; the csv module's path names the rows whose field
    count is wrong."""
    data = path.read_bytes() if data is None else data
    if not _is_utf8(encoding) and not data.startswith(BOM) and not data.isascii():
        data = _decode(path, data, encoding).encode("utf-8")  # a declared Windows file, as UTF-8
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
    del table
    pa.default_memory_pool().release_unused()  # the parsed text is freed: give it back
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


def _has_values(ws) -> bool:
    return any(v is not None and not (isinstance(v, str) and not v.strip())
               for row in ws.iter_rows(values_only=True) for v in row)


def non_empty_sheets(path: Path) -> list:
    """The names of the sheets of a workbook that hold at least one value."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for broken files
        raise ContractError([Issue(path.name, None, (), "unreadable_xlsx", str(exc))]) from None
    try:
        return [ws.title for ws in wb.worksheets if _has_values(ws)]
    finally:
        wb.close()


def xlsx_label(path: Path, sheet: str | None) -> str:
    return path.name if sheet is None else f"{path.name} (sheet '{sheet}')"


def read_xlsx_raw(path: Path, table: str, sheet: str | None = None) -> RawTable:
    """One sheet of a workbook: the declared one, else the workbook's only non-empty sheet.

    A workbook with several non-empty sheets and no declared sheet is refused: reading the first
    one would silently drop the others."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for broken files
        raise ContractError([Issue(path.name, None, (), "unreadable_xlsx", str(exc))]) from None
    if sheet is not None:
        if sheet not in wb.sheetnames:
            names = ", ".join(f"'{n}'" for n in wb.sheetnames)
            wb.close()
            raise ContractError([Issue(path.name, None, (), "missing_sheet",
                                       f"the mapping names the sheet '{sheet}' for {table}; the workbook's sheets "
                                       f"are {names}")])
        ws = wb[sheet]
    else:
        filled = [ws for ws in wb.worksheets if _has_values(ws)]
        if len(filled) > 1:
            names = ", ".join(f"'{w.title}'" for w in filled)
            wb.close()
            raise ContractError([Issue(path.name, None, (), "several_sheets",
                                       f"the workbook has {len(filled)} non-empty sheets ({names}); reading one would "
                                       f"drop the others silently. Name the sheet that holds {table} in mapping.yml "
                                       f"(tables: {table}: sheet: ...), give each other sheet's table its own "
                                       "entry, or list a sheet that is not data under ignore: "
                                       f"['{path.name}[sheet]']")])
        ws = filled[0] if filled else wb.worksheets[0]
    label = xlsx_label(path, sheet)
    all_rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not all_rows or all(v is None for v in all_rows[0]):
        raise ContractError([Issue(label, None, (), "empty_file", "the sheet is empty")])
    header = ["" if v is None else str(v).strip() for v in all_rows[0]]
    while header and header[-1] == "":
        header.pop()
    rows = []
    issues = []
    for i, row in enumerate(all_rows[1:], start=2):
        if any(c is not None and str(c).strip() for c in row[len(header):]):
            issues.append(Issue(label, None, (i,), "field_count",
                                "a value stands in a column without a header; it would be ignored, "
                                "so the sheet is refused"))
        cells = list(row[: len(header)]) + [None] * max(0, len(header) - len(row))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        rows.append((i, ["" if c is None else c for c in cells]))
    if issues:
        raise ContractError(issues)
    return RawTable.from_rows(label, header, rows, decimal_comma=False)


def find_table_file(directory: Path, table: str, mapping: Mapping = IDENTITY):
    """The file of a table: the one the mapping names, else ``<table>.csv`` or ``<table>.xlsx``."""
    declared = mapping.table(table).file
    if declared is not None:
        path = directory / declared
        if not path.is_file():
            present = ", ".join(sorted(p.name for p in directory.iterdir() if p.suffix.lower() in DATA_SUFFIXES))
            raise ContractError([Issue(declared, None, (), "missing_file",
                                       f"the mapping ({mapping.source}) names this file for {table}, but the export "
                                       f"has no such file; its data files are: {present or 'none'}")])
        if path.suffix.lower() not in DATA_SUFFIXES:
            raise ContractError([Issue(declared, None, (), "unreadable_file",
                                       "only CSV (.csv) and Excel (.xlsx) files are read; save the file in one "
                                       "of these formats")])
        return path
    candidates = [directory / f"{table}.csv", directory / f"{table}.xlsx"]
    present = [p for p in candidates if p.exists()]
    if len(present) > 1:
        raise ContractError([Issue(present[0].name, None, (), "ambiguous_file",
                                   f"both {table}.csv and {table}.xlsx exist; keep one")])
    return present[0] if present else None


def read_table(path: Path, table: C.Table, mapping: Mapping = IDENTITY, data: bytes | None = None,
               unencoded=()) -> RawTable:
    """One table's raw cells as the file holds them (the mapping's file, sheet and encoding);
    ``unencoded``: see :func:`read_csv_raw`."""
    tm = mapping.table(table.name)
    if path.suffix.lower() == ".xlsx":
        return read_xlsx_raw(path, table.name, tm.sheet)
    if tm.sheet is not None:
        raise ContractError([Issue(path.name, None, (), "missing_sheet",
                                   f"the mapping names a sheet ('{tm.sheet}') for {table.name}, but "
                                   f"{path.name} is a CSV file, which has none")])
    return read_csv_raw(path, data, unencoded, encoding=mapping.encoding_of(table.name))


def _ignored(mapping: Mapping, name: str, sheet: str | None = None) -> bool:
    return name in mapping.ignore or (sheet is not None and f"{name}[{sheet}]" in mapping.ignore)


def unread_issues(directory: Path, used: dict, mapping: Mapping) -> list:
    """Data files (or workbook sheets) in the export that no table reads: nothing is dropped silently.

    ``used`` maps a file name to the set of sheets read from it (``{None}`` for a CSV or a
    workbook read without a declared sheet)."""
    issues = []
    for path in sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))):
        suffix = path.suffix.lower()
        if _ignored(mapping, path.name):
            continue
        if suffix in UNREAD_SUFFIXES and path.stem in C.TABLES_BY_NAME:
            issues.append(Issue(path.name, None, (), "unread_file",
                                f"{suffix} files are not read; save {path.stem} as CSV UTF-8 (.csv) or Excel (.xlsx)"))
        if suffix not in DATA_SUFFIXES:
            continue
        if path.name not in used:
            issues.append(Issue(path.name, None, (), "unread_file",
                                "no table of the contract reads this file; nothing is dropped silently: name "
                                "it in mapping.yml (tables: <table>: file: ...) if it holds a table, or list it "
                                "under ignore: if it is not part of the export"))
            continue
        sheets = used[path.name]
        if suffix == ".xlsx" and None not in sheets:
            for sheet in non_empty_sheets(path):
                if sheet not in sheets and not _ignored(mapping, path.name, sheet):
                    issues.append(Issue(f"{path.name} (sheet '{sheet}')", None, (), "unread_sheet",
                                        "no table reads this non-empty sheet; nothing is dropped silently: give "
                                        "its table an entry in mapping.yml (file and sheet), or list it under "
                                        f"ignore: ['{path.name}[{sheet}]'] if it is not data"))
    return issues
