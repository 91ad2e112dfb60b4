"""Koordinatenabstieg (Coordinate Descent) mit zufällig gewählter Koordinate.

Es gelten die Konventionen von ``optim``: Rückgabe ist die ganze Folge der Iterierten
(Form ``(n_iter + 1, p)``, ``w0`` in Zeile 0), ``lr`` ist eine Zahl oder eine Funktion
``lr(k)``, und nicht-endliche Iterierte beenden den Lauf mit ``optim.DivergenceError``.
"""

import numpy as np

from . import optim
from ._checks import check_callable, check_rng


def coordinate_descent(grad, w0, *, lr, n_iter, rng):
    """w⁽ᵏ⁾ = w⁽ᵏ⁻¹⁾ − lr · ∂_j l(w⁽ᵏ⁻¹⁾) · e_j, j zufällig.

    ``grad(w, j)`` liefert die partielle Ableitung ∂l/∂w_j. Das ist das Gradientenverfahren
    mit der Richtung ∂_j l · e_j statt des ganzen Gradienten.
    """
    check_rng(rng)

    def direction(w):  # ∂_j l(w) · e_j
        j = rng.integers(len(w))  # in jedem Schritt neu gezogen
        d = np.zeros_like(w)
        d[j] = grad(w, j)
        return d

    return optim.gradient_descent(direction, w0, lr=lr, n_iter=n_iter)


def partial_from_gradient(grad):
    """Macht aus einem Gradienten ``grad(w)`` die partielle Ableitung ``(w, j) ↦ grad(w)[j]``.

    Bequem, aber so teuer wie der ganze Gradient: Die Backpropagation liefert alle
    partiellen Ableitungen auf einmal.
    """
    check_callable(grad, "grad")
    return lambda w, j: grad(w)[j]
