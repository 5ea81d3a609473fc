"""Benchmark: the editions matrix against its floor and against a naive loop.

    python3 benchmarks/bench_editions.py [--limit N]

(a) floor: the same number of notebook runs, of a notebook that only does the chapter
    imports, with papermill (a new kernel each), over the same number of processes;
(b) naive: a sequential loop of papermill calls (one per chapter and edition, a new kernel
    each, no HTML);
(c) duoreport editions: the parallel runner (one warm kernel per process, the data loaded
    once per kernel, HTML renderings included), from an empty output folder, then again
    with nothing changed (everything skipped).

All three run one after the other in the same invocation, on the same machine state.
Results are appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import nbformat
import papermill as pm

from duoreport.publish.editions import (PRELOAD, _to_ipynb, edition_matrix, execute_with_retry,
                                        run_editions)
from duoreport.report.inventory import CHAPTERS
from duoreport.settings import DEFAULT_DATA, NOTEBOOKS_DIR

HERE = Path(__file__).resolve().parent
IMPORTS = PRELOAD  # what a chapter notebook imports (the warm kernels load the same once)


def floor_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("year = 'all'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(IMPORTS)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def _run(args):
    src, out, params = args
    execute_with_retry(pm, Path(src), Path(out), params, Path(out).parent)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None, help="only the first N editions")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    specs, _, data_hash = edition_matrix(DEFAULT_DATA)
    specs = specs[: args.limit] if args.limit else specs
    n_runs = len(specs) * len(CHAPTERS)
    load = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    rows = []
    try:
        floor_src = work / "floor.ipynb"
        floor_notebook(floor_src)
        t = time.perf_counter()
        with ProcessPoolExecutor(args.jobs) as pool:
            list(pool.map(_run, [(str(floor_src), str(work / f"floor-{i}.ipynb"), {"year": "all"})
                                 for i in range(n_runs)]))
        rows.append(("floor: import-only notebook, parallel", time.perf_counter() - t))

        sources = {}
        for chapter in CHAPTERS:
            sources[chapter] = work / f"{chapter}.ipynb"
            _to_ipynb(NOTEBOOKS_DIR / f"{chapter}.md", sources[chapter])
        naive_out = work / "naive"
        naive_out.mkdir()
        t = time.perf_counter()
        for spec in specs:
            for chapter in CHAPTERS:
                _run((str(sources[chapter]), str(naive_out / f"{spec.slug.replace('/', '_')}-{chapter}.ipynb"),
                      spec.parameters(naive_out)))
        rows.append(("naive: sequential papermill loop (no HTML)", time.perf_counter() - t))

        out = work / "editions"
        t = time.perf_counter()
        results = run_editions(specs, out, data_hash, args.jobs, force=True, progress=False)
        rows.append(("duoreport editions, clean (with HTML)", time.perf_counter() - t))
        assert all(r.status == "ran" for r in results), [r.message for r in results if r.status != "ran"]
        t = time.perf_counter()
        results = run_editions(specs, out, data_hash, args.jobs, progress=False)
        rows.append(("duoreport editions, nothing changed", time.perf_counter() - t))
        assert all(r.status == "skipped" for r in results)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    floor = rows[0][1]
    naive = rows[1][1]
    lines = [f"\n## {date.today()} — {len(specs)} editions x {len(CHAPTERS)} chapters = {n_runs} notebook runs, "
             f"{args.jobs} processes, {os.cpu_count()} cores, Python {platform.python_version()}\n",
             "| run | seconds | per notebook run | x floor | naive / this |", "|---|---:|---:|---:|---:|"]
    for name, sec in rows:
        speedup = f"{naive / sec:.2f}" if sec > 0.05 else ""
        lines.append(f"| {name} | {sec:.1f} | {sec / n_runs:.2f} | {sec / floor:.2f} | {speedup} |")
    lines.append(f"\nLoad average of the machine (1 min) at the start and the end: {load[0]:.1f} and "
                 f"{os.getloadavg()[0]:.1f} (other work shares the 2 cores).")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":
    main()
