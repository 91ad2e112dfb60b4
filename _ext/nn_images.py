"""Sphinx extension: SVG figures get their size; all but the first on a page load lazily.

The figures are SVG files that Sphinx writes as ``<img src="../_images/….svg">`` without
``width``/``height``: the browser learns their size only when the file has arrived and then
moves the text below them (Lighthouse: "Cumulative Layout Shift", "unsized images"). Here each
such ``<img>`` gets ``width``/``height`` in CSS pixels from the ``width``/``height`` of the SVG
itself (matplotlib writes them in pt; 1 pt = 4/3 px), so it is shown at exactly the size it had
before and the theme's ``max-width: 100%`` still scales it down on a phone. Every figure after
the first on a page also gets ``loading="lazy"``: a phone loads it when it scrolls near it.
"""

import posixpath
import re
from pathlib import Path

IMG = re.compile(r"<img\b[^>]*>")
SRC = re.compile(r'\bsrc="([^"]+)"')
SVG_TAG = re.compile(rb"<svg\b[^>]*>")
LENGTH = {"pt": 4 / 3, "px": 1.0, "": 1.0}


def svg_size(path):
    """(width, height) in CSS pixels from the root element of an SVG file, or None."""
    with open(path, "rb") as f:
        tag = SVG_TAG.search(f.read(4096))
    if tag is None:
        return None
    size = []
    for attr in (b"width", b"height"):
        m = re.search(rb"\s" + attr + rb'="([0-9.]+)(pt|px|)"', tag.group())
        if m is None:
            return None
        size.append(round(float(m.group(1)) * LENGTH[m.group(2).decode()]))
    return tuple(size)


def sized_images(body, sources):
    """``body`` with width/height (and ``loading="lazy"`` after the first) on known SVG images.

    ``sources`` maps an image's file name in ``_images/`` to its source file.
    """
    count = 0

    def fix(match):
        nonlocal count
        tag = match.group()
        src = SRC.search(tag)
        name = posixpath.basename(src.group(1)) if src else ""
        if not name.endswith(".svg") or name not in sources or re.search(r"\s(width|height)=", tag):
            return tag
        size = svg_size(sources[name])
        if size is None:
            return tag
        count += 1
        extra = f' width="{size[0]}" height="{size[1]}"'
        if count > 1:
            extra += ' loading="lazy"'
        end = -2 if tag.endswith("/>") else -1
        return tag[:end].rstrip() + extra + " " + tag[end:]

    return IMG.sub(fix, body)


def add_sizes(app, pagename, templatename, context, doctree):
    if not context.get("body"):
        return
    sources = {dest: Path(app.srcdir, src) for src, dest in app.builder.images.items()}
    context["body"] = sized_images(context["body"], sources)


def setup(app):
    app.connect("html-page-context", add_sizes)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
