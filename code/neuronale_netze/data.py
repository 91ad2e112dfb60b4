"""Trainingsdaten des Modellproblems."""

import numpy as np


def model_problem(n=10):
    """Die ``n + 1`` äquidistanten Stichproben ``x_i = y_i = i/n``, ``i = 0, …, n``.

    Gibt ``(X, y)`` zurück, ``X`` mit Form ``(n + 1, 1)``, ``y`` mit Form ``(n + 1,)``.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    x = np.arange(n + 1) / n
    return x.reshape(-1, 1), x.copy()
