"""Helpers for the editorial tests: read a MyST page and reduce it to checkable prose.

Plain functions, no pytest fixtures, so that both editors' test files can share them.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
SEED_CANDIDATES = [
    ROOT / "shared" / "seed" / "000_ea1779b7f83dcadf.txt",
    ROOT.parent / "shared" / "seed" / "000_ea1779b7f83dcadf.txt",
    Path("/work/shared/seed/000_ea1779b7f83dcadf.txt"),
]

LABEL_RE = re.compile(r"^\(([A-Za-z0-9_.:-]+)\)=\s*$", re.M)
CHART_RE = re.compile(r"<!--\s*chart:\s*([A-Za-z0-9_]+)\s*-->")
CLAIM_RE = re.compile(r"<!--\s*claim:\s*([A-Za-z0-9_]+)\s*-->")
NUMREF_RE = re.compile(r"\{numref\}`(?:[^`<]*<)?(fig-[A-Za-z0-9_]+)>?`")
GLUE_RE = re.compile(r"\{glue:text\}`[^`]*`")
ROLE_RE = re.compile(r"\{[a-z:]+\}`[^`]*`")
SUBST_RE = re.compile(r"\{\{\s*[a-z_]+\s*\}\}")
CITE_RE = re.compile(r"\s*\{cite:[a-z]+\}`[^`]*`")
HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
FENCE_RE = re.compile(r"^(```|~~~).*?^\1\s*$", re.S | re.M)
HTML_TAG_RE = re.compile(r"<[^>]+>")
INLINE_CODE_RE = re.compile(r"`[^`]*`")
LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
URL_RE = re.compile(r"https?://\S+")


def page(lang: str, name: str) -> str:
    return (BOOK / lang / f"{name}.md").read_text(encoding="utf-8")


def labels(text: str) -> list[str]:
    return LABEL_RE.findall(text)


def charts(text: str) -> list[str]:
    return CHART_RE.findall(text)


def claims(text: str) -> list[str]:
    return CLAIM_RE.findall(text)


def numrefs(text: str) -> list[str]:
    return NUMREF_RE.findall(text)


def headings_without_label(text: str) -> list[str]:
    """Headings (outside code fences) whose previous non-empty line is not a MyST target."""
    text = FENCE_RE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    lines = text.split("\n")
    bad = []
    for i, line in enumerate(lines):
        if re.match(r"^#{1,6} ", line):
            j = i - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            if j < 0 or not LABEL_RE.match(lines[j]):
                bad.append(line)
    return bad


def claim_definitions() -> dict:
    """All claims of book/claims/*.yml: name -> entry."""
    out = {}
    for f in sorted((BOOK / "claims").glob("*.yml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for name, entry in data.items():
            assert name not in out, f"claim {name} defined twice"
            out[name] = entry
    return out


def prose(text: str, glue: str = "0") -> str:
    """The running text of a page: no code, no directives' options, no comments, no tables,
    no MyST targets; a glue becomes `glue` (a digit by default, so a sentence that starts
    with a glued number still starts with a digit); other roles and substitutions become a word."""
    text = FENCE_RE.sub(lambda m: _fence_body(m.group(0)), text)
    text = HTML_COMMENT_RE.sub("", text)
    out = []
    for line in text.split("\n"):
        s = line.strip()
        if LABEL_RE.match(s) or s.startswith("|") or re.match(r"^:[a-z_-]+:", s):
            continue
        if s.startswith("<") and s.endswith(">"):
            # a raw HTML line: keep only its text content
            line = HTML_TAG_RE.sub(" ", line)
        out.append(line)
    text = "\n".join(out)
    text = CITE_RE.sub("", text)
    text = GLUE_RE.sub(glue, text)
    text = ROLE_RE.sub("X", text)
    text = SUBST_RE.sub("X", text)
    text = INLINE_CODE_RE.sub("X", text)
    text = LINK_RE.sub(r"\1", text)
    text = URL_RE.sub("X", text)
    text = HTML_TAG_RE.sub(" ", text)
    text = re.sub(r"^#+ ", "", text, flags=re.M)
    text = re.sub(r"^\s*[-*] ", "", text, flags=re.M)
    text = text.replace("**", "").replace("*", "")
    return text


def _fence_body(block: str) -> str:
    """Keep the text of admonitions (prose in boxes); drop real code blocks."""
    first = block.split("\n", 1)[0]
    if re.match(r"^(```|~~~)\{(admonition|note|tip|important|warning|attention)\}", first):
        body = block.split("\n", 1)[1].rsplit("\n", 1)[0] if "\n" in block else ""
        title = re.sub(r"^(```|~~~)\{[a-z]+\}\s*", "", first)
        return title + "\n\n" + body
    return "\n" * block.count("\n")


def sentences(text: str) -> list[str]:
    """Split prose into sentences (paragraphs first, then at . ! ? followed by a capital or digit)."""
    out = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        if not para:
            continue
        parts = re.split(r"(?<=[.!?])\s+(?=[«“\"(]?[A-ZÀ-ÖØ-Þ0-9])", para)
        out.extend(p.strip() for p in parts if p.strip())
    return out


def starts_with_digit(sentence: str) -> bool:
    s = sentence.lstrip("«“\"'( \u202f\u00a0–-")
    return bool(s) and s[0].isdigit()


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"-\n", "", text)  # de-hyphenate line breaks (seed PDF text)
    return re.findall(r"[a-zà-ÿ0-9']+", text)


def shingles(ws: list[str], n: int) -> set[tuple]:
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def seed_text() -> str | None:
    for p in SEED_CANDIDATES:
        if p.exists():
            return p.read_text(encoding="utf-8")
    return None


def shared_runs(text: str, seed: str, n: int = 12) -> list[str]:
    """Runs of n words of `text` that also occur in `seed`."""
    seed_sh = shingles(words(seed), n)
    ws = words(text)
    return [" ".join(ws[i:i + n]) for i in range(len(ws) - n + 1) if tuple(ws[i:i + n]) in seed_sh]


NNBSP = "\u202f"


def french_spacing_errors(text: str) -> list[str]:
    """Places in French prose where ; : ! ? % or the inside of « » lack U+202F."""
    errors = []
    for m in re.finditer(r"(.{0,25})([;:!?%»])", text):
        before, mark = m.group(1), m.group(2)
        if not before:
            continue
        prev = before[-1]
        if mark == "%" and not prev.isdigit() and prev not in " \u00a0\u202f":
            continue
        if mark == ":" and re.search(r"https?$|[0-9]$", before) and mark == ":":
            # times (10:30) and URL schemes are not punctuation
            if re.search(r"[0-9]$", before):
                continue
        if prev != NNBSP:
            errors.append((before + mark).strip())
    for m in re.finditer(r"«(.)", text):
        if m.group(1) != NNBSP:
            errors.append(text[m.start():m.start() + 25])
    return errors
