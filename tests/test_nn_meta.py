"""The Sphinx extension that writes each page's meta description (_ext/nn_meta.py)."""

import importlib.util

from docutils import nodes
from docutils.core import publish_doctree

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("nn_meta", ROOT / "_ext" / "nn_meta.py")
nn_meta = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nn_meta)


def doctree(rst):
    return publish_doctree(rst, settings_overrides={"doctitle_xform": False,
                                                    "report_level": 5})


PAGE = """\
Titel
=====

kleiner Anfang, der mitten in einem Satz nach einer Formel weitergeht und lang genug ist.

Ein Satz mit :math:`\\frac{1}{2}` wird übergangen, weil die Formel als Text keinen Sinn ergibt.

Ein Netz ist eine Modellfunktion :math:`g(x, w)`, die einen Input :math:`x` abbildet.

Ein späterer Absatz wird nicht mehr gebraucht.

Unterabschnitt
--------------

Ein Absatz im Unterabschnitt, lang genug, aber nicht mehr in der Einleitung.
"""


def test_first_whole_sentence_of_the_introduction():
    assert nn_meta.description(doctree(PAGE), "Titel", "Buch") == (
        "Ein Netz ist eine Modellfunktion g(x, w), die einen Input x abbildet.")


def test_no_suitable_paragraph_gives_title_and_book():
    page = "Titel\n=====\n\nZu kurz.\n\nUnter\n-----\n\nEin Absatz im Unterabschnitt, lang genug.\n"
    assert nn_meta.description(doctree(page), "1.4 Titel", "Buch") == "1.4 Titel – Buch"


def test_long_paragraph_is_cut_at_a_word():
    words = "Ein sehr langer Absatz " + "mit vielen Wörtern " * 20 + "am Ende."
    text = nn_meta.description(doctree(f"Titel\n=====\n\n{words}\n"), "T", "B")
    assert len(text) <= nn_meta.MAX_CHARS and text.endswith("Wörtern…")
    assert words.startswith(text[:-1])


def test_wallclock_values_are_left_out():
    paragraph = nodes.paragraph("", "", nodes.Text("Die Ausführung dauerte "),
                                nodes.inline("", "3,2 s", classes=["wallclock"]),
                                nodes.Text(" auf dieser Maschine, mehr oder weniger."))
    assert nn_meta.prose(paragraph) == (
        "Die Ausführung dauerte auf dieser Maschine, mehr oder weniger.")
