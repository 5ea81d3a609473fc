"""Every test under tests/integration/ is slow: it builds books, runs papermill editions, drives
chromium or Voilà. `python3 -m pytest -m "not slow"` runs the fast unit tests only."""

from pathlib import Path

import pytest

INTEGRATION = Path(__file__).parent / "integration"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if INTEGRATION in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def next_year_made(tmp_path_factory):
    """The next-year export of tests/next_year.py, written once per session (copy it to change it)."""
    from next_year import next_year_export

    return next_year_export(tmp_path_factory.mktemp("nextyear") / "export")
