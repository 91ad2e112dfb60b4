"""Sphinx extension: the site's metadata and the German wording of what the theme and pybtex add.

- **Site address.** ``html_baseurl`` and ``ogp_site_url`` (OpenGraph, ``sphinxext-opengraph``)
  are derived from the one repository setting of ``_config.yml`` (``repository: url``): the
  GitHub Pages address ``https://<owner>.github.io/<name>/``. A fork changes the repository
  setting only. An explicit ``html_baseurl`` wins.
- **Buttons.** sphinx-book-theme labels the issue and edit buttons "Open issue" and "Suggest
  edit" (its German catalogue has no entry for them), their menu "Source repositories", and
  fills the new issue with English text. Here they become „Fehler melden“ and „Seite
  bearbeiten“ in the menu „Repository“, and the issue is titled with the page.
- **OpenGraph description** without display formulas, TeX commands, footnote numbers and
  wall-clock values.
- **sphinx-proof boxes.** Its LaTeX titles are translated with its own catalogue („Satz“, as
  in HTML) and numbered in handouts too, a reference to a box in another chapter prints
  „Satz 1“ in a handout too (not the bare label); the unique id of each box's body comes from
  ``_ext/nn_exercises.py``, which does the same for the exercises.
- **Phone layout.** ``_assets/phone/nn-phone.css`` on every page.
- **Bibliography.** The pybtex style ``nnde``: pybtex's ``unsrt`` with German words („und“,
  „Hrsg.“, „S.“, „Bd.“, „u. a.“), titles as written in ``references.bib``, DOIs as links.
  myst-parser 3's false "no footnote definition" warning for ``{footcite}`` is filtered (only
  that one). In LaTeX, the footnote marks of a citation of several works get a comma between
  them („1,2“, not „12“).
"""

import logging
from pathlib import Path
from urllib.parse import quote, urlparse

from docutils import nodes
from pybtex.plugin import register_plugin
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.formatting.unsrt import date, pages
from pybtex.style.template import (
    FieldIsMissing,
    field,
    first_of,
    href,
    join,
    node,
    optional,
    optional_field,
    sentence,
    tag,
    together,
    words,
)
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

PHONE_CSS_DIR = Path(__file__).resolve().parent.parent / "_assets" / "phone"
SOURCE_GROUP = "source-buttons"
ISSUE_BUTTON = "source-issues-button"
EDIT_BUTTON = "source-edit-button"


def pages_url(repository_url):
    """GitHub Pages address of a GitHub repository URL (``None`` for other hosts)."""
    parsed = urlparse(repository_url or "")
    parts = [p for p in parsed.path.split("/") if p]
    if parsed.hostname != "github.com" or len(parts) < 2:
        return None
    owner, name = parts[0].lower(), parts[1].removesuffix(".git")
    if name.lower() == f"{owner}.github.io":
        return f"https://{owner}.github.io/"
    return f"https://{owner}.github.io/{name}/"


def add_phone_css(app, config):
    """``_assets/phone/nn-phone.css`` on every page (phone layout, see the file)."""
    config.html_static_path = [*config.html_static_path, str(PHONE_CSS_DIR)]
    app.add_css_file("nn-phone.css")


def set_site_url(app, config):
    theme_options = config.html_theme_options or {}
    url = config.html_baseurl or pages_url(theme_options.get("repository_url"))
    if url:
        config.html_baseurl = url
        if not getattr(config, "ogp_site_url", None):
            config.ogp_site_url = url


def german_buttons(app, pagename, templatename, context, doctree):
    """Relabel the theme's issue/edit buttons; the issue names the page in its title."""
    page = f"{pagename}.html"
    title = quote(f"Fehler auf der Seite {page}")
    body = quote(f"Seite: {page}\n\nWas ist falsch, und was wäre richtig?\n")

    def fix(buttons):
        for button in buttons:
            fix(button.get("buttons", []))
            if button.get("label") == ISSUE_BUTTON:
                button["text"] = button["tooltip"] = "Fehler melden"
                base = button["url"].split("/issues/new", 1)[0]
                button["url"] = f"{base}/issues/new?title={title}&body={body}"
            elif button.get("label") == EDIT_BUTTON:
                button["text"] = button["tooltip"] = "Seite bearbeiten"
            elif button.get("label") == SOURCE_GROUP:  # the menu around them
                button["tooltip"] = "Repository"

    fix(context.get("header_buttons", []))


@node
def names_de(children, context, role, **kwargs):
    """Names joined with „und“; a trailing ``and others`` of the ``.bib`` file reads „u. a.“."""
    if children:
        raise ValueError(children)
    try:
        persons = list(context["entry"].persons[role])
    except KeyError:
        raise FieldIsMissing(role, context["entry"]) from None
    style = context["style"]
    others = len(persons) > 1 and str(persons[-1]) == "others"
    shown = persons[:-1] if others else persons
    formatted = [style.format_name(p, style.abbreviate_names) for p in shown]
    if others:
        return join(sep=" ")[join(sep=", ")[formatted], "u. a."].format_data(context)
    return join(sep=", ", sep2=" und ", last_sep=" und ")[formatted].format_data(context)


def og_description_without_markup():
    """sphinxext-opengraph builds the description from the page's text, formulas and footnote
    numbers included ("... Zitat. 1 ... l(w) = \\frac{1}{n+1}..."). Display formulas, footnotes
    and inline formulas with TeX commands are left out; plain inline formulas such as
    ``g(x, w)`` stay. Wall-clock values (class ``wallclock``) are left out too: they differ
    from build to build, and the reproducibility gate masks them in the body only."""
    from sphinxext.opengraph import _description_parser as parser

    visit = parser.DescriptionParser.dispatch_visit
    if getattr(visit, "nn_meta", False):
        return
    skipped = (nodes.math_block, nodes.footnote_reference, nodes.footnote, nodes.target)

    def dispatch_visit(self, node):
        if not self.stop and (
                isinstance(node, skipped)
                or (isinstance(node, nodes.math) and "\\" in node.astext())
                or (isinstance(node, nodes.Element) and "wallclock" in node.get("classes", []))):
            raise nodes.SkipNode
        return visit(self, node)

    dispatch_visit.nn_meta = True
    parser.DescriptionParser.dispatch_visit = dispatch_visit


class FootciteWarningFilter(logging.Filter):
    """myst-parser 3 reports every ``{footcite}`` as a footnote without definition (its check runs
    before sphinxcontrib-bibtex adds the footnotes; fixed in myst-parser 4, executablebooks/
    MyST-Parser#931). Only that message, for labels ``footcite-*``, is dropped; every other
    footnote warning stays."""

    def filter(self, record):
        message = record.getMessage()
        return not ("No footnote definitions found for label: 'footcite-" in message
                    and message.endswith("[myst.footnote]"))


class GermanStyle(UnsrtStyle):
    """pybtex's ``unsrt`` with German words; titles as written in the ``.bib`` file."""

    default_sorting_style = "none"

    def format_names(self, role, as_sentence=True):
        formatted = names_de(role)
        return sentence[formatted] if as_sentence else formatted

    def format_title(self, e, which_field, as_sentence=True):
        formatted = field(which_field)
        return sentence[formatted] if as_sentence else formatted

    def get_article_template(self, e):
        volume_and_pages = first_of[
            optional[join[field("volume"), optional["(", field("number"), ")"], ", ", pages]],
            words["S.", pages],
        ]
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            sentence[tag("em")[field("journal")], optional[volume_and_pages], date],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def format_editor(self, e, as_sentence=True):
        editors = self.format_names("editor", as_sentence=False)
        if "editor" not in e.persons:
            return editors
        result = join(sep=" ")[editors, "(Hrsg.)"]
        return sentence[result] if as_sentence else result

    def format_volume_and_series(self, e, as_sentence=True):
        result = first_of[
            optional[words[together["Bd.", field("volume")],
                           optional[words["von", field("series")]]]],
            optional[words[together["Nr.", field("number")],
                           optional[words["in", field("series")]]]],
            optional_field("series"),
        ]
        return sentence(capfirst=True)[result] if as_sentence else result

    def format_doi(self, e):
        # the DOI as its full link: in the PDF (latex_show_urls = footnote) a link whose text
        # differs from its URL gets a footnote of its own, inside the citation footnote
        url = join["https://doi.org/", field("doi", raw=True)]
        return join["DOI: ", href[url, url]]

    def format_chapter_and_pages(self, e):
        return join(sep=", ")[
            optional[together["Kap.", field("chapter")]],
            optional[together["S.", pages]],
        ]


def german_proof_titles_in_latex(app):
    """sphinx-proof translates its box titles („Satz 3“) in HTML only; the LaTeX writer prints
    the English type ("Theorem 3"). Its LaTeX ``depart`` functions are wrapped so that the
    title the original inserted is translated with sphinx-proof's own catalogue."""
    try:
        from sphinx_proof import MESSAGE_CATALOG_NAME
        from sphinx_proof import nodes as proof_nodes
    except ImportError:
        return
    from sphinx.locale import get_translation
    from sphinx.writers.latex import LaTeXTranslator

    translate = get_translation(MESSAGE_CATALOG_NAME)
    handlers = app.registry.translation_handlers.get("latex", {})

    def wrap(depart):
        def german_depart(self, node):
            depart(self, node)
            if not isinstance(self, LaTeXTranslator):
                return
            english = node.attributes.get("realtype", "").title()
            idx = proof_nodes.list_rindex(self.body, proof_nodes.latex_admonition_start) + 2
            if not english or not self.body[idx].startswith(english):
                return
            title = translate(english)
            if depart is proof_nodes.depart_enumerable_node:
                # the number of the box in its document (its own lookup finds no document in
                # a handout, whose root is the page itself, and prints no number there)
                numbers = self.builder.env.toc_fignumbers.get(self.curfilestack[-1], {})
                ids = node.attributes.get("ids", [""])
                number = numbers.get(node.attributes.get("countertype", ""), {}).get(ids[0])
                if number:
                    title += " " + ".".join(map(str, number))
            self.body[idx] = title
        return german_depart

    theirs = (proof_nodes.depart_enumerable_node, proof_nodes.depart_unenumerable_node)
    for name, (visit, depart) in list(handlers.items()):
        if depart in theirs:
            handlers[name] = (visit, wrap(depart))


class ProofRefsOutsideTheDocument(SphinxPostTransform):
    """LaTeX: in a handout, a ``{prf:ref}`` to a box of another chapter has no target (the
    LaTeX builder raises ``NoUri``), and Sphinx would print the bare label
    (``satz-nicht-konvex``). It becomes the text the book prints, type and number („Satz 1“),
    without a link; a reference with its own text keeps that text."""

    default_priority = 5  # before Sphinx's ReferencesResolver (10)
    formats = ("latex",)

    def run(self, **kwargs):
        try:
            from sphinx_proof import MESSAGE_CATALOG_NAME
        except ImportError:
            return
        from sphinx.locale import get_translation

        translate = get_translation(MESSAGE_CATALOG_NAME)
        boxes = getattr(self.env, "proof_list", {})
        inside = getattr(self.app.builder, "docnames", set())
        for ref in list(self.document.findall(addnodes.pending_xref)):
            box = boxes.get(ref.get("reftarget")) if ref.get("refdomain") == "prf" else None
            if box is None or box["docname"] in inside:
                continue
            text = ref.astext()
            if ref["reftarget"] in text:  # no text of its own: „Satz 1“ as sphinx-proof does
                numbers = self.env.toc_fignumbers.get(box["docname"], {})
                number = numbers.get(box["countertype"], {}).get(ref["reftarget"], ())
                text = f"{translate(box['realtype'].title())} {'.'.join(map(str, number))}"
            ref.replace_self(nodes.inline(text.strip(), text.strip()))


class CommaBetweenFootnoteMarks(SphinxPostTransform):
    """LaTeX: ``{footcite}`a,b``` puts two footnote marks side by side, and the marks 1 and 2
    print as „12“. A superscript comma goes between adjacent marks („1,2“), as in print."""

    default_priority = 5  # before Sphinx's LaTeXFootnoteTransform (600)
    formats = ("latex",)

    def run(self, **kwargs):
        for ref in list(self.document.findall(nodes.footnote_reference)):
            following = ref.next_node(descend=False, siblings=True)
            if isinstance(following, nodes.footnote_reference):
                ref.parent.insert(ref.parent.index(ref) + 1, nodes.superscript(",", ","))


def setup(app):
    register_plugin("pybtex.style.formatting", "nnde", GermanStyle)
    # before Sphinx's own filters (warning suppression, -W), on every handler of its logger
    for handler in logging.getLogger("sphinx").handlers:
        handler.filters.insert(0, FootciteWarningFilter())
    app.connect("config-inited", set_site_url, priority=900)
    app.connect("config-inited", add_phone_css)
    og_description_without_markup()
    app.connect("builder-inited", german_proof_titles_in_latex)
    app.add_post_transform(ProofRefsOutsideTheDocument)
    app.add_post_transform(CommaBetweenFootnoteMarks)
    app.connect("html-page-context", german_buttons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
