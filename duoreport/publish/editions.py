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
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from ..report.edition import ALL
from ..report.inventory import CHAPTERS
from ..settings import BUILD_DIR, DEFAULT_THRESHOLD, LANGUAGES, NOTEBOOKS_DIR, REPO_ROOT, python_path

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
    mapping: str = ""  # the import mapping file, if not mapping.yml beside the export

    @property
    def slug(self) -> str:
        return f"{self.lang}/{self.year}-{self.antenna}"

    def parameters(self, output_dir: Path) -> dict:
        # paths absolute: the notebooks run in a folder of their own
        return {"year": self.year, "antenna": self.antenna, "lang": self.lang,
                "data_dir": str(Path(self.data_dir).resolve()), "threshold": self.threshold,
                "output_dir": str(output_dir), "mapping": str(Path(self.mapping).resolve()) if self.mapping else ""}


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


_SOURCES: dict = {}
_SOURCES_DIR: list = []  # this process's temporary folder, removed when the process ends


def _sources_dir() -> Path:
    if not _SOURCES_DIR or not _SOURCES_DIR[0].exists():
        from multiprocessing import util

        folder = Path(tempfile.mkdtemp(prefix="duoreport-sources-"))
        _SOURCES_DIR[:] = [folder]
        # run at exit by the main process (multiprocessing's atexit hook) and by a worker process
        util.Finalize(None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, exitpriority=0)
    return _SOURCES_DIR[0]


def chapter_source(chapter: str) -> Path:
    """The chapter notebook as .ipynb (converted once per process and notebook version)."""
    md = NOTEBOOKS_DIR / f"{chapter}.md"
    key = (chapter, md.stat().st_mtime_ns, md.stat().st_size)
    if key not in _SOURCES or not _SOURCES[key].exists():
        _SOURCES[key] = _sources_dir() / f"{chapter}.ipynb"
        _to_ipynb(md, _SOURCES[key])
    return _SOURCES[key]


@lru_cache(maxsize=1)
def _html_exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.mathjax_url = ""
    exporter.require_js_url = ""  # no script from a CDN: the HTML needs none
    return exporter  # its templates are loaded once per process


def _to_html(ipynb: Path, target: Path) -> None:
    import warnings

    import nbformat

    with warnings.catch_warnings():
        # glued values are stored for the book under papermill's own mimetypes
        warnings.simplefilter("ignore", UserWarning)
        body, _ = _html_exporter().from_notebook_node(nbformat.read(ipynb, as_version=4))
    target.write_text(body, encoding="utf-8")


KERNEL_START_ATTEMPTS = 3


def _kernels_import_this_checkout() -> None:
    """The kernels this process starts import this checkout's package (they inherit the variable)."""
    os.environ["PYTHONPATH"] = python_path(os.environ.get("PYTHONPATH"))


def execute_with_retry(pm, source: Path, executed: Path, parameters: dict, cwd: Path) -> None:
    """papermill in a new kernel, retried when the kernel fails to start.

    Kernels started at the same moment by parallel processes can race for the same TCP
    port ("Address already in use", "Kernel died before replying to kernel_info"); such
    a failure says nothing about the notebook, so the run is tried again.
    """
    _kernels_import_this_checkout()
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            pm.execute_notebook(str(source), str(executed), parameters=parameters, kernel_name="python3",
                                progress_bar=False, log_output=False, execution_timeout=EXECUTION_TIMEOUT,
                                cwd=str(cwd))
            return
        except RuntimeError as exc:
            if not _startup_failure(exc) or attempt == KERNEL_START_ATTEMPTS:
                raise
            time.sleep(0.5 * attempt)


def _startup_failure(exc: Exception) -> bool:
    return "kernel_info" in str(exc) or "Kernel died" in str(exc) or "Address already in use" in str(exc)


# --- a kernel that runs notebook after notebook ------------------------------------------

# What every chapter notebook imports: done once when the kernel starts.
PRELOAD = "import duoreport.report.notebook, duoreport.report.edition, myst_nb, IPython.display, scipy.stats\n"

# Before each notebook: no figure, no variable and no working directory left from the one before,
# a new history session and execution counts from 1, as in a new kernel (module caches stay:
# that is the point).
RESET = """import os, matplotlib.pyplot
matplotlib.pyplot.close("all")
os.chdir({cwd!r})
get_ipython().reset(new_session=True)
"""

WARM_ENGINE = "duoreport-warm"


class WarmKernel:
    """A Python kernel kept running for the notebooks of one process.

    papermill starts a kernel for every notebook it runs (about a second of start and imports
    each). Here one kernel is started, the chapters' imports are loaded once, and papermill
    runs each notebook in it through its own engine (:data:`WARM_ENGINE`, given the kernel's
    manager); between two notebooks the kernel is reset (:data:`RESET`). What the package
    caches in the kernel (the validated dataset and its views for a data hash, the Wilson
    intervals, the translation catalogues) is shared by the notebooks it runs."""

    def __init__(self):
        self.km = None
        self.runs = 0
        self.start()

    def start(self) -> None:
        from jupyter_client.manager import KernelManager

        _kernels_import_this_checkout()
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            km = KernelManager(kernel_name="python3")
            try:
                km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"])
                client = km.client()
                client.start_channels()
                try:
                    client.wait_for_ready(timeout=60)
                    self._run(client, PRELOAD)
                finally:
                    client.stop_channels()
                self.km = km
                return
            except RuntimeError as exc:
                km.shutdown_kernel(now=True)
                if not _startup_failure(exc) or attempt == KERNEL_START_ATTEMPTS:
                    raise
                time.sleep(0.5 * attempt)

    @staticmethod
    def _run(client, code: str) -> None:
        reply = client.execute_interactive(code, silent=True, store_history=False, timeout=EXECUTION_TIMEOUT)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel setup failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")

    def execute(self, pm, source: Path, executed: Path, parameters: dict, cwd: Path) -> None:
        """Run one notebook as papermill does, in this kernel, with ``cwd`` as working directory."""
        if self.km is None or not self.km.is_alive():
            self.restart()
        client = self.km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            self._run(client, RESET.format(cwd=str(cwd)))
        finally:
            client.stop_channels()
        pm.execute_notebook(str(source), str(executed), parameters=parameters, kernel_name="python3",
                            engine_name=WARM_ENGINE, km=self.km, request_save_on_cell_execute=False,
                            progress_bar=False, log_output=False, execution_timeout=EXECUTION_TIMEOUT)
        self.runs += 1

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def shutdown(self) -> None:
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 — a kernel that is already gone
                pass
            self.km = None


def _register_warm_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class WarmEngine(NBClientEngine):
        """papermill's nbclient engine on a kernel that is already running (``km``); the
        kernel is left running and the client's channels are closed after the notebook."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log=logging.getLogger("papermill"),
                                 log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, **final)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    if WARM_ENGINE not in papermill_engines._engines:
        papermill_engines.register(WARM_ENGINE, WarmEngine)


_IN_WORKER = False
_WORKER_KERNEL: WarmKernel | None = None


def _start_worker() -> None:
    """In each worker process of :func:`run_editions`: its kernel is started by the first
    edition that runs (none when every edition is up to date) and kept for the others."""
    global _IN_WORKER
    _IN_WORKER = True
    _register_warm_engine()


def _worker_kernel() -> WarmKernel | None:
    """The worker's warm kernel (None outside a worker), started when first needed and shut
    down when the worker ends."""
    global _WORKER_KERNEL
    if _IN_WORKER and _WORKER_KERNEL is None:
        from multiprocessing import util

        _WORKER_KERNEL = WarmKernel()
        util.Finalize(_WORKER_KERNEL, _WORKER_KERNEL.shutdown, exitpriority=10)
    return _WORKER_KERNEL


def run_edition(spec: RunSpec, out_root: Path = DEFAULT_OUT, data_hash: str | None = None,
                code: str | None = None, force: bool = False) -> RunResult:
    """Execute the four chapter notebooks for one edition; never raises.

    In a worker of :func:`run_editions` the notebooks run in the worker's warm kernel;
    otherwise in a kernel started for this edition."""
    import papermill as pm

    start = time.monotonic()
    out_root = Path(out_root).resolve()  # notebooks run with their own working directory
    target = out_root / spec.slug
    kernel = own_kernel = None
    try:
        if data_hash is None:
            from ..data.loading import data_hash as hash_dir
            data_hash = hash_dir(Path(spec.data_dir), spec.mapping or None)
        stamp = stamp_for(spec, data_hash, code or code_hash())
        stamp_file = target / STAMP
        if not force and stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
            return RunResult(spec, "skipped", time.monotonic() - start)
        kernel = _worker_kernel()
        if kernel is None:
            _register_warm_engine()
            kernel = own_kernel = WarmKernel()
        out_root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".run-", dir=out_root))
        try:
            for chapter in CHAPTERS:
                executed = tmp / f"{chapter}.ipynb"
                kernel.execute(pm, chapter_source(chapter), executed, spec.parameters(tmp), tmp)
            for chapter in CHAPTERS:  # after the runs, so that a failed run writes no HTML
                _to_html(tmp / f"{chapter}.ipynb", tmp / f"{chapter}.html")
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
        if kernel is not None and own_kernel is None:
            kernel.restart()  # what the failed notebook left in the kernel does not reach the next edition
        log = out_root / "failed" / (spec.slug.replace("/", "_") + ".log")
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"{spec}\n\n{traceback.format_exc()}", encoding="utf-8")
        return RunResult(spec, "failed", time.monotonic() - start, f"{type(exc).__name__}: {exc} (log: {log})")
    finally:
        if own_kernel is not None:
            own_kernel.shutdown()


def edition_matrix(data_dir: Path, years=None, antennas=None, langs=LANGUAGES, threshold: int = DEFAULT_THRESHOLD,
                   mapping=None):
    """Every year (and all) x antenna (and all) x language; combinations without mentees are marked empty.

    Years are the intake years of the data, antennas those of the dataset's settings."""
    from ..data.loading import load_dataset

    data_dir = Path(data_dir).resolve()
    ds = load_dataset(data_dir, mapping)
    m = ds["mentees"]
    years = [ALL] + [str(y) for y in ds.intake_years] if years is None else [str(y) for y in years]
    antennas = [ALL] + list(ds.programme.codes) if antennas is None else list(antennas)
    specs, empty = [], []
    for lang in langs:
        for year in years:
            for antenna in antennas:
                sel = m
                if year != ALL:
                    sel = sel[sel["intake_date"].dt.year == int(year)]
                if antenna != ALL:
                    sel = sel[sel["antenna"] == antenna]
                spec = RunSpec(year, antenna, lang, str(data_dir), threshold, "" if mapping is None else str(mapping))
                (specs if len(sel) else empty).append(spec)
    return specs, empty, ds.data_hash


def run_editions(specs, out_root: Path, data_hash: str, jobs: int | None = None, force: bool = False,
                 progress: bool = True) -> list:
    from tqdm import tqdm

    code = code_hash()
    jobs = jobs or os.cpu_count() or 1
    results = []
    # Workers are spawned, not forked: a process that has run a notebook before (a test session,
    # a JupyterLab terminal) holds jupyter_core's event-loop thread, and a forked child inherits
    # its state without the thread, so its first papermill run waits forever.
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(run_edition, s, out_root, data_hash, code, force): s for s in specs}
        bar = tqdm(total=len(futures), desc="editions", unit="run", disable=not progress)
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            bar.set_postfix_str(f"{result.spec.slug} {result.status}")
            bar.update(1)
        bar.close()
    return sorted(results, key=lambda r: r.spec.slug)
