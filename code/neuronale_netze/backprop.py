"""Backpropagation von Hand: Vorwärtsschritt, daneben seine lokale Ableitung.

Jede Funktion rechnet zuerst vorwärts und merkt sich die Zwischengrößen, dann
rückwärts vom Loss zu den Parametern. Die ReLU wird bei 0 mit r'(0) = 1/2
abgeleitet, wie bei autograd (``np.maximum``), damit die Gradienten auch an den
Knicken bis auf Rundung mit ``autograd.grad(model.loss)`` übereinstimmen.
"""

import numpy as np

from . import model
from ._checks import check_callable, check_real, check_samples, check_weights


def relu_grad(u, at_zero=0.5):
    """r'(u) der ReLU: 0 für u < 0, ``at_zero`` für u = 0, 1 für u > 0."""
    return np.heaviside(u, at_zero)


def loss_gradient(w, X, y, relu_grad_at_zero=0.5):
    """(Sub-)Gradient des Loss l(w) des Modellproblems, von Hand.

    r'(0) ist wählbar in [0, 1]; mit 1/2 ist es der Gradient von autograd.
    Auch für einen Stapel ``w`` (S, 4): mit Daten ``X`` (m, 1), ``y`` (m,) für alle Starts oder
    mit eigenen Daten ``X`` (S, m, 1), ``y`` (S, m) je Start, etwa Minibatches. Das Ergebnis hat
    dann die Form (S, 4), jede Zeile Bit für Bit wie einzeln berechnet.
    """
    c = check_real(relu_grad_at_zero, "relu_grad_at_zero", 0, strict=False, maximum=1)
    check_weights(w, 4, ndim=None)
    check_samples(X, y, stacked=True)
    w = np.asarray(w, dtype=float)
    w1, w2, w3, w4 = w[..., 0:1], w[..., 1:2], w[..., 2:3], w[..., 3:4]  # Spalten, je Start
    x = X[..., 0]                                                          # eine Zeile
    # vorwärts, jeweils mit der lokalen Ableitung
    u = w1 * x + w2           # du/dw1 = x, du/dw2 = 1
    v = np.maximum(0.0, u)    # dv/du = r'(u)
    e = w3 * v + w4 - y       # de/dw3 = v, de/dw4 = 1, de/dv = w3
    # rückwärts: l = mean(e²), also dl/de_i = 2 e_i / N
    de = 2.0 * e / e.shape[-1]
    du = de * w3 * relu_grad(u, c)
    # np.vecdot(a, b) = Σ_i a_i b_i je Start, genau wie a @ b für zwei Vektoren
    g = np.empty(du.shape[:-1] + (4,))
    g[..., 0], g[..., 1] = np.vecdot(du, x), du.sum(axis=-1)
    g[..., 2], g[..., 3] = np.vecdot(de, v), de.sum(axis=-1)
    return g


def chain_gradient(w, x, y, act, act_grad):
    """Gradient von l(o2) = (o2 − y)² nach (w1, w2) für die Kette

    x → i1 = w1·x → o1 = a(i1) → i2 = w2·o1 → o2 = a(i2)
    mit a = ``act`` und a' = ``act_grad``.
    """
    check_weights(w, 2)
    check_callable(act, "act")
    check_callable(act_grad, "act_grad")
    w1, w2 = w
    i1 = w1 * x          # di1/dw1 = x
    o1 = act(i1)         # do1/di1 = a'(i1)
    i2 = w2 * o1         # di2/dw2 = o1,   di2/do1 = w2
    o2 = act(i2)         # do2/di2 = a'(i2)
    d_i2 = 2.0 * (o2 - y) * act_grad(i2)   # l'(o2)·a'(i2)
    d_i1 = d_i2 * w2 * act_grad(i1)        # ·w2·a'(i1)
    return np.array([d_i1 * x, d_i2 * o1])


def mlp_gradient(w, X, y, n_hidden):
    """Gradient von ``model.mlp_loss`` (k = ``n_hidden`` Neuronen).

    Vektorisiert über Datenpunkte (Zeilen) und Neuronen (Spalten),
    Anordnung wie ``model.unpack_mlp``.
    """
    check_samples(X, y, n_inputs=None)
    W, b, c, d = model.unpack_mlp(w, X.shape[1], n_hidden)
    U = X @ W.T + b         # dU/dW = x, dU/db = 1    (m, k)
    V = np.maximum(0.0, U)  # dV/dU = r'(U)
    e = V @ c + d - y       # de/dc = V, de/dd = 1, de/dV = c
    de = 2.0 * e / len(e)   # dl/de für l = mean(e²)
    dU = np.outer(de, c) * relu_grad(U)
    dWb = np.column_stack([dU.T @ X, dU.sum(axis=0)])  # je Neuron
    return np.concatenate([dWb.ravel(), de @ V, [de.sum()]])


def mlp_gradient_many(w, X, y, n_hidden):
    """``mlp_gradient`` für viele Parametervektoren auf einmal: Form (..., p) → (..., p).

    Damit laufen viele Startwerte gleichzeitig: Das Gradientenverfahren für die Summe
    der Losses unabhängiger Netze ist dasselbe wie je ein Verfahren pro Netz.
    Vorwärts rechnet ``model.mlp_forward``; dessen lokale Ableitungen stehen daneben.
    """
    check_samples(X, y, n_inputs=None)
    w = np.asarray(w, dtype=float)
    U, V, g = model.mlp_forward(w, X, n_hidden)  # dU/dW = x, dU/db = 1, dV/dU = r'(U)
    c = model.unpack_mlp(w, X.shape[1], n_hidden)[2]  # dg/dc = V, dg/dd = 1, dg/dV = c
    de = 2.0 * (g - y) / len(y)  # dl/dg für l = mean((g − y)²)
    dU = de[..., :, None] * c[..., None, :] * relu_grad(U)
    dW = np.einsum("...mk,mn->...kn", dU, X)
    hidden = np.concatenate([dW, dU.sum(axis=-2)[..., None]], axis=-1)
    return np.concatenate([hidden.reshape(hidden.shape[:-2] + (-1,)),
                           np.einsum("...m,...mk->...k", de, V),
                           de.sum(axis=-1, keepdims=True)], axis=-1)
