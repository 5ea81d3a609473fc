"""Benchmark: Lighthouse (mobile) on the web book: performance and accessibility scores; or
axe-core on every page of both languages (``--axe``): WCAG 2.1 A/AA violations by impact.

    python3 benchmarks/bench_web.py [--site build/site] [--label after] [--runs 3] [--no-gzip]
                                    [PAGE ...]          (default: nl/profile.html nl/explore.html)
    python3 benchmarks/bench_web.py --axe [--site build/site] [--label after]

Needs a built site (`duoreport build`) and Lighthouse from tools/web (installed by setup.sh);
chromium is the browser the PDFs use (:func:`duoreport.publish.pdf.find_browser`). The site is
served on 127.0.0.1 by a small static server that compresses text files with gzip, as the web
server of a published site does (`--no-gzip` serves them as they are). Lighthouse runs its mobile
profile (a mid-range phone on a slow 4G connection, simulated), `--runs` times per page; the
table gives the median performance score of the runs, with the run's measures. Results are
appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import statistics
import subprocess
import tempfile
import threading
from datetime import date
from pathlib import Path

from duoreport.publish.pdf import find_browser
from duoreport.settings import BUILD_DIR, REPO_ROOT

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = REPO_ROOT / "tools" / "web" / "node_modules" / ".bin" / "lighthouse"
AXE = REPO_ROOT / "tools" / "web" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IMPACTS = ("critical", "serious", "moderate", "minor")
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".txt", ".map")


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    gzip = True

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if not (self.gzip and path.is_file() and path.suffix in COMPRESSED
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path, compress: bool):
    handler = functools.partial(type("H", (StaticHandler,), {"gzip": compress}), directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def lighthouse(url: str, browser: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        env = dict(os.environ, CHROME_PATH=str(browser))
        subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                        "--only-categories=performance,accessibility",
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                       check=True, env=env, capture_output=True, text=True, timeout=300)
        report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    blocking = audits["render-blocking-resources"].get("details", {}).get("items", [])
    requests = audits["network-requests"].get("details", {}).get("items", [])
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "kb": audits["total-byte-weight"]["numericValue"] / 1024,
        "requests": len(requests),
        "blocking": len(blocking),
    }


def axe_table(site: Path, label: str) -> str:
    """axe-core (WCAG 2.1 A and AA rules) on every HTML page of both languages and the landing page:
    per language, the pages with a violation and the violations (rule x page) by impact."""
    from playwright.sync_api import sync_playwright

    from duoreport.settings import CHROMIUM

    script = AXE.read_text(encoding="utf-8")
    pages = ["index.html"] + sorted(p.relative_to(site).as_posix() for lang in ("nl", "fr")
                                    for p in (site / lang).rglob("*.html") if "_static" not in p.parts)
    httpd, base = serve(site, True)
    found = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                        "--disable-background-networking"])
            for name in pages:
                page = browser.new_page()
                page.goto(f"{base}/{name}", wait_until="networkidle")
                page.add_script_tag(content=script)
                found[name] = page.evaluate("""async (tags) => (await axe.run(document, {runOnly: {type: 'tag',
                    values: tags}})).violations.map(v => [v.id, v.impact, v.nodes.length])""", WCAG_TAGS)
                page.close()
            browser.close()
    finally:
        httpd.shutdown()
    text = (f"\n## {date.today()} — axe-core {_version('axe-core')}, WCAG 2.1 A + AA rules, web book{label}\n\n"
            f"Site: `{site}`; every HTML page (`benchmarks/bench_web.py --axe`). A violation is one rule failing on "
            "one page (its elements counted apart).\n\n"
            "| part | pages | with a violation | " + " | ".join(IMPACTS) + " | elements | rules |\n"
            "|---|---:|---:|" + "---:|" * len(IMPACTS) + "---:|---|\n")
    for group in ("index.html", "nl/", "fr/"):
        names = [n for n in pages if n.startswith(group)]
        rows = [v for n in names for v in found[n]]
        counts = [sum(1 for v in rows if v[1] == impact) for impact in IMPACTS]
        rules = sorted({f"{v[0]} ({v[1]})" for v in rows})
        text += (f"| {group} | {len(names)} | {sum(1 for n in names if found[n])} | " + " | ".join(map(str, counts))
                 + f" | {sum(v[2] for v in rows)} | {', '.join(rules) or '–'} |\n")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=["nl/profile.html", "nl/explore.html"])
    parser.add_argument("--site", type=Path, default=BUILD_DIR / "site")
    parser.add_argument("--label", default="")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-gzip", action="store_true")
    parser.add_argument("--axe", action="store_true", help="axe-core on every page instead of Lighthouse")
    args = parser.parse_args()
    if args.axe:
        if not AXE.exists():
            raise SystemExit(f"{AXE} is missing: run `bash setup.sh` (npm ci --prefix tools/web)")
        text = axe_table(args.site, f" ({args.label})" if args.label else "")
        print(text)
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write(text)
        return
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `bash setup.sh` (npm ci --prefix tools/web)")
    browser = find_browser()
    if browser is None:
        raise SystemExit("no Chrome, Chromium or Edge found for Lighthouse")
    missing = [p for p in args.pages if not (args.site / p).exists()]
    if missing:
        raise SystemExit(f"{missing} not in {args.site}: run `duoreport build` first")
    httpd, base = serve(args.site, not args.no_gzip)
    rows = []
    try:
        for page in args.pages:
            runs = [lighthouse(f"{base}/{page}", browser) for _ in range(args.runs)]
            median = statistics.median_low([r["performance"] for r in runs])
            rows.append((page, next(r for r in runs if r["performance"] == median), [r["performance"] for r in runs]))
            print(page, rows[-1][2], rows[-1][1])
    finally:
        httpd.shutdown()
    label = f" ({args.label})" if args.label else ""
    text = (f"\n## {date.today()} — Lighthouse {_version()} mobile, web book{label}, "
            f"{'gzip' if not args.no_gzip else 'no compression'}, {os.cpu_count()} cores\n\n"
            f"Site: `{args.site}`; {args.runs} runs per page, the run with the median performance score.\n\n"
            "| page | performance | (runs) | accessibility | FCP s | LCP s | TBT ms | CLS | KiB | requests | render-blocking |\n"
            "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    for page, r, scores in rows:
        text += (f"| {page} | {r['performance']} | {', '.join(map(str, scores))} | {r['accessibility']} | {r['fcp']:.1f} | "
                 f"{r['lcp']:.1f} | {r['tbt']:.0f} | {r['cls']:.3f} | {r['kb']:.0f} | {r['requests']} | {r['blocking']} |\n")
    print(text)
    with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write(text)


def _version(tool: str = "lighthouse") -> str:
    package = REPO_ROOT / "tools" / "web" / "node_modules" / tool / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"] if package.exists() else "?"


if __name__ == "__main__":
    main()
