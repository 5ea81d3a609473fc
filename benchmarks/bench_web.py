"""Benchmark: Lighthouse (mobile) on the web book: performance and accessibility scores.

    python3 benchmarks/bench_web.py [--site build/site] [--label after] [--runs 3] [--no-gzip]
                                    [PAGE ...]          (default: nl/profile.html nl/explore.html)

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=["nl/profile.html", "nl/explore.html"])
    parser.add_argument("--site", type=Path, default=BUILD_DIR / "site")
    parser.add_argument("--label", default="")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-gzip", action="store_true")
    args = parser.parse_args()
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


def _version() -> str:
    package = REPO_ROOT / "tools" / "web" / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"] if package.exists() else "?"


if __name__ == "__main__":
    main()
