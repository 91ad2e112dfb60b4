"""Prüfungen der Eingaben, mit Fehlermeldungen, die das Argument nennen."""

import numpy as onp


def check_samples(X, y):
    """Prüft Stichproben ``X`` (Form (m, 1)) und ``y`` (Form (m,))."""
    if onp.ndim(X) != 2 or onp.shape(X)[1] != 1:
        raise ValueError(f"X must have shape (m, 1), got {onp.shape(X)}")
    if onp.ndim(y) != 1 or onp.shape(y)[0] != onp.shape(X)[0]:
        raise ValueError(
            f"y must have shape ({onp.shape(X)[0]},) to match X, got {onp.shape(y)}"
        )


def check_weights(w, n_params, name="w"):
    """Prüft, dass ``w`` ein Vektor der Länge ``n_params`` ist."""
    if onp.shape(w) != (n_params,):
        raise ValueError(f"{name} must have shape ({n_params},), got {onp.shape(w)}")
