"""settings.python_path: the processes the package starts (kernels, JupyterLab) import this checkout."""

import os

from duoreport.settings import REPO_ROOT, python_path

ROOT = str(REPO_ROOT)


def test_this_checkout_comes_first_and_others_are_kept_in_order():
    assert python_path(None) == ROOT
    assert python_path("") == ROOT
    assert python_path(os.pathsep.join(["/a", "/b"])) == os.pathsep.join([ROOT, "/a", "/b"])


def test_the_checkout_is_not_repeated_and_empty_entries_go():
    existing = os.pathsep.join(["/a", ROOT, "", "/b"])
    assert python_path(existing) == os.pathsep.join([ROOT, "/a", "/b"])
    assert python_path(python_path(existing)) == python_path(existing)
