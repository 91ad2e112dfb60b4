"""Benchmark (not a test): the chapters' seed sweeps stacked versus one start after another,
and the per-fit cost of the libraries where a section cannot get below 3 s (issue 16).

Every sweep is run both ways in this one run, on the chapter's settings but fewer seeds, and
the two results are compared first (bit for bit, or the stated float32 tolerance of the
framework tests). Times are the best of three after a warm-up, the two variants of a sweep
measured alternately (``timing.best_times``). Run from the repository root:

    .venv/bin/python benchmarks/bench_sweeps.py
"""

import os
import sys

import numpy as np

from neuronale_netze import backprop, data, frameworks, model, optim
from neuronale_netze.timing import best_time, best_times

X, y = data.model_problem(n=10)
N = len(y)
ROWS = []


def compare(name, n, one_by_one, stacked, same):
    """Check that both variants agree, time both, keep a row of the table."""
    a, b = one_by_one(), stacked()
    if not same(a, b):
        sys.exit(f"{name}: stacked and one-by-one results differ")
    t = best_times({"one": one_by_one, "stacked": stacked}, repeat=3)
    ROWS.append((name, n, t["one"], t["stacked"]))


def sgd_sweep(n_seeds):
    grad = model.batch_gradient(X, y, grad=backprop.loss_gradient)
    kw = dict(lr=0.1, n_iter=200, batch_size=1)

    def one():
        return np.array([optim.sgd(grad, np.ones(4), N, rng=np.random.default_rng(s), **kw)
                         for s in range(n_seeds)])

    def stacked():
        rngs = [np.random.default_rng(s) for s in range(n_seeds)]
        return optim.sgd(grad, np.ones((n_seeds, 4)), N, rng=rngs, **kw).swapaxes(0, 1)

    compare("1.6 SGD, n_B = 1, 200 steps", n_seeds, one, stacked, np.array_equal)


def framework_sweep(name, fit_one, fit_seeds, n_seeds, **kw):
    def one():
        return np.array([fit_one(X, y, s, **kw).w for s in range(n_seeds)])

    def stacked():
        return np.array([r.w for r in fit_seeds(X, y, range(n_seeds), **kw)])

    # float32: Keras sums some terms in another order (tests/test_frameworks.py)
    compare(name, n_seeds, one, stacked,
            lambda a, b: np.allclose(a, b, rtol=1e-6, atol=1e-7))


def per_fit_costs():
    """Seconds per fit of what 1.3.1 and 1.3.2 show, where stacking does not apply."""
    keras = frameworks.import_keras()

    def student_keras():  # the cell of 1.3.2: build, compile, fit 100 epochs
        keras.utils.set_random_seed(0)
        net = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1),
                                keras.layers.Activation("relu"), keras.layers.Dense(1)])
        net.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
        net.fit(X, y, epochs=100, verbose=0)

    def sklearn_sweep(n, **settings):  # seconds per fit, the mean over 1.3.1's states
        return best_time(lambda: [frameworks.fit_sklearn(X, y, s, **settings)
                                  for s in range(n)], repeat=3) / n

    return {
        "scikit-learn MLPRegressor, adam, states 0-99": sklearn_sweep(100),
        "scikit-learn MLPRegressor, lbfgs, states 0-49": sklearn_sweep(50, solver="lbfgs"),
        "Keras Sequential: compile + fit, 100 epochs": best_time(student_keras, repeat=3),
    }


def main():
    frameworks.import_keras()
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")  # "triggered tf.function retracing": one model per fit
    print(f"machine: {os.cpu_count()} cores; load average before: "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")
    sgd_sweep(50)
    framework_sweep("1.3.2 Keras Adam, 100 epochs", frameworks.fit_keras,
                    frameworks.fit_keras_seeds, 10, lr=1e-3, epochs=100, history=False)
    framework_sweep("1.3.3 PyTorch SGD, 100 epochs", frameworks.fit_torch,
                    frameworks.fit_torch_seeds, 10, lr=0.1, epochs=100, history=False)
    print(f"{'sweep':34s} {'seeds':>5s} {'one by one':>11s} {'stacked':>9s} {'ratio':>6s}")
    for name, n, one, stacked in ROWS:
        print(f"{name:34s} {n:5d} {one:10.3f}s {stacked:8.3f}s {one / stacked:6.1f}")
    print("\nper fit, where the section shows one library fit after another:")
    for name, seconds in per_fit_costs().items():
        print(f"  {name:46s} {seconds * 1e3:8.1f} ms")
    print(f"\nload average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
