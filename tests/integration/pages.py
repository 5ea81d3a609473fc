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


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens to now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def address_printed_by(proc, timeout: float) -> str:
    """The first http://127.0.0.1:PORT/... address a server command prints on its stdout; its
    output is read (and drained) by a thread, so that the test never blocks on it."""
    import queue
    import re
    import threading
    import time

    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            assert proc.poll() is None, f"{proc.args} exited with {proc.returncode}"
            continue
        match = re.search(r"http://127\.0\.0\.1:\d+/\S*", line)
        if match:
            return match.group(0)
    raise AssertionError(f"{proc.args} printed no address")


def stop_with_ctrl_c(proc, port: int, timeout: float) -> None:
    """Ctrl-C stops the server command: exit code 0, and nothing listens on its port any more."""
    import signal
    import socket

    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=timeout) == 0
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return
    raise AssertionError(f"something still listens on 127.0.0.1:{port}")


def make_sure_stopped(proc, timeout: float) -> None:
    """After a failed test: Ctrl-C, then kill if the server command hangs."""
    import signal
    import subprocess

    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
