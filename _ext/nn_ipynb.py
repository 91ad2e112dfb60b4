"""Sphinx extension: every notebook page offers its chapter as a clean ``.ipynb`` download.

The download is the *student notebook*: the exercises stay in, the solutions (everything between
the gated ``solution-start`` and ``solution-end`` directives of sphinx-exercise, text and code
cells) are taken out, and where a solution had code an empty code cell "# Ihre Lösung" takes its
place. Binder opens the full chapter (``chapters/<name>.md``), solutions included.

sphinx-book-theme lists ``.ipynb`` in the download menu only when launch buttons are configured,
and it copies myst-nb's ``jupyter_execute/<page>.ipynb`` for it. With ``execute_notebooks: cache``
that file has outputs after a fresh execution but none when the outputs came from the cache, so
the download depended on the state of the cache. Here the menu entry is always there and the
file is always the same: the chapter's MyST source converted with jupytext, without outputs
(a *clean* notebook; the same notebook the Binder button opens), with stable cell ids.
"""

import re
from pathlib import Path

import jupytext
import nbformat

# the gated directives of sphinx-exercise, each a fenced block of its own (options included)
SOLUTION_START = re.compile(r"^(`{3,})\{solution-start\}.*?^\1[ \t]*$\n?", re.M | re.S)
SOLUTION_END = re.compile(r"^(`{3,})\{solution-end\}[ \t]*\n.*?^\1[ \t]*$\n?", re.M | re.S)
PLACEHOLDER = "# Ihre Lösung"


def student_cells(cells):
    """The cells without the solutions; an empty "# Ihre Lösung" cell replaces solution code.

    A solution starts inside a Markdown cell (after the exercise text) and ends inside a later
    Markdown cell (before the next exercise); the cells in between are part of it.
    """
    out, inside, had_code = [], False, False

    def markdown(text):
        if text.strip():
            out.append(nbformat.v4.new_markdown_cell(text.strip("\n")))

    for cell in cells:
        if cell.cell_type != "markdown":
            if inside:
                had_code = had_code or cell.cell_type == "code"
            else:
                out.append(cell)
            continue
        text, pos, kept = cell.source, 0, []
        while True:
            if not inside:
                match = SOLUTION_START.search(text, pos)
                if match is None:
                    kept.append(text[pos:])
                    break
                kept.append(text[pos:match.start()])
                inside, had_code, pos = True, False, match.end()
            else:
                match = SOLUTION_END.search(text, pos)
                if match is None:
                    break
                inside, pos = False, match.end()
                if had_code:
                    markdown("".join(kept))
                    kept = []
                    out.append(nbformat.v4.new_code_cell(PLACEHOLDER))
        if "".join(kept) == text:
            out.append(cell)
        else:
            markdown("".join(kept))
    if inside:
        raise ValueError("solution-start without solution-end")
    return out


def clean_notebook(source):
    """The student notebook of a MyST/ipynb source as ``nbformat`` JSON text: no outputs,
    no solutions (see :func:`student_cells`)."""
    nb = jupytext.read(source)
    nb.metadata.pop("jupytext", None)
    nb.cells = student_cells(nb.cells)
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
