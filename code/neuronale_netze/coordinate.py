"""Koordinatenabstieg (Coordinate Descent) mit zufällig gewählter Koordinate.

Es gelten die Konventionen von ``optim``: Rückgabe ist die ganze Folge der Iterierten
(Form ``(n_iter + 1, p)``, ``w0`` in Zeile 0; für einen Stapel von Starts ``(n_iter + 1, S,
p)``), ``lr`` ist eine Zahl oder eine Funktion ``lr(k)``, und nicht-endliche Iterierte beenden
den Lauf mit ``optim.DivergenceError``.
"""

import numpy as np

from . import optim
from ._checks import check_callable, check_rng


def coordinate_descent(grad, w0, *, lr, n_iter, rng):
    """w⁽ᵏ⁾ = w⁽ᵏ⁻¹⁾ − lr · ∂_j l(w⁽ᵏ⁻¹⁾) · e_j, j zufällig.

    ``grad(w, j)`` liefert die partielle Ableitung ∂l/∂w_j. Das ist das Gradientenverfahren
    mit der Richtung ∂_j l · e_j statt des ganzen Gradienten.

    Viele Seeds auf einmal: ``w0`` ein Stapel (S, p), ``rng`` eine Liste von S Generatoren. Jeder
    zieht mit demselben Aufruf die Koordinate seines Starts; ``grad(W, j)`` bekommt dann ``j``
    der Form (S,) und liefert je Start seine partielle Ableitung, Form (S,).
    """
    check_rng(rng, many=True)

    def direction(w):  # ∂_j l(w) · e_j
        j = optim.draw_per_start(rng, w, lambda gen: gen.integers(w.shape[-1]))  # jedes Mal neu
        d = np.zeros_like(w)
        d[_coordinate(w, j)] = grad(w, j)
        return d

    return optim.gradient_descent(direction, w0, lr=lr, n_iter=n_iter)


def partial_from_gradient(grad):
    """Macht aus einem Gradienten ``grad(w)`` die partielle Ableitung ``(w, j) ↦ grad(w)[j]``
    (für einen Stapel ``w`` und ``j`` der Form (S,): je Start seine Koordinate).

    Bequem, aber so teuer wie der ganze Gradient: Die Backpropagation liefert alle
    partiellen Ableitungen auf einmal.
    """
    check_callable(grad, "grad")

    def partial(w, j):
        g = grad(w)
        return g[_coordinate(g, j)]

    return partial


def _coordinate(w, j):
    """Index der Koordinate ``j`` in ``w``: dieselbe für alle Starts (``j`` eine Zahl) oder je
    Start seine eigene (``j`` der Form (S,) für einen Stapel ``w`` (S, p))."""
    return (..., j) if np.ndim(j) == 0 else (np.arange(len(w)), j)
