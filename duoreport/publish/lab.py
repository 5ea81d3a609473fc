"""The researcher's workbench: JupyterLab on 127.0.0.1 with the chapter notebooks open.

The chapter notebooks are MyST Markdown files (``notebooks/*.md``); jupytext's JupyterLab extension
opens them as notebooks, and saving writes the Markdown back, without outputs. JupyterLab runs from
the project's own environment (the kernel imports the ``duoreport`` package) with the repository as
its root, so that the package's code is one click away; nothing is fetched from another host (no
news feed, no update check, no extension catalogue).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

from ..explorer.serve import port_free, serve_locally
from ..settings import BUILD_DIR, NOTEBOOKS_DIR, REPO_ROOT, python_path

DEFAULT_PORT = 8888  # JupyterLab's own default; the next free port is taken when it is busy
# Markdown files open as notebooks (jupytext) on a double click; "Open With" still offers the editor.
DEFAULT_VIEWERS = {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
DOCMANAGER_PLUGIN = "@jupyterlab/docmanager-extension:plugin"
# JupyterLab's checkpoints (the copy "Revert to checkpoint" restores) go to a mirror tree under
# build/, not to .ipynb_checkpoints folders inside notebooks/, book/ and the package (.lab_checkpoints).
CHECKPOINTS_DIR = BUILD_DIR / "lab" / "checkpoints"
CHECKPOINTS_CLASS = "duoreport.publish.lab_checkpoints.MirroredCheckpoints"
# The news prompt ("get notified about official Jupyter news?"): the workbench asks no host for news.
OFFLINE_DISABLED = ("@jupyterlab/apputils-extension:announcements",)


def free_port(first: int = DEFAULT_PORT, tries: int = 50) -> int | None:
    """The first port from ``first`` on that nothing listens to on 127.0.0.1."""
    return next((port for port in range(first, first + tries) if port_free(port)), None)


def lab_config(folder: Path) -> Path:
    """A Jupyter configuration folder for this session (added to ``JUPYTER_CONFIG_PATH``): Markdown
    files open as notebooks, and the news prompt is off. JupyterLab layers it with the installed
    configuration; a user's own settings still win over these defaults."""
    labconfig = folder / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    overrides = {DOCMANAGER_PLUGIN: {"defaultViewers": DEFAULT_VIEWERS}}
    (labconfig / "default_setting_overrides.json").write_text(json.dumps(overrides, indent=1) + "\n", encoding="utf-8")
    page_config = {"disabledExtensions": {name: True for name in OFFLINE_DISABLED}}
    (labconfig / "page_config.json").write_text(json.dumps(page_config, indent=1) + "\n", encoding="utf-8")
    return folder


def lab_command(port: int) -> list[str]:
    """The JupyterLab server, on 127.0.0.1 only, rooted at the repository, offline."""
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={REPO_ROOT}",
            f"--AsyncContentsManager.checkpoints_class={CHECKPOINTS_CLASS}", f"--FileCheckpoints.root_dir={CHECKPOINTS_DIR}",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly", "--log-level=WARN"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # a root shell (containers, CI): Jupyter refuses it otherwise
        cmd.append("--ServerApp.allow_root=True")
    return cmd


def serve_lab(port: int | None = None, open_browser: bool = True) -> int:
    """Start JupyterLab on 127.0.0.1 with the notebooks folder open, until Ctrl-C."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        print("JupyterLab is not installed in this environment: run `pip install -r requirements.txt` "
              "(or `bash setup.sh`), then `duoreport lab` again.", file=sys.stderr)
        return 2
    if port is None:
        port = free_port()
        if port is None:
            print(f"No free port from {DEFAULT_PORT} on 127.0.0.1: choose one with --port.", file=sys.stderr)
            return 1
    token = secrets.token_urlsafe(24)  # passed in the environment, not on the command line

    def prepare(folder: Path):
        config_path = os.pathsep.join(filter(None, [str(lab_config(folder)), os.environ.get("JUPYTER_CONFIG_PATH")]))
        # the server (its checkpoint class) and the notebooks' kernels import this checkout's
        # package, whatever another checkout's editable install points at
        env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_PLATFORM_DIRS="1", JUPYTER_CONFIG_PATH=config_path,
                   PYTHONPATH=python_path(os.environ.get("PYTHONPATH")))
        return lab_command(port), env

    folder = NOTEBOOKS_DIR.relative_to(REPO_ROOT).as_posix()
    return serve_locally("JupyterLab", "JupyterLab", port, prepare, path=f"/lab/tree/{folder}?token={token}",
                         open_browser=open_browser)
