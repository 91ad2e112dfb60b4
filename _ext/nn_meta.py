"""Sphinx extension: a ``<meta name="description">`` on every page, taken from the page itself.

Search engines show it under the link (Lighthouse's SEO audit ``meta-description`` asks for
it). The description is the first paragraph of the page's introduction (the paragraphs of the
first section before its first subsection, outside code cells) that is whole sentences (starts
with a capital, ends with ``.``, ``!``, ``?`` or ``:``) of at least 40 characters, cut at a word
boundary after at most 160 characters. Formulas may appear only if their TeX reads as plain
text (``g(x, w)``, ``x``); a paragraph with any other formula is passed over. Wall-clock
values (they differ between builds) are left out. A page without such a paragraph gets its
title and the book's title.
"""

import html
import re

from docutils import nodes

MIN_CHARS = 40
MAX_CHARS = 160
PLAIN_TEX = re.compile(r"[A-Za-z0-9 (),.+=-]+")


def _wallclock(node):
    while node is not None:
        if isinstance(node, nodes.Element) and "wallclock" in node.get("classes", []):
            return True
        node = node.parent
    return False


def prose(paragraph):
    """The text of a paragraph, or None if a formula in it does not read as plain text."""
    parts = []
    for text in paragraph.findall(nodes.Text):
        if isinstance(text.parent, nodes.math) and not PLAIN_TEX.fullmatch(text.astext()):
            return None
        if isinstance(text.parent, nodes.raw) or _wallclock(text.parent):
            continue
        parts.append(text.astext())
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def shorten(text, limit=MAX_CHARS):
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def description(doctree, title, book):
    section = next(iter(doctree.findall(nodes.section)), None)
    for child in (section.children if section is not None else []):
        if isinstance(child, nodes.section):
            break
        if isinstance(child, nodes.paragraph):
            text = prose(child)
            if text and len(text) >= MIN_CHARS and text[0].isupper() and text[-1] in ".!?:":
                return shorten(text)
    return f"{title} – {book}"


def add_description(app, pagename, templatename, context, doctree):
    if doctree is None:
        return
    title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title", "")))
    text = description(doctree, title, app.config.html_title)
    context["metatags"] = (context.get("metatags", "")
                           + f'\n<meta name="description" content="{html.escape(text)}" />')


def setup(app):
    app.connect("html-page-context", add_description)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
