"""Benchmark: `duoreport build` (both books, web and PDF) clean, then with nothing changed.

    python3 benchmarks/bench_book.py

Results are appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from duoreport.publish.book import build_book
from duoreport.settings import DEFAULT_DATA

HERE = Path(__file__).resolve().parent


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-book-"))
    try:
        t = time.perf_counter()
        build_book(DEFAULT_DATA, work, pdf=True, log=lambda *a: None)
        clean = time.perf_counter() - t
        t = time.perf_counter()
        build_book(DEFAULT_DATA, work, pdf=True, log=lambda *a: None)
        cached = time.perf_counter() - t
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = (f"\n## {date.today()} — `duoreport build` book stage (nl + fr, web + PDF), {os.cpu_count()} cores\n\n"
            "| run | seconds |\n|---|---:|\n"
            f"| clean (notebooks executed, books and PDFs built) | {clean:.1f} |\n"
            f"| again, nothing changed (notebooks skipped; Sphinx skipped when the staged sources are unchanged) | {cached:.1f} |\n"
            f"| ratio cached / clean | {cached / clean:.2f} |\n")
    print(text)
    with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":
    main()
