"""The site's quality gates as plain functions; each returns a list of readable problems.

The tests (``test_browser.py``, ``test_a11y.py``, ``test_links.py``, ``test_html.py``,
``test_reproducible.py``) run them on the real book and assert an empty list; ``test_gates.py``
runs them on small broken fixture books (``tests/fixtures/``) and asserts that each defect is
reported. Every problem names the page, the element and the message.
"""

import contextlib
import csv
import functools
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
ALLOWED_HOST = "127.0.0.1"
# TeX delimiters and commands left in the text (outside code and rendered formulas)
RAW_TEX = re.compile(r"\\[()\[\]]|\$\$|\$[^\s$][^$\n]*\$|\\[a-zA-Z]+\{")
WALLCLOCK_OPEN = re.compile(
    rb"<(?P<tag>[a-zA-Z][a-zA-Z0-9]*)\b[^>]*\bclass=\"(?:[^\"]*\s)?wallclock(?:\s[^\"]*)?\"[^>]*>"
)

WALLCLOCK_MD = re.compile(rb"\[[^\]\n]*\]\{\.wallclock\}")

# --------------------------------------------------------------------------- building / serving


@functools.cache
def _source_date_epoch():
    """The last commit's time, read once: a commit during the session must not change it."""
    out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                         capture_output=True, text=True)
    return out.stdout.strip() or "0"


def build_env():
    """The environment of `make book`: reproducible timestamps and hashes."""
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", _source_date_epoch())
    env["PYTHONHASHSEED"] = "0"
    return env


def jupyter_book_build(source, output, strict=True, timeout=1800, extra=()):
    """``jupyter-book build source --path-output output [extra]`` (``-n -W --keep-going`` if
    strict)."""
    jb = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jb), "build", str(source), "--path-output", str(output), *extra]
    if strict:
        cmd += ["-n", "-W", "--keep-going"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=build_env())


def free_port():
    with socket.socket() as s:
        s.bind((ALLOWED_HOST, 0))
        return s.getsockname()[1]


# ``python -m http.server`` plus one response header: linkchecker waits 0.1-0.6 s between two
# requests to a host unless the host answers with a ``LinkChecker`` header (then it keeps to
# ``maxrequestspersecond``, LINKCHECKERRC); a few hundred URLs of the site cost a minute.
SERVER = """
import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("LinkChecker", "local test server")
        super().end_headers()
port, host, directory = int(sys.argv[1]), sys.argv[2], sys.argv[3]
handler = functools.partial(Handler, directory=directory)
http.server.ThreadingHTTPServer((host, port), handler).serve_forever()
"""


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` like ``python -m http.server`` on 127.0.0.1; yield the base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port), ALLOWED_HOST, str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://{ALLOWED_HOST}:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base, timeout=1).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None:
                    raise RuntimeError(f"http.server for {directory} exited") from None
                time.sleep(0.1)
        else:
            raise RuntimeError(f"http.server for {directory} did not answer on {base}")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


# --------------------------------------------------------------------------- browser


@contextlib.contextmanager
def browser():
    """Debian's Chromium driven by Playwright (never ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def keep_local(page_or_context):
    """Abort every request to another host before it leaves the machine (it is still reported)."""
    def handle(route):
        if urlparse(route.request.url).hostname == ALLOWED_HOST:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    page_or_context.route("**/*", handle)


# Loads every image (also ``loading="lazy"`` ones below the fold), then reports images, math
# (formulas are rendered by KaTeX when the site is built: every ``.math`` element must hold a
# ``.katex`` render and no ``.katex-error``) and the visible text of the article without code
# blocks and without the rendered formulas (their MathML annotation holds the TeX source).
PAGE_PROBE = """
async () => {
  const images = Array.from(document.images);
  await Promise.all(images.map(img => {
    img.loading = 'eager';
    if (img.complete) return Promise.resolve();
    return new Promise(res => {
      img.addEventListener('load', res, {once: true});
      img.addEventListener('error', res, {once: true});
      setTimeout(res, 10000);
    });
  }));
  const article = document.querySelector('article') || document.body;
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, .katex').forEach(e => e.remove());
  const snippet = e => e.textContent.trim().slice(0, 80);
  return {
    images: images.map(img => ({
      src: img.getAttribute('src'), naturalWidth: img.naturalWidth,
      alt: img.getAttribute('alt'),
    })),
    mathScripts: Array.from(document.scripts).map(s => s.src)
      .filter(src => /mathjax|katex/i.test(src)),
    nMath: article.querySelectorAll('.math').length,
    unrendered: Array.from(article.querySelectorAll('.math'))
      .filter(e => !e.querySelector('.katex')).map(snippet),
    katexErrors: Array.from(article.querySelectorAll('.katex-error')).map(snippet),
    text: clone.textContent,
    prev: (document.querySelector('a.left-prev') || {}).href || null,
    next: (document.querySelector('a.right-next') || {}).href || null,
  };
}
"""


def check_page(context, url, name, screenshot=None):
    """Load one page; return (problems, probe) -- console/page errors, requests, images, math."""
    problems = []
    page = context.new_page()
    foreign = []

    def on_request(request):
        parsed = urlparse(request.url)
        if parsed.scheme in ("data", "blob", "about"):
            return
        if parsed.hostname != ALLOWED_HOST:
            foreign.append(request.url)
            problems.append(f"{name}: request to another host: {request.url}")

    page.on("request", on_request)
    page.on("console", lambda msg: msg.type == "error" and problems.append(
        f"{name}: console error: {msg.text} ({msg.location.get('url', '')}"
        f":{msg.location.get('lineNumber', '')})"))
    page.on("pageerror", lambda exc: problems.append(f"{name}: page error: {exc}"))
    page.on("requestfailed", lambda req: req.url not in foreign and problems.append(
        f"{name}: request failed: {req.url} ({req.failure})"))
    page.on("response", lambda resp: resp.status >= 400 and problems.append(
        f"{name}: HTTP {resp.status} for {resp.url}"))
    try:
        response = page.goto(url, wait_until="load", timeout=60000)
        if response is None or response.status != 200:
            problems.append(f"{name}: page did not load: {response and response.status}")
        probe = page.evaluate(PAGE_PROBE)
        page.wait_for_load_state("networkidle", timeout=30000)
        for img in probe["images"]:
            if img["naturalWidth"] == 0:
                problems.append(f"{name}: <img src={img['src']!r}> did not load (naturalWidth 0)")
            if not (img["alt"] or "").strip():
                problems.append(f"{name}: <img src={img['src']!r}> has no alt text")
        for src in probe["mathScripts"]:
            problems.append(f"{name}: math JavaScript loaded ({src}): formulas are rendered "
                            "when the site is built")
        for snippet in probe["unrendered"]:
            problems.append(f"{name}: math not rendered by KaTeX: {snippet!r}")
        for snippet in probe["katexErrors"]:
            problems.append(f"{name}: KaTeX error in the page: {snippet!r}")
        for match in RAW_TEX.finditer(probe["text"]):
            context_text = probe["text"][max(0, match.start() - 40):match.end() + 40]
            problems.append(f"{name}: raw TeX {match.group()!r} in the text: "
                            f"{' '.join(context_text.split())!r}")
        if screenshot is not None:
            # lay the page out at its full height first: a full-page capture of a 900 px
            # viewport clips the theme's sticky sidebars
            size = page.viewport_size
            height = page.evaluate("() => document.documentElement.scrollHeight")
            page.set_viewport_size({"width": size["width"], "height": height})
            page.wait_for_timeout(500)
            Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
            page.set_viewport_size(size)
    finally:
        page.close()
    return problems, probe


def check_pages(base_url, names, screenshot_dir=None):
    """``check_page`` for every page name (``chapters/02-mlp``) plus the prev/next chain."""
    problems, probes = [], {}
    with browser() as b:
        context = b.new_context(viewport={"width": 1200, "height": 900}, locale="de-DE")
        keep_local(context)
        for name in names:
            shot = None if screenshot_dir is None else (
                Path(screenshot_dir) / (name.replace("/", "__") + ".png"))
            page_problems, probes[name] = check_page(context, urljoin(base_url, name + ".html"),
                                                     name, shot)
            problems += page_problems
        context.close()
    problems += check_prev_next(base_url, names, probes)
    return problems


def check_prev_next(base_url, names, probes):
    """Every prev/next link answers 200, and the chain follows the table of contents."""
    problems = []
    urls = [urljoin(base_url, n + ".html") for n in names]
    for i, name in enumerate(names):
        for kind, target, expected in (
            ("prev", probes[name]["prev"], urls[i - 1] if i > 0 else None),
            ("next", probes[name]["next"], urls[i + 1] if i + 1 < len(names) else None),
        ):
            if target is not None:
                status = http_status(target)
                if status != 200:
                    problems.append(f"{name}: {kind} link {target} answers HTTP {status}")
            if target != expected:
                problems.append(f"{name}: {kind} link is {target}, the table of contents "
                                f"says {expected}")
    return problems


def search_hits(base_url, word):
    """The result links of the site's own search page for ``word``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with browser() as b:
        page = b.new_page()
        keep_local(page)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(urljoin(base_url, f"search.html?q={word}"), wait_until="load")
        # Sphinx's searchtools fills ``#search-results ul.search`` with one <li> per hit
        try:
            page.wait_for_function(
                "() => document.querySelectorAll('#search-results ul.search li').length > 0",
                timeout=30000)
        except PlaywrightTimeout:
            pass  # no hits: the caller's assertion shows the empty list
        hrefs = page.eval_on_selector_all("#search-results ul.search li a",
                                          "els => els.map(e => e.getAttribute('href'))")
        page.close()
    if errors:
        raise AssertionError(f"search.html: page errors {errors}")
    return hrefs


# --------------------------------------------------------------------------- axe-core


# axe-core with its default rules (WCAG 2.x A/AA and best practices), with one documented,
# narrowly scoped exception: ``empty-table-header`` for a header cell whose only content is a
# formula. KaTeX writes each formula twice: the visible HTML (``.katex-html``, hidden from
# screen readers with ``aria-hidden``) and MathML for screen readers (``.katex-mathml``, visually
# clipped). axe takes no name from ``<math>`` and none from aria-hidden text, so it finds
# neither, although the formula is visible and read aloud. Such a cell is dropped only if its
# MathML has text; a really empty header cell is still reported (fixture ``bad-html``).
AXE_RUN = """
async sel => {
  const result = await axe.run(document.querySelector(sel), {resultTypes: ['violations']});
  for (const v of result.violations) {
    if (v.id !== 'empty-table-header') continue;
    v.nodes = v.nodes.filter(n => {
      const cell = document.querySelector(n.target[0]);
      const mml = cell ? Array.from(cell.querySelectorAll('.katex-mathml math'))
        .map(m => m.textContent.trim()).join('') : '';
      return mml.length === 0;
    });
  }
  result.violations = result.violations.filter(v => v.nodes.length > 0);
  return result;
}
"""


def axe_violations(base_url, names, selector="main"):
    """axe-core (npm) on ``selector`` of every page: one readable line per violating node."""
    problems = []
    with browser() as b:
        page = b.new_page(viewport={"width": 1200, "height": 900})
        keep_local(page)
        for name in names:
            page.goto(urljoin(base_url, name + ".html"), wait_until="load")
            page.add_script_tag(path=str(AXE_JS))
            result = page.evaluate(AXE_RUN, selector)
            for v in result["violations"]:
                for node in v["nodes"]:
                    target = " ".join(map(str, node["target"]))
                    problems.append(f"{name}: axe {v['id']} ({v['impact']}): {v['help']} -- "
                                    f"{target}: {node['html'][:160]}")
        page.close()
    return problems


# --------------------------------------------------------------------------- linkchecker

# Anchors are checked here, not by linkchecker's AnchorCheck plugin: that plugin parses the
# whole target page again for every link with a fragment (a few hundred links into pages of
# 200-500 KB: three and a half minutes); parsing every page once finds the same dead anchors.
LINKCHECKERRC = """\
[checking]
maxrequestspersecond=1000
[filtering]
checkextern=0
"""


class _IdsAndLinks(HTMLParser):
    """The ``id``/``name`` targets of a page and its ``<a href>`` links (with line numbers)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag in ("a", "area") and attrs.get("href"):
            self.links.append((attrs["href"], self.getpos()[0]))


def dead_anchors(pages):
    """``page line N: link 'href': anchor not found`` for every link ``…#x`` on one of ``pages``
    (URLs of HTML pages on the served site) whose target page has no element with id ``x``."""
    parsed = {}

    def parse(url):
        if url not in parsed:
            try:
                with urllib.request.urlopen(url, timeout=30) as answer:
                    html = answer.read().decode("utf-8", "replace")
                    is_html = "html" in answer.headers.get("Content-Type", "")
            except urllib.error.URLError:
                html, is_html = "", False  # a dead link itself: linkchecker reports it
            parser = _IdsAndLinks()
            if is_html:
                parser.feed(html)
            parsed[url] = (is_html, parser)
        return parsed[url]

    problems = []
    for page in pages:
        for href, line in parse(page)[1].links:
            target = urljoin(page, href)
            url, _, fragment = target.partition("#")
            if not fragment or urlparse(url).netloc != urlparse(page).netloc:
                continue
            is_html, parser = parse(url)
            if is_html and unquote(fragment) not in parser.ids:
                problems.append(f"{page} line {line}: link {href!r}: anchor "
                                f"{unquote(fragment)!r} not found")
    return problems


def linkchecker_problems(start_url, workdir):
    """linkchecker (external URLs only syntax-checked): errors and warnings; then every anchor
    of every page it reached (``dead_anchors``)."""
    rc = Path(workdir) / "linkcheckerrc"
    rc.write_text(LINKCHECKERRC, encoding="utf-8")
    exe = Path(sys.executable).parent / "linkchecker"
    result = subprocess.run(
        [str(exe), "-f", str(rc), "--no-status", "--no-robots", "--verbose", "-o", "csv",
         start_url],
        capture_output=True, text=True, timeout=900,
    )
    # comment lines start with "# "; a row may start with "#" (a same-page anchor such as "#x")
    rows = [line for line in result.stdout.splitlines() if not line.startswith("# ")]
    problems, pages = [], set()
    for row in csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"):
        if row["valid"] != "True" or row["warningstring"]:
            problems.append(
                f"{row['parentname']} line {row['line']}: link {row['urlname']!r}: "
                f"{row['result']} {row['warningstring']}".strip())
        elif urlparse(row["url"]).netloc == urlparse(start_url).netloc:
            pages.add(row["url"].partition("#")[0])
    if result.returncode not in (0, 1) or (result.returncode == 1 and not problems):
        problems.append(f"linkchecker exited {result.returncode}: {result.stderr[-2000:]}")
    if not pages:
        problems.append("linkchecker reported no page of the site: nothing was checked")
    return problems + dead_anchors(sorted(pages))


# --------------------------------------------------------------------------- Nu HTML checker


def vnu_errors(files, filterpattern=None):
    """The Nu HTML checker (``vnu.jar`` from npm) with ``--errors-only`` on ``files``."""
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("java is not installed (Debian: default-jre-headless)")
    cmd = [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always"]
    if filterpattern:
        cmd += ["--filterpattern", filterpattern]
    result = subprocess.run(cmd + [str(f) for f in files], capture_output=True, text=True,
                            timeout=600)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [f"{Path(urlparse(m.get('url', '')).path).name} line {m.get('lastLine', '?')}: "
            f"{m['type']}: {m['message']} -- {m.get('extract', '').strip()[:120]!r}"
            for m in messages]


# --------------------------------------------------------------------------- reproducibility


def mask_wallclock(data):
    """Replace the content of every element with class ``wallclock`` by ``WALLCLOCK``."""
    out, pos = [], 0
    for m in WALLCLOCK_OPEN.finditer(data):
        if m.start() < pos:  # nested inside an element already masked
            continue
        tag = m.group("tag")
        opener = re.compile(rb"<" + tag + rb"\b|</" + tag + rb"\s*>", re.IGNORECASE)
        depth, end = 1, None
        for t in opener.finditer(data, m.end()):
            depth += -1 if t.group().startswith(b"</") else 1
            if depth == 0:
                end = t.start()
                break
        if end is None:
            raise ValueError(f"unclosed <{tag.decode()} class=wallclock> at byte {m.start()}")
        out += [data[pos:m.end()], b"WALLCLOCK"]
        pos = end
    out.append(data[pos:])
    return b"".join(out)


def compare_trees(a, b):
    """Byte-compare two built sites; only ``wallclock`` element contents may differ."""
    a, b = Path(a), Path(b)
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    problems = [f"only in the first build: {p}" for p in sorted(files_a - files_b)]
    problems += [f"only in the second build: {p}" for p in sorted(files_b - files_a)]
    for rel in sorted(files_a & files_b):
        da, db = (a / rel).read_bytes(), (b / rel).read_bytes()
        if da == db:
            continue
        if rel.suffix == ".html" and mask_wallclock(da) == mask_wallclock(db):
            continue
        if rel.suffix == ".ipynb" and mask_wallclock_md(da) == mask_wallclock_md(db):
            continue
        problems.append(f"{rel}: differs: {first_difference(da, db)}")
    return problems


def mask_wallclock_md(data):
    """In a notebook (the ``.ipynb`` download): mask the glued markdown ``[...]{.wallclock}``."""
    return WALLCLOCK_MD.sub(rb"[WALLCLOCK]{.wallclock}", data)


def first_difference(da, db):
    if _is_text(da) and _is_text(db):
        la, lb = da.decode().splitlines(), db.decode().splitlines()
        for i, (x, y) in enumerate(zip(la, lb, strict=False)):
            if x != y:
                return f"line {i + 1}: {x.strip()[:150]!r} != {y.strip()[:150]!r}"
        return f"{len(la)} vs {len(lb)} lines"
    return f"binary, {len(da)} vs {len(db)} bytes"


def _is_text(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --------------------------------------------------------------------------- phone layout

PHONE_VIEWPORT = {"width": 390, "height": 844}

# After MathJax/KaTeX and the fonts: does the page scroll sideways? If so, the elements that
# stick out on the right and are not clipped by a scrolling box (innermost ones first).
PHONE_PROBE = """
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await document.fonts.ready;
  const vw = window.innerWidth;
  const sw = document.documentElement.scrollWidth;
  const out = [];
  if (sw > vw) {
    const clipped = el => {
      for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible'
            && a.getBoundingClientRect().right <= vw + 0.5) return true;
      }
      return false;
    };
    const wide = Array.from(document.body.querySelectorAll('*')).filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > vw + 0.5 && !clipped(el);
    });
    for (const el of wide.filter(el => !wide.some(o => o !== el && el.contains(o))).slice(0, 5)) {
      const cls = (el.getAttribute('class') || '').trim().split(/\\s+/).slice(0, 3).join('.');
      out.push(`<${el.tagName.toLowerCase()}${cls ? ' class=' + cls : ''}> right edge `
               + `${Math.round(el.getBoundingClientRect().right)} px: `
               + el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60));
    }
  }
  return {vw: vw, sw: sw, lang: document.documentElement.lang, culprits: out};
}
"""


def phone_overflow(base_url, names, screenshot_dir=None):
    """Every page at 390 x 844 (a phone): ``lang="de"`` and no sideways scrolling
    (``scrollWidth <= innerWidth``); each problem names the elements that stick out. With
    ``screenshot_dir`` a full-page screenshot ``phone-<page>.png`` is kept of every page."""
    problems = []
    with browser() as b:
        # no mobile emulation: a mobile browser zooms an overflowing page out to fit, which
        # would hide the overflow from innerWidth; the layout is the same (viewport meta tag)
        context = b.new_context(viewport=PHONE_VIEWPORT, device_scale_factor=1,
                                locale="de-DE")
        keep_local(context)
        for name in names:
            page = context.new_page()
            page.goto(urljoin(base_url, name + ".html"), wait_until="load", timeout=60000)
            probe = page.evaluate(PHONE_PROBE)
            if probe["lang"] != "de":
                problems.append(f"{name}: <html lang={probe['lang']!r}>, expected 'de' "
                                "(German hyphenation)")
            if probe["sw"] > probe["vw"]:
                problems.append(f"{name}: scrolls sideways at {PHONE_VIEWPORT['width']} px "
                                f"(scrollWidth {probe['sw']} > innerWidth {probe['vw']}): "
                                + "; ".join(probe["culprits"]))
            if screenshot_dir is not None:
                shot = Path(screenshot_dir) / ("phone-" + name.replace("/", "__") + ".png")
                shot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shot), full_page=True)
            page.close()
        context.close()
    return problems
