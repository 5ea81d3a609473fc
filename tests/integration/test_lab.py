"""`duoreport lab`: the researcher's JupyterLab on 127.0.0.1, driven in Debian's chromium with Playwright.

A researcher double-clicks notebooks/profile.md, which opens as a notebook (jupytext), runs all
cells, and sees the book's charts: the chart images are the very images of the book build's
executed notebook, the synthetic-data banner and the number of youths are there, nothing is
written to stderr; saving leaves the Markdown file as it is in git; switching the parameters cell
to French and running again shows the French chapter. Every request goes to the local server.
"""

import base64
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from urllib.parse import urlsplit

import jupytext
import pytest

from duoreport import i18n
from duoreport.settings import CHROMIUM, DEFAULT_DATA, NOTEBOOKS_DIR, REPO_ROOT
from pages import address_printed_by, free_port, make_sure_stopped, stop_with_ctrl_c

pytest.importorskip("jupyterlab")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")

PROFILE = NOTEBOOKS_DIR / "profile.md"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
PROMPTS = """(notebook) => [...document.querySelectorAll(notebook + ' .jp-CodeCell .jp-InputPrompt')]
    .map(e => e.textContent.trim())"""
PROMPTS_DONE = """([notebook, after]) => {
    const prompts = (""" + PROMPTS + """)(notebook);
    return prompts.length > 0 && prompts.every(t => {
        const m = /^\\[(\\d+)\\]:$/.exec(t);
        return m !== null && Number(m[1]) > after;
    });
}"""
OUTPUT_TEXT = """(notebook) => [...document.querySelectorAll(notebook + ' .jp-OutputArea')]
    .map(e => e.textContent).join('\\n')"""
IMAGES = """(notebook) => [...document.querySelectorAll(notebook + ' .jp-OutputArea-output img')]
    .map(img => ({src: img.getAttribute('src'), width: img.naturalWidth}))"""


def _png_digests_of(executed_notebook) -> set:
    """The chart images of a notebook executed by papermill for the book."""
    nb = json.loads(executed_notebook.read_text(encoding="utf-8"))
    return {hashlib.sha256(base64.b64decode(out["data"]["image/png"])).hexdigest()
            for cell in nb["cells"] for out in cell.get("outputs", []) if "image/png" in out.get("data", {})}


def _mentees_in_the_data() -> int:
    with open(DEFAULT_DATA / "mentees.csv", encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def _wait_until_the_kernel_is_ready(page, url: str, timeout: float = 120) -> None:
    """The server has the notebook's kernel started and idle (its reply to kernel_info came)."""
    parts = urlsplit(url)
    sessions_url = f"{parts.scheme}://{parts.netloc}/api/sessions?{parts.query}"
    deadline = time.monotonic() + timeout
    while True:
        states = [s["kernel"]["execution_state"] for s in page.request.get(sessions_url).json()
                  if s["path"] == "notebooks/profile.md" and s.get("kernel")]
        if states == ["idle"]:
            return
        assert time.monotonic() < deadline, f"the notebook's kernel is not ready: {states}"
        page.wait_for_timeout(500)


def _run_all_and_check(page, lang: str, after: int, book_images: set) -> int:
    """Run all cells; check the outputs; return the last execution count."""
    def run_all():
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")

    run_all()
    deadline = time.monotonic() + 150
    while not page.evaluate(PROMPTS_DONE, [NOTEBOOK, after]):
        assert time.monotonic() < deadline, "the cells did not all run"
        # on a busy machine JupyterLab may ask which kernel to start, proposing the notebook's own
        # (Python 3): the researcher accepts it and asks again to run all cells
        dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
        if dialog.is_visible():
            dialog.locator(".jp-mod-accept").click()
            page.wait_for_selector(".jp-Dialog", state="detached", timeout=30_000)
            run_all()
        page.wait_for_timeout(1000)
    notebook = page.locator(NOTEBOOK)
    assert notebook.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0, \
        notebook.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").first.inner_text()
    # textContent, not innerText: JupyterLab leaves the cells out of view unrendered
    text = page.evaluate(OUTPUT_TEXT, NOTEBOOK)
    assert "Traceback" not in text
    assert i18n.text("chapter_profile", lang) in text
    assert i18n.text("synthetic_banner", lang) in text
    assert i18n.format_count(_mentees_in_the_data(), lang) in text
    assert f"{i18n.text('figure', lang)} " in text
    images = page.evaluate(IMAGES, NOTEBOOK)
    assert images, "no chart image rendered"
    assert all(img["width"] > 0 and img["src"].startswith("data:image/png;base64,") for img in images)
    digests = {hashlib.sha256(base64.b64decode(img["src"].split(",", 1)[1])).hexdigest() for img in images}
    assert digests == book_images, "the charts differ from the book's"
    prompts = page.evaluate(PROMPTS, NOTEBOOK)
    return max(int(re.sub(r"\D", "", p)) for p in prompts)


def test_lab_runs_the_profile_chapter_in_both_languages_offline(tmp_path, site):
    from playwright.sync_api import sync_playwright

    editions = site.parent / "editions"
    book_images = {lang: _png_digests_of(editions / lang / "all-all" / "profile.ipynb") for lang in ("nl", "fr")}
    assert all(book_images.values())
    original = PROFILE.read_bytes()
    code_cells = sum(c.cell_type == "code" for c in jupytext.read(PROFILE).cells)

    # a machine of its own: no user settings, workspaces or config of whoever runs the tests
    home = tmp_path / "home"
    settings = home / "lab-settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    # no autosave: the French parameters typed below must never reach the repository
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp), JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    port = free_port()
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "duoreport", "lab", "--no-browser", "--port", str(port)],
                            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
    requests = []
    try:
        url = address_printed_by(proc, timeout=120)
        assert url.startswith(f"http://127.0.0.1:{port}/lab/tree/notebooks?token=")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.on("request", lambda r: requests.append(r.url))
                page = context.new_page()
                page.on("websocket", lambda ws: requests.append(ws.url))
                page.goto(url)
                # the notebooks folder is open; a double click opens the Markdown file as a notebook
                page.locator(".jp-DirListing-item", has_text="profile.md").dblclick(timeout=90_000)
                page.wait_for_function("([notebook, n]) => document.querySelectorAll(notebook + ' .jp-CodeCell').length == n",
                                       arg=[NOTEBOOK, code_cells], timeout=60_000)
                _wait_until_the_kernel_is_ready(page, url)

                last = _run_all_and_check(page, "nl", 0, book_images["nl"])
                page.screenshot(path=str(tmp_path / "profile-nl.png"))

                # saving after a run leaves the text notebook as it is in git (no outputs, same header)
                page.keyboard.press("Control+s")
                page.wait_for_function("() => !document.querySelector('.jp-mod-current.jp-mod-dirty')",
                                       timeout=20_000)
                assert PROFILE.read_bytes() == original
                # JupyterLab's checkpoint copy goes to build/, not into the repository's folders
                assert not (NOTEBOOKS_DIR / ".ipynb_checkpoints").exists()
                assert (REPO_ROOT / "build" / "lab" / "checkpoints" / "notebooks" / ".ipynb_checkpoints"
                        / "profile-checkpoint.md").is_file()

                # the researcher switches the parameters cell to French and runs everything again
                parameters = page.locator(f"{NOTEBOOK} .jp-CodeCell").first
                parameters.scroll_into_view_if_needed()
                assert 'lang = "nl"' in parameters.text_content()
                parameters.locator(".cm-content").click()
                page.keyboard.press("Control+a")
                page.keyboard.insert_text(jupytext.read(PROFILE).cells[1].source.replace('lang = "nl"', 'lang = "fr"'))
                page.keyboard.press("Escape")
                assert 'lang = "fr"' in parameters.text_content()
                _run_all_and_check(page, "fr", last, book_images["fr"])
                page.screenshot(path=str(tmp_path / "profile-fr.png"))
            except Exception:
                page.screenshot(path=str(tmp_path / "failure.png"))  # what the researcher would have seen
                raise
            finally:
                browser.close()

        host = urlsplit(url).netloc
        foreign = [u for u in requests if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != host]
        assert requests and not foreign, foreign

        stop_with_ctrl_c(proc, port, timeout=30)  # JupyterLab is gone with it
        assert list(temp.iterdir()) == []  # its settings folder is removed
    finally:
        make_sure_stopped(proc, timeout=30)
        log.close()
        if PROFILE.read_bytes() != original:  # never leave the repository changed
            PROFILE.write_bytes(original)
    assert PROFILE.read_bytes() == original
    assert "Traceback" not in (tmp_path / "lab.log").read_text(), (tmp_path / "lab.log").read_text()
