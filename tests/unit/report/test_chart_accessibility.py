"""Charts a reader can perceive: alt texts that state the comparison, marks with enough contrast,
text that prints at 8 pt or more, and a legend that covers nothing."""

import numpy as np
import pandas as pd
import pytest

from duoreport import i18n
from duoreport.report import plots
from duoreport.report.builders import ChartData
from duoreport.report.render import alt_text

NNBSP = "\u202f"


class Ed:
    threshold = 10

    def __init__(self, lang):
        self.lang = lang

    def t(self, key, **kw):
        return i18n.text(key, self.lang, **kw)


def shares(rows, hue=False):
    cols = ["label", "series", "share", "ci_low", "ci_high", "suppressed"] if hue else \
        ["label", "share", "ci_low", "ci_high", "suppressed"]
    return pd.DataFrame(rows, columns=cols)


def test_alt_text_of_a_simple_chart_names_every_bar_with_its_share():
    data = ChartData(shares([("Vrouw", 51.0, 48.3, 53.7, False), ("Man", 49.0, 46.3, 51.7, False)]))
    nl = alt_text(Ed("nl"), "Geslacht van de mentees", data)
    assert nl == ("Staafdiagram met het aandeel van elke categorie: Vrouw 51%, Man 49%. "
                  "Elke staaf heeft een 95%-betrouwbaarheidsinterval.")
    fr = alt_text(Ed("fr"), "Genre", ChartData(shares([("Femme", 51.0, 48.3, 53.7, False), ("Homme", 49.0, 46.3, 51.7, False)])))
    assert f"Femme 51{NNBSP}%, Homme 49{NNBSP}%" in fr and fr.startswith("Diagramme en barres")
    assert "Geslacht van de mentees" not in nl  # the caption gives the title


def test_alt_text_of_a_grouped_chart_compares_group_by_group():
    rows = [("Man", "Werk", 61.0, 57, 65, False), ("Man", "Werkzoekende", 21.0, 18, 24, False),
            ("Vrouw", "Werk", 48.0, 44, 52, False), ("Vrouw", "Werkzoekende", 33.0, 29, 37, False)]
    text = alt_text(Ed("nl"), "Resultaten", ChartData(shares(rows, hue=True), hue_col="series"))
    assert text.startswith("Gegroepeerd staafdiagram met de aandelen per groep: "
                           "Man: Werk 61%, Werkzoekende 21%; Vrouw: Werk 48%, Werkzoekende 33%.")


def test_a_hidden_cell_is_named_never_given_a_value():
    rows = [("Brussel", 40.0, 35, 45, False), ("Gent", np.nan, np.nan, np.nan, True)]
    text = alt_text(Ed("nl"), "Antennes", ChartData(shares(rows)))
    assert "Gent: niet getoond ter bescherming van de privacy" in text and "Gent 0%" not in text
    everything = alt_text(Ed("nl"), "x", ChartData(shares([("Gent", np.nan, np.nan, np.nan, True)])))
    assert everything == i18n.text("alt_all_suppressed", "nl", threshold=10)


def test_a_long_chart_names_its_first_bars_and_points_to_the_table():
    rows = [(f"Land {i}", 20.0 - i, 10, 30, False) for i in range(12)]
    text = alt_text(Ed("nl"), "Landen", ChartData(shares(rows)))
    assert "Land 7 13%" in text and "Land 8" not in text and "en nog 4 andere (zie de tabel)" in text


def test_context_figures_without_intervals_do_not_claim_any():
    rows = [("Belgische afkomst", 73.0, np.nan, np.nan, False), ("Buiten de EU", 44.0, np.nan, np.nan, False)]
    text = alt_text(Ed("nl"), "x", ChartData(shares(rows), intervals=False, source="context"))
    assert "betrouwbaarheidsinterval" not in text and "Buiten de EU 44%" in text


def contrast(hex_colour, background="#FFFFFF"):
    """WCAG 2.1 contrast ratio, computed here from the definition."""
    def luminance(h):
        r, g, b = (int(h.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(hex_colour), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("colour", plots.PALETTE + [plots.SUPPRESSED_COLOUR, plots.TEXT_COLOUR])
def test_every_mark_has_at_least_3_to_1_against_white(colour):
    assert contrast(colour) >= 3.0, colour


def test_the_explorer_draws_with_the_same_palette():
    from duoreport.settings import BOOK_DIR
    script = (BOOK_DIR / "static" / "explorer.js").read_text(encoding="utf-8")
    assert 'var PALETTE = ["' + '", "'.join(plots.PALETTE) + '"];' in script
    for light in ("#E69F00", "#56B4E9", "#F0E442", "#999999"):
        assert light not in script


def grouped_chart():
    rows = [("Man", "Werk", 61.0, 57, 65, False), ("Man", "Stage/opleiding", 18.0, 15, 21, False),
            ("Man", "Werkzoekende", 21.0, 18, 24, False), ("Vrouw", "Werk", 48.0, 44, 52, False),
            ("Vrouw", "Stage/opleiding", np.nan, np.nan, np.nan, True), ("Vrouw", "Werkzoekende", 33.0, 29, 37, False)]
    return plots.share_bars(shares(rows, hue=True), "label", "Resultaten na 18 maanden, volgens geslacht",
                            hue_col="series", suppressed_label="niet getoond")


def test_chart_text_prints_at_8_pt_or_more():
    fig = grouped_chart()
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text") and a.get_text())]
    assert sizes and min(sizes) >= 9  # >= 8 pt even printed at 8/9 of its size
    # the print edition shows the PNG at its physical size; it fits the 170 mm text block
    width_in = fig.get_size_inches()[0]
    assert width_in <= 170 / 25.4


def test_the_legend_covers_neither_the_axis_label_nor_the_plot():
    fig = grouped_chart()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    legend = fig.legends[0].get_window_extent(renderer)
    title = next(t for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_window_extent"))
                 if str(t.get_text()).startswith("Resultaten na 18"))
    for other in (ax.xaxis.label.get_window_extent(renderer), ax.get_window_extent(renderer),
                  title.get_window_extent(renderer)):
        assert not legend.overlaps(other)
    assert legend.y1 <= ax.xaxis.label.get_window_extent(renderer).y0  # under the "%" label


def test_every_chart_is_exactly_as_wide_as_the_print_block_allows():
    """A long title or long labels may not widen the picture (it would print smaller)."""
    import io

    from PIL import Image

    rows = [("Belgen met een migratieachtergrond en een heel lange omschrijving", 54.0, 48, 60, False),
            ("Niet-Belgen", 55.0, 51, 58, False)]
    fig = plots.share_bars(shares(rows), "label", "Resultaten na 18 maanden, volgens nationaliteit en reden van "
                           "verblijf, een titel die veel te lang is voor één regel")
    image = Image.open(io.BytesIO(plots.png_bytes(fig)))
    assert image.size[0] == round(plots.FIG_WIDTH * plots.SAVE_DPI)
    assert round(image.info["dpi"][0]) == plots.SAVE_DPI
