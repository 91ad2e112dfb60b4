"""Abbildungen des Kurses: ein Stil, eine Funktion je Art von Abbildung.

Jede Funktion zeichnet in eine übergebene Achse ``ax`` und setzt keinen Titel;
Bildunterschriften stehen in den Metadaten der Kapitelzellen.
"""

from importlib import resources

import matplotlib.pyplot as plt
import matplotlib.scale as mscale
import numpy as np
from matplotlib import ticker

from . import model
from ._checks import check_values

STYLE = resources.files(__package__) / "neuronale_netze.mplstyle"
X_PLOT = np.linspace(-0.25, 1.25, 301).reshape(-1, 1)
"""Auswertungspunkte für Modellkurven: das Datenintervall [0, 1] mit Rand."""


def use_style():
    """Aktiviert den Kursstil; in Jupyter zusätzlich SVG als einzige Ausgabe der Abbildungen.

    Nur SVG: Jede weitere Ausgabe (etwa PDF für den Druck) würde jede Abbildung ein zweites Mal
    zeichnen. Die PDFs des Buchs wandeln die SVGs beim LaTeX-Build um (``rsvg-convert``).

    Die Tick-Beschriftungen aller danach erzeugten Achsen (linear, logarithmisch, symlog,
    auch 3D) tragen ein Dezimalkomma: unabhängig von der Locale des Systems, die es auf
    Binder nicht deutsch gibt.
    """
    plt.style.use(str(STYLE))
    for scale in GERMAN_SCALES:
        mscale.register_scale(scale)
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - plain Python without IPython
        return
    if get_ipython() is not None:
        set_matplotlib_formats("svg")


def decimal_comma(text):
    """Eine Tick-Beschriftung mit Dezimalkomma; in Mathtext als ``{,}`` (ohne Abstand danach)."""
    return text.replace(".", "{,}" if "$" in text else ",")


class _DecimalComma:
    """Für matplotlibs Tick-Formatter: dieselbe Beschriftung, mit Dezimalkomma."""

    def __call__(self, x, pos=None):
        return decimal_comma(super().__call__(x, pos))

    def get_offset(self):
        return decimal_comma(super().get_offset())


class ScalarFormatterDE(_DecimalComma, ticker.ScalarFormatter):
    """``ScalarFormatter`` (lineare Achsen) mit Dezimalkomma."""


class LogFormatterDE(_DecimalComma, ticker.LogFormatterSciNotation):
    """``LogFormatterSciNotation`` (log- und symlog-Achsen) mit Dezimalkomma."""


def _german_scale(scale, major, minor=None):
    """Die Skala ``scale`` von matplotlib mit den Formattern ``major(s)``/``minor(s)``."""

    class GermanScale(scale):
        def __init__(self, **kwargs):  # ohne den Parameter axis, den matplotlib abkündigt
            super().__init__(None, **kwargs)

        def set_default_locators_and_formatters(self, axis):
            super().set_default_locators_and_formatters(axis)
            axis.set_major_formatter(major(self))
            if minor is not None:
                axis.set_minor_formatter(minor(self))

    GermanScale.__name__ = GermanScale.__qualname__ = f"{scale.__name__}DE"
    return GermanScale


GERMAN_SCALES = (
    _german_scale(mscale.LinearScale, lambda s: ScalarFormatterDE()),
    _german_scale(mscale.LogScale, lambda s: LogFormatterDE(s.base),
                  lambda s: LogFormatterDE(s.base, labelOnlyBase=s.subs is not None)),
    _german_scale(mscale.SymmetricalLogScale, lambda s: LogFormatterDE(s.base)),
)
"""Die Skalen ``linear``, ``log`` und ``symlog`` mit Dezimalkomma; ``use_style`` meldet sie an."""


def plot_data(ax, X, y, **kwargs):
    """Die Trainingsdaten als Punkte."""
    kwargs.setdefault("color", "C0")
    kwargs.setdefault("label", "Daten")
    ax.plot(X[:, 0], y, "o", **kwargs)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")


def plot_fit(ax, X, y, w, label="$g(x, w)$", color="C1", x_plot=X_PLOT):
    """Trainingsdaten und die Modellkurve g(·, w) des Modellproblems (MLP mit k = 1)."""
    plot_mlp_fit(ax, X, y, w, 1, label=label, color=color, x_plot=x_plot)


def plot_mlp_fit(ax, X, y, w, n_hidden, label="$g(x, w)$", color="C1", x_plot=X_PLOT,
                 data=True):
    """Trainingsdaten (wenn ``data``) und die Kurve eines MLP mit ``n_hidden`` Neuronen."""
    if data:
        plot_data(ax, X, y)
    ax.plot(x_plot[:, 0], model.mlp_predict(np.asarray(w, dtype=float), x_plot, n_hidden),
            color=color, label=label)
    ax.legend(loc="upper left")


def plot_loss_curve(ax, losses, label=None, **kwargs):
    """Loss über den Iterationen, logarithmisch (``semilogy``)."""
    losses = check_values(losses, "losses")
    ax.semilogy(np.arange(len(losses)), losses, label=label, **kwargs)
    ax.set_xlabel("Iteration $k$")
    ax.set_ylabel("Loss $l(w^{(k)})$")
    if label is not None:
        ax.legend()


def plot_loss_runs(ax, t, losses, label=None, color="C0", xlabel="Iteration $k$"):
    """Loss-Verläufe vieler Läufe (Zeilen von ``losses``) dünn, ihr Median kräftig.

    ``t`` ist die gemeinsame x-Achse (Iterationen oder Aufwand); y logarithmisch.
    """
    losses = np.atleast_2d(check_values(losses, "losses", positive=True))
    for run in losses:
        ax.semilogy(t, run, color=color, alpha=0.2, linewidth=0.6)
    ax.semilogy(t, np.median(losses, axis=0), color=color, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Loss")
    if label is not None:
        ax.legend()


def plot_curve(ax, t, values, xlabel, ylabel, **kwargs):
    """Eine Funktion einer Variablen, z. B. der Loss entlang einer Strecke."""
    ax.plot(t, values, **kwargs)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def plot_weights(ax, W, labels=None):
    """Die Komponenten der Iterierten ``W`` (Form (K, p)) über den Iterationen k."""
    W = np.asarray(W, dtype=float)
    labels = labels or [f"$w_{{{j + 1}}}$" for j in range(W.shape[1])]
    for j, label in enumerate(labels):
        ax.plot(np.arange(len(W)), W[:, j], label=label)
    ax.set_xlabel("Iteration $k$")
    ax.set_ylabel("$w^{(k)}_j$")
    ax.legend()


def plot_trajectory(ax, W, i=0, j=1, label=None, **kwargs):
    """Projektion der Iterierten ``W`` auf die Ebene (w_i+1, w_j+1); Start ○, Ende ●."""
    W = np.asarray(W, dtype=float)
    (line,) = ax.plot(W[:, i], W[:, j], label=label, **kwargs)
    ax.plot(W[0, i], W[0, j], "o", mfc="white", color=line.get_color())
    ax.plot(W[-1, i], W[-1, j], "o", color=line.get_color())
    ax.set_xlabel(f"$w_{{{i + 1}}}$")
    ax.set_ylabel(f"$w_{{{j + 1}}}$")
    if label is not None:
        ax.legend()


def plot_final_losses(ax, finals, reference=None, reference_label=None):
    """Verteilung von End-Losses über viele Seeds: Boxplot und alle Werte als Punkte.

    ``finals`` ordnet jeder Beschriftung ein Array von Losses zu; ``reference`` zeichnet
    einen Vergleichswert (z. B. den deterministischen Lauf) als waagrechte Linie.
    """
    values = [check_values(v, "finals", positive=True) for v in finals.values()]
    pos = np.arange(1, len(values) + 1)
    ax.boxplot(values, positions=pos, widths=0.5, showfliers=False)
    for p, v in zip(pos, values, strict=True):
        spread = ((np.arange(len(v)) * 0.618034) % 1.0 - 0.5) * 0.35  # deterministisch
        ax.plot(p + spread, v, ".", color="C0", alpha=0.4, markersize=3)
    if reference is not None:
        ax.axhline(reference, color="C1", linestyle="--", label=reference_label)
        if reference_label is not None:
            ax.legend()
    ax.set_xticks(pos, list(finals))
    ax.set_yscale("log")
    ax.set_ylabel("End-Loss")


def plot_ecdf(ax, values, xlabel, label=None, marks=None, xscale="linear", **kwargs):
    """Empirische Verteilungsfunktion: Anteil der Werte ≤ x, z. B. R² über viele Seeds.

    ``marks`` ordnet Beschriftungen einzelne Werte zu (z. B. die Werte der Notizen);
    sie erscheinen als gestrichelte senkrechte Linien. ``xscale`` wie bei matplotlib
    (``"symlog"`` für Werte über viele Größenordnungen mit beiden Vorzeichen).
    """
    v = np.sort(check_values(values, "values"))
    ax.step(v, np.arange(1, v.size + 1) / v.size, where="post", label=label, **kwargs)
    for i, (text, x) in enumerate((marks or {}).items()):
        ax.axvline(x, color=f"C{3 + i}", linestyle="--", linewidth=1, label=text)
    ax.set_xscale(xscale)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Anteil der Seeds")
    if label is not None or marks:
        ax.legend(loc="upper left")


def plot_loss_surface(ax, W1, W3, L, segment=None, zoff=-1.0, levels=20, facets=16):
    """Fläche l(w1, w3) auf einem Gitter mit Höhenlinien auf der Fläche und am Boden.

    ``ax`` ist eine 3D-Achse; ``segment = (L_t, w1_t, w3_t)`` zeichnet den Loss entlang einer
    Strecke (rot) und ihre Projektion auf den Boden. Die Fläche wird mit höchstens
    ``facets`` × ``facets`` Vierecken gezeichnet (die Höhenlinien nutzen das volle Gitter):
    das hält die SVG-Datei klein.
    """
    top = float(np.max(L))
    cc = top * np.linspace(0.0, 1.0, levels) ** 2
    ax.plot_surface(W1, W3, L, alpha=0.5, cmap="jet", linewidth=0, rcount=facets, ccount=facets)
    ax.contour(W1, W3, L, cc, cmap="jet", linewidths=0.6)
    ax.contour(W1, W3, L, cc, zdir="z", offset=zoff, cmap="jet", linewidths=0.6)
    if segment is not None:
        L_t, w1_t, w3_t = segment
        ax.plot(w1_t, w3_t, L_t, color="r", linewidth=2)
        ax.plot(w1_t, w3_t, np.full_like(w1_t, zoff), color="r", linewidth=2)
    ax.set_zlim(zoff, top)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_3$")
    ax.set_zlabel("$l$")
    ax.view_init(elev=20, azim=150)


def plot_network(ax, n_inputs, n_hidden):
    """Schema eines MLP: Input-Layer, eine Hidden-Layer, skalarer Output.

    Gezeichnet werden Knoten für x_1 … x_n, die Neuronen a_1 … a_k und g(x, w),
    je Verbindung ein Pfeil; die Bias-Gewichte stehen als Knoten "1" darüber.
    """
    def column(n, x, with_bias):
        ys = list(np.linspace(1.0, 0.0, n + 2)[1:-1]) if n > 1 else [0.5]
        return [(x, yy) for yy in ys], ((x, 1.12) if with_bias else None)

    inputs, bias1 = column(n_inputs, 0.0, True)
    hidden, bias2 = column(n_hidden, 1.0, True)
    (output,), _ = column(1, 2.0, False)

    def edge(p, q, dashed=False):
        ax.annotate("", xy=q, xytext=p, arrowprops=dict(
            arrowstyle="-|>", color="0.45", lw=0.8, shrinkA=13, shrinkB=13,
            linestyle="--" if dashed else "-"))

    for p in inputs:
        for q in hidden:
            edge(p, q)
    for q in hidden:
        edge(bias1, q, dashed=True)
        edge(q, output)
    edge(bias2, output, dashed=True)

    def node(p, text, color):
        ax.add_patch(plt.Circle(p, 0.09, facecolor=color, edgecolor="0.2", zorder=3))
        ax.text(*p, text, ha="center", va="center", zorder=4)

    for i, p in enumerate(inputs, 1):
        node(p, f"$x_{{{i}}}$", "#cfe2f3")
    for i, p in enumerate(hidden, 1):
        node(p, f"$a_{{{i}}}$", "#fce5cd")
    node(output, "$g$", "#d9ead3")
    node(bias1, "$1$", "white")
    node(bias2, "$1$", "white")
    for x, text in ((0.0, "Input-Layer"), (1.0, "Hidden-Layer"), (2.0, "Output")):
        ax.text(x, -0.12, text, ha="center", va="top")
    ax.set_xlim(-0.3, 2.3)
    ax.set_ylim(-0.25, 1.25)
    ax.set_aspect("equal")
    ax.axis("off")
