"""Prüfungen der Eingaben, mit Fehlermeldungen, die das Argument nennen.

Jede Prüfung des Pakets steht hier, einmal. Die Fehlermeldungen sind englisch, wie die von
NumPy; jede beginnt mit dem Namen des Arguments (``"n_iter must be …"``).
"""

import numbers

import numpy as onp


def check_int(value, name, minimum, maximum=None):
    """Eine ganze Zahl ≥ ``minimum`` und, wenn angegeben, ≤ ``maximum`` (auch
    NumPy-Ganzzahlen, aber kein ``bool``); als ``int``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum \
            or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"in {minimum}..{maximum}"
        raise ValueError(f"{name} must be an integer {bound}, got {value!r}")
    return int(value)


def check_real(value, name, minimum=None, *, strict=True, maximum=None, where=None):
    """Eine endliche reelle Zahl (kein ``bool``); als ``float``.

    Mit ``minimum``: > ``minimum`` (``strict``) bzw. ≥ ``minimum``; mit ``maximum``: ≤ ``maximum``.
    ``where`` nennt in der Meldung die Herkunft des Werts, z. B. ``"lr(3)"``.
    """
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real) and onp.isfinite(value)
    if ok and minimum is not None:
        ok = value > minimum if strict else value >= minimum
    if ok and maximum is not None:
        ok = value <= maximum
    if not ok:
        bounds = []
        if minimum is not None:
            bounds.append(f"{'>' if strict else '>='} {minimum:g}")
        if maximum is not None:
            bounds.append(f"<= {maximum:g}")
        got = f"{where} = {value!r}" if where else repr(value)
        raise ValueError(" ".join([f"{name} must be a finite number", " and ".join(bounds)])
                         .rstrip() + f", got {got}")
    return float(value)


def check_values(values, name, positive=False):
    """Ein nicht-leeres Array endlicher (mit ``positive``: positiver) Zahlen; als ``float``."""
    a = onp.asarray(values, dtype=float)
    if a.size == 0 or not onp.all(onp.isfinite(a)) or (positive and not onp.all(a > 0)):
        kind = "finite positive" if positive else "finite"
        raise ValueError(f"{name} must be non-empty and contain {kind} values only "
                         "(a diverged run?)")
    return a


def check_choice(value, name, choices):
    """Einer der Werte ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def check_callable(f, name):
    """Eine Funktion (oder sonst aufrufbar)."""
    if not callable(f):
        raise ValueError(f"{name} must be callable, got {type(f).__name__}")
    return f


def check_seed(seed, name="seed"):
    """Ein Seed: eine ganze Zahl ≥ 0; als ``int``."""
    return check_int(seed, name, 0)


def check_rng(rng, many=False):
    """Ein Zufallsgenerator ``numpy.random.Generator`` (kein Seed, kein ``RandomState``);
    mit ``many=True`` auch eine nicht-leere Liste oder ein Tupel von Generatoren, je Start einer."""
    if many and isinstance(rng, list | tuple) and rng \
            and all(isinstance(r, onp.random.Generator) for r in rng):
        return rng
    if not isinstance(rng, onp.random.Generator):
        alt = " or a non-empty list of them" if many else ""
        raise ValueError(f"rng must be a numpy.random.Generator{alt}, got {type(rng).__name__}")
    return rng


def check_weights(w, n_params, name="w", ndim=1):
    """Parameter der Länge ``n_params``: ein Vektor (``ndim=1``), eine Matrix (K, n_params)
    (``ndim=2``), eine Matrix oder die Iterierten vieler Starts (K, S, n_params)
    (``ndim=(2, 3)``) oder ein Vektor bzw. Stapel (..., n_params) (``ndim=None``)."""
    shape, p = onp.shape(w), n_params
    ndims = ndim if isinstance(ndim, tuple) else (ndim,)
    if shape[-1:] != (p,) or (ndim is not None and len(shape) not in ndims):
        want = {1: f"({p},)", 2: f"(K, {p})", (2, 3): f"(K, {p}) or (K, S, {p})",
                None: f"({p},) or (..., {p})"}[ndim]
        raise ValueError(f"{name} must have shape {want}, got {shape}")


def check_start(w0, name="w0"):
    """Ein Startwert: ein nicht-leerer, endlicher Vektor (p,) oder ein Stapel (S, p) von
    Startwerten; als ``float``-Array (eine Kopie)."""
    w0 = onp.array(w0, dtype=float)
    if w0.ndim not in (1, 2) or w0.size == 0:
        raise ValueError(f"{name} must be a non-empty vector of shape (p,) or a stack (S, p), "
                         f"got shape {w0.shape}")
    if not onp.all(onp.isfinite(w0)):
        raise ValueError(f"{name} must be finite")
    return w0


def check_X(X, n_inputs=None):
    """Datenpunkte ``X`` der Form (m, ``n_inputs``); ``n_inputs=None``: beliebig viele Inputs."""
    if onp.ndim(X) != 2 or (n_inputs is not None and onp.shape(X)[1] != n_inputs):
        raise ValueError(f"X must have shape (m, {n_inputs or 'n_inputs'}), got {onp.shape(X)}")


def check_samples(X, y, n_inputs=1, stacked=False):
    """Datenpunkte ``X`` (Form (m, ``n_inputs``)) und ``y`` (Form (m,)); mit ``stacked=True``
    auch Stapel: ``X`` der Form (..., m, ``n_inputs``), ``y`` der Form (..., m)."""
    if stacked and onp.ndim(X) > 2:
        if n_inputs is not None and onp.shape(X)[-1] != n_inputs:
            raise ValueError(f"X must have shape (..., m, {n_inputs}), got {onp.shape(X)}")
        if onp.shape(y) != onp.shape(X)[:-1]:
            raise ValueError(f"y must have shape {onp.shape(X)[:-1]} to match X, "
                             f"got {onp.shape(y)}")
        return
    check_X(X, n_inputs)
    if onp.ndim(y) != 1 or onp.shape(y)[0] != onp.shape(X)[0]:
        raise ValueError(
            f"y must have shape ({onp.shape(X)[0]},) to match X, got {onp.shape(y)}"
        )
