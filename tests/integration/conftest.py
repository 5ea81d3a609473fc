"""Fixtures shared by the tests of the built publication (tests/test_book.py and
tests/test_explore_web.py): the book is built ONCE per test session (synthetic default,
web and PDF) into a temporary folder and served on 127.0.0.1; each test module opens its
own Debian chromium through Playwright (no downloaded browser)."""

import functools
import http.server
import threading

import pytest

from duoreport.settings import CHROMIUM


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    from duoreport.publish.book import build_book
    from duoreport.settings import DEFAULT_DATA

    out = tmp_path_factory.mktemp("book")
    build_book(DEFAULT_DATA, out, pdf=True, log=lambda *a: None)
    return out / "site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request log in the test output
        pass


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(site):  # after the build: the PDF printer uses its own playwright session
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        yield b
        b.close()
