"""Zahlen für den Fließtext: deutsches Format und Einfügen per myst-nb ``glue``.

Im Kapitel: ``glue_de("l_hat", l_hat, digits=3)`` und im Text ``{glue:md}`l_hat```.
"""

from ._checks import check_real

SUPERSCRIPT_SWITCH = 1e-3
WALLCLOCK_PREFIX = "time_"
"""Glue-Schlüssel mit diesem Präfix sind Wanduhr-Messungen (``<span class="wallclock">``)."""


def format_de(x, digits=3, sci=None):
    """Zahl mit Dezimalkomma als MyST-Markdown; sehr kleine/große Zahlen als ``a·10^b``.

    ``digits`` ist die Anzahl der Nachkommastellen (bzw. der Mantisse); ganze Zahlen
    (``int``) werden ohne Nachkommastellen geschrieben.
    """
    if isinstance(x, int) and not isinstance(x, bool):
        return f"{x:,}".replace(",", "\u202f")
    x = check_real(x, "x")
    if sci is None:
        sci = x != 0 and (abs(x) < SUPERSCRIPT_SWITCH or abs(x) >= 1e5)
    if sci:
        mantissa, exponent = f"{x:.{digits}e}".split("e")
        return f"${mantissa.replace('.', '{,}')}\\cdot 10^{{{int(exponent)}}}$"
    return f"{x:.{digits}f}".replace(".", ",").replace("-", "\u2212")


def markdown_de(name, x, digits=3, sci=None):
    """Das MyST-Markdown, das ``glue_de`` unter ``name`` einklebt.

    Schlüssel mit dem Präfix ``time_`` sind Laufzeitmessungen (Wanduhrzeit): ihr Wert wird
    in ``[…]{.wallclock}`` gesetzt, also ``<span class="wallclock">`` auf der Seite. Nur diese
    Werte dürfen sich zwischen zwei Builds unterscheiden; der Reproduzierbarkeitstest
    (``tests/test_reproducible.py``) maskiert genau diese Spans.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    md = format_de(x, digits, sci)
    if name.startswith(WALLCLOCK_PREFIX):
        md = f"[{md}]{{.wallclock}}"
    return md


def glue_de(name, x, digits=3, sci=None):
    """Klebt ``x`` im deutschen Format unter ``name`` ein (für ``{glue:md}`name```).

    Laufzeiten unter ``time_…`` (siehe ``markdown_de`` und ``glue_time``).
    """
    _glue_markdown(name, markdown_de(name, x, digits, sci))


def glue_vec(name, w, digits=4):
    """Klebt einen Vektor als Formel ``(a; b; …)`` im deutschen Zahlformat ein.

    In der Formel steht das Dezimalkomma als ``{,}``: Ein bloßes Komma setzt TeX (und
    MathJax) als Satzzeichen, mit Abstand danach.
    """
    text = "; ".join(format_de(float(v), digits, sci=False).replace(",", "{,}") for v in w)
    _glue_markdown(name, f"$({text})$")


def _glue_markdown(name, md):
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(md), display=False)


def glue_time(name, seconds, digits=2):
    """Klebt eine gemessene Laufzeit in Sekunden ein; ``name`` muss mit ``time_`` beginnen."""
    if not isinstance(name, str) or not name.startswith(WALLCLOCK_PREFIX):
        raise ValueError(f"name must start with {WALLCLOCK_PREFIX!r}, got {name!r}")
    glue_de(name, check_real(seconds, "seconds", 0, strict=False), digits=digits, sci=False)
