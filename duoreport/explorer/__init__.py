"""The subgroup explorer: protected answers to a reader's own question, in Jupyter, Voilà and the web book.

Rooms, in the direction of the data: :mod:`.model` (what may be asked), :mod:`.protection`
(the protected counts), :mod:`.query` (one view), :mod:`.export` (CSV, PNG), :mod:`.cube`
(pre-computed views for the web book), :mod:`.widgets` (the ipywidgets application),
:mod:`.serve` (Voilà on 127.0.0.1).
"""

from .export import figure, to_csv, to_png
from .model import (DIMENSION_CODES, DIMENSIONS, INTAKE_YEARS, MAX_CONSTRAINTS, MAX_SPLIT, MEASURE_CODES, MEASURES,
                    VIEW, YES_NO, Query, Result, normalise_value)
from .protection import coded, dimension_domains
from .query import code_label, explore, mentees_frame, population

__all__ = ["DIMENSION_CODES", "DIMENSIONS", "INTAKE_YEARS", "MAX_CONSTRAINTS", "MAX_SPLIT", "MEASURE_CODES",
           "MEASURES", "VIEW", "YES_NO", "Query", "Result", "code_label", "coded", "dimension_domains", "explore", "figure",
           "mentees_frame", "normalise_value", "population", "to_csv", "to_png"]
