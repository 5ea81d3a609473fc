"""Helpers of the browser tests (a module of its own: test modules import it by name)."""


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
