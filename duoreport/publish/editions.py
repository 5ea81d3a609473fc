"""Editions: run the chapter notebooks with papermill per intake year, antenna and language.

An edition is written to ``<out>/<lang>/<year>-<antenna>/``: the executed notebooks
(``.ipynb``), their HTML renderings, the chart CSVs and the key numbers. A run is skipped
when a stamp shows it is up to date (same notebooks, parameters, data and code). A run
is built in a temporary folder and moved into place only when every chapter succeeded,
so a failure never leaves a half-written edition; its log goes to ``<out>/failed/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from ..data import contract as C
from ..report.edition import ALL
from ..report.inventory import CHAPTERS
from ..settings import BUILD_DIR, DEFAULT_THRESHOLD, LANGUAGES, NOTEBOOKS_DIR, REPO_ROOT

DEFAULT_OUT = BUILD_DIR / "editions"
EXECUTION_TIMEOUT = 600  # seconds per cell: a stalled kernel fails instead of hanging
STAMP = "stamp.json"
CODE_INPUTS = ("duoreport", "data/published", "data/context", "data/reference")


@dataclass(frozen=True)
class RunSpec:
    year: str
    antenna: str
    lang: str
    data_dir: str
    threshold: int = DEFAULT_THRESHOLD

    @property
    def slug(self) -> str:
        return f"{self.lang}/{self.year}-{self.antenna}"

    def parameters(self, output_dir: Path) -> dict:
        return {"year": self.year, "antenna": self.antenna, "lang": self.lang,
                "data_dir": self.data_dir, "threshold": self.threshold, "output_dir": str(output_dir)}


@dataclass
class RunResult:
    spec: RunSpec
    status: str  # ran | skipped | failed | empty
    seconds: float
    message: str = ""


def _hash_paths(paths) -> str:
    h = hashlib.sha256()
    for path in paths:
        for p in sorted(Path(path).rglob("*")) if Path(path).is_dir() else [Path(path)]:
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(REPO_ROOT)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()


def code_hash() -> str:
    return _hash_paths([REPO_ROOT / p for p in CODE_INPUTS])


def stamp_for(spec: RunSpec, data_hash: str, code: str) -> dict:
    notebooks = _hash_paths([NOTEBOOKS_DIR / f"{ch}.md" for ch in CHAPTERS])
    params = {k: v for k, v in asdict(spec).items()}
    return {"parameters": params, "data_hash": data_hash, "code_hash": code, "notebooks_hash": notebooks}


def _to_ipynb(md: Path, target: Path) -> None:
    import jupytext
    import nbformat

    nb = jupytext.read(md)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, target)


def _to_html(ipynb: Path, target: Path) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    import warnings

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.mathjax_url = ""
    exporter.require_js_url = ""  # no script from a CDN: the HTML needs none
    with warnings.catch_warnings():
        # glued values are stored for the book under papermill's own mimetypes
        warnings.simplefilter("ignore", UserWarning)
        body, _ = exporter.from_notebook_node(nbformat.read(ipynb, as_version=4))
    target.write_text(body, encoding="utf-8")


KERNEL_START_ATTEMPTS = 3


def execute_with_retry(pm, source: Path, executed: Path, parameters: dict, cwd: Path) -> None:
    """papermill, retried when the kernel fails to start.

    Kernels started at the same moment by parallel processes can race for the same TCP
    port ("Address already in use", "Kernel died before replying to kernel_info"); such
    a failure says nothing about the notebook, so the run is tried again.
    """
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            pm.execute_notebook(str(source), str(executed), parameters=parameters, kernel_name="python3",
                                progress_bar=False, log_output=False, execution_timeout=EXECUTION_TIMEOUT,
                                cwd=str(cwd))
            return
        except RuntimeError as exc:
            startup = "kernel_info" in str(exc) or "Kernel died" in str(exc)
            if not startup or attempt == KERNEL_START_ATTEMPTS:
                raise
            time.sleep(0.5 * attempt)


def run_edition(spec: RunSpec, out_root: Path = DEFAULT_OUT, data_hash: str | None = None,
                code: str | None = None, force: bool = False) -> RunResult:
    """Execute the four chapter notebooks for one edition; never raises."""
    import papermill as pm

    start = time.monotonic()
    out_root = Path(out_root).resolve()  # notebooks run with their own working directory
    target = out_root / spec.slug
    try:
        if data_hash is None:
            from ..data.loading import data_hash as hash_dir
            data_hash = hash_dir(Path(spec.data_dir))
        stamp = stamp_for(spec, data_hash, code or code_hash())
        stamp_file = target / STAMP
        if not force and stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
            return RunResult(spec, "skipped", time.monotonic() - start)
        out_root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".run-", dir=out_root))
        try:
            for chapter in CHAPTERS:
                source = tmp / f"{chapter}.source.ipynb"
                _to_ipynb(NOTEBOOKS_DIR / f"{chapter}.md", source)
                executed = tmp / f"{chapter}.ipynb"
                execute_with_retry(pm, source, executed, spec.parameters(tmp), tmp)
                source.unlink()
                _to_html(executed, tmp / f"{chapter}.html")
            (tmp / STAMP).write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                old = target.with_name(target.name + ".old")
                shutil.rmtree(old, ignore_errors=True)
                os.replace(target, old)
                os.replace(tmp, target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, target)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        failed_log = out_root / "failed" / (spec.slug.replace("/", "_") + ".log")
        failed_log.unlink(missing_ok=True)
        return RunResult(spec, "ran", time.monotonic() - start)
    except Exception as exc:  # noqa: BLE001 — one failing edition must not stop the others
        log = out_root / "failed" / (spec.slug.replace("/", "_") + ".log")
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"{spec}\n\n{traceback.format_exc()}", encoding="utf-8")
        return RunResult(spec, "failed", time.monotonic() - start, f"{type(exc).__name__}: {exc} (log: {log})")


def edition_matrix(data_dir: Path, years=None, antennas=None, langs=LANGUAGES, threshold: int = DEFAULT_THRESHOLD):
    """Every year (and all) x antenna (and all) x language; combinations without mentees are marked empty."""
    from ..data.loading import load_dataset

    ds = load_dataset(data_dir)
    m = ds["mentees"]
    present_years = sorted(m["intake_date"].dt.year.unique().tolist())
    years = [ALL] + [str(y) for y in present_years] if years is None else [str(y) for y in years]
    antennas = [ALL] + list(C.ANTENNAS) if antennas is None else list(antennas)
    specs, empty = [], []
    for lang in langs:
        for year in years:
            for antenna in antennas:
                sel = m
                if year != ALL:
                    sel = sel[sel["intake_date"].dt.year == int(year)]
                if antenna != ALL:
                    sel = sel[sel["antenna"] == antenna]
                spec = RunSpec(year, antenna, lang, str(data_dir), threshold)
                (specs if len(sel) else empty).append(spec)
    return specs, empty, ds.data_hash


def run_editions(specs, out_root: Path, data_hash: str, jobs: int | None = None, force: bool = False,
                 progress: bool = True) -> list:
    from tqdm import tqdm

    code = code_hash()
    jobs = jobs or os.cpu_count() or 1
    results = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_edition, s, out_root, data_hash, code, force): s for s in specs}
        bar = tqdm(total=len(futures), desc="editions", unit="run", disable=not progress)
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            bar.set_postfix_str(f"{result.spec.slug} {result.status}")
            bar.update(1)
        bar.close()
    return sorted(results, key=lambda r: r.spec.slug)
