"""Dutch and French: label catalogues, number formats and generated phrases.

``from duoreport import i18n`` gives the whole public interface: :func:`label`, :func:`text`,
:func:`format_percent`, :func:`describe_test`, ...
"""

from ..settings import LANGUAGES
from .catalogue import (LOCALES_DIR, MISSING, catalogue, chart_title, check_language, code_key, code_list_of,
                        country_label, is_missing, label, labeller, text, use_programme, variable_label)
from .numbers import (DECIMAL_SEPARATOR, THOUSANDS_SEPARATOR, format_count, format_date, format_number, format_percent,
                      join_words, round_half_up, spell_number)
from .phrases import describe_test, labelled

__all__ = ["LANGUAGES", "LOCALES_DIR", "MISSING", "DECIMAL_SEPARATOR", "THOUSANDS_SEPARATOR", "catalogue",
           "chart_title", "check_language", "code_key", "code_list_of", "country_label", "describe_test",
           "format_count", "format_date", "format_number", "format_percent", "join_words", "spell_number", "is_missing", "label", "labelled", "labeller", "round_half_up",
           "text", "use_programme", "variable_label"]
