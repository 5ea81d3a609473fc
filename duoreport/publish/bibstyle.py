"""Dutch and French bibliography styles for the two books (pybtex + sphinxcontrib-bibtex).

The bibliography (``book/references.bib``) is shared by both languages. A field with a language
suffix gives the version of that field in one language, where the source has one:
``title_fr``, ``url_fr``, ``author_fr``, ``institution_fr`` … (and ``*_nl`` where the base field is
not Dutch). The styles below pick the fields of their language, drop the other language's
fields, and word the rest of the reference in that language:

===================  =======================  =========================
                     ``duo_nl``               ``duo_fr``
===================  =======================  =========================
two names            Rea en Wets              Rea et Wets
no date              z.d.                     s.d.
technical report     Rapport                  Rapport
months               januari … december       janvier … décembre
several citations    ``[A, 2017; B, z.d.]``   ``[A, 2017 ; B, s.d.]``
URL label            URL:                     URL :
===================  =======================  =========================

Titles keep the case written in the .bib file (no sentence-casing); braces still protect the
capitals of proper nouns for other styles.

Two plugins are registered per language:

- a pybtex **formatting style** (group ``pybtex.style.formatting``): ``duo_nl`` and ``duo_fr``,
  used for the bibliography list. It also localises the entries it sorts, so the
  sphinxcontrib-bibtex citations, which reuse those entries, show the same author names and the
  same "z.d."/"s.d.";
- a sphinxcontrib-bibtex **reference style** (group ``sphinxcontrib.bibtex.style.referencing``):
  ``duo_nl_author_year`` and ``duo_fr_author_year``, author-year citations with "en"/"et"
  between two names and "; " between citations.

How to use it in the book
-------------------------

1. As a Sphinx extension: add ``duoreport.publish.bibstyle`` to the extensions (Jupyter Book:
   ``sphinx: extra_extensions:`` in ``_config.yml``); its :func:`setup` registers the four plugins
   when Sphinx loads it, before sphinxcontrib-bibtex looks them up.
2. Select them per language (``book/<lang>/lang.yml``, ``sphinx: config:``)::

       bibtex_default_style: duo_nl            # duo_fr in the French book
       bibtex_reference_style: duo_nl_author_year   # duo_fr_author_year

   :func:`sphinx_config` returns exactly these two keys for a language.

Alternatively, register them as package entry points (``pyproject.toml``)::

    [project.entry-points."pybtex.style.formatting"]
    duo_nl = "duoreport.publish.bibstyle:DuoNlStyle"
    duo_fr = "duoreport.publish.bibstyle:DuoFrStyle"

    [project.entry-points."sphinxcontrib.bibtex.style.referencing"]
    duo_nl_author_year = "duoreport.publish.bibstyle:DuoNlAuthorYearReferenceStyle"
    duo_fr_author_year = "duoreport.publish.bibstyle:DuoFrAuthorYearReferenceStyle"

The staging step must keep the ``*_fr``/``*_nl`` fields in the staged ``references.bib`` (it
currently strips only ``note``, ``keywords`` and ``langid``).

This module imports only the standard library, pybtex and sphinxcontrib.bibtex.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pybtex.plugin
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Entry, Person
from pybtex.richtext import Tag, Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import field as bfield
from pybtex.style.template import href, names, sentence, words
from sphinxcontrib.bibtex.plugin import register_plugin as register_reference_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

NNBSP = "\u202f"

LANGUAGES = {
    "nl": {
        "and": " en ",
        "no_date": "z.d.",
        "report": "Rapport",
        "url": "URL:",
        "citation_sep": "; ",
        "months": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                   "september", "oktober", "november", "december"],
    },
    "fr": {
        "and": " et ",
        "no_date": "s.d.",
        "report": "Rapport",
        "url": "URL" + NNBSP + ":",
        "citation_sep": NNBSP + "; ",
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                   "septembre", "octobre", "novembre", "décembre"],
    },
}
ENGLISH_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
                  "september", "october", "november", "december"]
PERSON_FIELDS = ("author", "editor")


def _split_suffix(name: str):
    """('title', 'fr') for 'title_fr'; (name, None) for a field without a language suffix."""
    base, sep, suffix = name.rpartition("_")
    if sep and base and suffix.lower() in LANGUAGES:
        return base, suffix.lower()
    return name, None


def _month(value: str, lang: str) -> str:
    v = value.strip().lower()
    for i, m in enumerate(ENGLISH_MONTHS):
        if v == m or (len(v) >= 3 and m.startswith(v)):
            return LANGUAGES[lang]["months"][i]
    if v.isdigit() and 1 <= int(v) <= 12:
        return LANGUAGES[lang]["months"][int(v) - 1]
    return value


def localise_entry(entry: Entry, lang: str) -> Entry:
    """A copy of `entry` in language `lang`.

    ``<field>_<lang>`` replaces ``<field>`` (``author_<lang>``/``editor_<lang>`` replace the
    persons), fields of the other languages are dropped, the month is written in the language, a
    missing year becomes "z.d."/"s.d.", and a technical report without ``type`` gets "Rapport".
    Localising an entry twice gives the same entry.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    conf = LANGUAGES[lang]
    fields = {}
    overrides = {}
    for name, value in entry.fields.items():
        base, suffix = _split_suffix(name)
        if suffix is None:
            fields[name] = value
        elif suffix == lang:
            overrides[base] = value
    persons = {role: list(people) for role, people in entry.persons.items()}
    for base, value in overrides.items():
        if base.lower() in PERSON_FIELDS:
            persons[base.lower()] = [Person(name) for name in split_name_list(value)]
        else:
            fields[base] = value
    if "month" in fields:
        fields["month"] = _month(fields["month"], lang)
    if "year" not in fields:
        fields["year"] = conf["no_date"]
    if entry.type.lower() == "techreport" and "type" not in fields:
        fields["type"] = conf["report"]
    new = Entry(entry.type, fields=fields, persons=persons)
    new.key = entry.key
    return new


class _DuoStyle(UnsrtStyle):
    """pybtex formatting style in one language (see the module docstring)."""

    lang = "nl"
    default_sorting_style = "author_year_title"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # BaseStyle binds `sort` to the sorting style on the instance; wrap it so that sorting
        # localises. The domain of sphinxcontrib-bibtex keeps the sorted entries for its citations,
        # so citations show the localised names and "z.d."/"s.d." too.
        sort_entries = self.sort

        def sort(entries):
            return sort_entries([localise_entry(e, self.lang) for e in entries])

        self.sort = sort

    def format_entry(self, label, entry, bib_data=None):
        return super().format_entry(label, localise_entry(entry, self.lang), bib_data=bib_data)

    def format_names(self, role, as_sentence=True):
        conf = LANGUAGES[self.lang]
        formatted = names(role, sep=", ", sep2=conf["and"], last_sep=conf["and"])
        return sentence[formatted] if as_sentence else formatted

    def format_title(self, e, which_field, as_sentence=True):
        title = bfield(which_field)  # the case of the .bib file, not sentence case
        return sentence[title] if as_sentence else title

    def format_url(self, e):
        url = bfield("url", raw=True)
        return words[LANGUAGES[self.lang]["url"], href(url)[url]]


class DuoNlStyle(_DuoStyle):
    """Dutch bibliography: "en", "z.d.", "rapport", Dutch months, Dutch fields."""

    lang = "nl"


class DuoFrStyle(_DuoStyle):
    """French bibliography: "et", "s.d.", "rapport", French months, French fields."""

    lang = "fr"


def _person(lang: str) -> PersonStyle:
    conf = LANGUAGES[lang]
    return PersonStyle(sep=", ", sep2=conf["and"], last_sep=conf["and"],
                       other=Text(" ", Tag("em", "et al.")))


def _brackets(lang: str) -> BracketStyle:
    return BracketStyle(sep=LANGUAGES[lang]["citation_sep"])


@dataclass
class DuoNlAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """Author-year citations in Dutch: [Rea en Wets, 2014; Convivial, z.d.]."""

    bracket_textual: BracketStyle = field(default_factory=lambda: _brackets("nl"))
    bracket_parenthetical: BracketStyle = field(default_factory=lambda: _brackets("nl"))
    bracket_author: BracketStyle = field(default_factory=lambda: _brackets("nl"))
    bracket_label: BracketStyle = field(default_factory=lambda: _brackets("nl"))
    bracket_year: BracketStyle = field(default_factory=lambda: _brackets("nl"))
    person: PersonStyle = field(default_factory=lambda: _person("nl"))


@dataclass
class DuoFrAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """Author-year citations in French: [Rea et Wets, 2014 ; Convivial, s.d.]."""

    bracket_textual: BracketStyle = field(default_factory=lambda: _brackets("fr"))
    bracket_parenthetical: BracketStyle = field(default_factory=lambda: _brackets("fr"))
    bracket_author: BracketStyle = field(default_factory=lambda: _brackets("fr"))
    bracket_label: BracketStyle = field(default_factory=lambda: _brackets("fr"))
    bracket_year: BracketStyle = field(default_factory=lambda: _brackets("fr"))
    person: PersonStyle = field(default_factory=lambda: _person("fr"))


FORMATTING_STYLES = {"duo_nl": DuoNlStyle, "duo_fr": DuoFrStyle}
REFERENCE_STYLES = {"duo_nl_author_year": DuoNlAuthorYearReferenceStyle,
                    "duo_fr_author_year": DuoFrAuthorYearReferenceStyle}


def register() -> None:
    """Register the formatting and reference styles (idempotent)."""
    for name, cls in FORMATTING_STYLES.items():
        pybtex.plugin.register_plugin("pybtex.style.formatting", name, cls, force=True)
    for name, cls in REFERENCE_STYLES.items():
        register_reference_plugin("sphinxcontrib.bibtex.style.referencing", name, cls, force=True)


def sphinx_config(lang: str) -> dict:
    """The Sphinx configuration keys that select the styles of `lang` ('nl' or 'fr')."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    return {"bibtex_default_style": f"duo_{lang}", "bibtex_reference_style": f"duo_{lang}_author_year"}


def setup(app):
    """Sphinx extension entry: register the styles before sphinxcontrib-bibtex looks them up."""
    register()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
