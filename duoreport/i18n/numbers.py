"""Number formats of the book: decimal comma, the language's thousands separator, half-up rounding.

Numbers use a decimal comma in both languages; thousands are grouped with ``.`` in Dutch and a
narrow no-break space (U+202F) in French, which also precedes the per cent sign. Rounding is
half up on the decimal value as written, so ``54.25`` gives ``54,3``.
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Decimal

from .catalogue import MISSING, check_language, is_missing, text

THOUSANDS_SEPARATOR = {"nl": ".", "fr": "\u202f"}
DECIMAL_SEPARATOR = {"nl": ",", "fr": ","}


def round_half_up(x, decimals: int) -> Decimal:
    # Decimal(str(x)) rounds the number as written (2.675), not its binary value (2.67499…).
    value = x if isinstance(x, Decimal) else Decimal(str(x))
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(x, lang: str, decimals: int = 1) -> str:
    """``x`` with a decimal comma and the language's thousands separator, rounded half up."""
    check_language(lang)
    if is_missing(x):
        return MISSING
    if isinstance(x, float) and math.isinf(x):
        raise ValueError(f"cannot format an infinite number ({x})")
    if decimals < 0:
        raise ValueError("decimals must be 0 or more")
    rounded = round_half_up(x, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = sign + THOUSANDS_SEPARATOR[lang].join(groups)
    if decimals:
        out += DECIMAL_SEPARATOR[lang] + fraction
    return out


def format_percent(x, lang: str, decimals: int = 0) -> str:
    """A percentage given in percent points (54, not 0.54): nl ``54%``, fr ``54 %`` (U+202F)."""
    if is_missing(x):
        return MISSING
    return format_number(x, lang, decimals) + text("percent_sign_spacing", lang) + "%"


def format_count(n, lang: str) -> str:
    """A whole number of people or rows: nl ``1.333``, fr ``1 333`` (U+202F)."""
    if is_missing(n):
        return MISSING
    if isinstance(n, numbers.Real) and not float(n).is_integer():
        raise ValueError(f"a count must be a whole number, not {n!r}")
    return format_number(int(n), lang, 0)


NUMBER_WORDS = {
    "nl": ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf",
           "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien", "twintig"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
           "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf", "vingt"),
}
MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}


def spell_number(n: int, lang: str) -> str:
    """A small whole number in words, as the house style writes it in prose (up to twenty); digits above."""
    check_language(lang)
    n = int(n)
    return NUMBER_WORDS[lang][n] if 0 <= n <= 20 else format_count(n, lang)


def format_date(day, lang: str) -> str:
    """A date in words: nl ``1 september 2013``, fr ``1er septembre 2013`` (the French ordinal of the first)."""
    check_language(lang)
    first = "1er" if lang == "fr" else "1"
    number = first if day.day == 1 else str(day.day)
    return f"{number}\u00a0{MONTHS[lang][day.month - 1]} {day.year}"


def join_words(items, lang: str) -> str:
    """``a, b en c`` / ``a, b et c``."""
    items = list(items)
    conj = {"nl": "en", "fr": "et"}[lang]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]
