"""Optimierer des Kurses: (Sub-)Gradientenverfahren, Nesterov und ihre stochastischen Varianten.

Alle Optimierer geben die ganze Folge der Iterierten zurück, ein Array der Form
``(n_iter + 1, p)`` mit ``w0`` (als Kopie) in Zeile 0. Die Schrittweite ``lr`` ist eine Zahl
oder eine Funktion ``lr(k)``; der Schritt zu ``w^(k)`` benutzt ``lr(k)``, ``k = 1, …, n_iter``.

Werden die Iterierten nicht-endlich (``inf``/``nan``), bricht der Optimierer mit einem
:class:`DivergenceError` ab, der Iteration und Schrittweite nennt und die bis dahin endlichen
Iterierten in ``history`` mitführt: Ein Lehrbuch soll keine NaN-Kurven zeichnen.
"""

import functools
import numbers

import numpy as np


class DivergenceError(ArithmeticError):
    """Die Iterierten eines Optimierers sind nicht mehr endlich.

    Attribute: ``iteration`` (das k des ersten nicht-endlichen ``w^(k)``), ``lr`` (die dabei
    benutzte Schrittweite) und ``history`` (die endlichen Iterierten ``w^(0)``, …, ``w^(k-1)``).
    """

    def __init__(self, iteration, lr, history):
        super().__init__(
            f"iterates became non-finite at iteration {iteration} with step size lr={lr:g}; "
            "try a smaller lr"
        )
        self.iteration = iteration
        self.lr = lr
        self.history = history


# --- Hilfsfunktionen für die Optimierer ---------------------------------------------------


def _history(w0, n_iter):
    """Leere Iteriertenfolge der Form (n_iter + 1, p) mit einer Kopie von ``w0`` in Zeile 0."""
    if isinstance(n_iter, bool) or not isinstance(n_iter, numbers.Integral) or n_iter < 0:
        raise ValueError(f"n_iter must be an integer >= 0, got {n_iter!r}")
    w0 = np.asarray(w0, dtype=float)
    if w0.ndim != 1 or w0.size == 0:
        raise ValueError(f"w0 must be a non-empty vector of shape (p,), got shape {w0.shape}")
    if not np.all(np.isfinite(w0)):
        raise ValueError("w0 must be finite")
    W = np.empty((n_iter + 1, w0.size))
    W[0] = w0
    return W


def _step_size(lr, k):
    """Die Schrittweite für den Schritt zu ``w^(k)``: ``lr`` oder ``lr(k)``, endlich und > 0."""
    a = lr(k) if callable(lr) else lr
    if isinstance(a, bool) or not isinstance(a, numbers.Real) or not (np.isfinite(a) and a > 0):
        where = f"lr({k})" if callable(lr) else "lr"
        raise ValueError(f"lr must be a finite number > 0, got {where} = {a!r}")
    return float(a)


def _check_step(W, k, a):
    """Bricht mit :class:`DivergenceError` ab, wenn ``W[k]`` nicht endlich ist."""
    if not np.isfinite(W[k]).all():
        raise DivergenceError(k, a, W[:k].copy())


def _stops_on_divergence(optimizer):
    """Rechnet ohne NumPy-Warnungen bei Überlauf; :func:`_check_step` meldet die Divergenz."""

    @functools.wraps(optimizer)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return optimizer(*args, **kwargs)

    return wrapper


def _check_batch(n_samples, batch_size, rng):
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) \
            or n_samples < 1:
        raise ValueError(f"n_samples must be an integer >= 1, got {n_samples!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) \
            or not 1 <= batch_size <= n_samples:
        raise ValueError(f"batch_size must be an integer in 1..{n_samples}, got {batch_size!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")


def _batch(rng, n_samples, batch_size):
    """``batch_size`` verschiedene Indizes aus 0, …, n_samples − 1, sortiert.

    Ohne Zurücklegen gezogen; der Aufwand wächst mit ``batch_size``,
    nicht mit ``n_samples``.
    """
    idx = rng.choice(n_samples, size=batch_size, replace=False)
    return np.sort(idx)


# --- Die Optimierer ----------------------------------------------------------------------------


@_stops_on_divergence
def gradient_descent(grad, w0, *, lr, n_iter):
    """(Sub-)Gradientenverfahren: w⁽ᵏ⁾ = w⁽ᵏ⁻¹⁾ − lr · grad(w⁽ᵏ⁻¹⁾)."""
    W = _history(w0, n_iter)
    for k in range(1, n_iter + 1):
        a = _step_size(lr, k)
        W[k] = W[k - 1] - a * grad(W[k - 1])
        _check_step(W, k, a)
    return W


@_stops_on_divergence
def nesterov(grad, w0, *, lr, n_iter):
    """Nesterov-Verfahren (Variante von Tibshirani) mit w⁽⁻¹⁾ = w⁽⁰⁾."""
    W = _history(w0, n_iter)
    for k in range(1, n_iter + 1):
        w1, w2 = W[k - 1], W[max(k - 2, 0)]  # w⁽ᵏ⁻¹⁾ und w⁽ᵏ⁻²⁾
        v = w1 + (k - 2) / (k + 1) * (w1 - w2)
        a = _step_size(lr, k)
        W[k] = v - a * grad(v)
        _check_step(W, k, a)
    return W


@_stops_on_divergence
def sgd(grad, w0, n_samples, *, lr, n_iter, batch_size=1, rng):
    """Minibatch-SGD; grad(w, idx) mittelt über die Stichproben idx."""
    _check_batch(n_samples, batch_size, rng)
    W = _history(w0, n_iter)
    for k in range(1, n_iter + 1):
        idx = _batch(rng, n_samples, batch_size)  # jedes Mal neu gezogen
        a = _step_size(lr, k)
        W[k] = W[k - 1] - a * grad(W[k - 1], idx)
        _check_step(W, k, a)
    return W


@_stops_on_divergence
def stochastic_nesterov(grad, w0, n_samples, *, lr, n_iter, batch_size=1,
                        rng):
    """Nesterov mit dem mittleren Gradienten eines zufälligen Minibatchs."""
    _check_batch(n_samples, batch_size, rng)
    W = _history(w0, n_iter)
    for k in range(1, n_iter + 1):
        w1, w2 = W[k - 1], W[max(k - 2, 0)]
        v = w1 + (k - 2) / (k + 1) * (w1 - w2)
        idx = _batch(rng, n_samples, batch_size)
        a = _step_size(lr, k)
        W[k] = v - a * grad(v, idx)
        _check_step(W, k, a)
    return W


# --- Werkzeuge für das Modellproblem -----------------------------------------------------------


def first_below(losses, tol):
    """Erste Iteration k mit losses[k] < tol, oder ``None``, wenn es keine gibt."""
    hits = np.flatnonzero(np.asarray(losses) < tol)
    return int(hits[0]) if hits.size else None


def jitter(losses):
    """Maße für das „Zittern“ einer Loss-Kurve: (Anzahl Anstiege, Totalvariation von log10 l)."""
    d = np.diff(np.log10(np.asarray(losses, dtype=float)))
    return int(np.sum(d > 0)), float(np.sum(np.abs(d)))
