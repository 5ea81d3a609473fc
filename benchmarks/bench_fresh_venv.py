"""Benchmark: the plain Python route in a fresh virtual environment, and what the jsonschema pin saves.

    python3 benchmarks/bench_fresh_venv.py [--repeat N]

(a) `pip install -r requirements.txt -e .` into a new virtual environment (packages from pip's
    cache or the local index when they are there, as in the test tests/integration/test_fresh_venv.py);
(b) the start-up cost that every papermill process and every Jupyter Book run pays: `import papermill`
    and `import nbformat`, median of N fresh interpreters, with the pinned jsonschema (4.24.1);
(c) the same after `pip install "jsonschema[format-nongpl]==4.26.0"`, which is what JupyterLab's
    dependencies (jupyter-events) pull in without the pin: it brings rfc3987-syntax, whose import
    compiles a grammar.
Results are appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = "Scripts" if os.name == "nt" else "bin"


def seconds(cmd, env) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def startup(python: Path, module: str, env, repeat: int) -> float:
    return statistics.median(seconds([str(python), "-c", f"import {module}"], env) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-venv-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    try:
        venv = work / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = venv / BIN / "python"
        install = seconds([str(python), "-m", "pip", "install", "--quiet", "--no-compile",
                           "--disable-pip-version-check", "-r", str(REPO / "requirements.txt"), "-e", str(REPO)], env)
        for module in ("papermill", "nbformat"):  # once, so that the bytecode is written before timing
            seconds([str(python), "-c", f"import {module}"], env)
        pinned = {m: startup(python, m, env, args.repeat) for m in ("papermill", "nbformat")}
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "jsonschema[format-nongpl]==4.26.0"], env=env, check=True)
        for module in ("papermill", "nbformat", "rfc3987_syntax"):
            seconds([str(python), "-c", f"import {module}"], env)
        unpinned = {m: startup(python, m, env, args.repeat) for m in ("papermill", "nbformat")}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    text = (f"\n## {date.today()} — a fresh virtual environment (plain route), {os.cpu_count()} cores, "
            f"load {load:.1f}\n\n"
            "| step | seconds |\n|---|---:|\n"
            f"| `pip install -r requirements.txt -e .` (--no-compile, pip cache warm) | {install:.1f} |\n"
            + "".join(f"| start-up: `import {m}`, jsonschema 4.24.1 (pinned), median of {args.repeat} | {pinned[m]:.2f} |\n"
                      for m in pinned)
            + "".join(f"| start-up: `import {m}`, jsonschema 4.26.0 + rfc3987-syntax (unpinned), median of "
                      f"{args.repeat} | {unpinned[m]:.2f} |\n" for m in unpinned))
    print(text)
    with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":
    main()
