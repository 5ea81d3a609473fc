"""Play the attacker on what a built site publishes, and measure what the attacker learns.

Only published artefacts are read (the Explore data of each language, the chart CSVs, the
audit appendix). The microdata are used for one thing only: to score the attack, by comparing
what the attacker concludes with the truth.

Attacks:
- ``direct``: any published count of 1..9 (it must never appear);
- ``pairs``: for every two published counts of the Explore data whose populations are nested
  (the attacker knows what each count describes), the interval the difference implies for the
  people in between, given the public bound on the noise (±5 per count);
- ``lp``: a linear-programming interval attack (scipy's HiGHS) over every Explore view of one
  or more measures at once: unknowns are the counts of the finest cells of the microdata
  (given to the attacker for free: the cells that exist), constraints are every published
  count (true count within ±5 of it, at least the threshold) and every hidden count (at most
  threshold - 1); for each target cell the attacker minimises and maximises its count.

A cell is *recovered* when the attacker's interval has one value, *narrowed* when its width is
at most 2, and an *attribute disclosure* when a true zero is proven zero (upper bound 0).
"""

from __future__ import annotations

import html.parser
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack

NOISE_BOUND = 5     # the public bound of the perturbation table
THRESHOLD = 10


# --- reading what the site publishes ---------------------------------------------------------------

def cube(site: Path, lang: str) -> dict:
    """The Explore data as a reader's browser gets it: the index file, then every part it names
    (one file per measure), merged into one dict of views."""
    static = Path(site) / lang / "_static"
    data = json.loads((static / f"explore-{lang}.json").read_text(encoding="utf-8"))
    views = dict(data.get("views", {}))
    for part in data.get("parts", {}).values():
        views.update(json.loads((static / part).read_text(encoding="utf-8"))["views"])
    assert views, f"no Explore views found under {static}"
    return {**data, "views": views}


def chart_csvs(site: Path, lang: str) -> dict:
    return {p.stem: pd.read_csv(p) for p in (Path(site) / lang / "_downloads").glob("*/*.csv")}


class _Tables(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self._row, self._cell, self._in = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def html_tables(page: Path) -> list:
    parser = _Tables()
    parser.feed(Path(page).read_text(encoding="utf-8"))
    return parser.tables


def published_numbers(site: Path, lang: str) -> list:
    """Every number a reader finds in the chart CSVs, the Explore data and the audit appendix:
    (where, value) for each count-like value (n, base n)."""
    out = []
    for chart, table in chart_csvs(site, lang).items():
        for col in ("n", "base_n"):
            if col in table:
                out += [(f"{chart}.csv:{col}", float(v)) for v in table[col].dropna()]
    data = cube(site, lang)
    for key, view in data["views"].items():
        out += [(f"explore:{key}:b", float(view["b"]))] if view["b"] is not None else []
        out += [(f"explore:{key}:g", float(v)) for v in view["g"] if v is not None]
        out += [(f"explore:{key}:n", float(v)) for row in view["n"] for v in row if v is not None]
    from duoreport.data.reference import published_figures  # public: which figures are percentages

    units = dict(zip(published_figures()["id"], published_figures()["unit"]))
    for table in html_tables(Path(site) / lang / "audit.html"):
        if not table or len(table[0]) < 6:
            continue
        header = table[0]
        base_col = next((i for i, h in enumerate(header) if h.lower().startswith(("basis", "base"))), None)
        value_col = next((i for i, h in enumerate(header) if h.lower().startswith(("herberekend", "recalcul"))), None)
        if base_col is None:
            continue
        for row in table[1:]:
            text = row[base_col].replace(".", "").replace("\u202f", "").replace("\u00a0", "").strip()
            if not text.isdigit():
                continue
            base = float(text)
            out.append((f"audit:{row[0]}:base_n", base))
            if value_col is not None and units.get(row[0].strip("`"), "").startswith("percent"):
                # a share printed beside its base gives its count away
                value = row[value_col].replace("\u202f", "").replace("\u00a0", "").replace(".", "").replace(",", ".")
                try:
                    share = float(value)
                except ValueError:
                    continue
                decimals = len(value.split(".")[1]) if "." in value else 0
                half = 0.5 * 10 ** -decimals  # the share as printed: the true one is within half a unit
                low, high = (share - half) * base / 100, (share + half) * base / 100
                candidates = [k for k in range(int(np.floor(low)), int(np.ceil(high)) + 1) if low <= k <= high]
                if 0 < share < 100 and len(candidates) == 1:  # one count fits: the share gives it away
                    out.append((f"audit:{row[0]}:count from share x base", float(candidates[0])))
    return out


# --- what each Explore count describes ---------------------------------------------------------------

@dataclass
class Count:
    """A published or hidden count of the Explore data: its population as constraints."""
    measure: str
    constraints: tuple        # ((dimension, code), ...)
    category: str | None      # a category code of the measure, or None for "measure known"
    value: float | None       # None: hidden (fewer than the threshold)
    where: str = ""


def explore_counts(data: dict) -> list:
    dims = {d["id"]: [v[0] for v in d["values"]] for d in data["dimensions"]}
    cats = {m["id"]: [c[0] for c in m["categories"]] for m in data["measures"]}
    out = []
    for key, view in data["views"].items():
        measure, split, fdim, fvalue = key.split("|")
        base = ((fdim, fvalue),) if fdim else ()
        out.append(Count(measure, base, None, view["b"], key + ":b"))
        groups = dims[split] if split else [None]
        for gi, g in enumerate(groups):
            cons = base + (((split, g),) if split else ())
            if split:
                out.append(Count(measure, cons, None, view["g"][gi], f"{key}:g{gi}"))
            for ci, c in enumerate(cats[measure]):
                out.append(Count(measure, cons, c, view["n"][gi][ci], f"{key}:n{gi},{ci}"))
    return out


# --- the truth, to score the attack -----------------------------------------------------------------

def code_of(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and float(value).is_integer()):
        return str(int(value))
    return str(value)


def coded_mentees(mentees: pd.DataFrame, columns) -> pd.DataFrame:
    return pd.DataFrame({c: [code_of(v) for v in mentees[c].tolist()] for c in columns})


def members(coded: pd.DataFrame, count: Count) -> np.ndarray:
    mask = np.ones(len(coded), dtype=bool)
    for col, code in count.constraints:
        mask &= (coded[col] == code).to_numpy()
    if count.category is None:
        mask &= coded[count.measure].notna().to_numpy()
    else:
        mask &= (coded[count.measure] == count.category).to_numpy()
    return mask


# --- attacks ------------------------------------------------------------------------------------------

@dataclass
class Findings:
    direct: list = field(default_factory=list)       # published numbers of 1..9
    recovered: list = field(default_factory=list)    # small cells pinned to one value
    narrowed: list = field(default_factory=list)     # small cells narrowed to width <= 2
    attribute: list = field(default_factory=list)    # true zeros proven zero
    targets: int = 0
    seconds: float = 0.0

    people: dict = field(default_factory=dict)      # finding -> the ids concerned, for distinct counts

    def summary(self) -> dict:
        distinct = lambda items: len({self.people.get(id(x), x) for x in items})  # noqa: E731
        return {"direct": len(self.direct), "recovered": distinct(self.recovered), "narrowed": distinct(self.narrowed),
                "attribute": distinct(self.attribute), "targets": self.targets, "seconds": round(self.seconds, 1)}


def direct_scan(site: Path, langs=("nl", "fr")) -> list:
    return [(lang, where, v) for lang in langs for where, v in published_numbers(site, lang) if 1 <= v < THRESHOLD]


def pair_attack(counts: list, coded: pd.DataFrame, findings: Findings, noise_bound: int = NOISE_BOUND) -> None:
    """Nested pairs of published counts: the interval their difference gives for the people in between.

    Pairs are nested by construction (the constraints of one contain the other's, within a
    measure: a view's population and its groups, a group and its categories) or through the
    data (the people whose measure is known, for two measures on the same population: the
    population minus the people with a follow-up gives those without).
    """
    shown = [c for c in counts if c.value is not None]
    index = {}
    for c in shown:
        index.setdefault((c.measure, tuple(sorted(c.constraints)), c.category), c)
    sets = {}

    def people(c):
        key = (c.measure, tuple(sorted(c.constraints)), c.category)
        if key not in sets:
            sets[key] = members(coded, c)
        return sets[key]

    def check(a, b):
        sa, sb = people(a), people(b)
        if (sb & ~sa).any():
            return
        truth = int(sa.sum() - sb.sum())
        if not 1 <= truth < THRESHOLD:
            return
        findings.targets += 1
        low = max(0, a.value - b.value - 2 * noise_bound)
        high = a.value - b.value + 2 * noise_bound
        if high - low <= 2:
            finding = (a.where, b.where, truth)
            findings.people[id(finding)] = frozenset(np.flatnonzero(sa & ~sb).tolist())  # one group, many pairs
            (findings.recovered if high == low else findings.narrowed).append(finding)

    for (measure, cons, category), b in index.items():
        # parents within the measure: drop one constraint, or the category
        parents = []
        if category is not None:
            parents.append((measure, cons, None))
        for i in range(len(cons)):
            parents.append((measure, cons[:i] + cons[i + 1:], category))
        for key in parents:
            if key in index:
                check(index[key], b)
    bases = {}
    for (measure, cons, category), c in index.items():
        if category is None:
            bases.setdefault(cons, []).append(c)
    for group in bases.values():  # the same population, two measures: one base may contain the other
        for a, b in itertools.permutations(group, 2):
            check(a, b)


def lp_attack(counts: list, coded: pd.DataFrame, measures, findings: Findings, max_targets: int | None = None,
              seed: int = 0, noise_bound: int = NOISE_BOUND, hidden_below: int | None = THRESHOLD) -> None:
    """Interval attack over every count of the given measures at once (HiGHS LP, rounded inward).

    ``noise_bound``: how far a published count may be from the truth (0 for a method that
    publishes exact counts); ``hidden_below``: what a hidden count is known to be under (None
    when hidden cells may hold any number, as with secondary suppression).
    The attacker is given the cells of the microdata that exist, so it can only prove zeros
    that the cells already give away: attribute disclosure is scored by :func:`lattice_attack`.
    """
    import time

    started = time.perf_counter()
    counts = [c for c in counts if c.measure in set(measures)]
    columns = sorted({col for c in counts for col, _ in c.constraints} | set(measures))
    frame = coded[columns].fillna("__missing__")
    cells = frame.drop_duplicates().reset_index(drop=True)  # the attacker is given the cells that exist
    cell_index = {tuple(r): i for i, r in enumerate(cells.itertuples(index=False))}
    truth = np.zeros(len(cells))
    for row in frame.itertuples(index=False):
        truth[cell_index[tuple(row)]] += 1
    cell_frame = cells.replace("__missing__", None)

    unique = {}
    for c in counts:
        key = (c.measure, tuple(sorted(c.constraints)), c.category)
        unique.setdefault(key, c)
    rows, lower, upper, targets = [], [], [], []
    for (measure, cons, category), c in unique.items():
        mask = members(cell_frame, Count(measure, cons, category, None))
        row = mask.astype(float)
        true = float(truth[mask].sum())
        if c.value is None:
            if hidden_below is not None:
                rows.append(row)
                lower.append(0.0)
                upper.append(hidden_below - 1.0)
            if 1 <= true < THRESHOLD:
                targets.append((row, true, c.where))
        else:
            rows.append(row)
            lower.append(max(THRESHOLD, c.value - noise_bound) if noise_bound else c.value)
            upper.append(c.value + noise_bound)
    A = csr_matrix(np.array(rows))
    A_ub = vstack([A, -A]).tocsr()
    b_ub = np.concatenate([np.array(upper), -np.array(lower)])
    bounds = [(0, None)] * len(cells)
    if max_targets is not None and len(targets) > max_targets:
        rng = np.random.default_rng(seed)
        targets = [targets[i] for i in sorted(rng.choice(len(targets), max_targets, replace=False))]
    for row, true, where in targets:
        findings.targets += 1
        lo = linprog(row, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
        hi = linprog(-row, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
        if lo.status != 0 or hi.status != 0:
            raise RuntimeError(f"LP failed for {where}: {lo.message} / {hi.message}")
        low, high = np.ceil(lo.fun - 1e-6), np.floor(-hi.fun + 1e-6)
        assert low <= true <= high, (where, low, true, high)  # the truth is always feasible
        if 1 <= true < THRESHOLD and high - low <= 2:
            (findings.recovered if high == low else findings.narrowed).append((where, true, low, high))
    findings.seconds += time.perf_counter() - started


def lattice_attack(counts: list, coded: pd.DataFrame, measure: str, dims: tuple, findings: Findings,
                   noise_bound: int = NOISE_BOUND, hidden_below: int | None = THRESHOLD) -> None:
    """Interval attack on the full lattice of two dimensions and a measure (its categories and
    "not known"), with every published count of those dimensions: no cell is given for free, so a
    zero the attacker proves is an attribute disclosure ("none of the 15 ... was in training")."""
    import time

    started = time.perf_counter()
    domains = {}
    for c in counts:
        for col, code in c.constraints:
            domains.setdefault(col, [])
            if code not in domains[col]:
                domains[col].append(code)
    cats = sorted({c.category for c in counts if c.measure == measure and c.category is not None}) + [None]
    grid = list(itertools.product(*[domains[d] + [None] for d in dims], cats))  # None: value missing
    frame = pd.DataFrame(grid, columns=list(dims) + [measure])
    truth = np.zeros(len(grid))
    index = {g: i for i, g in enumerate(grid)}
    values = coded[list(dims) + [measure]]
    known = {col: set(domains[col]) for col in dims}
    known[measure] = set(cats) - {None}
    for row in values.itertuples(index=False):
        truth[index[tuple(v if isinstance(v, str) and v in known[col] else None
                          for col, v in zip(values.columns, row))]] += 1
    usable = [c for c in counts if c.measure == measure and {col for col, _ in c.constraints} <= set(dims)]
    rows, lower, upper, targets = [], [], [], []
    seen = set()
    for c in usable:
        key = (tuple(sorted(c.constraints)), c.category)
        if key in seen:
            continue
        seen.add(key)
        mask = members(frame, c)
        row = mask.astype(float)
        true = float(truth[mask].sum())
        if c.value is None:
            if hidden_below is not None:
                rows.append(row)
                lower.append(0.0)
                upper.append(hidden_below - 1.0)
            if true < THRESHOLD and c.category is not None:
                targets.append((row, true, c.where))
        else:
            rows.append(row)
            lower.append(max(THRESHOLD, c.value - noise_bound) if noise_bound else c.value)
            upper.append(c.value + noise_bound)
    A = csr_matrix(np.array(rows))
    A_ub = vstack([A, -A]).tocsr()
    b_ub = np.concatenate([np.array(upper), -np.array(lower)])
    bounds = [(0, None)] * len(grid)
    for row, true, where in targets:
        findings.targets += 1
        lo = linprog(row, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
        hi = linprog(-row, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
        if lo.status != 0 or hi.status != 0:
            raise RuntimeError(f"LP failed for {where}: {lo.message} / {hi.message}")
        low, high = np.ceil(lo.fun - 1e-6), np.floor(-hi.fun + 1e-6)
        assert low <= true <= high, (where, low, true, high)
        if true == 0 and high == 0:
            findings.attribute.append((where, low, high))
        elif 1 <= true < THRESHOLD and high - low <= 2:
            (findings.recovered if high == low else findings.narrowed).append((where, true, low, high))
    findings.seconds += time.perf_counter() - started
