"""An export's cells as read, column by column, before any conversion or check.

A :class:`RawTable` holds each column *factorised*: the distinct cells of the column
(:attr:`RawColumn.uniques`, in order of first appearance) and, for every data row, which of
them it holds (:attr:`RawColumn.codes`). A CRM export repeats a handful of codes, dates and
yes/no values over and over, so converting and checking each distinct cell once and spreading
the verdict over the rows gives the same result as checking every cell, in a time that grows
with the number of distinct values rather than with the number of cells. The columns that are
distinct in every row (IDs) keep their distinct cells as a pyarrow array
(:attr:`RawColumn.arrow`) so that they can be checked with vectorised pattern matches.

Spreadsheet row numbers (:attr:`RawTable.row_numbers`; the header is row 1) travel with the
rows, so every message can still name the rows where a problem sits. Rows whose cells are all
blank are dropped when the table is made (their numbers are skipped, as a spreadsheet shows
them).

The helpers :meth:`RawTable.with_header`, :meth:`RawTable.keep_columns` and
:meth:`RawTable.map_cells` let a reader rename, drop or recode columns (an import mapping)
without leaving the factorised form: a recoding runs once per distinct cell.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd


def blank(value) -> bool:
    """An empty cell: nothing, or only white space."""
    return value is None or (isinstance(value, str) and value.strip() == "")


class RawColumn:
    """One column's cells: distinct cells and, per data row, the position of its cell among them.

    A column read from CSV may arrive *unencoded* (``cells``: every row's cell as a pyarrow
    array); it is factorised the first time its codes or distinct cells are asked for, or
    together with the columns that share its values (:meth:`encode_with`), which hashes each
    ID once rather than once per column and once more to compare the columns."""

    def __init__(self, codes=None, values: list | None = None, arrow=None, cells=None):
        self._codes = codes      # intp/int32, one per data row
        self._values = values    # the distinct cells as Python values (or None: see arrow)
        self._arrow = arrow      # the distinct cells as a pyarrow StringArray (CSV files)
        self._cells = cells      # unencoded: every row's cell as a pyarrow (chunked) array

    @classmethod
    def unencoded(cls, cells) -> "RawColumn":
        return cls(cells=cells)

    @property
    def encoded(self) -> bool:
        return self._cells is None

    @property
    def cells(self):
        """Every row's cell as a pyarrow array (None once the column is encoded)."""
        return self._cells

    def _encode(self) -> None:
        if self._cells is not None:
            encoded = self._cells.dictionary_encode()
            encoded = encoded.combine_chunks() if hasattr(encoded, "combine_chunks") else encoded
            self.set_encoding(encoded.indices.to_numpy(), encoded.dictionary)

    def set_encoding(self, codes, arrow) -> None:
        """Encode an unencoded column from outside (codes into ``arrow``, its distinct cells)."""
        self._codes, self._arrow, self._values, self._cells = small_codes(codes, len(arrow)), arrow, None, None

    @property
    def codes(self) -> np.ndarray:
        self._encode()
        return self._codes

    @property
    def values(self) -> list | None:
        self._encode()
        return self._values

    @property
    def arrow(self):
        self._encode()
        return self._arrow

    def __len__(self) -> int:
        return len(self._cells) if self._cells is not None else len(self._codes)

    @property
    def n_distinct(self) -> int:
        return len(self.values) if self.values is not None else len(self.arrow)

    @property
    def uniques(self) -> list:
        """The distinct cells as Python values, in order of first appearance."""
        return self.values if self.values is not None else self.arrow.to_pylist()

    def distinct(self, positions) -> list:
        """Some distinct cells (by position) as Python values."""
        if self.values is not None:
            return [self.values[i] for i in positions]
        import pyarrow as pa

        return self.arrow.take(pa.array(np.asarray(positions, dtype=np.int64))).to_pylist()

    def matches(self, regex: str) -> np.ndarray | None:
        """Which distinct cells contain a match of an RE2 pattern (None when the cells are not text).

        Meant as a conservative first pass: a caller decides on the cells that match and looks
        at the others one by one with Python."""
        if self.arrow is None:
            return None
        import pyarrow.compute as pc

        return pc.match_substring_regex(self.arrow, regex).to_numpy(zero_copy_only=False)

    def blank_distinct(self) -> np.ndarray:
        """Which distinct cells are blank."""
        out = np.zeros(self.n_distinct, dtype=bool)
        # a printable ASCII character other than a space makes a cell non-blank
        surely_filled = self.matches("[!-~]")
        todo = np.arange(self.n_distinct) if surely_filled is None else np.nonzero(~surely_filled)[0]
        out[todo] = [blank(v) for v in self.distinct(todo)]
        return out

    def blank_rows(self) -> np.ndarray | None:
        """Which rows hold a blank cell (None: none does)."""
        if self._cells is None:
            blank_distinct = self.blank_distinct()
            return blank_distinct[self.codes] if blank_distinct.any() else None
        import pyarrow.compute as pc

        surely_filled = pc.match_substring_regex(self._cells, "[!-~]").to_numpy(zero_copy_only=False)
        if surely_filled.all():
            return None
        out = np.zeros(len(surely_filled), dtype=bool)
        todo = np.nonzero(~surely_filled)[0]
        out[todo] = [blank(v) for v in self._cells.take(todo).to_pylist()]
        return out if out.any() else None

    def map_distinct(self, convert) -> "RawColumn":
        """A column whose every cell is ``convert(cell)`` (called once per distinct cell)."""
        converted = [convert(v) for v in self.uniques]
        return factorize_codes(converted, self.codes)

    def take_rows(self, rows: np.ndarray) -> "RawColumn":
        """The column restricted to some data rows (positions), distinct cells kept in order."""
        if self._cells is not None:
            return RawColumn.unencoded(self._cells.take(rows))
        codes = self.codes[rows]
        used = np.zeros(self.n_distinct, dtype=bool)
        used[codes] = True
        if used.all():
            return RawColumn(codes, values=self.values, arrow=self.arrow)
        position = np.cumsum(used) - 1
        kept = np.nonzero(used)[0]
        if self.values is not None:
            return RawColumn(position[codes], values=[self.values[i] for i in kept])
        import pyarrow as pa

        return RawColumn(position[codes], arrow=self.arrow.take(pa.array(kept)))


def small_codes(codes: np.ndarray, n_distinct: int) -> np.ndarray:
    """Codes in the smallest unsigned integer type that holds them (a column of a few codes
    takes a byte per row)."""
    dtype = np.min_scalar_type(max(n_distinct - 1, 0))
    return codes if codes.dtype == dtype else codes.astype(dtype)


def _key(value):
    # 1, 1.0 and True are equal in Python but are different cells (an integer column refuses
    # True), so a spreadsheet's cells are told apart by their type as well
    return (type(value), value)


def factorize(cells) -> RawColumn:
    """A column from its cells (any Python values), in order."""
    if all(type(c) is str for c in cells):
        codes, uniques = pd.factorize(np.asarray(cells, dtype=object), use_na_sentinel=False)
        return RawColumn(np.asarray(codes, dtype=np.intp), values=list(uniques))
    index, values, codes = {}, [], np.empty(len(cells), dtype=np.intp)
    for i, cell in enumerate(cells):
        key = _key(cell)
        position = index.get(key)
        if position is None:
            position = index[key] = len(values)
            values.append(cell)
        codes[i] = position
    return RawColumn(codes, values=values)


def factorize_codes(cells: list, codes: np.ndarray) -> RawColumn:
    """A column from distinct cells that may have become equal (after a recoding) and row codes."""
    merged = factorize(cells)
    return RawColumn(merged.codes[codes], values=merged.values)


@dataclass(frozen=True)
class RawTable:
    """One file's cells: its header, its columns (in header order) and the rows' spreadsheet numbers."""

    file: str
    header: list
    columns: list        # RawColumn per header entry
    row_numbers: np.ndarray
    decimal_comma: bool

    @property
    def n_rows(self) -> int:
        return len(self.row_numbers)

    @property
    def rows(self) -> list:
        """(spreadsheet row, cells) per data row; for small tables and tests (slow on large ones)."""
        per_column = [np.asarray(c.uniques, dtype=object)[c.codes] if c.n_distinct else [] for c in self.columns]
        return [(int(n), [col[i] for col in per_column]) for i, n in enumerate(self.row_numbers)]

    @classmethod
    def from_rows(cls, file: str, header: list, rows: list, decimal_comma: bool) -> "RawTable":
        """A table from ``(spreadsheet row, cells)`` pairs; rows whose cells are all blank are dropped."""
        rows = [(n, cells) for n, cells in rows if not all(blank(c) for c in cells)]
        numbers = np.array([n for n, _ in rows], dtype=np.int64)
        columns = [factorize([cells[j] for _, cells in rows]) for j in range(len(header))]
        return cls(file, list(header), columns, numbers, decimal_comma)

    @classmethod
    def from_columns(cls, file: str, header: list, columns: list, first_row: int,
                     decimal_comma: bool) -> "RawTable":
        """A table from whole columns whose rows are consecutive from ``first_row``; rows whose
        cells are all blank are dropped."""
        n = len(columns[0]) if columns else 0  # every column has a cell per row
        numbers = np.arange(first_row, first_row + n, dtype=np.int64)
        table = cls(file, list(header), list(columns), numbers, decimal_comma)
        return table.drop_blank_rows()

    def drop_blank_rows(self) -> "RawTable":
        if not self.columns or not self.n_rows:
            return self
        all_blank = None
        for col in self.columns:
            rows_blank = col.blank_rows()
            if rows_blank is None:
                return self  # a column without a blank cell: no row is all blank
            all_blank = rows_blank if all_blank is None else all_blank & rows_blank
            if not all_blank.any():
                return self
        keep = np.nonzero(~all_blank)[0]
        return replace(self, columns=[c.take_rows(keep) for c in self.columns], row_numbers=self.row_numbers[keep])

    # --- for an import mapping: rename, drop and recode without leaving the factorised form ---

    def with_header(self, header: list) -> "RawTable":
        return replace(self, header=list(header))

    def keep_columns(self, positions: list) -> "RawTable":
        return replace(self, header=[self.header[i] for i in positions], columns=[self.columns[i] for i in positions])

    def map_cells(self, position: int, convert) -> "RawTable":
        """The table with ``convert`` applied to every cell of one column (once per distinct cell)."""
        columns = list(self.columns)
        columns[position] = columns[position].map_distinct(convert)
        return replace(self, columns=columns)
