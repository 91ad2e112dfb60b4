"""Benchmark (not a test): the vectorised gradient ``model.loss_grad`` versus a per-sample loop.

The loop is written like the lecture notes' loss: a Python ``for`` over the samples that adds
up the squared errors, differentiated by autograd. Both gradients are checked to agree, then
timed in this one run (best of several repeats). Run from the repository root:

    .venv/bin/python benchmarks/bench_gradient.py
"""

import sys
import timeit

import autograd
import numpy as np

from neuronale_netze import data, model


def loss_per_sample_loop(w, X, y):
    """The notes' loss: one term per sample, accumulated in a Python loop."""
    total = 0.0
    for x, t in zip(X, y, strict=True):
        total = total + (model.relu(w[0] * x + w[1]) * w[2] + w[3] - t) ** 2
    return total[0] / X.shape[0]


grad_per_sample_loop = autograd.grad(loss_per_sample_loop)


def best_time(f, number, repeat=3):
    """Best wall-clock time of one call of ``f`` in seconds."""
    return min(timeit.repeat(f, number=number, repeat=repeat)) / number


def main(sizes=(10, 100, 1000)):
    w = np.array([1.0, 0.2, 0.9, -0.1])
    print(f"{'samples':>8} {'loop [ms]':>10} {'vectorised [ms]':>16} {'speed-up':>9}")
    for n in sizes:
        X, y = data.model_problem(n)
        g_vec, g_loop = model.loss_grad(w, X, y), grad_per_sample_loop(w, X, y)
        if not np.allclose(g_vec, g_loop, rtol=1e-12, atol=1e-14):
            sys.exit(f"gradients disagree for n = {n}: {g_vec} vs {g_loop}")
        number = max(1, 200 // n)
        t_loop = best_time(lambda X=X, y=y: grad_per_sample_loop(w, X, y), number)
        t_vec = best_time(lambda X=X, y=y: model.loss_grad(w, X, y), 10 * number)
        print(f"{n + 1:>8} {1e3 * t_loop:>10.3f} {1e3 * t_vec:>16.3f} {t_loop / t_vec:>8.1f}x")


if __name__ == "__main__":
    main()
