"""Trainingsdaten des Modellproblems."""

import numpy as np

from ._checks import check_int


def model_problem(n=10):
    """Die ``n + 1`` äquidistanten Datenpunkte ``x_i = y_i = i/n``, ``i = 0, …, n``.

    Gibt ``(X, y)`` zurück, ``X`` mit Form ``(n + 1, 1)``, ``y`` mit Form ``(n + 1,)``.
    """
    n = check_int(n, "n", 1)
    x = np.arange(n + 1) / n
    return x.reshape(-1, 1), x.copy()
