"""Sphinx extension: every formula rendered by KaTeX when the site is built (no math JavaScript).

sphinxcontrib-katex with ``katex_prerender`` renders each formula in a Node process; the page
receives finished HTML plus assistive MathML (KaTeX ``output: htmlAndMathml``) and only needs
KaTeX's CSS and fonts. This extension adds what the course site needs on top:

1. KaTeX from npm (``node_modules/katex``, pinned in ``package-lock.json``) renders, and its CSS
   and fonts are served from the site itself (``_static/katex/``), never from a CDN. The CSS is
   trimmed to the WOFF2 fonts (every browser the site supports reads them), so the WOFF/TTF
   copies are not shipped (``_assets/site.css`` fits the output into the theme's layout). A
   page with formulas preloads the two fonts nearly every formula needs.
2. Errors fail the build: sphinxcontrib-katex hands KaTeX only ``throwOnError: false`` (a
   broken formula would silently turn red on the page). Here KaTeX runs with
   ``throwOnError: true`` and ``strict: "error"``, and each error becomes a Sphinx warning that
   names the page, the line and the TeX (``-W`` turns it into a failed build).
3. The Node render server starts reliably: sphinxcontrib-katex connects as soon as the socket
   file exists, which is before the server listens (``ConnectionRefusedError`` on a busy
   machine), and allows 5 s. Here the connection is retried until the server answers, within
   60 s, and each formula may take 60 s.
4. Macros that MathJax knows and KaTeX does not are given once in ``nn_katex_macros``
   (``_config.yml``).

The LaTeX/PDF builder is untouched: it writes the TeX itself.
"""

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import sphinxcontrib.katex as katex
from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
STATIC_DIR = "katex"  # _static/katex/ on the site
# requested as soon as the page's head is read, so that they are there before the first paint
# (otherwise the text reflows when they arrive: layout shift)
PRELOAD_FONTS = ("KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2")
# a font face in katex.min.css: src:url(fonts/X.woff2) format("woff2"),url(..woff) ..,url(..ttf) ..
FONT_SRC = re.compile(
    r'(src:url\(fonts/[^)]+\.woff2\) format\("woff2"\))(,url\([^)]+\) format\("[a-z]+"\))+')


def _check_katex():
    if not (KATEX_DIST / "katex.min.js").is_file():
        raise RuntimeError(f"KaTeX is not installed in {KATEX_DIST}: run "
                           "`make node_modules/.installed` (npm ci) first")


def woff2_only_css(css):
    """KaTeX's CSS with every ``@font-face`` reduced to its WOFF2 source."""
    trimmed, n = FONT_SRC.subn(r"\1", css)
    if n == 0 or "format(\"woff\")" in trimmed or "format(\"truetype\")" in trimmed:
        raise RuntimeError("unexpected @font-face rules in katex.min.css: cannot trim to WOFF2")
    return trimmed


def config_inited(app, config):
    _check_katex()
    config.html_math_renderer = "nn_katex"
    config.katex_prerender = True
    config.katex_js_path = str(KATEX_DIST / "katex.min.js")  # what _start_server_process runs
    config.katex_css_path = f"{STATIC_DIR}/katex.min.css"
    patch_sphinxcontrib_katex(config.nn_katex_macros)


def _start_server_process(cls, rundir, timeout):
    """sphinxcontrib-katex's ``KaTeXServer.start_server_process``, retrying the connection."""
    socket_path = rundir / "katex.sock"
    # KaTeX by absolute path: build_command's path relative to the package breaks when the venv
    # is reached through a symlink
    cmd = [katex.NODEJS_BINARY, katex.SCRIPT_PATH, "--socket", str(socket_path),
           "--katex", str(KATEX_DIST / "katex.min")]
    process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, cwd=rundir)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise katex.KaTeXError(f"the KaTeX server (node) exited with {process.returncode}")
        if socket_path.is_socket():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(socket_path))
                return process, sock
            except (ConnectionRefusedError, FileNotFoundError):
                sock.close()
        if time.monotonic() > deadline:
            process.kill()
            raise cls.timeout_error(timeout)
        time.sleep(0.01)


def _rendered(visit):
    """A sphinxcontrib-katex visitor whose KaTeX errors become warnings at the formula."""
    def visitor(self, node):
        start = len(self.body)
        try:
            visit(self, node)
        except katex.KaTeXError as exc:
            del self.body[start:]
            tex = katex.get_latex(node)
            logger.warning("KaTeX cannot render %r: %s", tex[:200], exc, location=node,
                           type="nn_katex", subtype="render")
            tag = "div" if isinstance(node, nodes.math_block) else "span"
            self.body.append(self.starttag(node, tag, "", CLASS="math katex-error")
                             + self.encode(tex) + f"</{tag}>")
            raise nodes.SkipNode from None
    return visitor


def copy_assets(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / "_static" / STATIC_DIR
    (out / "fonts").mkdir(parents=True, exist_ok=True)
    css = (KATEX_DIST / "katex.min.css").read_text(encoding="utf-8")
    (out / "katex.min.css").write_text(woff2_only_css(css), encoding="utf-8")
    for font in sorted((KATEX_DIST / "fonts").glob("*.woff2")):
        shutil.copyfile(font, out / "fonts" / font.name)


def patch_sphinxcontrib_katex(macros):
    """KaTeX options, reliable server start and timeouts for sphinxcontrib-katex's renderer."""
    katex.KaTeXServer.start_server_process = classmethod(_start_server_process)
    katex.STARTUP_TIMEOUT = katex.RENDER_TIMEOUT = 60.0
    katex.KATEX_DEFAULT_OPTIONS = {
        "throwOnError": True,
        "strict": "error",
        "output": "htmlAndMathml",
        "macros": dict(macros),
    }


def preload_fonts(app, pagename, templatename, context, doctree):
    """On a page with formulas: preload the two fonts nearly every formula needs."""
    if doctree is None or not any(True for _ in doctree.findall(
            lambda n: isinstance(n, (nodes.math, nodes.math_block)))):
        return
    links = "".join(
        f'\n<link rel="preload" href="{context["pathto"](f"_static/{STATIC_DIR}/fonts/{font}", 1)}"'
        ' as="font" type="font/woff2" crossorigin />' for font in PRELOAD_FONTS)
    context["metatags"] = context.get("metatags", "") + links


def setup(app):
    app.setup_extension("sphinxcontrib.katex")
    app.connect("html-page-context", preload_fonts)
    app.add_config_value("nn_katex_macros", {}, "html")
    app.add_html_math_renderer(
        "nn_katex",
        inline_renderers=(_rendered(katex.html_visit_math), None),
        block_renderers=(_rendered(katex.html_visit_displaymath), None),
    )
    app.connect("config-inited", config_inited)
    app.connect("build-finished", copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": False}
