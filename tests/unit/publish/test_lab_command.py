"""`duoreport lab` without starting JupyterLab: its settings, its command line, its ports and its
messages. (tests/integration/test_lab.py drives the real JupyterLab in a browser.)"""

import json
import os
import socket
import sys

import pytest

from duoreport import cli
from duoreport.publish import lab
from duoreport.settings import REPO_ROOT

pytest.importorskip("jupyterlab")


def test_markdown_files_open_as_notebooks_on_top_of_the_installed_settings(tmp_path, monkeypatch):
    """JupyterLab's own settings reader, given the session's folder and an administrator's
    configuration (a theme, another disabled extension), sees both."""
    from jupyter_server.services.config.manager import ConfigManager

    admin = tmp_path / "admin"
    (admin / "labconfig").mkdir(parents=True)
    (admin / "labconfig" / "default_setting_overrides.json").write_text(json.dumps(
        {"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    (admin / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/some-extension": True}}))
    session = lab.lab_config(tmp_path / "session")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", os.pathsep.join([str(session), str(admin)]))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "user"))

    overrides = ConfigManager(config_dir_name="labconfig").get("default_setting_overrides")
    assert overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == "Jupytext Notebook"
    assert overrides["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    disabled = ConfigManager(config_dir_name="labconfig").get("page_config")["disabledExtensions"]
    assert disabled == {"@jupyterlab/some-extension": True, "@jupyterlab/apputils-extension:announcements": True}


def test_the_server_listens_on_loopback_only_rooted_at_the_repository_and_asks_no_other_host():
    cmd = lab.lab_command(9123)
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--ServerApp.ip=127.0.0.1" in cmd and "--ServerApp.port=9123" in cmd
    assert "--ServerApp.port_retries=0" in cmd
    assert f"--ServerApp.root_dir={REPO_ROOT}" in cmd
    assert f"--FileCheckpoints.root_dir={REPO_ROOT / 'build' / 'lab' / 'checkpoints'}" in cmd
    assert f"--AsyncContentsManager.checkpoints_class={lab.CHECKPOINTS_CLASS}" in cmd
    assert "--LabApp.news_url=None" in cmd
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in cmd
    assert "--LabApp.extension_manager=readonly" in cmd  # no extension catalogue from PyPI
    assert not any("token" in part.lower() for part in cmd)  # the token travels in the environment


def test_the_next_free_port_is_taken_when_the_default_is_busy():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert lab.free_port(port) not in (None, port)


def test_lab_on_a_busy_port_says_so(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["lab", "--no-browser", "--port", str(port)]) == 1
    assert f"Port {port} on 127.0.0.1 is in use" in capsys.readouterr().err


def test_lab_without_jupyterlab_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "jupyterlab", None)  # as if it were not installed
    assert cli.main(["lab", "--no-browser"]) == 2
    assert "pip install -r requirements.txt" in capsys.readouterr().err


def test_checkpoints_go_to_the_mirror_tree_and_revert_restores_the_saved_text(tmp_path):
    """The server's own contents manager, with the workbench's checkpoints: saving a file in a
    sub-folder leaves no .ipynb_checkpoints folder in the repository, and reverting works."""
    import asyncio
    import importlib

    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from traitlets.config import Config

    module, _, name = lab.CHECKPOINTS_CLASS.rpartition(".")
    checkpoints_class = getattr(importlib.import_module(module), name)
    repo, mirror = tmp_path / "repo", tmp_path / "mirror"
    (repo / "book" / "static").mkdir(parents=True)
    (repo / "book" / "static" / "duo.css").write_text("body { color: black }\n")
    config = Config()
    config.FileCheckpoints.root_dir = str(mirror)
    manager = AsyncLargeFileManager(root_dir=str(repo), checkpoints_class=checkpoints_class, config=config)

    async def save_then_revert():
        checkpoint = await manager.create_checkpoint("book/static/duo.css")
        await manager.save({"type": "file", "format": "text", "content": "body { color: red }\n"},
                           "book/static/duo.css")
        await manager.restore_checkpoint(checkpoint["id"], "book/static/duo.css")

    asyncio.run(save_then_revert())
    assert (repo / "book" / "static" / "duo.css").read_text() == "body { color: black }\n"
    assert sorted(p.name for p in (repo / "book" / "static").iterdir()) == ["duo.css"]
    assert (mirror / "book" / "static" / ".ipynb_checkpoints" / "duo-checkpoint.css").is_file()
