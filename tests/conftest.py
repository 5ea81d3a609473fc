"""Fixtures shared by the tests of the built publication (tests/test_book.py and
tests/test_explore_web.py): the book is built ONCE per test session (synthetic default,
web and PDF) into a temporary folder and served on 127.0.0.1; each test module opens its
own Debian chromium through Playwright (no downloaded browser)."""

import functools
import http.server
import threading

import pytest

CHROMIUM = "/usr/lib/chromium/chromium"


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    from duoreport.book import build_book
    from duoreport.pipeline import DEFAULT_DATA

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


def open_page(browser, url, wait_for: str | None = None):
    """Open a page and record console errors, failed requests and every requested URL."""
    page = browser.new_page()
    events = {"errors": [], "failed": [], "requests": []}
    page.on("console", lambda m: events["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("requestfailed", lambda r: events["failed"].append(r.url))
    page.on("request", lambda r: events["requests"].append(r.url))
    response = page.goto(url, wait_until="networkidle")
    if wait_for:
        page.wait_for_selector(wait_for, timeout=15000)
    return page, response, events
