"""Sphinx extension: offer the PDFs built by ``make pdf`` on the site.

``tools/pdf.py`` writes the book PDF, one handout per toc entry, one solutions PDF per section
with exercises and ``manifest.json`` into ``<build>/pdf`` (next to ``<build>/html``). When that
manifest exists, the HTML build copies the PDFs to ``html/pdf/`` and adds to the download menu of
every page the entry "Buch (PDF)" and, on a chapter page, "Kapitel (PDF)" in place of the
browser's print dialog and "Lösungen (PDF)" where the section has exercises. Without the manifest
nothing is added, so the site never links to a PDF that was not built. A changed manifest
re-renders every page, so the links follow the PDFs.
"""

import hashlib
import json
import posixpath
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _pdf_dir(app):
    return Path(app.outdir).parent / "pdf"


def _sheets(manifest):
    """Handouts and solutions PDFs of a manifest (file names)."""
    return (list(manifest.get("handouts", {}).values())
            + list(manifest.get("solutions", {}).values()))


def _load(app):
    path = _pdf_dir(app) / "manifest.json"
    manifest = {}
    if path.is_file():
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = [manifest.get("book")] + _sheets(manifest)
        if not all(f and (_pdf_dir(app) / f).is_file() for f in files):
            logger.info("[nn_pdf] manifest lists missing PDFs, no PDF links")
            manifest = {}
    app.nn_pdf_manifest = manifest
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()
    app.nn_pdf_digest = digest if manifest else ""


def _outdated(app, env, added, changed, removed):
    if app.builder.format != "html":
        return []
    if getattr(env, "nn_pdf_digest", "") == app.nn_pdf_digest:
        return []
    env.nn_pdf_digest = app.nn_pdf_digest
    return sorted(env.found_docs - set(added) - set(changed))


def _buttons(app, pagename, templatename, context, doctree):
    manifest = getattr(app, "nn_pdf_manifest", {})
    if not manifest or app.builder.format != "html":
        return
    group = next((b for b in context.get("header_buttons", [])
                  if b.get("label") == "download-buttons"), None)
    if group is None:
        return
    pathto = context["pathto"]
    entries = []
    handout = manifest["handouts"].get(pagename)
    solutions = manifest.get("solutions", {}).get(pagename)
    if handout:
        tooltip = "Dieses Kapitel als PDF-Handout"
        if solutions:
            tooltip += " mit den Aufgaben, ohne Lösungen"
        entries.append({"type": "link", "url": pathto(f"pdf/{handout}", 1), "text": "Kapitel (PDF)",
                        "tooltip": tooltip, "icon": "fas fa-file-pdf",
                        "label": "download-handout-button"})
    if solutions:
        entries.append({"type": "link", "url": pathto(f"pdf/{solutions}", 1),
                        "text": "Lösungen (PDF)",
                        "tooltip": "Dieses Kapitel mit den Lösungen der Aufgaben",
                        "icon": "fas fa-file-pdf", "label": "download-solutions-button"})
    entries.append({"type": "link", "url": pathto(f"pdf/{manifest['book']}", 1),
                    "text": "Buch (PDF)", "tooltip": "Der ganze Kurs als PDF",
                    "icon": "fas fa-book", "label": "download-book-button"})
    buttons = [b for b in group["buttons"]
               if not (handout and b.get("label") == "download-pdf-button")]
    group["buttons"] = buttons + entries


def _copy(app, exception):
    manifest = getattr(app, "nn_pdf_manifest", {})
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "pdf"
    if target.exists():
        shutil.rmtree(target)
    if not manifest:
        return
    target.mkdir(parents=True)
    for name in [manifest["book"]] + sorted(_sheets(manifest)):
        shutil.copy2(_pdf_dir(app) / name, target / name)


class DocTitlesInHandouts(SphinxPostTransform):
    """LaTeX: a {doc} reference to a chapter outside the document (a handout) keeps the
    chapter's title as its text instead of the bare file name."""

    default_priority = 5  # before Sphinx's ReferencesResolver (10)
    formats = ("latex",)

    def run(self, **kwargs):
        titles = self.env.titles
        for node in self.document.findall(addnodes.pending_xref):
            if node.get("refdomain") != "std" or node.get("reftype") != "doc":
                continue
            if node.get("refexplicit"):
                continue
            target = node["reftarget"]
            if target.startswith("/"):
                target = target.lstrip("/")
            else:
                target = posixpath.join(posixpath.dirname(node["refdoc"]), target)
            title = titles.get(posixpath.normpath(target))
            if title is not None:
                text = title.astext()
                node.children = [nodes.inline(text, text, classes=["xref", "std", "std-doc"])]


class SolutionsForLaTeX(SphinxPostTransform):
    """LaTeX: every solution of sphinx-exercise sits in the environment ``nnsolution``, which
    ``latex/nnbook.sty`` keeps in the book and the solutions PDFs and drops (package
    ``comment``) in the handouts, the exercise sheets. The environment's lines stand alone, as
    ``comment`` requires."""

    default_priority = 30  # after sphinx-exercise has resolved the titles (20-22)
    formats = ("latex",)

    def run(self, **kwargs):
        from sphinx_exercise.nodes import solution_node

        for node in list(self.document.findall(solution_node)):
            begin = nodes.raw("", "\n\\begin{nnsolution}\n", format="latex")
            end = nodes.raw("", "\n\\end{nnsolution}\n", format="latex")
            parent = node.parent
            index = parent.index(node)
            parent.insert(index + 1, end)
            parent.insert(index, begin)


def setup(app):
    app.add_post_transform(DocTitlesInHandouts)
    app.add_post_transform(SolutionsForLaTeX)
    app.connect("builder-inited", _load)
    app.connect("env-get-outdated", _outdated)
    app.connect("html-page-context", _buttons, priority=510)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
