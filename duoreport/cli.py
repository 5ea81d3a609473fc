"""Command line: ``duoreport validate | synth | audit | contract | run | editions | build | explore | lab``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from .data import contract as C
from .data.loading import ContractError, load_dataset
from .settings import BOOK_DIR, BUILD_DIR, CONTRACT_DIR, DEFAULT_DATA, DEFAULT_THRESHOLD, LANGUAGES, REPO_ROOT

CONTRACT_JSON = CONTRACT_DIR / "datapackage.json"
CONTRACT_MD = BOOK_DIR / "contract_tables.md"
SYNTHETIC_BANNER = "SYNTHETIC DATA: fictitious microdata calibrated to the published report; no row is a real person."


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _load(directory) -> object:
    ds = load_dataset(directory)
    if ds.synthetic:
        print(SYNTHETIC_BANNER, file=sys.stderr)
    return ds


def cmd_validate(args) -> int:
    ds = _load(args.data_dir)
    print(f"{args.data_dir}: the export meets the data contract ({'synthetic' if ds.synthetic else 'real export'}).")
    for t in C.TABLES:
        df = ds.tables.get(t.name)
        print(f"  {t.name:<24} {'absent (optional)' if df is None else f'{len(df):>6} rows'}")
    print(f"  data hash {ds.data_hash[:16]}")
    return 0


def cmd_synth(args) -> int:
    from .synth import synthesize

    out = synthesize(Path(args.out), seed=args.seed)
    ds = load_dataset(out)  # the generator's output must meet the contract like any export
    print(f"Synthetic microdata written to {out} (seed {args.seed}, data hash {ds.data_hash[:16]}).")
    print(SYNTHETIC_BANNER)
    return 0


def write_audit(ds, out: Path) -> dict:
    from .audit import run_audit, summary

    table = run_audit(ds)
    info = summary(table)
    atomic_write(out, table.to_csv(index=False, lineterminator="\n"))
    atomic_write(out.with_suffix(".json"), json.dumps(
        {**info, "synthetic": ds.synthetic, "data_hash": ds.data_hash, "data_dir": str(ds.source_dir)},
        indent=2) + "\n")
    return info


def cmd_audit(args) -> int:
    ds = _load(args.data_dir)
    out = Path(args.out)
    info = write_audit(ds, out)
    print(f"Reproduction audit written to {out}: {info['figures']} published figures, "
          f"{info['audited']} audited, {info['within_tolerance']} within tolerance, "
          f"{info['outside_tolerance']} outside, {info['known_inconsistent']} known inconsistent in the report.")
    if args.strict and info["outside_tolerance"]:
        return 1
    return 0


def cmd_contract(args) -> int:
    atomic_write(CONTRACT_JSON, json.dumps(C.datapackage(), indent=2, ensure_ascii=False) + "\n")
    atomic_write(CONTRACT_MD, C.contract_markdown())
    print(f"Wrote {CONTRACT_JSON.relative_to(REPO_ROOT)} and {CONTRACT_MD.relative_to(REPO_ROOT)}.")
    return 0


def cmd_build(args) -> int:
    """The main job: validate, audit, run the chapter notebooks, build both books (web + PDF)."""
    import time

    from .publish.book import build_book

    t0 = time.perf_counter()
    ds = _load(args.data_dir)
    out = Path(args.build_dir)
    info = write_audit(ds, out / "audit.csv")
    print(f"Data: {ds.source_dir} ({'synthetic' if ds.synthetic else 'real export'}), hash {ds.data_hash[:16]}.")
    print(f"Audit: {info['within_tolerance']}/{info['audited']} audited figures within tolerance "
          f"({info['known_inconsistent']} figures the report itself contradicts) -> {out / 'audit.csv'}")
    if args.no_book:
        return 0
    from .publish.book import site_dir

    build_book(Path(args.data_dir), out, pdf=not args.no_pdf, year=args.year, antenna=args.antenna)
    site = site_dir(out, args.year, args.antenna)
    print(f"Done in {time.perf_counter() - t0:.0f} s. The books are in {site}.")
    print(f"Read it offline: python3 -m http.server --bind 127.0.0.1 --directory {site} 8000 "
          "and open http://127.0.0.1:8000/ (the Explore page needs a web server; the rest also opens from disk).")
    return 0


def cmd_run(args) -> int:
    from .publish.editions import RunSpec, run_edition

    spec = RunSpec(str(args.year), args.antenna, args.lang, str(args.data), args.threshold)
    result = run_edition(spec, args.out, force=args.force)
    where = Path(args.out) / spec.slug
    if result.status == "failed":
        print(f"{spec.slug}: FAILED after {result.seconds:.1f} s: {result.message}", file=sys.stderr)
        return 1
    print(f"{spec.slug}: {result.status} in {result.seconds:.1f} s -> {where}")
    return 0


def cmd_editions(args) -> int:
    from .publish.editions import edition_matrix, run_editions

    specs, empty, data_hash = edition_matrix(args.data, args.years, args.antennas, args.langs, args.threshold)
    print(f"{len(specs)} editions to check ({len(empty)} combinations without mentees left out), "
          f"{args.jobs or os.cpu_count()} parallel processes.")
    results = run_editions(specs, args.out, data_hash, args.jobs, args.force, progress=not args.quiet)
    counts = {s: sum(r.status == s for r in results) for s in ("ran", "skipped", "failed")}
    print(f"ran {counts['ran']}, skipped (up to date) {counts['skipped']}, failed {counts['failed']}.")
    for r in results:
        if r.status == "failed":
            print(f"  FAILED {r.spec.slug}: {r.message}", file=sys.stderr)
    return 1 if counts["failed"] else 0


def cmd_explore(args) -> int:
    from .explorer.serve import serve

    return serve(args.data, args.port, args.lang, check_data=_load)


def cmd_lab(args) -> int:
    from .publish.lab import serve_lab

    return serve_lab(args.port, open_browser=not args.no_browser)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="duoreport", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check an export directory against the data contract")
    p.add_argument("data_dir", type=Path)
    p.set_defaults(func=cmd_validate)

    from .synth import SEED
    p = sub.add_parser("synth", help="(re)generate the synthetic default microdata")
    p.add_argument("--out", type=Path, default=DEFAULT_DATA)
    p.add_argument("--seed", type=int, default=SEED)
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("audit", help="recompute every published figure and compare")
    p.add_argument("data_dir", type=Path, nargs="?", default=DEFAULT_DATA)
    p.add_argument("--out", type=Path, default=BUILD_DIR / "audit.csv")
    p.add_argument("--strict", action="store_true", help="exit 1 if an audited figure is outside tolerance")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("contract", help="regenerate datapackage.json and the contract page")
    p.set_defaults(func=cmd_contract)

    from .report.edition import ALL

    p = sub.add_parser("run", help="execute the chapter notebooks for one edition")
    p.add_argument("--year", default=ALL, help="intake year or 'all'")
    p.add_argument("--antenna", default=ALL, choices=[ALL, *C.ANTENNAS])
    p.add_argument("--lang", default="nl", choices=list(LANGUAGES))
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--out", type=Path, default=BUILD_DIR / "editions")
    p.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD, help="smallest cell shown")
    p.add_argument("--force", action="store_true", help="run even if up to date")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("editions", help="run every year x antenna x language edition in parallel")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--out", type=Path, default=BUILD_DIR / "editions")
    p.add_argument("--years", nargs="*", default=None, help="default: all and every intake year in the data")
    p.add_argument("--antennas", nargs="*", default=None, help="default: all and every antenna")
    p.add_argument("--langs", nargs="*", default=list(LANGUAGES))
    p.add_argument("--jobs", type=int, default=None, help="parallel processes (default: the number of cores)")
    p.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD)
    p.add_argument("--force", action="store_true")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_editions)

    p = sub.add_parser("build", help="the main job on a data directory (default: the synthetic data)")
    p.add_argument("data_dir", type=Path, nargs="?", default=DEFAULT_DATA)
    p.add_argument("--build-dir", type=Path, default=BUILD_DIR)
    p.add_argument("--no-pdf", action="store_true", help="web books only")
    p.add_argument("--no-book", action="store_true", help="validate and audit only")
    p.add_argument("--year", default=ALL, help="one intake year's book (default: all)")
    p.add_argument("--antenna", default=ALL, help="one antenna's book (default: all)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("explore", help="serve the subgroup explorer (Voilà, 127.0.0.1 only) until Ctrl-C")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="an export folder (default: the synthetic data)")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--lang", default="nl", choices=list(LANGUAGES))
    p.set_defaults(func=cmd_explore)

    p = sub.add_parser("lab", help="JupyterLab on 127.0.0.1 with the chapter notebooks open, until Ctrl-C")
    p.add_argument("--port", type=int, default=None, help="default: 8888, or the next free port")
    p.add_argument("--no-browser", action="store_true", help="print the address without opening a browser")
    p.set_defaults(func=cmd_lab)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ContractError as exc:
        print(exc.report(), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
