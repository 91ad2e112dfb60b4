"""Sphinx extension: every notebook page offers its chapter as a clean ``.ipynb`` download.

sphinx-book-theme lists ``.ipynb`` in the download menu only when launch buttons are configured,
and it copies myst-nb's ``jupyter_execute/<page>.ipynb`` for it. With ``execute_notebooks: cache``
that file has outputs after a fresh execution but none when the outputs came from the cache, so
the download depended on the state of the cache. Here the menu entry is always there and the
file is always the same: the chapter's MyST source converted with jupytext, without outputs
(a *clean* notebook; the same notebook the Binder button opens), with stable cell ids.
"""

from pathlib import Path

import jupytext
import nbformat


def clean_notebook(source):
    """The notebook of a MyST/ipynb source as ``nbformat`` JSON text, without outputs."""
    nb = jupytext.read(source)
    nb.metadata.pop("jupytext", None)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def _is_notebook(app, pagename):
    return "kernelspec" in app.env.metadata.get(pagename, {})


def offer_download(app, pagename, templatename, context, doctree):
    """Before the theme builds its buttons: name the .ipynb for the download menu."""
    if _is_notebook(app, pagename):
        context["ipynb_source"] = pagename + ".ipynb"


def write_notebook(app, pagename, templatename, context, doctree):
    """After the theme (which may have copied myst-nb's notebook there): write the clean one."""
    if not _is_notebook(app, pagename):
        return
    source = Path(app.env.doc2path(pagename))
    target = Path(app.outdir, "_sources", pagename + ".ipynb")
    text = clean_notebook(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def setup(app):
    # sphinx-book-theme adds its launch and download buttons at priority 501
    app.connect("html-page-context", offer_download, priority=400)
    app.connect("html-page-context", write_notebook, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
