"""Helpers for the editorial tests of the narrative pages (book/nl/*.md, book/fr/*.md).

They read the MyST sources only (no build): labels, chart markers, figure references,
claim markers, the prose a reader sees, its sentences, and the word runs it shares with
the original report (the seed text, when present).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "book"
CLAIMS_DIR = BOOK / "claims"
LANGS = ("nl", "fr")
# The original Dutch report (PDF text). Absent in CI without the shared folder: tests skip.
SEED = Path(os.environ.get("DUO_SEED_TEXT", "/work/shared/seed/000_ea1779b7f83dcadf.txt"))
NNBSP = "\u202f"

LABEL = re.compile(r"^\(([A-Za-z0-9_.:-]+)\)=\s*$", re.M)
HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.M)
CHART = re.compile(r"^<!-- chart: ([a-z0-9_]+) -->\s*$", re.M)
NUMREF = re.compile(r"\{numref\}`([^`]*)`")
CLAIM_OPEN = re.compile(r"<!--\s*claim:\s*([A-Za-z0-9_]+)\s*-->")
CLAIM_TOKEN = re.compile(r"<!--\s*(claim:\s*[A-Za-z0-9_]+|else|end claim)\s*-->")
ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
SUBST = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
SUPPRESSION_TOKENS = ("onderdrukt", "masqué", "masque", "masquée", "masqués", "masquées")


def page_text(lang: str, page: str) -> str:
    return (BOOK / lang / page).read_text(encoding="utf-8")


# --- structure ----------------------------------------------------------------------

def labels(text: str) -> list:
    return LABEL.findall(text)


def headings_without_label(text: str) -> list:
    """Headings whose previous non-blank line is not a MyST target."""
    lines = text.splitlines()
    out, in_code = [], False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            in_code = not in_code
        if in_code or not HEADING.match(line):
            continue
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j < 0 or not LABEL.match(lines[j]):
            out.append(line)
    return out


def chart_markers(text: str) -> list:
    return CHART.findall(text)


def figure_refs(text: str) -> list:
    """Targets of {numref} roles, in order (``{numref}`figuur %s <fig-x>` `` gives ``fig-x``)."""
    out = []
    for content in NUMREF.findall(text):
        m = re.search(r"<([^<>]+)>\s*$", content)
        out.append(m.group(1) if m else content.strip())
    return out


GLUE = re.compile(r"\{glue:text\}`[^`]*::([A-Za-z0-9_]+):s`")
CITE = re.compile(r"\{cite:[pt]\}`([^`]*)`")


def glue_keys(text: str) -> list:
    return GLUE.findall(text)


def citation_keys(text: str) -> list:
    return [k.strip() for group in CITE.findall(text) for k in group.split(",")]


def claim_names(text: str) -> list:
    return CLAIM_OPEN.findall(text)


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


def defined_claims() -> dict:
    """name -> (file, entry) over book/claims/*.yml; duplicated names are reported by the caller."""
    out = {}
    for f in sorted(CLAIMS_DIR.glob("*.yml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for name, entry in data.items():
            out.setdefault(name, []).append((f.name, entry))
    return out


# --- prose --------------------------------------------------------------------------

def prose(text: str, glue_as: str = "0", keep_headings: bool = True) -> str:
    """The text a reader sees, as lines.

    Code blocks and directive names/options are dropped (the body of a directive such as an
    admonition is kept); comments (chart and claim markers) are dropped; glue roles become
    ``glue_as`` (a digit by default, so that a sentence starting with a glued number is
    caught); other roles become a neutral word; substitutions become a word; targets and
    tables are dropped.
    """
    out, fence = [], None
    for line in text.splitlines():
        stripped = line.strip()
        m = re.match(r"^(`{3,}|:{3,})\s*(\{[^}]*\})?", stripped)
        if m:
            if fence is None:
                fence = ("code" if m.group(1).startswith("`") and not m.group(2) else "directive", m.group(1))
                if m.group(2) and m.group(2) in ("{tableofcontents}", "{code-cell}", "{code}"):
                    fence = ("code", m.group(1))
                continue
            if stripped == fence[1]:
                fence = None
                continue
        if fence and fence[0] == "code":
            continue
        if re.match(r"^:[A-Za-z_-]+:", stripped):  # directive option
            continue
        if LABEL.match(stripped) or stripped.startswith("|"):
            continue
        if not keep_headings and HEADING.match(stripped):
            continue
        out.append(line)
    text = "\n".join(out)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = ROLE.sub(lambda m: glue_as if m.group(1) == "glue:text" else "Ref", text)
    text = SUBST.sub("Subst", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"https?://\S+", "", text)
    return text


ABBREVIATIONS = ("art.", "nr.", "n°", "p.", "bv.", "bijv.", "z.d.", "s.d.", "o.a.", "e.a.", "cf.", "enz.", "etc.",
                 "vgl.", "max.", "min.", "ca.", "resp.", "d.w.z.", "i.e.", "e.g.", "dr.", "mr.")


def sentences(text: str) -> list:
    """Sentences of the prose (headings skipped, list markers removed)."""
    out = []
    for block in re.split(r"\n\s*\n", prose(text, keep_headings=False)):
        # each list item starts a new sentence
        items = re.split(r"\n\s*(?:[-*+]|\d+\.)\s+", "\n" + block)
        for item in items:
            item = " ".join(item.split())
            if not item:
                continue
            parts = re.split(r"(?<=[.!?…])\s+", item)
            merged = []
            for part in parts:
                if merged and merged[-1].lower().endswith(ABBREVIATIONS):
                    merged[-1] += " " + part
                else:
                    merged.append(part)
            out.extend(merged)
    return out


def starts_with_digit(sentence: str) -> bool:
    s = sentence.lstrip("*_“”\"'«»‘’( \u00a0\u202f")
    return bool(s) and s[0].isdigit()


def french_spacing_errors(text: str) -> list:
    """Places in French prose where ; : ! ? % or » lack U+202F before them (or « after it)."""
    errors = []
    body = prose(text, glue_as="Glue")
    for m in re.finditer(r"(.{0,25})([;:!?%»])", body):
        before, mark = m.group(1), m.group(2)
        if mark == "?" and before.endswith("("):
            continue
        if not before.endswith(NNBSP):
            errors.append((before + mark).strip())
    for m in re.finditer(r"«(.)", body):
        if m.group(1) != NNBSP:
            errors.append("«" + m.group(1))
    return errors


def suppression_tokens(text: str) -> list:
    body = prose(text, glue_as="Glue").lower()
    return [t for t in SUPPRESSION_TOKENS if re.search(r"\b" + re.escape(t) + r"\b", body)]


# --- overlap with the original ------------------------------------------------------

def words(text: str) -> list:
    text = unicodedata.normalize("NFC", text).lower()
    text = text.replace("’", "'")
    return re.findall(r"[^\W_]+", text)


def seed_words() -> list:
    raw = SEED.read_text(encoding="utf-8")
    raw = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", raw)  # words hyphenated across PDF lines
    return words(raw)


def shared_runs(text: str, seed: list, n: int = 12) -> list:
    """Runs of at least ``n`` consecutive words that the page's prose shares with the seed."""
    grams = {tuple(seed[i:i + n]) for i in range(len(seed) - n + 1)}
    body = prose(text, glue_as=" gluedvalue ")
    body = "\n".join(l for l in body.splitlines() if not l.lstrip().startswith(">"))  # marked quotations
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


def multiset_diff(a, b) -> tuple:
    ca, cb = Counter(a), Counter(b)
    return sorted((ca - cb).elements()), sorted((cb - ca).elements())
