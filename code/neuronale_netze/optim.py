"""Optimierer des Kurses: (Sub-)Gradientenverfahren, Nesterov und ihre stochastischen Varianten.

Alle Optimierer geben die ganze Folge der Iterierten zurück, ein Array der Form
``(n_iter + 1, p)`` mit ``w0`` (als Kopie) in Zeile 0. Die Schrittweite ``lr`` ist eine Zahl
oder eine Funktion ``lr(k)``; der Schritt zu ``w^(k)`` benutzt ``lr(k)``, ``k = 1, …, n_iter``.

Viele Starts auf einmal: Ist ``w0`` ein Stapel der Form ``(S, p)`` und liefert ``grad`` für
einen Stapel je Zeile den Gradienten ihres eigenen Problems, so ist die Rückgabe
``(n_iter + 1, S, p)``, Zeile s von Schritt k genau das ``w^(k)`` des Laufs, der in
``w0[s]`` startet. Die Schritte rechnen elementweise, also Bit für Bit wie S einzelne Läufe.

Werden die Iterierten nicht-endlich (``inf``/``nan``), bricht der Optimierer mit einem
:class:`DivergenceError` ab, der Iteration und Schrittweite nennt und die bis dahin endlichen
Iterierten in ``history`` mitführt: Ein Lehrbuch soll keine NaN-Kurven zeichnen. Bei einem
Stapel bricht der ganze Stapel ab, sobald ein Start divergiert; der Fehler nennt die Starts.

Wie bei den Optimierern von autograd ist jedes Verfahren nur seine Schleife; was alle
gemeinsam haben (Prüfungen, Iteriertenfolge, Abbruch), steht einmal im Dekorator
:func:`optimizer`. Die stochastischen Varianten sind die deterministischen Verfahren mit einem
Gradienten, der bei jedem Aufruf einen neuen Minibatch zieht (:func:`stochastic_gradient`).
"""

import functools

import numpy as np

from ._checks import check_int, check_real, check_rng, check_start


class DivergenceError(ArithmeticError):
    """Die Iterierten eines Optimierers sind nicht mehr endlich.

    Attribute: ``iteration`` (das k des ersten nicht-endlichen ``w^(k)``), ``lr`` (die dabei
    benutzte Schrittweite), ``history`` (die endlichen Iterierten ``w^(0)``, …, ``w^(k-1)``,
    bei einem Stapel die aller Starts) und ``starts`` (bei einem Stapel die Nummern der Starts,
    deren ``w^(k)`` nicht endlich ist, sonst ``None``).
    """

    def __init__(self, iteration, lr, history, starts=None):
        where = "" if starts is None else f" in start(s) {', '.join(map(str, starts))}"
        super().__init__(
            f"iterates became non-finite at iteration {iteration}{where} with step size "
            f"lr={lr:g}; try a smaller lr"
        )
        self.iteration = iteration
        self.lr = lr
        self.history = history
        self.starts = starts


def optimizer(iterate):
    """Macht aus einem Generator der Iterierten einen Optimierer mit den Konventionen oben.

    ``iterate(grad, w0, lr=lr, n_iter=n_iter)`` erzeugt w⁽¹⁾, …, w⁽ⁿ⁾ mit n = ``n_iter``
    und bekommt ``lr`` immer als Funktion ``k ↦ lr(k)``, die jeden Wert prüft. Der Optimierer
    prüft ``w0`` (Vektor oder Stapel) und ``n_iter``, sammelt die Iterierten in einem Array und
    bricht mit :class:`DivergenceError` ab, sobald eine nicht endlich ist; NumPy warnt dabei
    nicht.
    """

    @functools.wraps(iterate)
    def run(grad, w0, *, lr, n_iter):
        n_iter, w0 = check_int(n_iter, "n_iter", 0), check_start(w0)
        W = np.empty((n_iter + 1,) + w0.shape)
        W[0] = w0
        a = None  # die zuletzt benutzte Schrittweite, für die Fehlermeldung

        def step_size(k):
            nonlocal a
            a = check_real(lr(k) if callable(lr) else lr, "lr", 0,
                           where=f"lr({k})" if callable(lr) else None)
            return a

        with np.errstate(all="ignore"):  # Überlauf meldet der DivergenceError
            for k, w in enumerate(iterate(grad, w0, lr=step_size, n_iter=n_iter), 1):
                W[k] = w
                finite = np.isfinite(W[k]).all(axis=-1)  # je Start
                if not finite.all():
                    starts = None if w0.ndim == 1 else np.flatnonzero(~finite).tolist()
                    raise DivergenceError(k, a, W[:k].copy(), starts)
        return W

    return run


@optimizer
def gradient_descent(grad, w0, *, lr, n_iter):
    """(Sub-)Gradientenverfahren: w⁽ᵏ⁾ = w⁽ᵏ⁻¹⁾ − lr(k) · grad(w⁽ᵏ⁻¹⁾)."""
    w = w0
    for k in range(1, n_iter + 1):
        w = w - lr(k) * grad(w)
        yield w


@optimizer
def nesterov(grad, w0, *, lr, n_iter):
    """Nesterov-Verfahren (Variante von Tibshirani) mit w⁽⁻¹⁾ = w⁽⁰⁾."""
    w = w_prev = w0
    for k in range(1, n_iter + 1):
        v = w + (k - 2) / (k + 1) * (w - w_prev)  # extrapoliert
        w_prev, w = w, v - lr(k) * grad(v)
        yield w


def draw_per_start(rng, w, draw):
    """Zufallsauswahl für einen Schritt: ``draw(rng)`` für einen Generator ``rng``; für einen
    Stapel ``w`` (S, p) und eine Liste von S Generatoren je Start ``draw(gen)`` mit seinem
    eigenen Generator, als Array. So zieht jeder Start dieselben Zahlen wie allein."""
    if isinstance(rng, np.random.Generator):
        return draw(rng)
    if np.ndim(w) == 2 and len(rng) == len(w):
        return np.array([draw(gen) for gen in rng])
    raise ValueError(f"rng must hold one generator per start: {len(rng)} generators "
                     f"for w of shape {np.shape(w)}")


def stochastic_gradient(grad, n_samples, *, batch_size=1, rng):
    """Macht aus ``grad(w, idx)`` einen Gradienten ``grad(w)``, der bei jedem Aufruf einen
    neuen Minibatch zieht: ``batch_size`` verschiedene Indizes aus 0, …, n_samples − 1.

    Ohne Zurücklegen gezogen und sortiert; der Aufwand wächst mit ``batch_size``, nicht mit
    ``n_samples``. Für einen Stapel ``w`` (S, p) ist ``rng`` eine Liste von S Generatoren: Jeder
    zieht mit demselben Aufruf den Minibatch seines Starts, ``idx`` hat dann die Form
    (S, batch_size), und die Läufe sind dieselben wie einzeln mit je ihrem Generator.
    """
    n_samples = check_int(n_samples, "n_samples", 1)
    batch_size = check_int(batch_size, "batch_size", 1, maximum=n_samples)
    check_rng(rng, many=True)

    def minibatch_grad(w):
        idx = draw_per_start(rng, w, lambda gen: gen.choice(n_samples, size=batch_size,
                                                            replace=False))
        return grad(w, np.sort(idx, axis=-1))  # je Minibatch sortiert

    return minibatch_grad


def sgd(grad, w0, n_samples, *, lr, n_iter, batch_size=1, rng):
    """Minibatch-SGD: das Gradientenverfahren mit dem mittleren Gradienten eines zufälligen
    Minibatchs; ``grad(w, idx)`` mittelt über die Datenpunkte ``idx``.

    Viele Seeds auf einmal: ``w0`` ein Stapel (S, p), ``rng`` eine Liste von S Generatoren
    (siehe :func:`stochastic_gradient`)."""
    batch_grad = stochastic_gradient(grad, n_samples, batch_size=batch_size, rng=rng)
    return gradient_descent(batch_grad, w0, lr=lr, n_iter=n_iter)


def stochastic_nesterov(grad, w0, n_samples, *, lr, n_iter, batch_size=1, rng):
    """Nesterov mit dem mittleren Gradienten eines zufälligen Minibatchs."""
    batch_grad = stochastic_gradient(grad, n_samples, batch_size=batch_size, rng=rng)
    return nesterov(batch_grad, w0, lr=lr, n_iter=n_iter)


# --- Werkzeuge für die Auswertung ---------------------------------------------------------


def first_below(losses, tol):
    """Erste Iteration k mit losses[k] < tol, oder ``None``, wenn es keine gibt."""
    hits = np.flatnonzero(np.asarray(losses) < tol)
    return int(hits[0]) if hits.size else None


def jitter(losses):
    """Maße für das „Zittern“ einer Loss-Kurve: (Anzahl Anstiege, Totalvariation von log10 l)."""
    d = np.diff(np.log10(np.asarray(losses, dtype=float)))
    return int(np.sum(d > 0)), float(np.sum(np.abs(d)))
