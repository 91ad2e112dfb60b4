"""Trainingsläufe vieler Startwerte auf einmal: das MLP mit k Neuronen aus 1.7.1.

Das Gradientenverfahren für die Summe der Losses unabhängiger Netze ist dasselbe wie je ein
Verfahren pro Netz; so laufen alle Startwerte in einer einzigen vektorisierten Rechnung.
"""

import numpy as np

from . import backprop, model, optim
from ._checks import check_int, check_rng, check_samples, check_weights


def init_mlp(n_hidden, n_starts, rng, n_inputs=1):
    """``n_starts`` zufällige Startwerte, Form (n_starts, p), standardnormalverteilt.

    Die k Output-Gewichte werden mit 1/√k skaliert, damit der Output am Start nicht
    mit der Zahl der Neuronen wächst.
    """
    check_int(n_starts, "n_starts", 1)
    check_rng(rng)
    W0 = rng.normal(size=(n_starts, model.n_params(n_inputs, n_hidden)))
    c = model.unpack_mlp(W0, n_inputs, n_hidden)[2]  # eine Sicht auf die Output-Gewichte
    c /= np.sqrt(n_hidden)
    return W0


def train_starts(X, y, n_hidden, W0, *, lr, n_iter):
    """Gradientenverfahren für alle Startwerte (Zeilen von W0).

    Gibt die Iterierten in der Form (n_iter + 1, S, p) zurück.
    """
    check_samples(X, y, n_inputs=None)
    check_weights(W0, model.n_params(np.shape(X)[1], n_hidden), "W0", ndim=2)

    def grad(W):  # je Zeile der Gradient ihres Netzes (der Summe der S Losses)
        return backprop.mlp_gradient_many(W, X, y, n_hidden)

    return optim.gradient_descent(grad, W0, lr=lr, n_iter=n_iter)
