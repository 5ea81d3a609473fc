"""Generated phrases shared by every page that states a result (chapters, explorer, Explore page)."""

from __future__ import annotations

from ..settings import DEFAULT_THRESHOLD
from .catalogue import text
from .numbers import format_number

TEST_KEYS = {"chi2": "chi2_test", "fisher": "fisher_test", "chi2_permutation": "permutation_test"}


def labelled(label: str, value: str, lang: str) -> str:
    """``label: value`` with the language's separator (French: a narrow no-break space before the colon)."""
    return f"{label}{text('label_separator', lang)} {value}"


def describe_test(test, lang: str, threshold: int = DEFAULT_THRESHOLD) -> str | None:
    """A test result as a fragment (``χ²-toets: p = 0,034``); None when there is no test.

    ``test`` is a :class:`duoreport.stats.shares.TestResult` (method, statistic, p_value) or None.
    """
    if test is None or test.method == "none":
        return None
    if test.method == "withheld":
        return text("test_withheld", lang, threshold=threshold)
    name = text(TEST_KEYS[test.method], lang)
    p = "p < " + format_number(0.001, lang, 3) if test.p_value < 0.001 else \
        "p = " + format_number(test.p_value, lang, 3)
    return labelled(name, p, lang)
