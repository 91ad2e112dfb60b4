"""Das Modellproblem aus 1.3 mit scikit-learn, Keras-TensorFlow und PyTorch.

Jeder Adapter passt das Netz mit einem Neuron für einen gegebenen Seed an und gibt ein
:class:`FitResult` zurück: die Parameter in der Anordnung ``(w1, w2, w3, w4)`` von
:mod:`neuronale_netze.model`, den Loss-Verlauf und die Vorhersagen der Bibliothek selbst.
``fit_keras_seeds`` und ``fit_torch_seeds`` trainieren viele Seeds auf einmal, mit denselben
Ergebnissen wie einzelne Läufe (bis auf die Rundung in float32).
Die Bibliotheken werden erst in den Funktionen importiert, ``import neuronale_netze``
bleibt also schnell. Zufall kommt nur über das Seed-Argument ins Spiel.
"""

import functools
import random
import time
import warnings
from dataclasses import dataclass

import numpy as np

from . import model
from ._checks import check_choice, check_int, check_real, check_samples, check_seed
from .metrics import r2_score


@dataclass(frozen=True)
class FitResult:
    """Ergebnis einer Anpassung des Modellproblems durch eine Bibliothek."""

    framework: str
    seed: int
    w: np.ndarray  # angepasste Parameter (w1, w2, w3, w4)
    w_init: np.ndarray | None  # Startwert (None, wenn unbekannt)
    loss_history: np.ndarray | None  # Loss je Epoche (None, wenn nicht aufgezeichnet)
    predictions: np.ndarray  # Vorhersagen der Bibliothek auf X, Form (m,)
    loss: float  # mittlerer quadratischer Fehler l(w) der Vorhersagen
    r2: float  # Bestimmtheitsmaß R² der Vorhersagen
    converged: bool | None  # False: Abbruch mit ConvergenceWarning (nur sklearn)
    seconds: float  # Rechenzeit der Anpassung (Wanduhr)


def _result(*, framework, seed, w, w_init, history, predictions, y, t0, converged=None):
    """Das :class:`FitResult`: Loss und R² aus den Vorhersagen der Bibliothek, Zeit ab ``t0``."""
    p = np.asarray(predictions, dtype=float).reshape(-1)
    return FitResult(
        framework=framework, seed=seed, w=np.asarray(w, dtype=float),
        w_init=None if w_init is None else np.asarray(w_init, dtype=float),
        loss_history=None if history is None else np.asarray(history, dtype=float),
        predictions=p, loss=float(np.mean((p - y) ** 2)), r2=r2_score(y, p),
        converged=converged, seconds=time.perf_counter() - t0,
    )


# --- scikit-learn -------------------------------------------------------------------


def sklearn_net(random_state, **settings):
    """Ein ``MLPRegressor`` mit einem Neuron; sonst die Voreinstellungen (adam, …)."""
    from sklearn.neural_network import MLPRegressor

    return MLPRegressor(hidden_layer_sizes=(1,), random_state=random_state, **settings)


def fit_sklearn(X, y, random_state, **settings):
    """Passt ``sklearn_net(random_state, **settings)`` an; Warnungen werden zu Daten.

    ``loss_history`` ist ``2 * loss_curve_`` (sklearn minimiert den halben mittleren
    quadratischen Fehler plus α‖W‖²/(2m)); bei ``solver="lbfgs"`` gibt es keinen Verlauf.
    """
    from sklearn.exceptions import ConvergenceWarning

    check_samples(X, y)
    random_state = check_seed(random_state, "random_state")
    t0 = time.perf_counter()
    net = sklearn_net(random_state, **settings)
    with warnings.catch_warnings(record=True) as caught, _one_blas_thread():
        warnings.simplefilter("always", ConvergenceWarning)
        net.fit(X, y)
    converged = not any(issubclass(c.category, ConvergenceWarning) for c in caught)
    for c in caught:  # andere Warnungen nicht verschlucken
        if not issubclass(c.category, ConvergenceWarning):
            warnings.warn_explicit(c.message, c.category, c.filename, c.lineno)
    curve = getattr(net, "loss_curve_", None)
    return _result(framework="scikit-learn", seed=random_state, w=sklearn_weights(net),
                   w_init=sklearn_initial_weights(X, y, random_state, **settings),
                   history=None if curve is None else 2.0 * np.asarray(curve),
                   predictions=net.predict(X), y=y, t0=t0, converged=converged)


@functools.cache
def _blas_threads():
    """Steuert die Threads der BLAS-Bibliotheken (``threadpoolctl`` kommt mit scikit-learn)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread():
    """Kontext: BLAS rechnet mit einem Thread, ohne am Ergebnis etwas zu ändern.

    Bei vier Parametern kostet das Verteilen auf mehrere Threads mehr, als es bringt:
    L-BFGS (scipy) braucht damit ein Vielfaches der Zeit. Der Controller wird nur einmal
    gebaut; das Suchen der geladenen Bibliotheken kostet jedes Mal etwa eine Millisekunde.
    """
    return _blas_threads().limit(limits=1, user_api="blas")


def sklearn_weights(net):
    """Die Gewichte eines angepassten ``sklearn_net`` als (w1, w2, w3, w4)."""
    return np.array([net.coefs_[0][0, 0], net.intercepts_[0][0], net.coefs_[1][0, 0],
                     net.intercepts_[1][0]])


def sklearn_initial_weights(X, y, random_state, **settings):
    """Der Startwert, den sklearn für ``random_state`` zieht, (w1, w2, w3, w4).

    sklearn initialisiert unabhängig vom Löser; ein einziger SGD-Schritt mit
    Lernrate 1e-300 lässt diesen Startwert in float64 exakt unverändert.
    """
    settings = {**settings, "solver": "sgd", "learning_rate_init": 1e-300,
                "max_iter": 1, "momentum": 0.0, "shuffle": False}
    net = sklearn_net(random_state, **settings)
    with warnings.catch_warnings():
        from sklearn.exceptions import ConvergenceWarning

        warnings.simplefilter("ignore", ConvergenceWarning)
        net.fit(X, y)
    return sklearn_weights(net)


# --- Keras-TensorFlow ---------------------------------------------------------------


def import_keras():
    """Importiert Keras (TensorFlow) und gibt das Modul zurück; die Umgebungsvariablen, die
    TensorFlow leise machen, setzt schon ``neuronale_netze/__init__.py``."""
    import keras

    return keras


def keras_net(seed):
    """Dense(1) → Activation('relu') → Dense(1) als ``keras.Sequential``."""
    keras = import_keras()
    keras.utils.set_random_seed(check_seed(seed))
    return keras.Sequential([
        keras.Input(shape=(1,)),
        keras.layers.Dense(1),
        keras.layers.Activation("relu"),
        keras.layers.Dense(1),
    ])


def keras_weights(net):
    """Die Gewichte eines ``keras_net`` als (w1, w2, w3, w4)."""
    k1, b1, k2, b2 = net.get_weights()
    return np.array([k1[0, 0], b1[0], k2[0, 0], b2[0]], dtype=float)


def keras_initial_weights(seed):
    """Startwert von ``keras_net(seed)``, ohne das Modell zu bauen (viel schneller)."""
    return keras_initial_weights_seeds([seed])[0]


def keras_initial_weights_seeds(seeds):
    """Die Startwerte von ``keras_net(seed)`` für alle ``seeds``, Form (len(seeds), 4).

    Beide Dense-Layer ziehen ihren Kernel mit ``GlorotUniform``, die Biases sind null. Ein
    ``GlorotUniform()`` ohne eigenen Seed holt sich beim Anlegen einen mit
    ``random.randint(1, 10**9)`` aus Pythons Zufallsgenerator, den
    ``keras.utils.set_random_seed(seed)`` setzt. ``random.Random(seed)`` liefert dieselben
    beiden Seeds, ohne ein Modell zu bauen und ohne den globalen Zustand zu ändern; die
    Tests vergleichen mit ``keras_net``.
    """
    seeds = [check_seed(s) for s in seeds]
    keras = import_keras()
    W = np.zeros((len(seeds), 4))
    for i, seed in enumerate(seeds):
        python_rng = random.Random(seed)
        for j in (0, 2):  # Kernel der ersten, dann der zweiten Dense-Schicht
            glorot = keras.initializers.GlorotUniform(seed=python_rng.randint(1, 10**9))
            W[i, j] = np.asarray(glorot((1, 1))).item()
    return W


def keras_net_seeds(n):
    """``n`` Netze ``keras_net`` nebeneinander in *einem* Modell; Spalte s ist ein Netz.

    ``Dense(n)`` rechnet w1 x + w2 für alle n Neuronen, die ReLU wirkt elementweise, und
    ``EinsumDense("ab,b->ab")`` bildet w3 v + w4 für jede Spalte einzeln, ohne die Spalten
    zu mischen (anders als ``Dense(n)``).
    """
    keras = import_keras()
    n = check_int(n, "n", 1)
    return keras.Sequential([
        keras.Input(shape=(1,)),
        keras.layers.Dense(n),
        keras.layers.Activation("relu"),
        keras.layers.EinsumDense("ab,b->ab", output_shape=n, bias_axes="b"),
    ])


def keras_weights_seeds(net):
    """Die Gewichte eines ``keras_net_seeds`` als Stapel (n, 4), eine Zeile je Spalte."""
    k1, b1, k2, b2 = net.get_weights()
    return np.stack([k1[0], b1, k2, b2], axis=1).astype(float)


def summed_mse(y_true, y_pred):
    """Loss je Datenpunkt: die Summe der quadratischen Fehler über die Spalten.

    Keras mittelt ihn noch über den Batch; das ergibt die Summe der mittleren quadratischen
    Fehler der n Netze von ``keras_net_seeds``, nicht ihr Mittel.
    """
    from keras import ops

    return ops.sum(ops.square(y_pred - y_true), axis=-1)


KERAS_OPTIMIZERS = {"adam": "Adam", "sgd": "SGD"}
"""Die Werte von ``optimizer`` in ``fit_keras`` und die Klassen in ``keras.optimizers``."""


def fit_keras(X, y, seed, *, lr=1e-3, epochs=100, optimizer="adam", history=True):
    """Ein Lauf von ``fit_keras_seeds``."""
    return fit_keras_seeds(X, y, [seed], lr=lr, epochs=epochs, optimizer=optimizer,
                           history=history)[0]


def fit_keras_seeds(X, y, seeds, *, lr=1e-3, epochs=100, optimizer="adam", history=True):
    """Full-Batch-Training von ``keras_net(seed)`` für alle Seeds auf einmal, mit MSE-Loss.

    Ein Modell ``keras_net_seeds`` enthält die Netze aller Seeds nebeneinander, jedes mit
    seinem Startwert. Sein Loss ist die Summe der Losses der Seeds: Der Gradient nach den
    Gewichten eines Seeds ist genau der Gradient seines eigenen Loss, und Adam und SGD
    rechnen elementweise; jeder Seed macht also dieselben Schritte wie allein (bis auf die
    Reihenfolge mancher Summen in float32). Die Daten werden ``epochs``-mal
    hintereinandergelegt und in einer einzigen Epoche mit ``batch_size = m`` ohne Mischen
    durchlaufen: das sind genau ``epochs`` Full-Batch-Epochen, aber nur ein ``fit``-Aufruf.
    ``history=True`` zeichnet l(w) nach jedem Schritt auf (langsamer: ein Aufruf je
    Schritt). ``seconds`` ist die Zeit des gemeinsamen Trainings.
    """
    check_samples(X, y)
    seeds = [check_seed(s) for s in seeds]
    lr, epochs = check_real(lr, "lr", 0), check_int(epochs, "epochs", 1)
    check_choice(optimizer, "optimizer", KERAS_OPTIMIZERS)
    if not seeds:
        return []
    keras = import_keras()
    t0 = time.perf_counter()
    W0 = keras_initial_weights_seeds(seeds)
    net = keras_net_seeds(len(seeds))
    net.set_weights([np.array(W0[:, j], "float32").reshape(a.shape) for j, a in
                     enumerate(net.get_weights())])
    opt = getattr(keras.optimizers, KERAS_OPTIMIZERS[optimizer])(learning_rate=lr)
    net.compile(optimizer=opt, loss=summed_mse, steps_per_execution=1 if history else epochs)
    X_tiled = np.tile(np.asarray(X, "float32"), (epochs, 1))
    y_tiled = np.tile(np.asarray(y, "float32"), epochs).reshape(-1, 1)
    steps = [W0] if history else None
    callbacks = [_Recorder(keras, steps)] if history else []
    net.fit(X_tiled, y_tiled, batch_size=len(y), epochs=1, shuffle=False, verbose=0,
            callbacks=callbacks)
    W = keras_weights_seeds(net)
    P = net.predict_on_batch(np.asarray(X, "float32"))  # Form (m, Seeds)
    L = None if steps is None else model.loss_history(np.concatenate(steps), X, y)
    L = None if L is None else L.reshape(len(steps), len(seeds))  # Form (Schritte, Seeds)
    return [_result(framework="Keras", seed=seed, w=W[i], w_init=W0[i], y=y, t0=t0,
                    history=None if L is None else L[:, i], predictions=P[:, i])
            for i, seed in enumerate(seeds)]


def _Recorder(keras, steps):
    class Recorder(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            steps.append(keras_weights_seeds(self.model))

    return Recorder()


# --- PyTorch ------------------------------------------------------------------------


def torch_net():
    """Linear → ReLU → Linear als ``torch.nn.Module`` (wie ``Percep`` in den Notizen)."""
    from torch import nn

    class Percep(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear1 = nn.Linear(1, 1)
            self.act1 = nn.ReLU()
            self.linear2 = nn.Linear(1, 1)

        def forward(self, x):
            return self.linear2(self.act1(self.linear1(x)))

    return Percep()


def torch_weights(net):
    """Die Gewichte eines ``torch_net`` als (w1, w2, w3, w4)."""
    parts = (net.linear1.weight, net.linear1.bias, net.linear2.weight, net.linear2.bias)
    return np.array([p.detach().reshape(-1)[0].item() for p in parts])


def torch_initial_weights_seeds(seeds):
    """Die Startwerte von ``torch_net()`` nach ``torch.manual_seed(seed)`` für alle ``seeds``.

    Form (len(seeds), 4). Statt für jeden Seed ein neues Netz zu bauen, zieht ein Netz seine
    Parameter mit ``reset_parameters`` neu, denselben Aufrufen wie beim Anlegen von
    ``nn.Linear``; für die CPU setzt ``torch.manual_seed`` nur ``torch.default_generator``.
    Der globale Zustand des Zufallsgenerators ist danach unverändert (``fork_rng``).
    """
    seeds = [check_seed(s) for s in seeds]
    import torch

    W = np.zeros((len(seeds), 4))
    with torch.random.fork_rng(devices=[]):
        net = torch_net()
        for i, seed in enumerate(seeds):
            torch.default_generator.manual_seed(seed)
            net.linear1.reset_parameters()
            net.linear2.reset_parameters()
            W[i] = torch_weights(net)
    return W


def train_torch(net, loader, lr, epochs, X_all, y_all):
    """SGD mit ``lr`` über ``epochs`` Epochen des ``loader``; gibt l je Epoche zurück."""
    import torch
    from torch.nn import functional as F

    opt = torch.optim.SGD(net.parameters(), lr=lr)
    losses = [F.mse_loss(net(X_all), y_all).item()]
    for _ in range(epochs):
        for xb, yb in loader:
            loss = F.mse_loss(net(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        with torch.no_grad():
            losses.append(F.mse_loss(net(X_all), y_all).item())
    return losses


def fit_torch(X, y, seed, *, lr=1e-5, epochs=100, batch_size=5, shuffle=True, history=True):
    """Trainiert ``torch_net()`` wie in den Notizen; ``seed`` steuert Start und Mischen.

    Der globale Zufallsgenerator von torch wird nur innerhalb von ``fork_rng``
    gesetzt und danach wiederhergestellt. ``history=False`` lässt den Loss-Verlauf weg
    (er kostet je Epoche eine Auswertung auf allen Daten).
    """
    check_samples(X, y)
    seed, lr = check_seed(seed), check_real(lr, "lr", 0)
    epochs, batch_size = check_int(epochs, "epochs", 1), check_int(batch_size, "batch_size", 1)
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    t0 = time.perf_counter()
    X_t = torch.tensor(np.asarray(X), dtype=torch.float32)
    y_t = torch.tensor(np.asarray(y).reshape(-1, 1), dtype=torch.float32)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = torch_net()
        w_init = torch_weights(net)
        loader = DataLoader(TensorDataset(X_t, y_t), batch_size=batch_size, shuffle=shuffle)
        losses = train_torch(net, loader, lr, epochs, X_t, y_t)
    with torch.no_grad():
        predictions = net(X_t).numpy()
    return _result(framework="PyTorch", seed=seed, w=torch_weights(net), w_init=w_init,
                   history=losses if history else None, predictions=predictions, y=y, t0=t0)


def torch_start(seed, m, *, epochs=100, batch_size=5, shuffle=True):
    """Startwert und Minibatches, die ``fit_torch`` für ``seed`` zieht.

    Unter ``torch.manual_seed(seed)`` (in ``fork_rng``) wird ``torch_net()`` gebaut und ein
    ``DataLoader`` über die Indizes 0, …, m−1 ``epochs``-mal durchlaufen: dieselben
    Zufallszahlen in derselben Reihenfolge wie in ``fit_torch``. Ohne Mischen liefert er in
    jeder Epoche 0, …, m−1 der Reihe nach, in Stücken der Länge ``batch_size``. Gibt
    ``(w_init, batches)`` zurück; ``batches`` ist die Liste der Index-Tensoren aller Schritte.
    """
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check_seed(seed))
        w_init = torch_weights(torch_net())
        if shuffle:
            loader = DataLoader(TensorDataset(torch.arange(m)), batch_size=batch_size,
                                shuffle=True)
            batches = [idx for _ in range(epochs) for (idx,) in loader]
        else:  # der DataLoader gäbe in jeder Epoche dieselben Stücke von 0, …, m−1
            batches = list(torch.arange(m).split(batch_size)) * epochs
    return w_init, batches


def fit_torch_seeds(X, y, seeds, *, lr=1e-5, epochs=100, batch_size=5, shuffle=True,
                    history=True):
    """``fit_torch`` für alle Seeds auf einmal: ein Stapel von Parametern, ein SGD-Schritt.

    Jeder Seed bekommt mit ``torch_start`` denselben Startwert und dieselben Minibatches wie
    in ``fit_torch``. Die Parameter sind Tensoren der Form (Seeds, 1, 1), eine Zeile je
    Seed; ``torch.baddbmm`` rechnet für jede Zeile, was ``nn.Linear`` rechnet (``addmm``),
    auf ihrem eigenen Minibatch. Der Loss ist die Summe der Losses der Seeds: Der Gradient
    nach den Parametern eines Seeds ist der seines eigenen Loss, und SGD rechnet
    elementweise. Die Ergebnisse stimmen mit ``fit_torch`` bis auf die Rundung in float32
    überein. ``seconds`` ist die Zeit des gemeinsamen Trainings.
    """
    check_samples(X, y)
    seeds = [check_seed(s) for s in seeds]
    lr = check_real(lr, "lr", 0)
    epochs, batch_size = check_int(epochs, "epochs", 1), check_int(batch_size, "batch_size", 1)
    if not seeds:
        return []
    import torch
    from torch.nn import functional as F

    t0 = time.perf_counter()
    starts = [torch_start(s, len(y), epochs=epochs, batch_size=batch_size, shuffle=shuffle)
              for s in seeds]
    W0 = np.array([w for w, _ in starts])
    steps = [torch.stack(idx) for idx in zip(*(b for _, b in starts), strict=True)]
    X_t = torch.tensor(np.asarray(X), dtype=torch.float32)  # Form (m, 1)
    y_t = torch.tensor(np.asarray(y).reshape(-1, 1), dtype=torch.float32)
    w1, w2, w3, w4 = params = [torch.tensor(W0[:, [j]], dtype=torch.float32).reshape(-1, 1, 1)
                               .requires_grad_() for j in range(4)]

    def forward(x):  # x: Form (Seeds, Batch, 1)
        return torch.baddbmm(w4, torch.relu(torch.baddbmm(w2, x, w1)), w3)

    def losses():  # der Loss jedes Seeds auf allen Daten, Form (Seeds,)
        with torch.no_grad():
            out = forward(X_t.expand(len(seeds), -1, -1))
            return F.mse_loss(out, y_t.expand_as(out), reduction="none").mean(dim=(1, 2))

    opt = torch.optim.SGD(params, lr=lr)
    curve = [losses()] if history else None
    per_epoch = len(steps) // epochs  # Schritte je Epoche
    for k, idx in enumerate(steps, start=1):
        loss = F.mse_loss(forward(X_t[idx]), y_t[idx], reduction="none").mean(dim=(1, 2))
        loss.sum().backward()
        opt.step()
        opt.zero_grad()
        if history and k % per_epoch == 0:  # Ende einer Epoche
            curve.append(losses())
    with torch.no_grad():
        P = forward(X_t.expand(len(seeds), -1, -1))[:, :, 0].numpy()
    W = np.concatenate([p.detach().reshape(-1, 1).numpy() for p in params], axis=1)
    H = None if curve is None else torch.stack(curve).numpy()  # Form (Epochen + 1, Seeds)
    return [_result(framework="PyTorch", seed=seed, w=W[i], w_init=W0[i], y=y, t0=t0,
                    history=None if H is None else H[:, i].tolist(), predictions=P[i])
            for i, seed in enumerate(seeds)]
