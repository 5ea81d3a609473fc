"""Narrative claims: the data-dependent statements of the pages, checked on each edition.

A page wraps a statement in ``<!-- claim: NAME -->…<!-- else -->…<!-- end claim -->``; the claim
``NAME`` is defined once, for both languages, in ``book/claims/<page>.yml`` with an expression
(``holds``) over what the edition *publishes* (key numbers, chart cells, tests, its scope). The
build keeps the first wording when the claim holds and the else wording when it does not or
cannot be decided; a claim without an else wording that does not hold stops the build. The
markup and the functions of the expression language are documented in ``docs/claims.md``.

The expression language is a small, safe subset of Python, evaluated by walking its syntax
tree: no attribute access, no imports, no function but those of :class:`Facts`.
"""

from __future__ import annotations

import ast
import json
import math
import operator
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .. import i18n
from ..data import reference
from .inventory import CHAPTERS

CLAIM_BLOCK = re.compile(
    r"<!--\s*claim:\s*([A-Za-z0-9_]+)\s*-->(.*?)(?:<!--\s*else\s*-->(.*?))?<!--\s*end claim\s*-->", re.S)
STRAY_MARKER = re.compile(r"<!--\s*(claim:|else\s*-->|end claim)")


class Undecided(Exception):
    """A value the claim needs is protected or absent: the claim cannot be decided."""


class ClaimError(ValueError):
    """A claim is missing, malformed, or does not hold where the page has no other wording."""


@dataclass(frozen=True)
class Claim:
    name: str
    about: str
    holds: str
    source: str  # the claims file, for messages


def load_claims(folder: Path) -> dict:
    """Every claim of ``book/claims/*.yml``: name -> :class:`Claim` (names unique across files)."""
    claims = {}
    for path in sorted(Path(folder).glob("*.yml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, entry in entries.items():
            if name in claims:
                raise ClaimError(f"{path}: claim {name!r} is also defined in {claims[name].source}")
            if not isinstance(entry, dict) or not entry.get("holds"):
                raise ClaimError(f"{path}: claim {name!r} needs 'about' and 'holds'")
            claim = Claim(name, str(entry.get("about", "")), " ".join(str(entry["holds"]).split()), str(path))
            compile_expression(claim)
            claims[name] = claim
    return claims


# --- what an edition publishes ------------------------------------------------------------

def _code(value) -> str:
    return i18n.code_key(value)


@dataclass
class Facts:
    """The published outputs of one edition, as the claims see them (never microdata)."""

    numbers: dict                      # figure id -> {"value", "base_n", "shown"}
    charts: dict                       # chart id -> {"cells": [...], "test": {...} | None, "extra": [...] | None}
    scope: dict                        # period_start, period_end, years, antennas, year, antenna, synthetic
    context_values: dict = field(default_factory=dict)

    @classmethod
    def from_edition(cls, edition_dir: Path, lang: str) -> "Facts":
        edition_dir = Path(edition_dir)
        numbers = {}
        for chapter in CHAPTERS:
            path = edition_dir / f"{chapter}_numbers.json"
            if path.exists():
                numbers.update(json.loads(path.read_text(encoding="utf-8")))
        charts = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (edition_dir / "charts").glob("*.json")}
        scope = {}
        for chapter in CHAPTERS:
            path = edition_dir / f"{chapter}_provenance.json"
            if path.exists():
                scope = json.loads(path.read_text(encoding="utf-8")).get("scope", {})
                break
        ctx = reference.labour_market()
        context_values = dict(zip(ctx["id"], ctx["value"].astype(float)))
        return cls(numbers, charts, scope, context_values)

    # -- the functions of the expression language (docs/claims.md) --

    def value(self, fig_id):
        entry = self.numbers.get(fig_id)
        if entry is None:
            raise ClaimError(f"unknown key number {fig_id!r} (data/published/figures.csv)")
        if entry.get("value") is None:  # protected
            return None
        return float(entry["value"])

    def shown(self, fig_id):
        return self.value(fig_id) is not None

    def _cells(self, chart_id, group=None):
        chart = self.charts.get(chart_id)
        if chart is None:
            raise ClaimError(f"unknown chart {chart_id!r} (duoreport/report/inventory.py)")
        cells = chart.get("cells") or []
        if group is not None:
            cells = [c for c in cells if c["group"] == _code(group)]
        return cells

    def _cell(self, chart_id, code, group=None):
        found = [c for c in self._cells(chart_id, group) if c["category"] == _code(code)]
        return found[0] if found else None

    def share(self, chart_id, code, group=None):
        cell = self._cell(chart_id, code, group)
        return None if cell is None else cell["share"]

    def count(self, chart_id, code, group=None):
        cell = self._cell(chart_id, code, group)
        return None if cell is None else cell["n"]

    def base(self, chart_id, group=None):
        bases = {c["base_n"] for c in self._cells(chart_id, group)}
        if len(bases) != 1 or None in bases:
            return None
        return bases.pop()

    def order(self, chart_id, group=None):
        cells = self._cells(chart_id, group)
        visible = sorted((c for c in cells if c["share"] is not None), key=lambda c: -c["share"])
        hidden = [c for c in cells if c["share"] is None]
        return [c["category"] for c in visible + hidden]

    def largest(self, chart_id, group=None):
        order = self.order(chart_id, group)
        if not order or self.share(chart_id, order[0], group) is None:
            return None
        return order[0]

    def rank(self, chart_id, code, group=None):
        cell = self._cell(chart_id, code, group)
        if cell is None or cell["share"] is None:
            return None  # a protected cell has no rank a reader could check
        return self.order(chart_id, group).index(_code(code)) + 1

    def top(self, chart_id, k, group=None):
        order = self.order(chart_id, group)[: int(k)]
        if any(self.share(chart_id, code, group) is None for code in order):
            return None
        return set(order)

    def p_value(self, chart_id):
        self._cells(chart_id)  # the chart must exist
        test = self.charts[chart_id].get("test")
        if not test or test.get("method") == "withheld":
            return None
        return test.get("p_value")

    def significant(self, chart_id):
        p = self.p_value(chart_id)
        if p is None:
            raise Undecided(f"p_value({chart_id!r})")
        return p < 0.05

    def sib(self, cohort, column):
        self._cells("impact_sib")
        rows = [r for r in (self.charts["impact_sib"].get("extra") or []) if str(r.get("cohort")) == str(cohort)]
        if not rows:
            return None
        return rows[0].get(column)

    def context(self, ctx_id):
        if ctx_id not in self.context_values:
            raise ClaimError(f"unknown external figure {ctx_id!r} (data/context/labour_market.csv)")
        return self.context_values[ctx_id]

    def names(self) -> dict:
        """The variables of the expression language."""
        s = self.scope
        years = s.get("years") or []
        start, end = s.get("period_start"), s.get("period_end")
        return {
            "period_years": (max(years) - min(years) + 1) if years else None,
            "first_year": min(years) if years else None,
            "last_year": max(years) if years else None,
            "period_start": date.fromisoformat(start) if start else None,
            "period_end": date.fromisoformat(end) if end else None,
            "antennas": list(s.get("antennas") or []),
            "edition_year": str(s.get("year", "all")),
            "edition_antenna": str(s.get("antenna", "all")),
            "synthetic": bool(s.get("synthetic")),
            "True": True, "False": False, "None": None,
        }


# --- the expression language -------------------------------------------------------------

FUNCTIONS = ("value", "shown", "share", "count", "base", "order", "largest", "rank", "top", "p_value",
             "significant", "sib", "context")


def _increasing(values):
    values = list(values)
    if any(v is None for v in values):
        raise Undecided("increasing() of a protected value")
    return all(a <= b for a, b in zip(values, values[1:]))


def _decreasing(values):
    values = list(values)
    if any(v is None for v in values):
        raise Undecided("decreasing() of a protected value")
    return all(a >= b for a, b in zip(values, values[1:]))


def _no_none(fn):
    def wrapped(*args):
        flat = [a for arg in args for a in (arg if isinstance(arg, (list, tuple, set)) else [arg])]
        if any(a is None for a in flat):
            raise Undecided(f"{fn.__name__}() of a protected value")
        return fn(*args)
    wrapped.__name__ = fn.__name__
    return wrapped


BUILTINS = {"len": _no_none(len), "min": _no_none(min), "max": _no_none(max), "sum": _no_none(sum),
            "abs": _no_none(abs), "all": all, "any": any, "increasing": _increasing, "decreasing": _decreasing}

_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
            ast.NotIn: lambda a, b: a not in b, ast.Is: operator.is_, ast.IsNot: operator.is_not}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod}
_UNARY = {ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos}
_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Call, ast.Name,
            ast.Load, ast.Constant, ast.List, ast.Tuple, ast.Set, ast.Subscript, *_COMPARE, *_BINARY, *_UNARY)


def compile_expression(claim: Claim) -> ast.Expression:
    try:
        tree = ast.parse(claim.holds, mode="eval")
    except SyntaxError as exc:
        raise ClaimError(f"{claim.source}: claim {claim.name!r}: not an expression ({exc.msg}): {claim.holds}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ClaimError(f"{claim.source}: claim {claim.name!r}: {type(node).__name__} is not allowed "
                             f"in a claim ({claim.holds})")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name)
                                               and (node.func.id in FUNCTIONS or node.func.id in BUILTINS)):
            raise ClaimError(f"{claim.source}: claim {claim.name!r}: unknown function in {claim.holds}")
    return tree


def _eval(node, facts: Facts, names: dict):
    ev = lambda n: _eval(n, facts, names)  # noqa: E731
    if isinstance(node, ast.Expression):
        return ev(node.body)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise ClaimError(f"unknown name {node.id!r}")
        return names[node.id]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [ev(e) for e in node.elts]
    if isinstance(node, ast.Set):
        return {ev(e) for e in node.elts}
    if isinstance(node, ast.BoolOp):  # short-circuit, as Python: `not shown(x) or value(x) < 5`
        if isinstance(node.op, ast.And):
            for v in node.values:
                if not ev(v):
                    return False
            return True
        for v in node.values:
            if ev(v):
                return True
        return False
    if isinstance(node, ast.UnaryOp):
        operand = ev(node.operand)
        if operand is None:
            raise Undecided("an operation on a protected value")
        return _UNARY[type(node.op)](operand)
    if isinstance(node, ast.BinOp):
        left, right = ev(node.left), ev(node.right)
        if left is None or right is None:
            raise Undecided("arithmetic on a protected value")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.Compare):
        left = ev(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            right = ev(comparator)
            if (left is None or right is None) and not isinstance(op, (ast.Is, ast.IsNot)):
                raise Undecided("a comparison with a protected value")
            if not _COMPARE[type(op)](_norm(left), _norm(right)):
                return False
            left = right
        return True
    if isinstance(node, ast.Subscript):
        container, index = ev(node.value), ev(node.slice)
        if container is None:
            raise Undecided("an index into a protected value")
        return container[index]
    if isinstance(node, ast.Call):
        args = [ev(a) for a in node.args]
        name = node.func.id
        if name in BUILTINS:
            return BUILTINS[name](*args)
        return getattr(facts, name)(*args)
    raise ClaimError(f"{type(node).__name__} is not allowed")


def _norm(value):
    """Codes compare as the catalogue writes them (True == 'true', 6 == '6'); numbers as numbers."""
    if isinstance(value, bool) or (isinstance(value, str)):
        return _code(value)
    if isinstance(value, (list, set, tuple)):
        return type(value)(_norm(v) for v in value) if not isinstance(value, set) else {_norm(v) for v in value}
    if isinstance(value, float) and math.isnan(value):
        raise Undecided("NaN")
    return value


def evaluate(claim: Claim, facts: Facts) -> bool | None:
    """True or False; None when a value the claim needs is protected or absent (undecided)."""
    try:
        return bool(_eval(compile_expression(claim), facts, facts.names()))
    except Undecided:
        return None
    except ClaimError as exc:
        raise ClaimError(f"{claim.source}: claim {claim.name!r}: {exc}") from None


# --- applying the claims to a page --------------------------------------------------------

@dataclass
class Decision:
    page: str
    claim: str
    holds: bool | None
    published: str  # "claim" (first wording) or "else"
    sentence: str   # the start of the first wording, for messages and the build report


def _excerpt(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def apply_claims(text: str, page: str, claims: dict, facts: Facts) -> tuple[str, list]:
    """The page with every claim resolved to one wording, and the decisions taken."""
    decisions = []

    def resolve(match: re.Match) -> str:
        name, wording, otherwise = match.group(1), match.group(2), match.group(3)
        if name not in claims:
            raise ClaimError(f"{page}: claim {name!r} is not defined in book/claims/*.yml "
                             f"(sentence: {_excerpt(wording)!r})")
        holds = evaluate(claims[name], facts)
        if holds:
            decisions.append(Decision(page, name, holds, "claim", _excerpt(wording)))
            return wording
        if otherwise is None:
            state = "cannot be decided (a value it needs is protected)" if holds is None else "does not hold"
            raise ClaimError(f"{page}: claim {name!r} {state} on this edition and the page gives no other "
                             f"wording: {_excerpt(wording)!r} ({claims[name].about}; holds: {claims[name].holds})")
        decisions.append(Decision(page, name, holds, "else", _excerpt(wording)))
        return otherwise

    out = CLAIM_BLOCK.sub(resolve, text)
    stray = STRAY_MARKER.search(out)
    if stray:
        line = out[: stray.start()].count("\n") + 1
        raise ClaimError(f"{page}, line {line}: a claim marker without its pair (nested claims are not allowed)")
    return out, decisions
