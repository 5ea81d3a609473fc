"""Subgroup explorer: the computational core behind an interactive page.

A reader picks a *measure* (a follow-up outcome or a profile variable), splits the mentees
by at most two *dimensions* and narrows them down with equality *filters*. :func:`explore`
returns a suppressed share table with Wilson intervals, the test of the difference between
the split groups, labels in Dutch or French and the size of the population; :func:`to_csv`,
:func:`figure` and :func:`to_png` export the current view. The page and its widgets are built
on top of this module and never see a count that it did not publish.

Vocabulary
----------
A *count* is the number of people in a population that the explorer can describe: a
conjunction of equalities ``dimension == value`` (at most :data:`MAX_CONSTRAINTS` of them)
together with either ``measure == category`` (a *category count*, column ``n``) or "the
measure is known" (a *base count*: ``base_n`` of a group, or the population size
:attr:`Result.base_n`). The counts of one set ``S`` of dimensions form a table; the counts of
``S`` minus one dimension are its margins. A *line* is one count (the parent) with its parts
along one dimension that the parent does not fix (the parts are the parent plus ``d == v``
for every value ``v``, and the people whose ``d`` is missing), or a base count with its parts
over the categories of the measure.

Disclosure control, in three layers
-----------------------------------
Let ``t`` be the threshold (``Query.threshold``, 10 by default).

1. **Cell rule (view-independent).** A count ``b`` may be shown only if ``b >= t`` and, for
   *every* count ``a`` of the same measure whose population contains the population of ``b``
   - whatever query would show ``a``, whether or not ``a`` is shown, and including
   containments that only hold in the data (all Belgians by birth have reason of stay
   "not applicable": the count with that reason contains the count of Belgians by birth) -
   ``a - b`` is 0 or at least ``t``. The candidates ``a`` are found exactly: they are the
   conjunctions of equalities that hold for every person counted in ``b``.
2. **Line rule (view-independent).** For every table, from the margins up, the smallest
   shown parts of a line are hidden until the line satisfies: if its parent is shown, the
   hidden parts hold 0 people, or at least ``t`` people in at least two parts with someone
   in them; if its parent is hidden, the hidden parts hold at least ``t`` people, or every
   part is hidden. The missing-value part is never shown: it counts among the hidden people
   and as a hidden part, but a line whose only hidden part is the missing-value part needs
   nothing more (that part is no count of the explorer and holds ``t`` or more people). A
   group whose base is hidden has all its cells hidden. The rule is applied until nothing
   changes, table by table (a table only hides more of itself and never changes its
   margins), so whether a count is shown depends on the data and the count alone, never on
   the query that asks for it.
3. **View rule.** The groups of one view that have people then go through
   :func:`duoreport.stats.disclosure.suppression_mask`, as every table of the book does (no group
   or category with exactly one hidden cell, a lone withheld group is joined by the smallest
   other one, no hidden cell solvable from the view's own margins). This layer depends on
   the view and only ever hides more; the guarantee below rests on layers 1 and 2 alone.

The test of the difference between the groups is withheld when any cell of a group that has
people is hidden (as :func:`duoreport.report.builders.guarded_test`) or the population size is
hidden. A population under the threshold publishes nothing but that fact (every part of it is
under the threshold too); a population of ``t`` or more whose size is hidden by layer 1 or 2
still shows the groups that the rules let through, which never add up to it (G2).

The guarantee
-------------
For counts published with the same threshold ``t`` on the same data, by any number of queries
on the same measure:

G0. Every published count is at least ``t``.

G1. *Pairs.* If the people of one published count are all among the people of another
    published count, the two are equal or differ by at least ``t``. Hence subtracting two
    views never isolates 1 to ``t - 1`` people: not a query and the same query with one more
    filter, not a query and one of its split groups, not a split by antenna and a filter on
    one antenna, not a filter and a split on a dimension that the data tie to it, nor any
    such pair further apart (two filters more, a base and a category count, ...).

G2. *One line.* Along any line, subtracting the published parts (gathered from any number of
    views) from the published parent leaves 0 people or at least ``t`` people, and unless
    they are just the people whose value of the line's dimension is missing, they are spread
    over at least two unpublished parts (the missing-value part counting as one), so no
    unpublished part is recovered and no group of 1 to ``t - 1`` people appears. A parent
    that layers 1 and 2 hide is not recovered from its parts either: its unpublished parts
    hold at least ``t`` people (or no part is published). This is what stops "the total,
    minus the antennas that are shown, gives the hidden one", however many views the
    antennas are taken from.

The limits
----------
- *Several lines at once.* Layers 1 and 2 protect each pair and each line; a reader who
  solves a system of several lines (of the same table or of different tables, e.g. a
  rectangle of four hidden cells with one of them pinned down elsewhere) is not stopped in
  general, and neither are bounds (the hidden parts of a line are non-negative, so each is at
  most their published sum). Within one view, layer 3 runs the book's linear check; across
  views no such audit is run. Multi-step differencing across three or more views, each step
  using a different line, is therefore *not* excluded.
- *Different measures.* Counts of different measures are not compared. The base of a
  measure counts the people whose value is known, so the base of ``outcome_18m`` subtracted
  from the base of ``has_children`` (everyone) gives the number of people of that population
  without an 18-month status, which may be between 1 and ``t - 1``.
- *Zero.* A difference of 0 is allowed (the guarantee is about 1 to ``t - 1`` people), so it
  can become known that a group is empty or that everyone in a group shares a value; an empty
  group is also left out of the test of differences, so the presence of a test can tell that
  a withheld group is empty.
- *Missing values of a dimension* (``sib_cohort`` is missing for everyone outside the SIB
  cohorts) form a part of every line along that dimension that is never shown; its size is
  protected by G2 only (the line rule), not by the cell rule, and it can be derived when it
  is the only part not shown (it then holds ``t`` or more people).
- *One threshold.* The guarantee holds among counts published with the same ``t``; a page
  must fix the threshold and never let the reader lower it.
- *The data as they are.* Counts are recomputed from the views passed in; two versions of
  the data (before and after a correction, or two editions) can be differenced against each
  other, which no rule here can prevent.
- At most :data:`MAX_CONSTRAINTS` filters and splits together, so that every table the rules
  need stays small (a handful of thousands of counts).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pandas as pd

from .model import DIMENSION_CODES, DIMENSIONS, MEASURE_CODES, VIEW, normalise_value


class CountTable:
    __slots__ = ("dims", "counts", "hidden")

    def __init__(self, dims, counts, hidden):
        self.dims = dims  # dimension columns in DIMENSIONS order
        self.counts = counts  # int array, shape (*domain sizes, categories + 1); last part: base
        self.hidden = hidden  # bool array, same shape


class Cube:
    """Counts of one measure over every conjunction of dimension equalities, with the cell
    rule (layer 1) and the line rule (layer 2) of the module docstring."""

    def __init__(self, mentees: pd.DataFrame, measure: str, threshold: int):
        self.threshold = t = int(threshold)
        self.dims = [col for col, _ in DIMENSIONS if col in mentees.columns]
        n = len(mentees)
        self.full = (1 << n) - 1
        self.domain, self.codes, self.bits = {}, {}, {}
        for col in self.dims:
            values = [normalise_value(v) for v in mentees[col].tolist()]
            domain = list(DIMENSION_CODES[col])
            extra = {v for v in values if v is not None and v not in domain}
            domain += sorted(extra, key=str)
            self.domain[col] = tuple(domain)
            self._encode(col, values, domain)
        values = [normalise_value(v) for v in mentees[measure].tolist()]
        categories = list(MEASURE_CODES[measure])
        categories += sorted({v for v in values if v is not None and v not in categories}, key=str)
        self.categories = tuple(categories)
        self._encode(measure, values, categories)
        self.measure = measure
        self.part_bits = list(self.bits[measure])
        known = 0
        for b in self.part_bits:
            known |= b
        self.part_bits.append(known)
        self.n_parts = len(categories) + 1
        self._tables: dict = {}
        self._l1: dict = {}
        assert t >= 1

    def _encode(self, col, values, domain):
        index = {v: i for i, v in enumerate(domain)}
        codes = np.array([index.get(v, -1) if v is not None else -1 for v in values], dtype=np.int64)
        self.codes[col] = codes
        self.bits[col] = [_bitmask(codes == i) for i in range(len(domain))]

    # layer 1 ------------------------------------------------------------------------

    def cell_ok(self, cell: tuple, part: int, count: int) -> bool:
        """The cell rule. ``cell``: ((column, value index), ...); ``part``: category index or base."""
        if count < self.threshold:
            return False
        key = (cell, part)
        if key in self._l1:
            return self._l1[key]
        mask = self.part_bits[part]
        for col, i in cell:
            mask &= self.bits[col][i]
        ok = _closure_ok(mask, count, self)
        self._l1[key] = ok
        return ok

    # layer 2 ------------------------------------------------------------------------

    def table(self, dims) -> CountTable:
        dims = tuple(col for col in self.dims if col in set(dims))
        if dims in self._tables:
            return self._tables[dims]
        t = self.threshold
        shape = tuple(len(self.domain[col]) for col in dims)
        cats = len(self.categories)
        counts = np.zeros(shape + (self.n_parts,), dtype=np.int64)
        mcode = self.codes[self.measure]
        rows = mcode >= 0
        for col in dims:
            rows &= self.codes[col] >= 0
        index = tuple(self.codes[col][rows] for col in dims) + (mcode[rows],)
        np.add.at(counts, index, 1)
        counts[..., cats] = counts[..., :cats].sum(axis=-1)
        hidden = np.ones(counts.shape, dtype=bool)
        for idx in zip(*np.nonzero(counts >= t)):
            cell = tuple((col, int(i)) for col, i in zip(dims, idx[:-1]))
            hidden[idx] = not self.cell_ok(cell, int(idx[-1]), int(counts[idx]))
        margins = [self.table(dims[:k] + dims[k + 1:]) for k in range(len(dims))]
        _line_fixpoint(counts, hidden, margins, cats, t)
        table = CountTable(dims, counts, hidden)
        self._tables[dims] = table
        return table

    def resolve(self, col: str, value) -> int:
        """The index of a filter value in the domain of ``col``."""
        if col not in self.domain:
            raise KeyError(f"the {VIEW} view has no column {col!r}")
        domain = self.domain[col]
        v = normalise_value(value)
        if v in domain:
            return domain.index(v)
        for i, code in enumerate(domain):
            if str(code) == str(value):
                return i
        raise ValueError(f"{value!r} is not a value of {col!r} (one of {', '.join(map(str, domain))})")


def _bitmask(flags: np.ndarray) -> int:
    return int.from_bytes(np.packbits(np.asarray(flags, dtype=bool), bitorder="little").tobytes(), "little")


def _closure_ok(mask: int, count: int, cube: Cube) -> bool:
    """No count of the measure whose population contains ``mask`` exceeds it by 1..t-1.

    Such a count is a conjunction of equalities that all hold on every row of ``mask``: a
    subset of the dimension values shared by those rows, with "known" or the category they
    share. Every subset is enumerated (distinct row sets only)."""
    t = cube.threshold
    row = (mask & -mask).bit_length() - 1
    shared = []
    for col in cube.dims:
        code = cube.codes[col][row]
        if code >= 0:
            bits = cube.bits[col][code]
            if mask & bits == mask:
                shared.append(bits)
    parts = [b for b in cube.part_bits if mask & b == mask]  # "known", and the category if shared
    sets = {cube.full}
    for bits in shared:
        sets |= {s & bits for s in sets}
    for s in sets:
        for p in parts:
            diff = (s & p).bit_count() - count
            if 0 < diff < t:
                return False
    return True


def _line_ok(children_hidden, masses, rest: int, parent_hidden: bool, t: int) -> bool:
    hidden_mass = rest + sum(m for h, m in zip(children_hidden, masses) if h)
    if parent_hidden:
        return hidden_mass >= t or all(children_hidden)
    occupied = sum(1 for h, m in zip(children_hidden, masses) if h and m > 0)
    # a lone hidden part would be recovered by subtraction, unless the missing-value part
    # (never shown) stays beside it; the missing-value part alone is no published cell
    return hidden_mass == 0 or (hidden_mass >= t and (occupied == 0 or occupied + (rest > 0) >= 2))


def _fix_line(hidden_line: np.ndarray, masses: np.ndarray, rest: int, parent_hidden: bool, t: int) -> bool:
    """Hide the smallest shown parts of one line until the line rule holds; True if changed."""
    changed = False
    order = sorted(range(len(masses)), key=lambda i: (masses[i], i))
    while not _line_ok(hidden_line, masses, rest, parent_hidden, t):
        shown = [i for i in order if not hidden_line[i]]
        if not shown:
            break
        hidden_line[shown[0]] = True
        changed = True
    return changed


def _line_fixpoint(counts: np.ndarray, hidden: np.ndarray, margins: list, cats: int, t: int) -> None:
    """Apply the line rule to every line of one table until nothing changes (in place)."""
    groups = list(np.ndindex(counts.shape[:-1]))
    n_dims = counts.ndim - 1
    changed = True
    while changed:
        changed = False
        for g in groups:  # over the categories of a group: the parent is the group's base
            line = hidden[g]
            if line[cats]:
                if not line[:cats].all():
                    line[:cats] = True
                    changed = True
            elif _fix_line(line[:cats], counts[g][:cats], 0, False, t):
                changed = True
        for k in range(n_dims):  # along each dimension: the parent is in the margin table
            margin = margins[k]
            moved_counts = np.moveaxis(counts, k, -2)
            moved_hidden = np.moveaxis(hidden, k, -2)  # a view: writes go to ``hidden``
            for idx in np.ndindex(moved_counts.shape[:-2] + moved_counts.shape[-1:]):
                lead, part = idx[:-1], idx[-1]
                masses = moved_counts[lead + (slice(None), part)]
                line = moved_hidden[lead + (slice(None), part)]
                parent = lead + (part,)
                rest = int(margin.counts[parent]) - int(masses.sum())
                if _fix_line(line, masses, rest, bool(margin.hidden[parent]), t):
                    changed = True


_CUBES: OrderedDict = OrderedDict()
_CUBES_KEPT = 16


def cube_for(mentees: pd.DataFrame, measure: str, threshold: int) -> Cube:
    """A cube per data frame, measure and threshold, kept while the same frame is queried.

    The views are taken as read-only: a frame changed in place after a query gives stale counts."""
    key = (id(mentees), measure, threshold)
    hit = _CUBES.get(key)
    if hit is not None and hit[0] is mentees:
        _CUBES.move_to_end(key)
        return hit[1]
    cube = Cube(mentees, measure, threshold)
    _CUBES[key] = (mentees, cube)
    while len(_CUBES) > _CUBES_KEPT:
        _CUBES.popitem(last=False)
    return cube
