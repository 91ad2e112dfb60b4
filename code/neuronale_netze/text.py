"""Zahlen für den Fließtext: deutsches Format und Einfügen per myst-nb ``glue``.

Im Kapitel: ``glue_de("l_hat", l_hat, digits=3)`` und im Text ``{glue:md}`l_hat```.
"""

import math

SUPERSCRIPT_SWITCH = 1e-3


def format_de(x, digits=3, sci=None):
    """Zahl mit Dezimalkomma als MyST-Markdown; sehr kleine/große Zahlen als ``a·10^b``.

    ``digits`` ist die Anzahl der Nachkommastellen (bzw. der Mantisse); ganze Zahlen
    (``int``) werden ohne Nachkommastellen geschrieben.
    """
    if isinstance(x, bool):
        raise ValueError(f"x must be a number, got {x!r}")
    if isinstance(x, int):
        return f"{x:,}".replace(",", "\u202f")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"x must be finite, got {x!r}")
    if sci is None:
        sci = x != 0 and (abs(x) < SUPERSCRIPT_SWITCH or abs(x) >= 1e5)
    if sci:
        mantissa, exponent = f"{x:.{digits}e}".split("e")
        return f"${mantissa.replace('.', '{,}')}\\cdot 10^{{{int(exponent)}}}$"
    return f"{x:.{digits}f}".replace(".", ",").replace("-", "\u2212")


def glue_de(name, x, digits=3, sci=None):
    """Klebt ``x`` im deutschen Format unter ``name`` ein (für ``{glue:md}`name```)."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(format_de(x, digits, sci)), display=False)
