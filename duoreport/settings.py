"""Where things are and the few settings every room shares: defined once, here.

The package is laid out along the data flow, and imports go one way, down this list
(a test checks it):

``settings`` → ``data`` → ``stats`` → ``i18n`` → ``synth`` → ``audit`` → ``report`` →
``explorer`` → ``publish`` → ``cli``
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def python_path(existing: str | None) -> str:
    """``PYTHONPATH`` for a process this package starts (a notebook kernel, the JupyterLab server):
    this checkout first, so that it runs this code whatever an editable install elsewhere points at."""
    import os

    parts = [p for p in (existing or "").split(os.pathsep) if p]
    return os.pathsep.join([str(REPO_ROOT)] + [p for p in parts if p != str(REPO_ROOT)])

DATA_DIR = REPO_ROOT / "data"
SYNTHETIC_DIR = DATA_DIR / "synthetic"   # the embedded default export
DEFAULT_DATA = SYNTHETIC_DIR
PUBLISHED_DIR = DATA_DIR / "published"  # the report's figures and the decisions on its inconsistencies
CONTEXT_DIR = DATA_DIR / "context"      # external aggregates cited by the report
REFERENCE_DIR = DATA_DIR / "reference"  # code lists too long for the contract (countries)
CONTRACT_DIR = DATA_DIR / "contract"    # the generated Frictionless descriptor

BOOK_DIR = REPO_ROOT / "book"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
BUILD_DIR = REPO_ROOT / "build"

LANGUAGES = ("nl", "fr")

# Disclosure control: no published cell describes fewer people than this.
DEFAULT_THRESHOLD = 10

# Debian's chromium (the browser that prints the PDFs and runs the browser tests).
CHROMIUM = "/usr/lib/chromium/chromium"

# Layers of the package, in the only direction imports may go (see tests/unit/test_layers.py).
LAYERS = ("settings", "data", "stats", "i18n", "synth", "audit", "report", "explorer", "publish", "cli")
