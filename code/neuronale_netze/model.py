"""Das Modell g(x, w) und der Loss l(w), für NumPy und für autograd.

Alle Funktionen sind über die Datenpunkte vektorisiert (keine Python-Schleife)
und lassen sich mit ``autograd.grad`` differenzieren.
"""

import autograd.numpy as np
from autograd import grad

from ._checks import check_int, check_samples, check_weights, check_X


def relu(x):
    """Die ReLU r(x) = max(0, x); autograd leitet sie bei 0 mit 1/2 ab."""
    return np.maximum(0.0, x)


def predict(w, X):
    """g(x, w) = r(w1·x + w2)·w3 + w4 für jede Zeile x von X (m×1)."""
    check_weights(w, 4)
    check_X(X, 1)
    return relu(w[0] * X[:, 0] + w[1]) * w[2] + w[3]


def loss(w, X, y):
    """l(w): Mittel von (g(x_i, w) − y_i)² über alle n + 1 Datenpunkte."""
    check_samples(X, y)
    return np.mean((predict(w, X) - y) ** 2)


loss_grad = grad(loss)
"""Der (Sub-)Gradient ∂l/∂w von autograd, mit der Konvention r'(0) = 1/2."""


def full_gradient(X, y, grad=loss_grad):
    """Der Gradient über alle Datenpunkte als Funktion von w allein (für die Optimierer).

    ``grad(w, X, y)`` ist ``loss_grad`` (autograd) oder ``backprop.loss_gradient``.
    """
    check_samples(X, y)

    def full_grad(w):
        return grad(w, X, y)

    return full_grad


def batch_gradient(X, y, grad=loss_grad):
    """Der mittlere Gradient über die Datenpunkte ``idx`` als Funktion ``(w, idx)`` (für SGD).

    Mit ``grad=backprop.loss_gradient`` auch für einen Stapel ``w`` (S, 4) mit je eigenem
    Minibatch, ``idx`` der Form (S, n_B): ``X[idx]`` hat dann die Form (S, n_B, 1).
    """
    check_samples(X, y)

    def batch_grad(w, idx):
        return grad(w, X[idx], y[idx])

    return batch_grad


def loss_history(W, X, y):
    """Der Loss l(w) für jede Zeile ``w`` von ``W`` (Form (K, 4)) auf einmal, Form (K,).

    Auch für die Iterierten vieler Starts, ``W`` der Form (K, S, 4): Ergebnis (K, S).
    """
    check_samples(X, y)
    check_weights(W, 4, "W", ndim=(2, 3))
    W = np.asarray(W, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):  # riesige Iterierte: Loss inf
        return mlp_loss(W, X, y, n_hidden=1)  # das Modellproblem: MLP mit n = k = 1


def dead_neuron(w, X):
    """True, wenn w1·x_i + w2 ≤ 0 für alle Zeilen von X: g ist dann konstant w4.

    ``w`` darf ein Stapel (..., 4) sein; dann hat das Ergebnis die Form (...).
    """
    check_weights(w, 4, ndim=None)
    check_X(X, 1)
    w = np.asarray(w, dtype=float)
    return np.all(w[..., 0:1] * X[:, 0] + w[..., 1:2] <= 0, axis=-1)


def n_params(n_inputs, n_hidden):
    """Parameterzahl p = k(n+1) + k + 1: n Inputs, k Neuronen."""
    n_inputs, n_hidden = check_int(n_inputs, "n_inputs", 1), check_int(n_hidden, "n_hidden", 1)
    return n_hidden * (n_inputs + 1) + n_hidden + 1


def unpack_mlp(w, n_inputs, n_hidden):
    """Zerlegt den flachen Vektor ``w`` eines MLP in (W, b, c, d).

    Anordnung: je Neuron i zuerst die Gewichte w_i1 … w_in, dann der Bias w_i0;
    danach die Output-Gewichte w_1 … w_k und zuletzt der Output-Bias w_0.
    Für n = k = 1 ist das genau (w1, w2, w3, w4) des Modellproblems.
    ``w`` darf auch ein Stapel (..., p) von Parametervektoren sein.
    """
    k, n = n_hidden, n_inputs
    check_weights(w, n_params(n, k), ndim=None)
    hidden = np.reshape(w[..., : k * (n + 1)], np.shape(w)[:-1] + (k, n + 1))
    return hidden[..., :n], hidden[..., n], w[..., k * (n + 1) : k * (n + 2)], w[..., -1]


def mlp_forward(w, X, n_hidden):
    """Vorwärtsschritt eines MLP mit einer Hidden-Layer, mit allen Zwischengrößen.

    Gibt ``(U, V, g)`` zurück: die Eingänge U = X·Wᵀ + b der Neuronen (Form (m, k)), ihre
    Ausgänge V = r(U) und den Output g = V·c + d (Form (m,)). Für einen Stapel ``w`` der
    Form (..., p) haben sie die Formen (..., m, k) und (..., m).
    """
    check_X(X)
    W, b, c, d = unpack_mlp(w, np.shape(X)[1], n_hidden)
    U = np.einsum("mn,...kn->...mk", X, W) + b[..., None, :]
    V = relu(U)
    return U, V, np.einsum("...mk,...k->...m", V, c) + d[..., None]


def mlp_predict(w, X, n_hidden):
    """Output g(x, w) = Σ_i c_i·r(W_i·x + b_i) + d eines MLP mit einer Hidden-Layer.

    Für einen Stapel ``w`` der Form (..., p) hat das Ergebnis die Form (..., m).
    """
    return mlp_forward(w, X, n_hidden)[2]


def mlp_loss(w, X, y, n_hidden):
    """Mittlerer quadratischer Fehler des MLP über alle Datenpunkte (je Vektor eines Stapels)."""
    check_samples(X, y, n_inputs=None)
    return np.mean((mlp_predict(w, X, n_hidden) - y) ** 2, axis=-1)
