"""Serve the subgroup explorer with Voilà on 127.0.0.1, from its own virtual environment.

Voilà runs from ``.venv-explorer`` (created by ``setup.sh``) so that the main environment,
which executes the chapter notebooks, never imports it. The page loads nothing from other hosts:
Voilà's lab template is copied without its CDN stylesheets.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from ..settings import NOTEBOOKS_DIR, REPO_ROOT

EXPLORER_NOTEBOOK = NOTEBOOKS_DIR / "explorer.md"
EXPLORER_VENV_VARIABLE = "DUOREPORT_EXPLORER_VENV"  # another explorer environment (tests point it elsewhere)
EXPLORER_TEMPLATE = "duoreport-offline"


def explorer_venv() -> Path:
    """The virtual environment that runs Voilà (``.venv-explorer`` at the repository root)."""
    return Path(os.environ.get(EXPLORER_VENV_VARIABLE) or REPO_ROOT / ".venv-explorer")


def _explorer_notebook(folder: Path, data_dir: Path, lang: str, mapping: Path | None = None) -> Path:
    """notebooks/explorer.md as .ipynb in ``folder``, its parameters set as papermill would."""
    import jupytext
    import nbformat

    nb = jupytext.read(EXPLORER_NOTEBOOK)
    at = next(i for i, cell in enumerate(nb.cells) if "parameters" in cell.metadata.get("tags", []))
    source = f"data_dir = {str(data_dir)!r}\nlang = {lang!r}\n"
    if mapping is not None:
        source += f"mapping = {str(mapping)!r}\n"
    injected = nbformat.v4.new_code_cell(source)
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(at + 1, injected)
    path = folder / "explorer.ipynb"
    jupytext.write(nb, path, fmt="ipynb")
    return path


def _offline_template(venv: Path, folder: Path) -> Path | None:
    """A copy of Voilà's lab template without its two Font Awesome stylesheets from a CDN,
    so that the page loads nothing from another host; returns the JUPYTER_PATH entry."""
    lab = venv / "share" / "jupyter" / "voila" / "templates" / "lab" / "index.html.j2"
    if not lab.is_file():
        return None
    root = folder / "share" / "jupyter"
    target = root / "voila" / "templates" / EXPLORER_TEMPLATE
    target.mkdir(parents=True)
    lines = lab.read_text(encoding="utf-8").splitlines(keepends=True)
    (target / "index.html.j2").write_text("".join(ln for ln in lines if "https://" not in ln), encoding="utf-8")
    (target / "conf.json").write_text(json.dumps({"base_template": "lab"}) + "\n", encoding="utf-8")
    return root


def port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Voilà: old connections do not count
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, proc, timeout: float) -> bool:
    import socket
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc.poll() is None
        except OSError:
            time.sleep(0.2)
    return False


def stop(proc) -> None:
    """SIGTERM to Voilà (it then shuts its kernels down), SIGKILL if it hangs."""
    import subprocess

    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=8)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve_locally(title: str, server: str, port: int, prepare, path: str = "/", open_browser: bool = False) -> int:
    """Run a web server on 127.0.0.1 until it stops or Ctrl-C (the explorer's Voilà, the JupyterLab workbench).

    ``prepare(folder)`` fills a private temporary folder and returns the server's command and
    environment; the server runs there in its own session (the terminal's Ctrl-C reaches this
    process only, which then stops it, as it does on SIGTERM), and the folder is removed however
    it ends."""
    import shutil
    import signal
    import subprocess

    if not port_free(port):
        print(f"Port {port} on 127.0.0.1 is in use: choose another one with --port.", file=sys.stderr)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="duoreport-serve-"))
    proc = None
    terminated = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the server too, as Ctrl-C does
    try:
        cmd, env = prepare(folder)
        proc = subprocess.Popen(cmd, cwd=folder, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        if not wait_for_port(port, proc, timeout=90):
            print(f"{server} did not start on 127.0.0.1:{port} (see its messages above).", file=sys.stderr)
            return 1
        url = f"http://127.0.0.1:{port}{path}"
        print(f"{title}: {url}  (Ctrl-C to stop)", flush=True)
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        code = proc.wait()
        print(f"{server} stopped (exit {code}).", file=sys.stderr)
        return 0 if code == 0 else 1
    except KeyboardInterrupt:
        print(f"Stopping {server}.", file=sys.stderr, flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            if proc is not None:
                stop(proc)
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, terminated)


def serve(data_dir: Path, port: int, lang: str, check_data, mapping: Path | None = None) -> int:
    """Serve the subgroup explorer with Voilà on 127.0.0.1 until Ctrl-C; ``check_data(dir, mapping)``
    validates first."""
    venv = explorer_venv()
    voila = venv / "Scripts" / "voila.exe" if os.name == "nt" else venv / "bin" / "voila"
    if not voila.is_file():
        print(f"The explorer's environment is missing: {voila} not found.\n"
              f"Run `bash setup.sh` (it creates {venv.name}/ with Voilà), then `duoreport explore` again.",
              file=sys.stderr)
        return 2
    data_dir = Path(data_dir).resolve()
    mapping = Path(mapping).resolve() if mapping is not None else None

    def prepare(folder: Path):
        check_data(data_dir, mapping)  # a clear contract error now, rather than in the browser
        notebook = _explorer_notebook(folder, data_dir, lang, mapping)
        env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
        cmd = [str(voila), str(notebook), "--no-browser", "--Voila.ip=127.0.0.1", f"--Voila.port={port}",
               "--Voila.port_retries=0", "--Voila.log_level=WARN", "--VoilaConfiguration.show_tracebacks=False"]
        template_root = _offline_template(venv, folder)
        if template_root is not None:
            env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(template_root), env.get("JUPYTER_PATH")]))
            cmd.append(f"--VoilaConfiguration.template={EXPLORER_TEMPLATE}")
        return cmd, env

    return serve_locally("Subgroup explorer", "Voilà", port, prepare)
