"""`duoreport explore`: the explorer served by Voilà, driven in Debian's chromium with Playwright,
and the clear message when the explorer's environment is missing."""

import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from duoreport import cli, i18n
from duoreport.explorer import code_label, serve
from duoreport.settings import REPO_ROOT
from pages import address_printed_by, free_port, make_sure_stopped, stop_with_ctrl_c

CHROMIUM = "/usr/lib/chromium/chromium"
VOILA = REPO_ROOT / ".venv-explorer" / "bin" / "voila"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


# --- without a browser ----------------------------------------------------------------------


def test_explore_without_the_environment_says_to_run_setup(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(serve.EXPLORER_VENV_VARIABLE, str(tmp_path / "no-such-venv"))
    assert cli.main(["explore", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "bash setup.sh" in err and str(tmp_path / "no-such-venv" / "bin" / "voila") in err


def test_the_served_notebook_gets_its_parameters(tmp_path):
    import jupytext

    path = serve._explorer_notebook(tmp_path, tmp_path / "export", "fr")
    nb = jupytext.read(path)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    at = tags.index(["injected-parameters"])
    assert tags[at - 1] == ["parameters"]
    assert nb.cells[at].source == f"data_dir = {str(tmp_path / 'export')!r}\nlang = 'fr'\n"
    mapped = jupytext.read(serve._explorer_notebook(tmp_path, tmp_path / "export", "nl", tmp_path / "map.yml"))
    assert mapped.cells[at].source.endswith(f"mapping = {str(tmp_path / 'map.yml')!r}\n")


@pytest.mark.skipif(not VOILA.is_file(), reason="no .venv-explorer (run bash setup.sh)")
def test_the_offline_template_has_no_other_host(tmp_path):
    root = serve._offline_template(REPO_ROOT / ".venv-explorer", tmp_path)
    index = root / "voila" / "templates" / serve.EXPLORER_TEMPLATE / "index.html.j2"
    text = index.read_text(encoding="utf-8")
    assert "extends" in text and "https://" not in text and "http://" not in text


# --- in the browser --------------------------------------------------------------------------


CHART_DIGEST = """async (selector) => {
    const img = document.querySelector(selector);
    const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    return Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, "0")).join("");
}"""


@pytest.mark.skipif(not VOILA.is_file(), reason="no .venv-explorer (run bash setup.sh)")
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_explore_serves_widgets_offline_and_stops_on_ctrl_c(tmp_path):
    from playwright.sync_api import sync_playwright

    port = free_port()
    log = open(tmp_path / "explore.log", "w")
    temp = tmp_path / "tmp"  # the temporary folders of duoreport explore and Voilà go here
    temp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "duoreport", "explore", "--port", str(port)], cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=log, text=True, env=dict(os.environ, TMPDIR=str(temp)))
    try:
        url = address_printed_by(proc, timeout=90)
        assert url == f"http://127.0.0.1:{port}/"
        requests = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            try:
                context = browser.new_context(accept_downloads=True)
                context.on("request", lambda r: requests.append(r.url))
                page = context.new_page()
                page.on("websocket", lambda ws: requests.append(ws.url))
                page.goto(url)
                page.wait_for_selector(".duo-explorer .duo-table-area table", timeout=60_000)
                page.wait_for_selector(".duo-split1 select", timeout=10_000)
                assert "synthetisch" in page.inner_text(".duo-banner")
                table_before = page.inner_text(".duo-table-area")
                chart_before = page.evaluate(CHART_DIGEST, ".duo-chart")
                assert i18n.variable_label("gender", "nl") not in table_before

                page.select_option(".duo-split1 select", label=i18n.variable_label("gender", "nl"))
                page.wait_for_function("old => document.querySelector('.duo-table-area').innerText !== old",
                                       arg=table_before, timeout=30_000)
                table_after = page.inner_text(".duo-table-area")
                assert code_label("gender", "female", "nl") in table_after
                assert code_label("gender", "male", "nl") in table_after
                chart_after = page.evaluate(CHART_DIGEST, ".duo-chart")
                assert chart_after != chart_before

                # export: a data: link downloaded by the browser, the same view as on screen
                page.click(".duo-export-csv")
                page.wait_for_selector(".duo-download", timeout=10_000)
                with page.expect_download() as download:
                    page.click(".duo-download")
                assert download.value.suggested_filename == "explorer_outcome_18m_by-gender_nl.csv"
                exported = open(download.value.path(), encoding="utf-8").read()
                assert exported.startswith("gender,gender_label,category")
            finally:
                browser.close()

        page_host = urlsplit(url).netloc
        foreign = [u for u in requests
                   if urlsplit(u).scheme not in ("blob", "data") and urlsplit(u).netloc != page_host]
        assert requests and not foreign, foreign
        blobs = [u for u in requests if u.startswith("blob:")]
        assert all(u.startswith(f"blob:{url}") for u in blobs), blobs

        stop_with_ctrl_c(proc, port, timeout=10)  # Voilà is gone with it
        assert list(temp.iterdir()) == []  # the converted notebook and Voilà's files are removed
    finally:
        make_sure_stopped(proc, timeout=15)
        log.close()
    assert "Traceback" not in (tmp_path / "explore.log").read_text(), (tmp_path / "explore.log").read_text()


@pytest.mark.skipif(not VOILA.is_file(), reason="no .venv-explorer (run bash setup.sh)")
def test_explore_on_a_busy_port_says_so(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["explore", "--port", str(port)]) == 1
    assert f"Port {port} on 127.0.0.1 is in use" in capsys.readouterr().err
