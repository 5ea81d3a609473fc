"""Helpers for the tests of the narrative pages (book/nl/*.md, book/fr/*.md).

They read the MyST sources only (no build) and reduce a page to what can be checked: its
labels, chart markers, figure references, glued numbers, citations and claim markers, the
prose a reader sees and its sentences, and the word runs it shares with the original report
(the seed text, when present). Plain functions, no pytest fixtures.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml

from duoreport.data.programme import default_programme
from duoreport.publish.stage import substitutions

REPO = Path(__file__).resolve().parents[3]
BOOK = REPO / "book"
CLAIMS_DIR = BOOK / "claims"
LANGS = ("nl", "fr")
PAGES = sorted(p.stem for p in (BOOK / "nl").glob("*.md"))
# The original Dutch report (PDF text). Absent in CI without the shared folder: tests skip.
SEED = Path(os.environ.get("DUO_SEED_TEXT", "/work/shared/seed/000_ea1779b7f83dcadf.txt"))
NNBSP = "\u202f"

LABEL = re.compile(r"^\(([A-Za-z0-9_.:-]+)\)=\s*$", re.M)
HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.M)
FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})\s*(\{[^}]*\})?\s*(.*)$")
CHART = re.compile(r"^<!-- chart: ([a-z0-9_]+) -->\s*$", re.M)
NUMREF = re.compile(r"\{numref\}`([^`]*)`")
GLUE = re.compile(r"\{glue:text\}`notebooks/([a-z]+)\.ipynb::([A-Za-z0-9_]+):s`")
ANY_GLUE = re.compile(r"\{glue")
CITE = re.compile(r"\{cite:[pt]\}`([^`]*)`")
ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
SUBST = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
CLAIM_OPEN = re.compile(r"<!--\s*claim:\s*([A-Za-z0-9_]+)\s*-->")
CLAIM_TOKEN = re.compile(r"<!--\s*(claim:\s*[A-Za-z0-9_]+|else|end claim)\s*-->")
CLAIM_BLOCK = re.compile(r"<!--\s*claim:\s*([A-Za-z0-9_]+)\s*-->(.*?)<!--\s*end claim\s*-->", re.S)
CODE_DIRECTIVES = ("{code-cell}", "{code}", "{code-block}", "{tableofcontents}", "{bibliography}", "{eval-rst}",
                   "{raw}")
SUPPRESSION_TOKENS = ("onderdrukt", "masqué", "masque", "masquée", "masqués", "masquées")
# Words that state the result of a test of difference (regular expressions on lower-cased prose).
SIGNIFICANCE_WORDS = {
    "nl": (r"\bsignificant", r"\bbeslissend", r"geen enkele jaargang", r"geen enkel cohort"),
    "fr": (r"\bsignificati(f|ve|fs|ves|vement)\b", r"\bdécisi(f|ve|fs|ves)\b", r"aucune cohorte"),
}
# The substitutions as the full edition of the synthetic default fills them in (docs/claims.md):
# a page is checked with the words a reader sees there, so that e.g. a sentence opening with
# {{ first_year }} starts with a digit.
_PROGRAMME = default_programme()
FULL_SCOPE = {"period_start": _PROGRAMME.period_start.isoformat(), "period_end": _PROGRAMME.period_end.isoformat(),
              "years": list(range(_PROGRAMME.period_start.year, _PROGRAMME.period_end.year + 1)),
              "antennas": list(_PROGRAMME.codes), "year": "all", "antenna": "all", "synthetic": True,
              "organisation": _PROGRAMME.organisation}
# Digits a reader may see in prose that are not statistics: years, a day of the month before
# a month name, the confidence level's name, the protected-cell sign (< 10), fixed names (EU-28,
# UTF-8, artikel 60, § 7, ISO 8601...), chapter and annex numbers, numbered headings and lists.
NOT_A_STATISTIC = re.compile(
    r"\b(19|20)\d\d\b"
    r"|\b\d{1,2}(er)?\s+(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b"
    r"|\b95\s?%|<\s?10\b|EU-28|UE-28|EU-1[34]|UE-1[34]|UTF-8|ISO[\s-]*8601|[Aa]rti(kel|cle)\s*60|§\s*7|Q2|A4|NACE"
    r"|\b(hoofdstuk|chapitre|bijlage|annexe)\s+[1-9A-B]\b|\b[1-8]\.\s|^#+ *[1-8]\b|\b(YYYY|JJJJ|AAAA)-MM-(DD|JJ)\b",
    re.M | re.I)


def page_text(lang: str, page: str) -> str:
    return (BOOK / lang / f"{page}.md").read_text(encoding="utf-8")


def multiset_diff(a, b) -> tuple:
    """What ``a`` has more than ``b`` and what ``b`` has more than ``a`` (([], []) when equal as multisets)."""
    ca, cb = Counter(a), Counter(b)
    return sorted((ca - cb).elements()), sorted((cb - ca).elements())


# --- structure ----------------------------------------------------------------------

def labels(text: str) -> list:
    return LABEL.findall(text)


def _outside_code(text: str) -> list:
    """The lines of a page, with those inside code fences (``` or ~~~ without a directive) blanked."""
    out, fence = [], None
    for line in text.split("\n"):
        m = FENCE.match(line.strip())
        if fence is None and m and not m.group(1).startswith(":") and not m.group(2):
            fence = m.group(1)
            out.append("")
            continue
        if fence is not None:
            if line.strip() == fence:
                fence = None
            out.append("")
            continue
        out.append(line)
    return out


def headings_without_label(text: str) -> list:
    """Headings (outside code) whose previous non-blank line is not a MyST target."""
    lines = _outside_code(text)
    out = []
    for i, line in enumerate(lines):
        if not HEADING.match(line):
            continue
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j < 0 or not LABEL.match(lines[j]):
            out.append(line)
    return out


def title(text: str) -> str:
    """The page title (the ``#`` heading)."""
    return next(line[2:].strip() for line in _outside_code(text) if line.startswith("# "))


def chart_markers(text: str) -> list:
    return CHART.findall(text)


def figure_refs(text: str) -> list:
    """Targets of {numref} roles, in order (``{numref}`figuur %s <fig-x>` `` gives ``fig-x``)."""
    out = []
    for content in NUMREF.findall(text):
        m = re.search(r"<([^<>]+)>\s*$", content)
        out.append(m.group(1) if m else content.strip())
    return out


def glue_refs(text: str) -> list:
    """(notebook, key) of every glued number."""
    return GLUE.findall(text)


def malformed_glue_count(text: str) -> int:
    """Glue roles in any other form than {glue:text}`notebooks/<chapter>.ipynb::<key>:s`."""
    return len(ANY_GLUE.findall(text)) - len(GLUE.findall(text))


def citation_keys(text: str) -> list:
    return [k.strip() for group in CITE.findall(text) for k in group.split(",")]


@lru_cache(maxsize=None)
def bibliography_keys() -> frozenset:
    bib = (BOOK / "references.bib").read_text(encoding="utf-8")
    return frozenset(re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M))


# --- claims -------------------------------------------------------------------------

def claim_names(text: str) -> list:
    return CLAIM_OPEN.findall(text)


def claim_blocks(text: str) -> list:
    """(name, marked text from the claim marker to its end marker, both wordings)."""
    return CLAIM_BLOCK.findall(text)


def without_claims(text: str) -> str:
    return CLAIM_BLOCK.sub("", text)


def claim_structure_errors(text: str) -> list:
    """Claims must open, optionally have one else, and close; they do not nest."""
    errors, current, seen_else = [], None, False
    for m in CLAIM_TOKEN.finditer(text):
        token = m.group(1)
        if token.startswith("claim:"):
            if current:
                errors.append(f"claim {token} opens inside claim {current}")
            current, seen_else = token.split(":", 1)[1].strip(), False
        elif token == "else":
            if not current:
                errors.append("else outside a claim")
            elif seen_else:
                errors.append(f"two else in claim {current}")
            seen_else = True
        else:
            if not current:
                errors.append("end claim without a claim")
            current = None
    if current:
        errors.append(f"claim {current} is not closed")
    return errors


@lru_cache(maxsize=None)
def defined_claims() -> dict:
    """name -> [(file, entry), ...] over book/claims/*.yml (a name defined twice has two places).

    Read once per test session: do not change the result."""
    out = {}
    for f in sorted(CLAIMS_DIR.glob("*.yml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for name, entry in data.items():
            out.setdefault(name, []).append((f.name, entry))
    return out


# --- prose --------------------------------------------------------------------------

def _visible_lines(text: str, keep_tables: bool) -> list:
    """Lines a reader sees: code blocks, directive names and options, targets (and tables) dropped.

    The body of a directive that holds prose (an admonition, a figure's caption) is kept, and an
    admonition's title becomes a paragraph of its own.
    """
    out, stack = [], []  # stack of open fences: (marker, is_code)
    for line in text.split("\n"):
        stripped = line.strip()
        m = FENCE.match(stripped)
        if stack and stack[-1][1]:  # inside code: only its closing fence counts
            if stripped == stack[-1][0]:
                stack.pop()
            continue
        if m and stack and stripped == stack[-1][0]:
            stack.pop()
            out.append("")
            continue
        if m and (m.group(2) or not m.group(1).startswith(":")):
            directive = m.group(2)
            is_code = directive is None or directive in CODE_DIRECTIVES
            stack.append((m.group(1), is_code))
            if not is_code and m.group(3):
                out.extend(["", m.group(3), ""])
            continue
        if re.match(r"^:[A-Za-z_-]+:", stripped) or LABEL.match(stripped):
            continue
        if stripped.startswith("|") and not keep_tables:
            continue
        out.append(line)
    return out


def prose(text: str, lang: str = "nl", glue_as: str = "0", keep_tables: bool = False, keep_code: bool = False,
          fill_substitutions: bool = True) -> str:
    """The text a reader sees, as lines.

    Comments (chart and claim markers) are dropped; glue roles become ``glue_as`` (a digit by
    default, so that a sentence starting with a glued number is caught); other roles (figure
    references, citations) become a word; substitutions are filled in as for the full default
    edition (or become a word); HTML keeps its text; inline code becomes a word (or keeps its
    content with ``keep_code``); link targets and bare addresses are dropped; emphasis marks go.
    """
    text = "\n".join(_visible_lines(text, keep_tables))
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = ROLE.sub(lambda m: glue_as if m.group(1) == "glue:text" else "Ref", text)
    values = substitutions(FULL_SCOPE, lang) if fill_substitutions else {}
    text = SUBST.sub(lambda m: values.get(m.group(1), "Subst"), text)
    text = re.sub(r"`([^`]*)`", (lambda m: m.group(1)) if keep_code else "Code", text)
    text = re.sub(r"<br\s*/?>", " ", text)
    text = re.sub(r"</?[A-Za-z][^<>]*>", "", text)  # HTML tags: keep their text
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"https?://\S+", "", text)
    text = text.replace("**", "").replace("*", "")
    return text


ABBREVIATIONS = ("art.", "nr.", "n°", "p.", "bv.", "bijv.", "z.d.", "s.d.", "o.a.", "e.a.", "cf.", "enz.", "etc.",
                 "vgl.", "max.", "min.", "ca.", "resp.", "d.w.z.", "i.e.", "e.g.", "dr.", "mr.")


def sentences(text: str, lang: str = "nl") -> list:
    """Sentences of the prose: each heading one sentence (without the number of a numbered
    heading, "## 1. …"), each list item a new sentence."""
    body = re.sub(r"^\s*#{1,6}\s+(?:\d+\.\s+)?(.*)$", r"\n\1\n", prose(text, lang), flags=re.M)
    out = []
    for block in re.split(r"\n\s*\n", body):
        items = re.split(r"\n\s*(?:[-*+]|\d+\.)\s+", "\n" + block)
        for item in items:
            item = " ".join(item.split())
            if not item:
                continue
            merged = []
            for part in re.split(r"(?<=[.!?…])\s+", item):
                if merged and merged[-1].lower().endswith(ABBREVIATIONS):
                    merged[-1] += " " + part
                else:
                    merged.append(part)
            out.extend(merged)
    return out


def starts_with_digit(sentence: str) -> bool:
    s = sentence.lstrip("*_“”„\"'«»‘’(–- \u00a0\u202f")
    return bool(s) and s[0].isdigit()


def typed_numbers(text: str, lang: str) -> list:
    """Lines of prose or tables with a digit that is not a year, date, fixed name or chapter number."""
    body = prose(text, lang, glue_as="", keep_tables=True, keep_code=True, fill_substitutions=False)
    return [line.strip()[:120] for line in body.splitlines() if re.search(r"\d", NOT_A_STATISTIC.sub("", line))]


def french_spacing_errors(text: str) -> list:
    """Places in French prose where ; : ! ? % or » lack U+202F before them (or « after it)."""
    errors = []
    body = prose(text, "fr", glue_as="Glue")
    for m in re.finditer(r"[;:!?%»]", body):
        if body[m.start() - 1:m.start()] != NNBSP:
            errors.append(body[max(0, m.start() - 25):m.end()].strip())
    for m in re.finditer(r"«(.)", body):
        if m.group(1) != NNBSP:
            errors.append("«" + m.group(1))
    return errors


def suppression_tokens(text: str, lang: str) -> list:
    body = prose(text, lang, glue_as="Glue").lower()
    return [t for t in SUPPRESSION_TOKENS if re.search(r"\b" + re.escape(t) + r"\b", body)]


def significance_words(text: str, lang: str) -> list:
    body = prose(text, lang, glue_as="Glue").lower()
    return [w for w in SIGNIFICANCE_WORDS[lang] if re.search(w, body)]


# --- overlap with the original ------------------------------------------------------

NUMBER = "<number>"


def words(text: str) -> list:
    """Lower-case words; a number written with separators (1.333, 49,8) is one word, and every
    number is the same word, so that a sentence copied with its numbers glued is still found."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    out = []
    for w in re.findall(r"\d+(?:[.,\u00a0\u202f]\d+)*|[^\W\d_]+", text):
        out.append(NUMBER if w[0].isdigit() else w)
    return out


@lru_cache(maxsize=None)
def seed_grams(n: int = 12) -> frozenset:
    """Every run of ``n`` consecutive words of the seed text."""
    raw = SEED.read_text(encoding="utf-8")
    raw = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", raw)  # words hyphenated across PDF lines
    seed = words(raw)
    return frozenset(tuple(seed[i:i + n]) for i in range(len(seed) - n + 1))


def shared_runs(text: str, lang: str, grams: frozenset, n: int = 12) -> list:
    """Runs of at least ``n`` consecutive words that the page's prose shares with the seed
    (``grams``: its runs of ``n`` words, see :func:`seed_grams`).

    Marked quotations (lines starting with ``>``) may quote the original."""
    body = prose(text, lang, glue_as=" 0 ")
    body = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(">"))
    ws = words(body)
    hits, i = [], 0
    while i <= len(ws) - n:
        if tuple(ws[i:i + n]) in grams:
            j = i + n
            while j < len(ws) and tuple(ws[j - n + 1:j + 1]) in grams:
                j += 1
            hits.append(" ".join(ws[i:j]))
            i = j
        else:
            i += 1
    return hits
