"""The subgroup explorer as an ipywidgets application, for Jupyter and Voilà.

Everything that is computed - counts, suppression, intervals, tests, labels of the view,
the CSV and the chart - comes from :mod:`duoreport.explorer`; this module only wires
widgets to it. What the current control values mean (:func:`query_from_controls`) and the
texts of the controls in each language (:func:`control_labels`, :func:`measure_options`,
:func:`split_options`, :func:`filter_options`) are small pure functions, tested without a
browser; :class:`ExplorerApp` holds the widgets and calls them.

Controls: a language toggle (nl/fr) that relabels every control and the view; the measure
(the outcome after 6 or 18 months or a profile variable of :data:`explorer.MEASURES`); up to
two split dimensions; one filter per other dimension (a single value, or "all"). The
threshold is fixed (:data:`duoreport.stats.disclosure.DEFAULT_THRESHOLD`): the disclosure
guarantee of the explorer only holds among counts published with the same threshold, so a
reader can never change it.

Exports
-------
The "CSV" and "PNG" buttons put a download link for the current view under the buttons: an
HTML ``<a download=...>`` whose target is a ``data:`` URI holding the file itself
(:func:`download_link`). Nothing is written on the server, so the same code works in a
Jupyter notebook, in Voilà (which serves the notebook from a temporary folder removed when it
stops) and offline; the link is cleared when the view changes, so an export always matches
what is on screen. The CSV is :func:`explorer.to_csv` (suppressed cells stay empty) and the
PNG is :func:`explorer.to_png`.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import ipywidgets as W

from .. import i18n
from ..settings import DEFAULT_DATA, DEFAULT_THRESHOLD
from . import export, model
from .query import code_label, explore
from .protection import dimension_domains

ALL = "__all__"  # filter value: no filter on this dimension
NONE = "__none__"  # split value: no split
LANGUAGE_NAMES = (("Nederlands", "nl"), ("Français", "fr"))

# Interface strings of the explorer's controls that the book's catalogue does not have.
UI_TEXT = {
    "nl": {
        "title": "Subgroepen verkennen",
        "measure": "Indicator",
        "split1": "Opsplitsen naar",
        "split2": "en naar",
        "filters": "Filters (één waarde per kenmerk, of alle)",
        "none": "(geen)",
        "export_csv": "CSV",
        "export_png": "PNG",
        "export": "Exporteren",
        "download": "Downloaden: {filename}",
        "too_many": "Kies samen hoogstens {max} opsplitsingen en filters.",
        "no_test": "Geen toets: er is geen opsplitsing met minstens twee groepen.",
    },
    "fr": {
        "title": "Explorer les sous-groupes",
        "measure": "Indicateur",
        "split1": "Répartir par",
        "split2": "et par",
        "filters": "Filtres (une valeur par caractéristique, ou tous)",
        "none": "(aucun)",
        "export_csv": "CSV",
        "export_png": "PNG",
        "export": "Exporter",
        "download": "Télécharger : {filename}",
        "too_many": "Choisissez au plus {max} répartitions et filtres au total.",
        "no_test": "Pas de test : aucune répartition en au moins deux groupes.",
    },
}


class TooManyConstraints(ValueError):
    """More splits and filters together than :data:`explorer.MAX_CONSTRAINTS`."""


# --- pure functions: what the controls mean and say -----------------------------------------


def ui_text(key: str, lang: str, **fmt) -> str:
    """An explorer interface string (the book's catalogue first, then :data:`UI_TEXT`)."""
    if key in UI_TEXT[lang]:
        return UI_TEXT[lang][key].format(**fmt)
    return i18n.text(key, lang, **fmt)


def query_from_controls(measure: str, split1=NONE, split2=NONE, filters=None, lang: str = "nl",
                        threshold: int = DEFAULT_THRESHOLD) -> model.Query:
    """The query that the current control values mean.

    ``split1``/``split2``: a dimension or :data:`NONE` (the same dimension twice is one split);
    ``filters``: dimension -> value or :data:`ALL`; a filter on a split dimension is ignored
    (the UI disables it). Raises :class:`TooManyConstraints` beyond
    :data:`explorer.MAX_CONSTRAINTS` splits and filters together."""
    split = tuple(dict.fromkeys(s for s in (split1, split2) if s not in (NONE, None)))
    fixed = {col: value for col, value in (filters or {}).items()
             if value not in (ALL, None) and col not in split}
    if len(split) + len(fixed) > model.MAX_CONSTRAINTS:
        raise TooManyConstraints(ui_text("too_many", lang, max=model.MAX_CONSTRAINTS))
    return model.Query(measure, split, fixed, lang, threshold)


def control_labels(lang: str, dimensions=tuple(model.DIMENSION_CODES)) -> dict:
    """The description of every control in ``lang`` (``filter:<dimension>`` for the filters)."""
    labels = {key: ui_text(key, lang) for key in ("title", "measure", "split1", "split2", "filters", "export",
                                                   "export_csv", "export_png")}
    labels["language"] = i18n.text("language", lang)
    labels.update({f"filter:{col}": i18n.variable_label(col, lang) for col in dimensions})
    return labels


def measure_options(lang: str) -> list:
    """(label, measure) for the measure dropdown, in :data:`explorer.MEASURES` order."""
    return [(i18n.variable_label(col, lang), col) for col, _ in model.MEASURES]


def split_options(lang: str, dimensions=tuple(model.DIMENSION_CODES)) -> list:
    """(label, dimension) for a split dropdown, "none" first."""
    return [(ui_text("none", lang), NONE)] + [(i18n.variable_label(col, lang), col) for col in dimensions]


def filter_options(column: str, values, lang: str) -> list:
    """(label, value) for the filter dropdown of one dimension, "all" first."""
    return [(i18n.text("all", lang), ALL)] + [(code_label(column, v, lang), v) for v in values]


def dimension_values(mentees, threshold: int = DEFAULT_THRESHOLD) -> dict:
    """dimension -> its values, in the order (and with the extra values) the explorer uses."""
    return dimension_domains(mentees)


def _cell(value, lang: str, kind: str, hidden_text: str) -> str:
    if value != value or value is None:  # NaN: hidden
        return hidden_text
    return i18n.format_count(value, lang) if kind == "count" else i18n.format_number(value, lang, 1)


def table_html(result: model.Result) -> str:
    """The view's table (groups, category, n, base n, share, 95 % interval) as HTML."""
    lang, labels = result.query.lang, result.labels
    hidden = html.escape(labels["suppressed"])
    split = list(result.query.split)
    cols = labels["columns"]
    head = [labels["split"][c] for c in split] + [cols["category"], cols["n"], cols["base_n"],
                                                  cols["share"] + " (%)", cols["ci"] + " (%)"]
    rows = []
    for rec in result.table.to_dict("records"):
        ci = hidden if rec["suppressed"] else (
            f"{_cell(rec['ci_low'], lang, 'pct', hidden)} – {_cell(rec['ci_high'], lang, 'pct', hidden)}")
        names = [rec[f"{c}_label"] for c in split] + [rec["category_label"]]
        numbers = [_cell(rec["n"], lang, "count", hidden), _cell(rec["base_n"], lang, "count", hidden),
                   _cell(rec["share"], lang, "pct", hidden), ci]
        klass = ' class="duo-suppressed"' if rec["suppressed"] else ""
        rows.append(f"<tr{klass}>" + "".join(f'<td class="duo-label">{html.escape(str(c))}</td>' for c in names)
                    + "".join(f"<td>{c}</td>" for c in numbers) + "</tr>")
    label_th = '<th class="duo-label">'
    header = "".join((label_th if i <= len(split) else "<th>") + f"{html.escape(h)}</th>" for i, h in enumerate(head))
    return (f'<table class="duo-table"><caption>{html.escape(labels["title"])}<br>'
            f'<span class="duo-base">{html.escape(labels["base"])}</span></caption>'
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def test_line(result: model.Result) -> str:
    """The test of the difference between the split groups, as one line of text."""
    return result.labels["test"] or (ui_text("no_test", result.query.lang) if result.query.split else "")


def export_filename(query: model.Query, extension: str) -> str:
    """A file name that says which view it holds (``explorer_outcome_18m_by-gender_antenna-ghent_nl.csv``)."""
    parts = ["explorer", query.measure] + [f"by-{c}" for c in query.split]
    parts += [f"{c}-{v}" for c, v in query.filters.items()] + [query.lang]
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", "_".join(map(str, parts))) + "." + extension


def export_files(result: model.Result) -> dict:
    """``{"csv": (filename, bytes, mime), "png": (...)}`` for the current view."""
    q = result.query
    return {"csv": (export_filename(q, "csv"), export.to_csv(result).encode("utf-8"), "text/csv"),
            "png": (export_filename(q, "png"), export.to_png(result), "image/png")}


def download_link(filename: str, data: bytes, mime: str, lang: str) -> str:
    """An HTML link that downloads ``data`` as ``filename`` from a data: URI (no server file)."""
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (f'<a class="duo-download" download="{html.escape(filename)}" href="{uri}">'
            f"{html.escape(ui_text('download', lang, filename=filename))}</a>")


def data_uri_payload(link: str) -> bytes:
    """The file inside a link made by :func:`download_link` (for tests and checks)."""
    match = re.search(r'href="data:[^;]+;base64,([^"]+)"', link)
    if not match:
        raise ValueError("no data: link")
    return base64.b64decode(match.group(1))


# --- the application --------------------------------------------------------------------------

_STYLE = """<style>
.duo-explorer .duo-banner {background:#fff3cd;border:1px solid #e0c060;padding:6px 10px;margin:4px 0;}
.duo-explorer table.duo-table {border-collapse:collapse;font-size:13px;margin:6px 0;}
.duo-explorer table.duo-table caption {text-align:left;font-weight:bold;padding-bottom:4px;}
.duo-explorer table.duo-table .duo-base {font-weight:normal;}
.duo-explorer table.duo-table th, .duo-explorer table.duo-table td {border-bottom:1px solid #ddd;padding:2px 8px;
  text-align:right;}
.duo-explorer table.duo-table .duo-label {text-align:left;}
.duo-explorer tr.duo-suppressed td {color:#666;}
.duo-explorer .duo-note {color:#555;font-size:12px;}
.duo-explorer .duo-message {color:#a00;}
.duo-explorer a.duo-download {color:#0b5cad;text-decoration:underline;}
</style>"""


class ExplorerApp:
    """The widgets of the explorer on one data set; :attr:`widget` is what is displayed."""

    def __init__(self, mentees, synthetic: bool, lang: str = "nl", threshold: int = DEFAULT_THRESHOLD):
        if lang not in i18n.LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(i18n.LANGUAGES)}")
        self.mentees = mentees
        self.synthetic = synthetic
        self.threshold = threshold
        self.values = dimension_values(mentees, threshold)
        self.dimensions = tuple(self.values)
        self.result: model.Result | None = None
        self._busy = False
        wide = {"description_width": "initial"}

        self.language = W.ToggleButtons(options=LANGUAGE_NAMES, value=lang, style=wide)
        self.language.add_class("duo-lang")
        self.title = W.HTML()
        self.banner = W.HTML(layout=W.Layout(display="" if synthetic else "none"))
        self.banner.add_class("duo-banner")
        self.measure = W.Dropdown(options=measure_options(lang), value="outcome_18m", style=wide)
        self.measure.add_class("duo-measure")
        self.split1 = W.Dropdown(options=split_options(lang, self.dimensions), value=NONE, style=wide)
        self.split1.add_class("duo-split1")
        self.split2 = W.Dropdown(options=split_options(lang, self.dimensions), value=NONE, style=wide)
        self.split2.add_class("duo-split2")
        self.filters = {}
        for col in self.dimensions:
            dd = W.Dropdown(options=filter_options(col, self.values[col], lang), value=ALL, style=wide,
                            layout=W.Layout(width="auto"))
            dd.add_class(f"duo-filter-{col}")
            self.filters[col] = dd
        self.filters_heading = W.HTML()
        self.csv_button = W.Button(icon="download")
        self.csv_button.add_class("duo-export-csv")
        self.png_button = W.Button(icon="download")
        self.png_button.add_class("duo-export-png")
        self.export_heading = W.HTML()
        self.downloads = W.HTML()
        self.downloads.add_class("duo-downloads")
        self.message = W.HTML()
        self.message.add_class("duo-message")
        self.chart = W.Image(format="png", layout=W.Layout(max_width="760px"))
        self.chart.add_class("duo-chart")
        self.table = W.HTML()
        self.table.add_class("duo-table-area")
        self.test = W.HTML()
        self.test.add_class("duo-test")
        self.note = W.HTML()
        self.note.add_class("duo-note")

        filter_box = W.GridBox(list(self.filters.values()),
                               layout=W.Layout(grid_template_columns="repeat(2, minmax(300px, 1fr))"))
        controls = W.VBox([self.language, self.measure, W.HBox([self.split1, self.split2]),
                           self.filters_heading, filter_box,
                           W.HBox([self.export_heading, self.csv_button, self.png_button]), self.downloads])
        self.output = W.VBox([self.message, self.chart, self.table, self.test, self.note])
        self.output.add_class("duo-output")
        self.widget = W.VBox([W.HTML(_STYLE), self.title, self.banner, controls, self.output])
        self.widget.add_class("duo-explorer")
        self.widget.explorer = self  # for tests and notebooks: the app behind the widget

        self.language.observe(self._on_language, names="value")
        for w in (self.measure, self.split1, self.split2, *self.filters.values()):
            w.observe(self._on_control, names="value")
        self.csv_button.on_click(lambda _: self.export("csv"))
        self.png_button.on_click(lambda _: self.export("png"))
        self.relabel(lang)
        self.update()

    # what the controls mean ----------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.language.value

    def query(self) -> model.Query:
        return query_from_controls(self.measure.value, self.split1.value, self.split2.value,
                                   {col: dd.value for col, dd in self.filters.items()}, self.lang, self.threshold)

    # reactions --------------------------------------------------------------------------

    def _on_control(self, change) -> None:
        if not self._busy:
            self.update()

    def _on_language(self, change) -> None:
        self.relabel(change["new"])
        self.update()

    def relabel(self, lang: str) -> None:
        """Give every control its text in ``lang``, keeping the selected values."""
        labels = control_labels(lang, self.dimensions)
        self._busy = True
        try:
            self.title.value = f"<h2>{html.escape(labels['title'])}</h2>"
            self.banner.value = html.escape(i18n.text("synthetic_banner", lang))
            self.language.description = labels["language"]
            _set_options(self.measure, measure_options(lang))
            self.measure.description = labels["measure"]
            for key in ("split1", "split2"):
                dd = getattr(self, key)
                _set_options(dd, split_options(lang, self.dimensions))
                dd.description = labels[key]
            for col, dd in self.filters.items():
                _set_options(dd, filter_options(col, self.values[col], lang))
                dd.description = labels[f"filter:{col}"]
            self.filters_heading.value = f"<b>{html.escape(labels['filters'])}</b>"
            self.export_heading.value = html.escape(labels["export"]) + ":&nbsp;"
            self.csv_button.description = labels["export_csv"]
            self.png_button.description = labels["export_png"]
        finally:
            self._busy = False

    def update(self) -> None:
        """Recompute the view for the current control values and show it."""
        split = {self.split1.value, self.split2.value}
        self._busy = True
        try:
            for col, dd in self.filters.items():
                if col in split:
                    dd.value = ALL  # a split dimension is not filtered as well
                dd.disabled = col in split
        finally:
            self._busy = False
        self.downloads.value = ""  # an export always matches the view on screen
        try:
            query = self.query()
        except ValueError as exc:
            self.result = None
            self.message.value = html.escape(str(exc))
            return
        self.message.value = ""
        self.result = explore(self.mentees, query)
        self.chart.value = export.to_png(self.result)
        self.table.value = table_html(self.result)
        self.test.value = html.escape(test_line(self.result))
        note = self.result.labels["note"]
        self.note.value = html.escape(note) if note else ""

    def export(self, kind: str) -> str:
        """Show a download link for the current view as ``kind`` (csv or png); returns its HTML."""
        if self.result is None:
            return ""
        filename, data, mime = export_files(self.result)[kind]
        link = download_link(filename, data, mime, self.lang)
        self.downloads.value = link
        return link


def _set_options(dropdown: W.Dropdown, options: list) -> None:
    # ipywidgets resets the value to the first option when the options change
    value = dropdown.value
    dropdown.options = options
    if value in [v for _, v in options]:
        dropdown.value = value


def build_app(data_dir=None, lang: str = "nl", mapping=None) -> W.Widget:
    """The explorer on ``data_dir`` (default: the synthetic data) as one widget; ``mapping`` is the
    export's import mapping when it is not ``mapping.yml`` beside the export.

    The data are loaded and checked against the data contract first (a ContractError
    explains what is wrong). The :class:`ExplorerApp` is ``widget.explorer``."""
    from ..data.loading import load_dataset
    from ..data.views import mentees_view

    ds = load_dataset(Path(data_dir) if data_dir else DEFAULT_DATA, Path(mapping) if mapping else None)
    i18n.use_programme(ds.programme)  # the antennas' names are settings of the dataset
    return ExplorerApp(mentees_view(ds), ds.synthetic, lang).widget
