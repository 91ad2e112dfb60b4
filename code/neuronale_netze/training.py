"""Trainingsläufe vieler Startwerte auf einmal: das MLP mit k Neuronen aus 1.7.1.

Das Gradientenverfahren für die Summe der Losses unabhängiger Netze ist dasselbe wie je ein
Verfahren pro Netz; so laufen alle Startwerte in einer einzigen vektorisierten Rechnung.
"""

import numpy as np

from . import backprop, model, optim


def init_mlp(n_hidden, n_starts, rng, n_inputs=1):
    """``n_starts`` zufällige Startwerte, Form (n_starts, p), standardnormalverteilt.

    Die k Output-Gewichte werden mit 1/√k skaliert, damit der Output am Start nicht
    mit der Zahl der Neuronen wächst.
    """
    if isinstance(n_starts, bool) or not isinstance(n_starts, int) or n_starts < 1:
        raise ValueError(f"n_starts must be an integer >= 1, got {n_starts!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    k, n = n_hidden, n_inputs
    W0 = rng.normal(size=(n_starts, model.n_params(n, k)))
    W0[:, k * (n + 1) : k * (n + 2)] /= np.sqrt(k)
    return W0


def train_starts(X, y, n_hidden, W0, *, lr, n_iter):
    """Gradientenverfahren für alle Startwerte (Zeilen von W0).

    Gibt die Iterierten in der Form (n_iter + 1, S, p) zurück.
    """
    if np.ndim(W0) != 2:
        raise ValueError(
            f"W0 must have shape (S, p), got {np.shape(W0)}")
    S, p = np.shape(W0)

    def grad(v):  # Gradient der Summe der S Losses
        G = backprop.mlp_gradient_many(v.reshape(S, p), X, y, n_hidden)
        return G.ravel()

    W = optim.gradient_descent(grad, np.ravel(W0), lr=lr,
                               n_iter=n_iter)
    return W.reshape(n_iter + 1, S, p)
