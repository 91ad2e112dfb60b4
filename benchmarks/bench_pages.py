"""Page-speed benchmark: Lighthouse on every page of the table of contents, desktop and mobile.

Run from the repository root after ``make book`` (the npm tools: ``make node_modules/.installed``):

    .venv/bin/python benchmarks/bench_pages.py [page ...]

The built site ``_build/html`` is served on 127.0.0.1 the way a static host serves it:
gzip-compressed (text files, when the browser asks for it) with ``Cache-Control: max-age=600``
(GitHub Pages' value). Lighthouse 12.2.3 (npm, pinned in ``package-lock.json``) drives Debian's
``/usr/bin/chromium`` headless, once with ``--preset=desktop`` and once with its default (a
mid-range phone on a throttled network, simulated), for every page. It prints one line per page
and which pages miss the goal of issue 17 (performance >= 95 desktop and >= 70 mobile,
accessibility 100, best practices 100, SEO >= 95; the three latter over both presets), with
the failing audits of the latter three. The reports are kept in ``_build/lighthouse/``.

A benchmark, not a test: the scores depend on the load of the machine (mobile TBT above all),
so the script prints the load average before and after.
"""

import gzip
import json
import os
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from booktoc import toc_docs  # noqa: E402

SITE = ROOT / "_build" / "html"
REPORTS = ROOT / "_build" / "lighthouse"
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOAL = {"perf_desktop": 95, "perf_mobile": 70, "accessibility": 100, "best-practices": 100,
        "seo": 95}
COMPRESSED = {".html", ".css", ".js", ".svg", ".json", ".txt", ".xml", ".map", ".ipynb"}


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files; text files gzip-compressed (level 9, compressed once) if accepted."""

    cache = {}
    lock = threading.Lock()

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix not in COMPRESSED or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        with self.lock:
            if path not in self.cache:
                self.cache[path] = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
            body = self.cache[path]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None

    def log_message(self, *args):
        pass


def serve(directory):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def lighthouse(url, preset, out):
    """One Lighthouse run; returns its JSON report (``preset``: "desktop" or "mobile")."""
    cmd = ["node", str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
           f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse {preset} {url} failed:\n{result.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def score(report, category):
    value = report["categories"][category]["score"]
    return None if value is None else round(100 * value)


def failing_audits(report, category):
    audits = report["audits"]
    return sorted(ref["id"] for ref in report["categories"][category]["auditRefs"]
                  if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None
                  and audits[ref["id"]]["score"] < 1)


def measure(base, name):
    row, failing = {"page": name}, set()
    for preset in ("desktop", "mobile"):
        report = lighthouse(base + name + ".html", preset,
                            REPORTS / f"{name.replace('/', '__')}.{preset}.json")
        row[f"perf_{preset}"] = score(report, "performance")
        for category in CATEGORIES[1:]:
            values = [v for v in (row.get(category), score(report, category)) if v is not None]
            row[category] = min(values) if values else None
            failing |= {f"{category}: {a}" for a in failing_audits(report, category)}
        if preset == "mobile":
            audits = report["audits"]
            row["lcp_mobile"] = audits["largest-contentful-paint"]["numericValue"] / 1000
            row["tbt_mobile"] = audits["total-blocking-time"]["numericValue"]
            row["kb_mobile"] = audits["total-byte-weight"]["numericValue"] / 1024
    row["failing"] = sorted(failing)
    return row


def misses(row):
    return [key for key, goal in GOAL.items() if row[key] is None or row[key] < goal]


def main(pages):
    for path in (SITE / "index.html", LIGHTHOUSE, Path(CHROMIUM)):
        if not path.exists():
            sys.exit(f"missing {path}: run `make book` and `make node_modules/.installed`")
    REPORTS.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} cores; Lighthouse 12.2.3, {CHROMIUM}", flush=True)
    server, base = serve(SITE)
    rows, start = [], time.monotonic()
    try:
        header = (f"{'page':28} {'desktop':>7} {'mobile':>6} {'a11y':>4} {'BP':>4} {'SEO':>4} "
                  f"{'LCP mobile':>10} {'TBT mobile':>10} {'KB mobile':>9}")
        print(header + "\n" + "-" * len(header), flush=True)
        for name in pages:
            row = measure(base, name)
            rows.append(row)
            print(f"{name:28} {row['perf_desktop']!s:>7} {row['perf_mobile']!s:>6} "
                  f"{row['accessibility']!s:>4} {row['best-practices']!s:>4} {row['seo']!s:>4} "
                  f"{row['lcp_mobile']:>9.1f}s {row['tbt_mobile']:>8.0f}ms "
                  f"{row['kb_mobile']:>9.0f}", flush=True)
    finally:
        server.shutdown()
    print(f"\n{len(rows)} pages x 2 presets in {time.monotonic() - start:.0f} s; load average "
          f"after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    goal = ", ".join(f"{k} >= {v}" for k, v in GOAL.items())
    missed = [(row, misses(row)) for row in rows if misses(row)]
    print(f"goal ({goal}): {'met on every page' if not missed else 'MISSED'}")
    for row, keys in missed:
        print(f"  {row['page']}: {', '.join(keys)}")
    for row in rows:
        if row["failing"]:
            print(f"  {row['page']}: failing audits: {', '.join(row['failing'])}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or toc_docs(ROOT / "_toc.yml")))
