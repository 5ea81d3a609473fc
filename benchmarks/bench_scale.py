"""Benchmark: the pipeline on K x the synthetic default (1 x, 10 x, 100 x, 750 x = about 1 M mentees).

    python3 benchmarks/bench_scale.py [--k 1 10 100 750] [--work DIR] [--no-cube] [--no-write]

Each export is the synthetic default replicated K times: every table's rows K times, each
copy's IDs suffixed (``M00001`` -> ``M00001x2``; the first copy keeps its IDs), the aggregate
control group of the SIB (``sib_control``) with its counts multiplied by K. The exports are
written once under ``--work`` (default ``/tmp/duoreport-scale``) and reused while the default
is unchanged.

For each K, in a fresh process (so that the peak memory is that K's own):

- load + validate: :func:`duoreport.data.loading.load_dataset` (reading, every contract check,
  the data hash);
- views: :func:`duoreport.data.views.build_views`;
- charts: the 20 charts of the profile chapter computed and protected
  (:meth:`Edition.chapter_data`), then rendered as a notebook shows them (figure, PNG,
  formatted table, caption);
- key numbers: the profile chapter's key numbers (:meth:`Edition.key_numbers`);
- cube: the Explore page's data for one language (:func:`duoreport.explorer.cube.build_cube`);
- peak memory: the process's maximum resident set size (``ru_maxrss``).

Results are appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_WORK = Path("/tmp/duoreport-scale")
GOAL_SECONDS = 10.0
GOAL_MIB = 2048
CHAPTER = "profile"


def write_replicated(source: Path, target: Path, k: int) -> Path:
    """The export at ``source`` replicated ``k`` times into ``target`` (see the module docstring)."""
    import numpy as np
    import pandas as pd

    from duoreport.data import contract as C
    from duoreport.data.loading import data_hash, seal_synthetic
    from duoreport.data.programme import SETTINGS_FILE

    stamp = {"source_hash": data_hash(source), "k": k, "format": 1}
    marker = target / "replicated.json"
    if marker.exists() and json.loads(marker.read_text()) == stamp:
        return target
    target.mkdir(parents=True, exist_ok=True)
    suffixes = np.array([""] + [f"x{i}" for i in range(2, k + 1)], dtype=object)
    for table in C.TABLES:
        path = source / f"{table.name}.csv"
        if not path.exists():
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        if table.name == "sib_control":
            for col in ("n", "employed_within_1y"):
                df[col] = (df[col].astype(int) * k).astype(str)
            out = df
        else:
            n = len(df)
            out = pd.DataFrame({c: np.tile(df[c].to_numpy(dtype=object), k) for c in df.columns})
            copy_suffix = np.repeat(suffixes, n)
            for f in table.fields:
                if f.pattern == C.ID_PATTERN:
                    out[f.name] = out[f.name].to_numpy(dtype=object) + copy_suffix
        out.to_csv(target / f"{table.name}.csv", index=False, lineterminator="\n")
    # the replicated tables are still synthetic: the settings of the source, sealed anew for them
    (target / SETTINGS_FILE).write_bytes((source / SETTINGS_FILE).read_bytes())
    seal_synthetic(target, "benchmarks.bench_scale")
    marker.write_text(json.dumps(stamp))
    return target


class Steps:
    """Wall-clock and CPU seconds (all threads of the process) of successive steps."""

    def __init__(self):
        self.row = {}

    def __call__(self, name: str, work):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        self.row[name] = time.perf_counter() - wall
        self.row[name + "_cpu"] = time.process_time() - cpu
        self.row[name + "_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return result


def measure(directory: Path, cube: bool) -> dict:
    """Time each step on one export, in this process."""
    import matplotlib.pyplot as plt

    from duoreport.data.loading import load_dataset
    from duoreport.data.views import build_views
    from duoreport.explorer.cube import build_cube
    from duoreport.report.edition import Edition
    from duoreport.report.inventory import chapter_charts
    from duoreport.report.plots import png_bytes
    from duoreport.report.render import render_chart

    step = Steps()
    ds = step("load_validate", lambda: load_dataset(directory))
    views = step("views", lambda: build_views(ds))

    ed = Edition.__new__(Edition)  # an edition on the data loaded above, without loading again
    ed.data_dir, ed.year, ed.antenna, ed.lang, ed.threshold = directory, "all", "all", "nl", 10
    ed.dataset, ed.views, ed._decided, ed._recomputer = ds, views, {}, None

    def render():
        for chart in chapter_charts(CHAPTER):
            r = render_chart(ed, chart.id)
            if r.figure is not None:
                png_bytes(r.figure)
                plt.close(r.figure)

    step("charts_compute", lambda: ed.chapter_data(CHAPTER))
    step("charts_render", render)
    step("key_numbers", lambda: ed.key_numbers(CHAPTER))
    row = step.row
    parts = ("load_validate", "views", "charts_compute", "charts_render", "key_numbers")
    row["chapter_total"] = sum(row[p] for p in parts)
    row["chapter_total_cpu"] = sum(row[p + "_cpu"] for p in parts)
    row["peak_mib_chapter"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row["mentees"] = len(ds["mentees"])
    row["rows"] = sum(len(df) for df in ds.tables.values() if df is not None)
    if cube:
        step("cube", lambda: build_cube(views, "nl", synthetic=ds.synthetic))
    row["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--k", type=int, nargs="+", default=[1, 10, 100, 750])
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--no-cube", action="store_true", help="leave the Explore cube out")
    parser.add_argument("--no-write", action="store_true", help="print the table, do not append it to RESULTS.md")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # child process: measure one export
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, not args.no_cube)))
        return

    from duoreport.settings import DEFAULT_DATA

    rows = []
    load = os.getloadavg()
    for k in args.k:
        directory = write_replicated(DEFAULT_DATA, args.work / f"k{k}", k)
        cmd = [sys.executable, __file__, "--one", str(directory)] + (["--no-cube"] if args.no_cube else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ)
        if proc.returncode != 0:
            raise SystemExit(f"K = {k} failed:\n{proc.stderr[-3000:]}")
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        row["k"] = k
        rows.append(row)
        print(json.dumps(row), flush=True)

    text = table(rows, cube=not args.no_cube, load=load)
    print(text)
    if not args.no_write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write(text)


def table(rows: list, cube: bool, load: tuple) -> str:
    def sec(r, name):
        return f"{r[name]:.2f} ({r[name + '_cpu']:.2f})"

    lines = [f"\n## {date.today()} — scale: the synthetic default x K, profile chapter, one process, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}\n",
             "Seconds wall-clock, in brackets CPU seconds of the process (all its threads); the machine is "
             f"shared (load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end), so "
             "the CPU seconds are the steadier measure.\n",
             "| K | mentees | rows (all tables) | load + validate | views | 20 charts: compute | render "
             "| key numbers | chapter total | peak memory |" + (" Explore cube (nl) | peak with cube |" if cube else ""),
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if cube else "")]
    for r in rows:
        line = (f"| {r['k']} | {r['mentees']:,} | {r['rows']:,} | {sec(r, 'load_validate')} | {sec(r, 'views')} "
                f"| {sec(r, 'charts_compute')} | {sec(r, 'charts_render')} | {sec(r, 'key_numbers')} "
                f"| **{sec(r, 'chapter_total')}** | {r['peak_mib_chapter']:,.0f} MiB |")
        if cube:
            line += f" {sec(r, 'cube')} | {r['peak_mib']:,.0f} MiB |"
        lines.append(line)
    by_k = {r["k"]: r for r in rows}
    goals = []
    big = max(by_k)
    if by_k[big]["mentees"] >= 900_000:
        r = by_k[big]
        goals.append(f"- {r['mentees']:,} mentees, load + validate + one chapter: {r['chapter_total']:.1f} s wall "
                     f"({r['chapter_total_cpu']:.1f} s CPU) against the goal of {GOAL_SECONDS:.0f} s; peak memory "
                     f"{r['peak_mib_chapter']:,.0f} MiB against {GOAL_MIB:,} MiB.")
    if 1 in by_k and 100 in by_k:
        for unit, key in (("wall", "chapter_total"), ("CPU", "chapter_total_cpu")):
            ratio = by_k[100][key] / by_k[1][key]
            goals.append(f"- 100 x the default against the default ({unit}): {ratio:.2f} x (goal: at most 5 x).")
    return "\n".join(lines + ([""] + goals if goals else [])) + "\n"


if __name__ == "__main__":
    main()
