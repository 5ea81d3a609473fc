"""A warm kernel runs notebook after notebook as a new kernel would run each of them.

The editions runner keeps one kernel per worker process (:class:`WarmKernel`). These tests
run small notebooks in one warm kernel and check what a new kernel would guarantee: no
variable, figure or working directory left by the notebook before, execution counts from 1,
and the same outputs as papermill in a new kernel.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest

from duoreport.publish.editions import WarmKernel, _register_warm_engine, chapter_source, execute_with_retry


def notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 0", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def outputs(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [[o.get("text", o.get("data", {}).get("text/plain")) for o in c.outputs]
            for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def kernel():
    _register_warm_engine()
    k = WarmKernel()
    yield k
    k.shutdown()


def test_nothing_is_left_from_the_notebook_before(kernel, tmp_path):
    first = notebook(tmp_path / "first.ipynb",
                     "left_behind = 42\nimport matplotlib.pyplot as plt\nfig = plt.figure()\nprint(x)")
    second = notebook(tmp_path / "second.ipynb",
                      "import os, matplotlib.pyplot as plt\n"
                      "print('left_behind' in globals(), len(plt.get_fignums()), os.getcwd(), x)")
    one, two = tmp_path / "a", tmp_path / "b"
    one.mkdir(), two.mkdir()
    kernel.execute(pm, first, tmp_path / "first.out.ipynb", {"x": 7}, one)
    kernel.execute(pm, second, tmp_path / "second.out.ipynb", {"x": 8}, two)
    assert outputs(tmp_path / "first.out.ipynb")[-1] == ["7\n"]
    assert outputs(tmp_path / "second.out.ipynb")[-1] == [f"False 0 {two} 8\n"]
    counts = [c.execution_count for c in nbformat.read(tmp_path / "second.out.ipynb", 4).cells]
    assert counts == [1, 2, 3]  # parameters, injected parameters, the cell: as in a new kernel
    assert kernel.runs == 2


def test_a_chapter_in_a_warm_kernel_equals_a_new_kernel(kernel, tmp_path):
    params = {"year": "2015", "antenna": "liege", "lang": "fr"}
    warm, new = tmp_path / "warm", tmp_path / "new"
    warm.mkdir(), new.mkdir()
    source = chapter_source("profile")
    kernel.execute(pm, source, warm / "profile.ipynb", {**params, "output_dir": str(warm)}, warm)
    execute_with_retry(pm, source, new / "profile.ipynb", {**params, "output_dir": str(new)}, new)
    a, b = outputs(warm / "profile.ipynb"), outputs(new / "profile.ipynb")
    assert len(a) > 20 and any(a)
    assert a == b
    for name in sorted(p.name for p in (new / "data").iterdir()):
        assert (warm / "data" / name).read_bytes() == (new / "data" / name).read_bytes(), name
    assert (warm / "profile_numbers.json").read_text() == (new / "profile_numbers.json").read_text()
