"""Sphinx extension: the theme's icons as inline SVG in CSS instead of Font Awesome's JavaScript.

pydata-sphinx-theme loads ``fontawesome.js`` (1.4 MB, every Font Awesome icon) on every page to
replace each ``<i class="fa-solid fa-…">`` (or ``<span …>``) by an SVG; without it the theme's
CSS would draw the icons with the icon webfonts (270 KB). The site shows about twenty icons, so:

1. ``_templates/static/webpack-macros.html`` (a copy of the theme's file without the
   ``fontawesome.js`` line) takes the script off every page.
2. After the build this extension collects the icon classes the pages use (``fa-bars``,
   ``fa-rocket``, …, with their style ``fa-solid``/``fa-regular``/``fa-brands``), takes each
   icon's outline from the theme's own ``fontawesome.js`` (same glyphs, same version) and
   writes rules after ``_assets/site.css`` into ``_static/nn-site.css``: every icon becomes the
   ``::before`` box of its ``<i>``, painted in the text colour (``currentColor``, so dark mode
   works) through an SVG mask given as a ``data:`` URL. The icons the theme's CSS puts into
   admonition titles are drawn the same way. No request for an icon, no webfont download.

An icon class on a page whose outline is not in ``fontawesome.js`` fails the build.
"""

import re
from pathlib import Path
from urllib.parse import quote

from sphinx.errors import ExtensionError

CSS_FILE = "nn-site.css"  # _assets/site.css, then the icon rules
SITE_CSS = Path(__file__).resolve().parent.parent / "_assets" / "site.css"
# the style classes of an <i>, mapped to the Font Awesome pack that holds the outline
STYLES = {"fa-solid": "fas", "fas": "fas", "fa-regular": "far", "far": "far",
          "fa-brands": "fab", "fab": "fab"}
ICON_CLASSES = re.compile(r'<[a-z]+\b[^>]*\bclass="([^"]*\bfa-[^"]*)"')
# one pack in fontawesome.js: ...var p={name:[w,h,[aliases],"unicode","path"],...} ... d("fas",p)
PACK_END = re.compile(r'd\("(fa[bsr])",p\)')
ICON = re.compile(
    r'(?:"([a-z0-9-]+)"|([a-z0-9]+)):\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]+","([^"]+)"\]')
# old names of an icon in its alias list (e.g. pencil: [..., "pencil-alt"]), which templates use
ALIAS = re.compile(r'"([a-z0-9-]+)"')
# the icon the theme's CSS puts into the title of each kind of admonition (pydata-sphinx-theme
# 0.17: --pst-icon-admonition-*), drawn with the solid webfont
ADMONITION_ICONS = {
    "admonition": "bell", "note": "circle-info", "attention": "circle-exclamation",
    "important": "circle-exclamation", "caution": "triangle-exclamation",
    "warning": "triangle-exclamation", "danger": "triangle-exclamation", "error": "circle-xmark",
    "hint": "lightbulb", "tip": "lightbulb", "seealso": "share", "todo": "pencil",
}
ADMONITION_CLASSES = re.compile(r'<div\b[^>]*\bclass="([^"]*\badmonition\b[^"]*)"')
# modifiers of the theme's CSS that are no icons
NOT_ICONS = {"fa-lg", "fa-xs", "fa-sm", "fa-fw", "fa-2x", "fa-3x", "fa-spin", "fa-classic"}


def icon_packs(fontawesome_js):
    """{pack: {name: (width, height, path)}} from the theme's fontawesome.js."""
    packs, start = {}, 0
    for end in PACK_END.finditer(fontawesome_js):
        body = fontawesome_js[fontawesome_js.rfind("var p={", start, end.start()):end.start()]
        icons = {}
        for m in ICON.finditer(body):
            outline = (int(m.group(3)), int(m.group(4)), m.group(6))
            for name in [m.group(1) or m.group(2), *ALIAS.findall(m.group(5))]:
                icons[name] = outline
        packs[end.group(1)] = icons
        start = end.end()
    if set(packs) != {"fab", "far", "fas"} or not all(packs.values()):
        raise ExtensionError("nn_icons: unexpected structure of fontawesome.js")
    return packs


def used_icons(html_files):
    """{(pack, name)} of every element ``class="fa-… fa-NAME"`` in the pages."""
    used = set()
    for path in html_files:
        for classes in ICON_CLASSES.findall(path.read_text(encoding="utf-8")):
            names = classes.split()
            pack = next((STYLES[c] for c in names if c in STYLES), "fas")
            used |= {(pack, c[3:]) for c in names
                     if c.startswith("fa-") and c not in STYLES and c not in NOT_ICONS}
    return used


def used_admonitions(html_files):
    """The kinds (``note``, ``warning``, ...; ``admonition`` for a plain one) in the pages."""
    kinds = set()
    for path in html_files:
        for classes in ADMONITION_CLASSES.findall(path.read_text(encoding="utf-8")):
            names = [c for c in classes.split() if c in ADMONITION_ICONS]
            kinds.add(next((c for c in names if c != "admonition"), "admonition"))
    return kinds


def _mask(packs, pack, name):
    if name not in packs[pack]:
        raise ExtensionError(f"nn_icons: icon fa-{name} ({pack}) is not in fontawesome.js")
    width, height, path = packs[pack][name]
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'>"
           f"<path d='{path}'/></svg>")
    return width / height, "data:image/svg+xml," + quote(svg, safe=" /:=',.-")


def icon_css(packs, used, admonitions=()):
    rules = [
        "/* Font Awesome Free icons (CC BY 4.0, fontawesome.com) as CSS masks; written by "
        "_ext/nn_icons.py */",
        '.fa::before,.fa-solid::before,.fa-regular::before,.fa-brands::before,.fas::before,'
        '.far::before,.fab::before{content:"";display:inline-block;height:1em;'
        "vertical-align:-.125em;background-color:currentColor;"
        "-webkit-mask:var(--nn-icon) center/contain no-repeat;"
        "mask:var(--nn-icon) center/contain no-repeat}",
        # an <i> in the icon font makes Chrome download that font even though it draws no glyph
        ".fa,.fa-solid,.fa-regular,.fa-brands,.fas,.far,.fab{font-family:inherit}",
    ]
    for pack, name in sorted(used):
        ratio, url = _mask(packs, pack, name)
        style = {"fas": ".fa-solid,.fas", "far": ".fa-regular,.far", "fab": ".fa-brands,.fab"}
        selector = ",".join(f"{s}.fa-{name}::before" for s in style[pack].split(","))
        rules.append(f'{selector}{{width:{ratio:.4g}em;--nn-icon:url("{url}")}}')
    for kind in sorted(admonitions):
        # the theme's box (position, 1rem square, colour) stays; only the glyph changes
        _, url = _mask(packs, "fas", ADMONITION_ICONS[kind])
        cls = "" if kind == "admonition" else f".{kind}"
        rules.append(f"div.admonition{cls}>.admonition-title::after{{content:\"\";"
                     "font-family:inherit;background-color:currentColor;"
                     f'-webkit-mask:url("{url}") center/contain no-repeat;'
                     f'mask:url("{url}") center/contain no-repeat}}')
    return "\n".join(rules) + "\n"


def builder_inited(app):
    if app.builder.format == "html":
        app.add_css_file(CSS_FILE)


def write_css(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    js = out / "_static" / "scripts" / "fontawesome.js"
    packs = icon_packs(js.read_text(encoding="utf-8"))
    pages = sorted(out.rglob("*.html"))
    css = icon_css(packs, used_icons(pages), used_admonitions(pages))
    site = SITE_CSS.read_text(encoding="utf-8")
    (out / "_static" / CSS_FILE).write_text(site + "\n" + css, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", builder_inited)
    app.connect("build-finished", write_css)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
