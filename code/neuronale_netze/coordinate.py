"""Koordinatenabstieg (Coordinate Descent) mit zufällig gewählter Koordinate.

Es gelten die Konventionen von ``optim``: Rückgabe ist die ganze Folge der Iterierten
(Form ``(n_iter + 1, p)``, ``w0`` in Zeile 0), ``lr`` ist eine Zahl oder eine Funktion
``lr(k)``, und nicht-endliche Iterierte beenden den Lauf mit ``optim.DivergenceError``.
"""

import numpy as np

from .optim import _check_step, _history, _step_size, _stops_on_divergence


def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"rng must be a numpy.random.Generator, got {type(rng).__name__}")


@_stops_on_divergence
def coordinate_descent(grad, w0, *, lr, n_iter, rng):
    """w⁽ᵏ⁾ = w⁽ᵏ⁻¹⁾ − lr · ∂_j l(w⁽ᵏ⁻¹⁾) · e_j, j zufällig.

    ``grad(w, j)`` liefert die partielle Ableitung ∂l/∂w_j.
    """
    _check_rng(rng)
    W = _history(w0, n_iter)
    for k in range(1, n_iter + 1):
        j = rng.integers(W.shape[1])  # in jedem Schritt neu gezogen
        a = _step_size(lr, k)
        W[k] = W[k - 1]
        W[k, j] -= a * grad(W[k - 1], j)
        _check_step(W, k, a)
    return W


def partial_from_gradient(grad):
    """Macht aus einem Gradienten ``grad(w)`` die partielle Ableitung ``(w, j) ↦ grad(w)[j]``.

    Bequem, aber so teuer wie der ganze Gradient: Die Backpropagation liefert alle
    partiellen Ableitungen auf einmal.
    """
    if not callable(grad):
        raise ValueError("grad must be callable")
    return lambda w, j: grad(w)[j]
