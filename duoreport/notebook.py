"""What a chapter notebook calls: open the edition, show charts, glue key numbers."""

from __future__ import annotations

from .chapters import Edition
from .render import glue_key_numbers, show, show_header

__all__ = ["open_edition", "show", "glue_key_numbers"]


def open_edition(data_dir, year, antenna, lang, threshold, chapter: str, output_dir=None) -> Edition:
    """Load and check the data, restrict it to the edition and show the header."""
    ed = Edition(data_dir or None, year, antenna, lang, int(threshold))
    show_header(ed, chapter, {"year": ed.year, "antenna": ed.antenna, "lang": lang, "threshold": ed.threshold},
                output_dir or None)
    return ed
