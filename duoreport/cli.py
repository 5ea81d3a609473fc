"""Command line: ``duoreport validate | mapping init | synth | audit | compare | contract | run | editions |
build | explore | lab``.

Every command that reads an export validates it first (the data contract, the dataset's settings
``dataset.yml`` and the import mapping ``mapping.yml`` or ``--mapping FILE``) and, when it is
refused, prints the contract's message and exits with status 2 without writing anything. Data paths
may be relative or absolute: they are resolved once, here.
"""

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


class UsageError(Exception):
    """A command-line value that cannot be used (exit 2, nothing written)."""


def data_path(value) -> Path:
    """A data folder or file as given on the command line, made absolute (notebooks run elsewhere)."""
    return Path(value).expanduser().resolve()


def _mapping_arg(args):
    value = getattr(args, "mapping", None)
    return None if value is None else data_path(value)


def _load(directory, mapping=None, banner: bool = True) -> object:
    """Load and validate an export; the synthetic banner when it is the one being published."""
    ds = load_dataset(data_path(directory), mapping)
    if ds.synthetic and banner:
        print(SYNTHETIC_BANNER, file=sys.stderr)
    return ds


def _known_values():
    """The book's Dutch and French labels of every code, as names a CRM export may use."""
    from . import i18n
    from .data.synonyms import name_key

    cache = {}

    def known(table: str, column: str) -> dict:
        key = (table, column)
        if key not in cache:
            out = {}
            code_list = i18n.code_list_of(column, table)
            for lang in LANGUAGES:
                for code, label in i18n.catalogue(lang)["codes"].get(code_list, {}).items():
                    out.setdefault(name_key(label), code)
            cache[key] = out
        return cache[key]

    return known


def kind_words(ds) -> str:
    return "synthetic data" if ds.synthetic else "real export"


def cmd_validate(args) -> int:
    from .data.proposal import propose

    directory = data_path(args.data_dir)
    try:
        ds = _load(directory, _mapping_arg(args))
    except ContractError as exc:
        if directory.is_dir():
            proposal = propose(directory, _mapping_arg(args), _known_values())
            exc.proposal = proposal.mapping_yaml if _proposal_helps(exc, proposal) else ""
        raise
    print(f"{args.data_dir}: the export meets the data contract ({kind_words(ds)}, declared in dataset.yml"
          f"{'; mapping ' + str(ds.mapping.source) if ds.mapping.source else ''}).")
    start, end = ds.period
    print(f"  {ds.programme.organisation}: intakes {start} to {end}, intake years "
          f"{', '.join(map(str, ds.intake_years))}; antennas {ds.programme.antenna_choices()}")
    for t in C.TABLES:
        df = ds.tables.get(t.name)
        print(f"  {t.name:<24} {'absent (optional)' if df is None else f'{len(df):>6} rows'}  {ds.files.get(t.name, '')}")
    print(f"  data hash {ds.data_hash[:16]}")
    return 0


MAPPABLE_RULES = {"unknown_code", "unknown_column", "missing_column", "several_sheets", "encoding", "wrong_type",
                  "missing_file", "unread_file", "unread_sheet"}


def _proposal_helps(exc: ContractError, proposal) -> bool:
    """Print a proposed mapping only for problems a mapping can fix, and only if it changes something."""
    return proposal.changes and bool(exc.rules() & MAPPABLE_RULES)


def cmd_mapping_init(args) -> int:
    """Write a proposed mapping.yml (and dataset.yml when the export has none) to review."""
    from .data.mapping import MAPPING_FILE
    from .data.programme import SETTINGS_FILE
    from .data.proposal import propose

    directory = data_path(args.data_dir)
    if not directory.is_dir():
        raise UsageError(f"{args.data_dir}: no such folder")
    out = data_path(args.out) if args.out else directory / MAPPING_FILE
    settings = directory / SETTINGS_FILE
    if out.exists() and not args.force:
        raise UsageError(f"{out} exists; review it, or write the proposal elsewhere with --out FILE "
                         "(--force overwrites it)")
    proposal = propose(directory, _mapping_arg(args), _known_values())
    atomic_write(out, proposal.mapping_yaml)
    print(f"Proposed mapping written to {out}.")
    if proposal.settings_yaml is not None:
        atomic_write(settings, proposal.settings_yaml)
        print(f"Proposed settings written to {settings} (kind: real; check the organisation, the antennas and "
              "the period).")
    if proposal.guesses:
        print("Check these guesses:")
        for g in proposal.guesses:
            print(f"  - {g}")
    if proposal.unresolved:
        print("Not resolved (edit the files by hand):")
        for u in proposal.unresolved:
            print(f"  - {u}")
    print(f"Then: duoreport validate {args.data_dir}" + (f" --mapping {out}" if args.out else ""))
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
        {**info, "kind": ds.kind, "synthetic": ds.synthetic, "data_hash": ds.data_hash,
         "data_dir": str(ds.source_dir)}, indent=2) + "\n")
    return info


def audit_words(ds, info: dict) -> str:
    if ds.synthetic:
        return (f"reproduction check: {info['figures']} published figures, {info['audited']} audited, "
                f"{info['within_tolerance']} within tolerance, {info['outside_tolerance']} outside, "
                f"{info['known_inconsistent']} known inconsistent in the report")
    return (f"comparison with the published report: {info['audited']} figures compared, "
            f"{info['audited'] - info['outside_tolerance']} within the report's tolerance, "
            f"{info['outside_tolerance']} differ ({info['not_computable']} not computable); differences are "
            "expected, the data are not the report's (see the period_note column)")


def cmd_audit(args) -> int:
    ds = _load(args.data_dir, _mapping_arg(args))
    out = data_path(args.out)
    info = write_audit(ds, out)
    print(f"Audit written to {out}: {audit_words(ds, info)}.")
    if args.strict and ds.synthetic and info["outside_tolerance"]:
        return 1
    return 0


def cmd_compare(args) -> int:
    """The report's figures on two exports: what changed since the last edition."""
    from .audit import compare_exports

    old = _load(args.old, getattr(args, "old_mapping", None) and data_path(args.old_mapping), banner=False)
    new = _load(args.new, _mapping_arg(args), banner=False)
    print(f"Old: {old.source_dir} ({kind_words(old)}); new: {new.source_dir} ({kind_words(new)}).")
    table = compare_exports(old, new)
    out = data_path(args.out)
    atomic_write(out, table.to_csv(index=False, lineterminator="\n"))
    changed = int((table["difference"].abs() > 1e-9).sum())
    print(f"Comparison written to {out}: {len(table)} figures, {changed} changed between {args.old} and {args.new}.")
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
    mapping = _mapping_arg(args)
    ds = _load(args.data_dir, mapping)
    compare_with = None
    if args.compare_with:
        compare_with = _load(args.compare_with, banner=False)
        print(f"Compared with: {compare_with.source_dir} ({kind_words(compare_with)}).")
    out = data_path(args.build_dir)
    print(f"Data: {ds.source_dir} ({kind_words(ds)}), hash {ds.data_hash[:16]}.")
    if args.no_book:
        info = write_audit(ds, out / "audit.csv")
        print(f"Audit ({audit_words(ds, info)}) -> {out / 'audit.csv'}")
        return 0
    from .publish.book import site_dir

    year, antenna = parse_year(args.year, ds), parse_antenna(args.antenna, ds)
    if not _selected(ds, year, antenna):
        raise UsageError(f"no mentee of this export has an intake in {year} at "
                         f"{ds.programme.antenna_name(antenna, 'nl')}; nothing to publish (nothing was written)")
    build_book(ds.source_dir, out, pdf=not args.no_pdf, year=year, antenna=antenna, mapping=mapping,
               compare_with=compare_with, before_swap=lambda staging: write_audit(ds, staging / "audit.csv"))
    site = site_dir(out, year, antenna)
    print(f"Audit -> {out / 'audit.csv'}")
    print(f"Done in {time.perf_counter() - t0:.0f} s. The books are in {site}.")
    print(f"Read it offline: python3 -m http.server --bind 127.0.0.1 --directory {site} 8000 "
          "and open http://127.0.0.1:8000/ (the Explore page needs a web server; the rest also opens from disk).")
    return 0


def parse_year(value: str, ds) -> object:
    """'all' or an intake year present in the data; UsageError otherwise."""
    from .report.edition import ALL

    if str(value).strip().lower() == ALL:
        return ALL
    text = str(value).strip()
    if not text.isdigit() or len(text) != 4:
        raise UsageError(f"--year {value!r}: give an intake year (for example {ds.intake_years[-1]}) or 'all'")
    year = int(text)
    if year not in ds.intake_years:
        raise UsageError(f"--year {year}: no mentee of this export has an intake in {year}; its intake years are "
                         f"{', '.join(map(str, ds.intake_years))} (nothing was written)")
    return year


def parse_antenna(value: str, ds) -> str:
    """'all' or an antenna given by its code or its Dutch or French name; UsageError otherwise."""
    from .report.edition import ALL

    if str(value).strip().lower() == ALL:
        return ALL
    code = ds.programme.resolve_antenna(value)
    if code is None:
        raise UsageError(f"--antenna {value!r}: no such antenna in {ds.source_dir / 'dataset.yml'}; the antennas are "
                         f"{ds.programme.antenna_choices()} (a code or a Dutch or French name), or 'all'")
    return code


def _selected(ds, year, antenna) -> int:
    from .report.edition import ALL

    m = ds["mentees"]
    keep = m["intake_date"].notna()
    if year != ALL:
        keep &= m["intake_date"].dt.year == year
    if antenna != ALL:
        keep &= m["antenna"] == antenna
    return int(keep.sum())


def cmd_run(args) -> int:
    from .publish.editions import RunSpec, run_edition

    mapping = _mapping_arg(args)
    ds = _load(args.data, mapping)
    year, antenna = parse_year(args.year, ds), parse_antenna(args.antenna, ds)
    if not _selected(ds, year, antenna):
        raise UsageError(f"no mentee of this export has an intake in {year} at "
                         f"{ds.programme.antenna_name(antenna, 'nl')}; nothing to publish (nothing was written)")
    spec = RunSpec(str(year), antenna, args.lang, str(ds.source_dir), args.threshold,
                   str(mapping) if mapping else "")
    out = data_path(args.out)
    result = run_edition(spec, out, ds.data_hash, force=args.force)
    where = out / spec.slug
    if result.status == "failed":
        print(f"{spec.slug}: FAILED after {result.seconds:.1f} s: {result.message}", file=sys.stderr)
        return 1
    print(f"{spec.slug}: {result.status} in {result.seconds:.1f} s -> {where}")
    return 0


def cmd_editions(args) -> int:
    from .publish.editions import edition_matrix, run_editions

    mapping = _mapping_arg(args)
    ds = _load(args.data, mapping)
    years = None if args.years is None else [parse_year(y, ds) for y in args.years]
    antennas = None if args.antennas is None else [parse_antenna(a, ds) for a in args.antennas]
    for lang in args.langs:
        if lang not in LANGUAGES:
            raise UsageError(f"--langs {lang!r}: the languages are {', '.join(LANGUAGES)}")
    specs, empty, data_hash = edition_matrix(ds.source_dir, years, antennas, args.langs, args.threshold,
                                             mapping=mapping)
    print(f"{len(specs)} editions to check ({len(empty)} combinations without mentees left out), "
          f"{args.jobs or os.cpu_count()} parallel processes.")
    results = run_editions(specs, data_path(args.out), data_hash, args.jobs, args.force, progress=not args.quiet)
    counts = {s: sum(r.status == s for r in results) for s in ("ran", "skipped", "failed")}
    print(f"ran {counts['ran']}, skipped (up to date) {counts['skipped']}, failed {counts['failed']}.")
    for r in results:
        if r.status == "failed":
            print(f"  FAILED {r.spec.slug}: {r.message}", file=sys.stderr)
    return 1 if counts["failed"] else 0


def cmd_explore(args) -> int:
    from .explorer.serve import serve

    directory = data_path(args.data)
    mapping = _mapping_arg(args)
    _load(directory, mapping)  # validated before anything starts
    return serve(directory, args.port, args.lang, check_data=load_dataset, mapping=mapping)


def _add_mapping(p) -> None:
    p.add_argument("--mapping", type=Path, default=None,
                   help="the import mapping (default: mapping.yml beside the export, if any)")


def cmd_lab(args) -> int:
    from .publish.lab import serve_lab

    return serve_lab(args.port, open_browser=not args.no_browser)


def main(argv=None) -> int:
    from . import __version__

    parser = argparse.ArgumentParser(prog="duoreport", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"duoreport {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check an export directory against the data contract")
    p.add_argument("data_dir", type=Path)
    _add_mapping(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("mapping", help="the import mapping of an export: `mapping init EXPORT` writes one to review")
    msub = p.add_subparsers(dest="mapping_command", required=True)
    p = msub.add_parser("init", help="propose mapping.yml (and dataset.yml if missing) for a raw export")
    p.add_argument("data_dir", type=Path)
    p.add_argument("--out", type=Path, default=None, help="where to write the mapping (default: EXPORT/mapping.yml)")
    p.add_argument("--force", action="store_true", help="overwrite an existing mapping file")
    _add_mapping(p)
    p.set_defaults(func=cmd_mapping_init)

    from .synth import SEED
    p = sub.add_parser("synth", help="(re)generate the synthetic default microdata")
    p.add_argument("--out", type=Path, default=DEFAULT_DATA)
    p.add_argument("--seed", type=int, default=SEED)
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("audit", help="recompute every published figure and compare with the report")
    p.add_argument("data_dir", type=Path, nargs="?", default=DEFAULT_DATA)
    p.add_argument("--out", type=Path, default=BUILD_DIR / "audit.csv")
    p.add_argument("--strict", action="store_true",
                   help="synthetic data: exit 1 if an audited figure is outside tolerance")
    _add_mapping(p)
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("compare", help="the report's figures on two exports: old, new, difference, base n")
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--out", type=Path, default=BUILD_DIR / "compare.csv")
    p.add_argument("--old-mapping", type=Path, default=None, help="the mapping of the old export, if not beside it")
    _add_mapping(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("contract", help="regenerate datapackage.json and the contract page")
    p.set_defaults(func=cmd_contract)

    from .report.edition import ALL

    p = sub.add_parser("run", help="execute the chapter notebooks for one edition")
    p.add_argument("--year", default=ALL, help="an intake year of the data, or 'all'")
    p.add_argument("--antenna", default=ALL, help="an antenna (code, Dutch or French name: ghent, Gent, Gand), or 'all'")
    p.add_argument("--lang", default="nl", choices=list(LANGUAGES))
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--out", type=Path, default=BUILD_DIR / "editions")
    p.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD, help="smallest cell shown")
    p.add_argument("--force", action="store_true", help="run even if up to date")
    _add_mapping(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("editions", help="run every year x antenna x language edition in parallel")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--out", type=Path, default=BUILD_DIR / "editions")
    p.add_argument("--years", nargs="*", default=None, help="default: all and every intake year in the data")
    p.add_argument("--antennas", nargs="*", default=None, help="default: all and every antenna (codes or names)")
    p.add_argument("--langs", nargs="*", default=list(LANGUAGES))
    p.add_argument("--jobs", type=int, default=None, help="parallel processes (default: the number of cores)")
    p.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD)
    p.add_argument("--force", action="store_true")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_mapping(p)
    p.set_defaults(func=cmd_editions)

    p = sub.add_parser("build", help="the main job on a data directory (default: the synthetic data)")
    p.add_argument("data_dir", type=Path, nargs="?", default=DEFAULT_DATA)
    p.add_argument("--build-dir", type=Path, default=BUILD_DIR)
    p.add_argument("--no-pdf", action="store_true", help="web books only")
    p.add_argument("--no-book", action="store_true", help="validate and audit only")
    p.add_argument("--year", default=ALL, help="one intake year's book (default: all)")
    p.add_argument("--antenna", default=ALL, help="one antenna's book (default: all)")
    p.add_argument("--compare-with", type=Path, default=None, metavar="OLD",
                   help="an earlier export: the audit appendix adds what changed since it")
    _add_mapping(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("explore", help="serve the subgroup explorer (Voilà, 127.0.0.1 only) until Ctrl-C")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA,
                   help="an export folder (default: the synthetic data); its mapping.yml, if any, is applied")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--lang", default="nl", choices=list(LANGUAGES))
    _add_mapping(p)
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
    except UsageError as exc:
        print(f"duoreport {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
