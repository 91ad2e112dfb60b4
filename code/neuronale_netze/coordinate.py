"""Koordinatenabstieg (Coordinate Descent) mit zufällig gewählter Koordinate.

Wie die Optimierer in ``optim`` gibt ``coordinate_descent`` die ganze Folge der
Iterierten zurück, ein Array der Form ``(n_iter + 1, p)`` mit ``w0`` in Zeile 0.
"""

import numbers

import numpy as np


def _check(w0, lr, n_iter, rng):
    w0 = np.asarray(w0, dtype=float)
    if w0.ndim != 1 or w0.size == 0 or not np.all(np.isfinite(w0)):
        raise ValueError(f"w0 must be a finite non-empty vector, got shape {w0.shape}")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not (
            np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    if isinstance(n_iter, bool) or not isinstance(n_iter, numbers.Integral) or n_iter < 0:
        raise ValueError(f"n_iter must be an integer >= 0, got {n_iter!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return w0


def coordinate_descent(grad, w0, *, lr, n_iter, rng):
    """w⁽ᵏ⁾ = w⁽ᵏ⁻¹⁾ − lr · ∂_j l(w⁽ᵏ⁻¹⁾) · e_j mit zufälliger Koordinate j.

    ``grad(w, j)`` liefert die partielle Ableitung ∂l/∂w_j (eine Zahl).
    """
    w0 = _check(w0, lr, n_iter, rng)
    W = np.empty((n_iter + 1, w0.size))
    W[0] = w0
    for k in range(1, n_iter + 1):
        j = rng.integers(w0.size)      # in jedem Schritt neu gezogen
        W[k] = W[k - 1]
        W[k, j] -= lr * grad(W[k - 1], j)
        if not np.isfinite(W[k, j]):
            raise ValueError(f"lr = {lr:g} is too large: w became non-finite at k = {k}")
    return W


def partial_from_gradient(grad):
    """Macht aus einem Gradienten ``grad(w)`` die partielle Ableitung ``(w, j) ↦ grad(w)[j]``.

    Bequem, aber so teuer wie der ganze Gradient: Die Backpropagation liefert alle
    partiellen Ableitungen auf einmal.
    """
    if not callable(grad):
        raise ValueError("grad must be callable")
    return lambda w, j: grad(w)[j]
