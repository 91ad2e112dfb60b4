"""Sphinx extension: fixes that the site's quality gates (tests/test_browser.py etc.) need.

1. Inline ``<script>`` bodies appear twice on every page with Sphinx 7.4. ``Sphinx.add_js_file``
   hands a body-only script (``filename=None``) to the registry *and*, once the builder
   exists, to ``StandaloneHTMLBuilder.add_js_file``; ``prepare_writing`` later re-adds every
   registry entry as ``filename or ''``. ``_JavaScript(None, ...) != _JavaScript('', ...)``, so
   the de-duplication misses and sphinx-thebe's ``const THEBE_JS_URL = ...`` is declared twice
   (``SyntaxError: Identifier 'THEBE_JS_URL' has already been declared`` in the browser
   console; sphinx-togglebutton's ``var togglebuttonSelector`` is duplicated the same way).
   Sphinx fixed this upstream in sphinx-doc/sphinx#13402 (Sphinx 8.2) by passing ``''`` to the
   builder; Jupyter Book 1 pins Sphinx < 8, so the same normalisation is applied here.
2. Wall-clock timings (glue keys ``time_*``, see ``neuronale_netze.text.markdown_de``) are
   rendered as ``<span class="wallclock">``. They are the only values allowed to differ between
   two builds (tests/test_reproducible.py masks exactly these spans), so they are kept out of
   the search index: otherwise their digits would make ``searchindex.js`` differ as well.
3. Folded code cells (tags ``hide-input``/``hide-output``/``hide-cell``): myst-nb 1.4 writes
   ``<summary aria-label="Toggle hidden content"><p …>Vorbereitung anzeigen</p>…``. ``<p>`` is
   not allowed in ``<summary>`` (Nu HTML checker) and the English ``aria-label`` hides the visible
   German title from screen readers (axe ``label-content-name-mismatch``). The same markup with
   ``<span>`` titles and no ``aria-label``; ``_assets/site.css`` styles the spans as myst-nb
   styles its paragraphs.
4. A page must not depend on the build history. Sphinx appends ``?v=<checksum>`` to a
   stylesheet or script only if the file is already in the output's ``_static`` when the page
   is written. myst-nb (``mystnb.<hash>.css``), sphinx-proof (``proof.css``), sphinx-exercise
   and sphinx-mathjax-offline (``tex-chtml.js``) copy their files there at ``build-finished``,
   after the pages: a first build wrote ``proof.css``, every later one ``proof.css?v=...``.
   Their own copy functions are run once more before the pages are written (``LATE_STATIC``),
   so every build writes the same; a file made from the pages at the end (``nn_icons``' CSS)
   is removed before them instead (``LATE_GENERATED``).
   ``tests/test_reproducible.py`` compares a rebuild over an earlier build with a clean one.
5. Tabs of sphinx-design 0.8 (``tab-set``) put ``aria-controls`` on their ``<label>``, which
   the Nu HTML checker rejects (the attribute is not allowed on ``label``); the label is tied
   to its radio input by ``for`` already. The label is written without it.
"""

import os
from html import escape
from importlib import import_module

from docutils import nodes
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.search import IndexBuilder

WALLCLOCK_CLASS = "wallclock"


def _normalise_body_only_scripts():
    original = StandaloneHTMLBuilder.add_js_file
    if getattr(original, "_nn_site_patched", False):
        return

    def add_js_file(self, filename, **kwargs):
        # ``None`` and ``''`` both mean "inline body, no src": one representation only
        return original(self, filename or "", **kwargs)

    add_js_file._nn_site_patched = True
    StandaloneHTMLBuilder.add_js_file = add_js_file


def _is_wallclock(node):
    return isinstance(node, nodes.Element) and WALLCLOCK_CLASS in node.get("classes", [])


def _skip_wallclock_in_search_index():
    original = IndexBuilder.feed
    if getattr(original, "_nn_site_patched", False):
        return

    def feed(self, docname, filename, title, doctree):
        if any(True for _ in doctree.findall(_is_wallclock)):
            doctree = doctree.deepcopy()  # the page itself keeps its values
            for node in list(doctree.findall(_is_wallclock)):
                node.parent.remove(node)
        return original(self, docname, filename, title, doctree)

    feed._nn_site_patched = True
    IndexBuilder.feed = feed


# extension -> (module, function(app, exception)) that copies its static files at build-finished
LATE_STATIC = {
    "myst_nb": ("myst_nb.sphinx_ext", "add_global_html_resources"),
    "sphinx-mathjax-offline": ("sphinx-mathjax-offline", "copy_mathjax_files"),
    "sphinx_proof": ("sphinx_proof", "copy_asset_files"),
    "sphinx_exercise": ("sphinx_exercise", "copy_asset_files"),
    "nn_katex": ("nn_katex", "copy_assets"),
}
# extension -> (module, name of the constant that names a file in ``_static``) written at
# build-finished from the pages themselves, so it cannot come first: removed before the pages
# are written, so that no build, clean or not, writes a checksum for it
LATE_GENERATED = {"nn_icons": ("nn_icons", "CSS_FILE")}


def _static_before_the_pages(app, env):
    if app.builder.format != "html":
        return
    os.makedirs(os.path.join(app.builder.outdir, "_static"), exist_ok=True)
    for extension, (module, function) in LATE_STATIC.items():
        if extension in app.extensions:
            getattr(import_module(module), function)(app, None)
    for extension, (module, constant) in LATE_GENERATED.items():
        if extension in app.extensions:
            path = os.path.join(app.builder.outdir, "_static", getattr(import_module(module),
                                                                        constant))
            if os.path.exists(path):
                os.remove(path)


def _visit_hide_cell(self, node):
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    for state, prompt in (("collapsed", node["prompt_show"]), ("expanded", node["prompt_hide"])):
        self.body.append(f'<span class="{state} admonition-title">{escape(prompt)}</span>\n')
    self.body.append("</summary>\n")


def _depart_hide_cell(self, node):
    self.body.append("</details>\n")


def _visit_tab_label(self, node):
    from sphinx_design.tabs import visit_tab_label

    node.attributes.pop("aria_controls", None)
    visit_tab_label(self, node)


def setup(app):
    from myst_nb.sphinx_ import HideCodeCellNode
    from sphinx_design.tabs import depart_tab_label, sd_tab_label

    app.setup_extension("myst_nb")
    app.add_node(HideCodeCellNode, override=True, html=(_visit_hide_cell, _depart_hide_cell))
    app.setup_extension("sphinx_design")
    app.add_node(sd_tab_label, override=True, html=(_visit_tab_label, depart_tab_label))
    app.connect("env-updated", _static_before_the_pages)
    _normalise_body_only_scripts()
    _skip_wallclock_in_search_index()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
