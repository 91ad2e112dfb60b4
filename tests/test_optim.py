import numpy as np
import pytest

from neuronale_netze import backprop, data, model, optim

X, y = data.model_problem()
N = len(y)


def full_grad(w):
    return model.loss_grad(w, X, y)


def batch_grad(w, idx):
    return model.loss_grad(w, X[idx], y[idx])


def fast_batch_grad(w, idx):
    return backprop.loss_gradient(w, X[idx], y[idx])


# --- a convex quadratic with known minimiser -------------------------------------------------

A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])
B = np.array([1.0, -2.0, 0.5])
W_STAR = np.linalg.solve(A, B)


def quad_grad(w):
    return A @ w - B


@pytest.mark.parametrize("method", [optim.gradient_descent, optim.nesterov])
def test_convex_quadratic_converges_to_closed_form_minimiser(method):
    lr = 1 / np.linalg.eigvalsh(A).max()
    W = method(quad_grad, np.zeros(3), lr=lr, n_iter=500)
    assert W.shape == (501, 3)
    np.testing.assert_allclose(W[-1], W_STAR, atol=1e-10)


def test_gd_on_quadratic_contracts_with_known_rate():
    # f(w) = |w|^2 / 2: w_k = (1 - lr)^k w_0 exactly
    W = optim.gradient_descent(lambda w: w, np.array([2.0, -1.0]), lr=0.25, n_iter=10)
    np.testing.assert_allclose(W, 0.75 ** np.arange(11)[:, None] * [2.0, -1.0], rtol=1e-14)


def test_nesterov_first_steps_by_hand():
    def g(w):
        return w**3 + np.array([1.0, -2.0])

    w0, a = np.array([0.5, 1.0]), 0.1
    W = optim.nesterov(g, w0, lr=a, n_iter=4)
    w1 = w0 - a * g(w0)  # k = 1: v = w0 (w^(-1) = w^(0))
    w2 = w1 - a * g(w1)  # k = 2: factor (k-2)/(k+1) = 0
    v3 = w2 + 1 / 4 * (w2 - w1)  # k = 3
    w3 = v3 - a * g(v3)
    v4 = w3 + 2 / 5 * (w3 - w2)  # k = 4
    w4 = v4 - a * g(v4)
    np.testing.assert_allclose(W, [w0, w1, w2, w3, w4], rtol=1e-15)


@pytest.mark.parametrize("lr", [1.0, 0.5])
def test_nesterov_keeps_its_convergence_bound_where_gd_is_slow(lr):
    # f(w) = ½ wᵀDw, L = 1: GD contracts w_j by (1 − lr·d_j) per step (closed form); for
    # this Nesterov variant f(w⁽ᵏ⁾) − f* ≤ 2‖w⁽⁰⁾ − w*‖² / (lr (k+1)²) for every lr ≤ 1/L
    D = np.array([1.0, 0.01])

    def f(W):
        return 0.5 * W**2 @ D

    k = np.arange(201)
    W_gd = optim.gradient_descent(lambda w: D * w, np.ones(2), lr=lr, n_iter=200)
    np.testing.assert_allclose(W_gd, (1 - lr * D) ** k[:, None], rtol=1e-12, atol=1e-300)
    W_nes = optim.nesterov(lambda w: D * w, np.ones(2), lr=lr, n_iter=200)
    assert np.all(f(W_nes)[1:] <= 2 * 2 / (lr * (k[1:] + 1) ** 2))
    assert f(W_nes)[-1] < f(W_gd)[-1]


def test_callable_lr_is_called_with_k_from_1():
    seen = []

    def lr(k):
        seen.append(k)
        return 1 / k

    # f_i(w) = (w - c_i)^2 / 2 with lr(k) = 1/k: w^(k) is the mean of the drawn c's
    c = np.array([[0.0], [1.0], [5.0], [-2.0]])
    drawn = []

    def g(w, idx):
        drawn.append(idx[0])
        return w - c[idx].mean(axis=0)

    W = optim.sgd(g, np.array([7.0]), 4, lr=lr, n_iter=6, rng=np.random.default_rng(1))
    assert seen == [1, 2, 3, 4, 5, 6]
    running_mean = np.cumsum(c[drawn, 0]) / np.arange(1, 7)
    np.testing.assert_allclose(W[1:, 0], running_mean, rtol=1e-14)


def test_sgd_on_sum_of_quadratics_approaches_the_mean():
    c = np.random.default_rng(5).normal(size=(20, 2))
    W = optim.sgd(lambda w, idx: w - c[idx].mean(axis=0), np.zeros(2), 20,
                  lr=lambda k: 1 / k, n_iter=4000, batch_size=5, rng=np.random.default_rng(2))
    np.testing.assert_allclose(W[-1], c.mean(axis=0), atol=0.02)


# --- the random-number stream: the loops before the refactoring, as the reference -----------
# A copy of the implementation of commit 13682ec (one loop per optimiser, the batch drawn in the
# loop): the optimisers must produce the same iterates bit for bit, so every number of the book
# stays unchanged.

def _old_lr(lr, k):
    return lr(k) if callable(lr) else lr


def old_gradient_descent(grad, w0, lr, n_iter):
    W = np.empty((n_iter + 1, len(w0)))
    W[0] = w0
    for k in range(1, n_iter + 1):
        W[k] = W[k - 1] - _old_lr(lr, k) * grad(W[k - 1])
    return W


def old_nesterov(grad, w0, lr, n_iter, draw=None):
    W = np.empty((n_iter + 1, len(w0)))
    W[0] = w0
    for k in range(1, n_iter + 1):
        w1, w2 = W[k - 1], W[max(k - 2, 0)]
        v = w1 + (k - 2) / (k + 1) * (w1 - w2)
        if draw is None:
            W[k] = v - _old_lr(lr, k) * grad(v)
        else:
            idx = draw()
            W[k] = v - _old_lr(lr, k) * grad(v, idx)
    return W


def old_sgd(grad, w0, n_samples, lr, n_iter, batch_size, rng):
    W = np.empty((n_iter + 1, len(w0)))
    W[0] = w0
    for k in range(1, n_iter + 1):
        idx = np.sort(rng.choice(n_samples, size=batch_size, replace=False))
        W[k] = W[k - 1] - _old_lr(lr, k) * grad(W[k - 1], idx)
    return W


def old_stochastic_nesterov(grad, w0, n_samples, lr, n_iter, batch_size, rng):
    def draw():
        return np.sort(rng.choice(n_samples, size=batch_size, replace=False))

    return old_nesterov(grad, w0, lr, n_iter, draw=draw)


LRS = [0.1, lambda k: 0.3 / np.sqrt(k)]


@pytest.mark.parametrize("lr", LRS)
@pytest.mark.parametrize("w0", [np.ones(4), np.array([0.3, 0.2, -1.1, 0.4])])
def test_deterministic_iterates_are_the_old_ones_bit_for_bit(w0, lr):
    def grad(w):
        return backprop.loss_gradient(w, X, y)

    np.testing.assert_array_equal(optim.gradient_descent(grad, w0, lr=lr, n_iter=150),
                                  old_gradient_descent(grad, w0, lr, 150))
    np.testing.assert_array_equal(optim.nesterov(grad, w0, lr=lr, n_iter=150),
                                  old_nesterov(grad, w0, lr, 150))


@pytest.mark.parametrize("lr", LRS)
@pytest.mark.parametrize("batch_size", [1, 3])
@pytest.mark.parametrize("seed", [0, 33, 123])
def test_stochastic_iterates_are_the_old_ones_bit_for_bit(seed, batch_size, lr):
    def run(method, old):
        new = method(fast_batch_grad, np.ones(4), N, lr=lr, n_iter=150, batch_size=batch_size,
                     rng=np.random.default_rng(seed))
        ref = old(fast_batch_grad, np.ones(4), N, lr, 150, batch_size, np.random.default_rng(seed))
        np.testing.assert_array_equal(new, ref)

    run(optim.sgd, old_sgd)
    run(optim.stochastic_nesterov, old_stochastic_nesterov)


def test_stochastic_gradient_draws_one_batch_per_call_from_the_generator():
    seen = []
    g = optim.stochastic_gradient(lambda w, idx: seen.append(idx) or w, 11, batch_size=3,
                                  rng=np.random.default_rng(5))
    for _ in range(4):
        g(np.ones(2))
    rng = np.random.default_rng(5)
    expected = [np.sort(rng.choice(11, size=3, replace=False)) for _ in range(4)]
    np.testing.assert_array_equal(seen, expected)


# --- many starts at once: a stack (S, p) is S one-by-one runs, bit for bit -------------------

SEEDS = [0, 5, 33, 123]


@pytest.mark.parametrize("lr", LRS)
@pytest.mark.parametrize("batch_size", [1, 3])
@pytest.mark.parametrize("method", [optim.sgd, optim.stochastic_nesterov])
def test_stacked_stochastic_runs_equal_one_by_one_runs_bit_for_bit(method, batch_size, lr):
    W0 = np.array([[1.0, 1.0, 1.0, 1.0], [0.3, 0.2, -1.1, 0.4], [1.0, -0.5, 1.0, 0.0],
                   [-0.8, 0.9, 1.2, -0.1]])
    W = method(fast_batch_grad, W0, N, lr=lr, n_iter=150, batch_size=batch_size,
               rng=[np.random.default_rng(s) for s in SEEDS])
    assert W.shape == (151, len(SEEDS), 4)
    for s, (seed, w0) in enumerate(zip(SEEDS, W0, strict=True)):
        one = method(fast_batch_grad, w0, N, lr=lr, n_iter=150, batch_size=batch_size,
                     rng=np.random.default_rng(seed))
        assert np.array_equal(W[:, s], one)


@pytest.mark.parametrize("method", [optim.gradient_descent, optim.nesterov])
def test_stacked_deterministic_runs_equal_one_by_one_runs_bit_for_bit(method):
    def grad(w):  # a vector or, row by row, a stack
        return backprop.loss_gradient(w, X, y)

    W0 = np.vstack([np.zeros(4), np.ones(4), [1.0, -0.5, 1.0, 0.0]])
    W = method(grad, W0, lr=0.1, n_iter=150)
    assert W.shape == (151, 3, 4)
    for s, w0 in enumerate(W0):
        assert np.array_equal(W[:, s], method(grad, w0, lr=0.1, n_iter=150))


def test_stacked_stochastic_gradient_draws_each_batch_from_its_own_generator():
    seen = []
    g = optim.stochastic_gradient(lambda w, idx: seen.append(idx) or w, 11, batch_size=3,
                                  rng=[np.random.default_rng(s) for s in (4, 9)])
    for _ in range(3):
        g(np.ones((2, 4)))
    for s, seed in enumerate((4, 9)):
        rng = np.random.default_rng(seed)
        expected = [np.sort(rng.choice(11, size=3, replace=False)) for _ in range(3)]
        np.testing.assert_array_equal([idx[s] for idx in seen], expected)


def test_one_generator_for_a_stack_draws_one_batch_for_all_starts():
    seen = []
    W = optim.sgd(lambda w, idx: seen.append(idx) or np.zeros_like(w), np.ones((3, 2)), N,
                  lr=0.1, n_iter=2, batch_size=2, rng=np.random.default_rng(0))
    assert W.shape == (3, 3, 2) and all(idx.shape == (2,) for idx in seen)


@pytest.mark.parametrize("rng", [[np.random.default_rng(0)] * 2, [np.random.default_rng(0)]])
def test_stacked_sgd_needs_one_generator_per_start(rng):
    with pytest.raises(ValueError, match="^rng must hold one generator per start"):
        optim.sgd(fast_batch_grad, np.ones((3, 4)), N, lr=0.1, n_iter=2, rng=rng)
    with pytest.raises(ValueError, match="^rng must hold one generator per start"):
        optim.sgd(fast_batch_grad, np.ones(4), N, lr=0.1, n_iter=2, rng=rng)


@pytest.mark.parametrize("rng", [[], [0, 1], (np.random.default_rng(0), None)])
def test_stacked_sgd_rejects_lists_that_are_no_generators(rng):
    with pytest.raises(ValueError, match="^rng must be a numpy.random.Generator or a non-empty"):
        optim.sgd(fast_batch_grad, np.ones((2, 4)), N, lr=0.1, n_iter=2, rng=rng)


def test_divergence_of_a_stack_names_the_starts_and_keeps_all_histories():
    # f(w) = w²/2 row by row, lr 3: w_k = (−2)^k w_0; the start with the largest |w_0| overflows
    # first, at the k with 2^k |w_0| > max float; the whole stack stops there
    W0 = np.array([[1.0], [2.0**20], [-(2.0**20)], [3.0]])
    with pytest.raises(optim.DivergenceError, match=r"iteration 1004 in start\(s\) 1, 2 ") as info:
        optim.gradient_descent(lambda w: w, W0, lr=3.0, n_iter=2000)
    err = info.value
    assert err.iteration == 1004 and err.starts == [1, 2] and err.history.shape == (1004, 4, 1)
    np.testing.assert_array_equal(err.history[:, :, 0],
                                  (-2.0) ** np.arange(1004)[:, None] * W0[:, 0])
    with pytest.raises(optim.DivergenceError) as single:
        optim.gradient_descent(lambda w: w, W0[1], lr=3.0, n_iter=2000)
    assert single.value.iteration == 1004 and single.value.starts is None


# --- shape of the result, copies, reproducibility --------------------------------------------

def all_runs(w0, n_iter=5, **kw):
    yield optim.gradient_descent(full_grad, w0, lr=0.1, n_iter=n_iter)
    yield optim.nesterov(full_grad, w0, lr=0.1, n_iter=n_iter)
    yield optim.sgd(batch_grad, w0, N, lr=0.1, n_iter=n_iter, rng=np.random.default_rng(0), **kw)
    yield optim.stochastic_nesterov(batch_grad, w0, N, lr=0.1, n_iter=n_iter,
                                    rng=np.random.default_rng(0), **kw)


def test_history_shape_row0_is_a_copy_and_w0_is_untouched():
    w0 = np.ones(4)
    for W in all_runs(w0):
        assert W.shape == (6, 4)
        np.testing.assert_array_equal(W[0], np.ones(4))
        W[0, 0] = 42.0
        assert w0[0] == 1.0
    for W in all_runs(w0, n_iter=0):
        np.testing.assert_array_equal(W, [np.ones(4)])


def test_accepts_lists_and_int_arrays_as_w0():
    W = optim.gradient_descent(full_grad, [1, 1, 1, 1], lr=0.1, n_iter=2)
    assert W.dtype == float
    np.testing.assert_allclose(W[1], [0.8, 0.6, 0.4, 0.6])


@pytest.mark.parametrize("method", [optim.sgd, optim.stochastic_nesterov])
def test_equal_generators_give_equal_runs_and_different_seeds_differ(method):
    def run(seed):
        return method(batch_grad, np.ones(4), N, lr=0.1, n_iter=50, batch_size=2,
                      rng=np.random.default_rng(seed))

    np.testing.assert_array_equal(run(7), run(7))
    assert not np.array_equal(run(7), run(8))


@pytest.mark.parametrize("bs", [1, 3, 11])
def test_batches_are_distinct_sorted_indices_drawn_anew(bs):
    batches = []

    def g(w, idx):
        batches.append(idx.copy())
        return np.zeros_like(w)

    optim.sgd(g, np.ones(4), N, lr=0.1, n_iter=300, batch_size=bs, rng=np.random.default_rng(3))
    assert len(batches) == 300
    for idx in batches:
        assert len(idx) == bs and len(set(idx.tolist())) == bs
        assert np.all(np.diff(idx) > 0) and idx.min() >= 0 and idx.max() < N
    counts = np.bincount(np.concatenate(batches), minlength=N)
    assert counts.min() > 0  # every sample is drawn at some point
    if bs < N:
        assert len({tuple(b) for b in batches}) > 1


def test_full_batch_sgd_is_gradient_descent():
    W_gd = optim.gradient_descent(full_grad, np.ones(4), lr=0.1, n_iter=200)
    W_sgd = optim.sgd(batch_grad, np.ones(4), N, lr=0.1, n_iter=200, batch_size=N,
                      rng=np.random.default_rng(0))
    np.testing.assert_array_equal(W_sgd, W_gd)


def test_full_batch_stochastic_nesterov_is_nesterov():
    W = optim.nesterov(full_grad, np.ones(4), lr=0.1, n_iter=100)
    W_s = optim.stochastic_nesterov(batch_grad, np.ones(4), N, lr=0.1, n_iter=100,
                                    batch_size=N, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(W_s, W)


def test_the_decorator_turns_any_loop_into_an_optimiser():
    @optim.optimizer
    def heavy_ball(grad, w0, *, lr, n_iter):  # w⁽ᵏ⁾ = w⁽ᵏ⁻¹⁾ − lr·g + ½ (w⁽ᵏ⁻¹⁾ − w⁽ᵏ⁻²⁾)
        w = w_prev = w0
        for k in range(1, n_iter + 1):
            w_prev, w = w, w - lr(k) * grad(w) + 0.5 * (w - w_prev)
            yield w

    # f(w) = w²/2, lr = 1/2: w_k = ½ w_{k−1} + ½ (w_{k−1} − w_{k−2}) = w_{k−1} − ½ w_{k−2}
    W = heavy_ball(lambda w: w, [4.0], lr=0.5, n_iter=4)
    np.testing.assert_array_equal(W[:, 0], [4.0, 2.0, 0.0, -1.0, -1.0])
    assert heavy_ball.__name__ == "heavy_ball"
    with pytest.raises(ValueError, match="^n_iter must"):
        heavy_ball(lambda w: w, [4.0], lr=0.5, n_iter=-1)
    with pytest.raises(ValueError, match=r"^lr must .* lr\(2\) = -1"):
        heavy_ball(lambda w: w, [4.0], lr=lambda k: 1 if k < 2 else -1, n_iter=4)
    with pytest.raises(optim.DivergenceError) as info:
        heavy_ball(lambda w: w, [4.0], lr=lambda k: 1e308 if k == 2 else 0.5, n_iter=4)
    assert info.value.iteration == 2 and info.value.lr == 1e308  # 2 − 2·1e308 = −inf


# --- the public signatures the chapters call ----------------------------------------------

@pytest.mark.parametrize(("method", "signature"), [
    (optim.gradient_descent, "(grad, w0, *, lr, n_iter)"),
    (optim.nesterov, "(grad, w0, *, lr, n_iter)"),
    (optim.sgd, "(grad, w0, n_samples, *, lr, n_iter, batch_size=1, rng)"),
    (optim.stochastic_nesterov, "(grad, w0, n_samples, *, lr, n_iter, batch_size=1, rng)"),
    (optim.stochastic_gradient, "(grad, n_samples, *, batch_size=1, rng)"),
])
def test_signatures(method, signature):
    import inspect

    assert str(inspect.signature(method)) == signature


# --- bad input ------------------------------------------------------------------------------

def call(method, w0=None, **kw):
    w0 = np.ones(4) if w0 is None else w0
    args = dict(lr=0.1, n_iter=3)
    args.update(kw)
    if method in (optim.sgd, optim.stochastic_nesterov):
        n_samples = args.pop("n_samples", N)
        args.setdefault("rng", np.random.default_rng(0))
        return method(batch_grad, w0, n_samples, **args)
    return method(full_grad, w0, **args)


METHODS = [optim.gradient_descent, optim.nesterov, optim.sgd, optim.stochastic_nesterov]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("lr", [0, -0.1, np.nan, np.inf, "0.1", None, True])
def test_bad_lr(method, lr):
    with pytest.raises(ValueError, match="^lr must be a finite number > 0"):
        call(method, lr=lr)


@pytest.mark.parametrize("method", METHODS)
def test_bad_callable_lr_names_the_iteration(method):
    with pytest.raises(ValueError, match=r"^lr must .* lr\(3\) = 0"):
        call(method, lr=lambda k: 0.1 if k < 3 else 0)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n_iter", [-1, 1.5, True, "3", None])
def test_bad_n_iter(method, n_iter):
    with pytest.raises(ValueError, match="^n_iter must be an integer >= 0"):
        call(method, n_iter=n_iter)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("w0", [np.ones((2, 2, 4)), np.float64(1.0), np.zeros(0),
                                np.array([1.0, np.nan, 0, 0])])
def test_bad_w0(method, w0):
    with pytest.raises(ValueError, match="^w0 must be"):
        call(method, w0=w0)


@pytest.mark.parametrize("method", [optim.sgd, optim.stochastic_nesterov])
@pytest.mark.parametrize("bs", [0, -1, N + 1, 1.0, True])
def test_bad_batch_size(method, bs):
    with pytest.raises(ValueError, match=rf"^batch_size must be an integer in 1\.\.{N}"):
        call(method, batch_size=bs)


@pytest.mark.parametrize("method", [optim.sgd, optim.stochastic_nesterov])
@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_n_samples(method, n):
    with pytest.raises(ValueError, match="^n_samples must be an integer >= 1"):
        call(method, n_samples=n)


@pytest.mark.parametrize("method", [optim.sgd, optim.stochastic_nesterov])
@pytest.mark.parametrize("rng", [0, None, np.random.RandomState(0)])
def test_bad_rng(method, rng):
    with pytest.raises(ValueError, match="^rng must be a numpy.random.Generator"):
        call(method, rng=rng)


# --- divergence -----------------------------------------------------------------------------

def test_divergence_error_at_the_first_overflow_of_a_closed_form():
    # f(w) = w²/2 with lr 3: w_k = (1 − 3)^k = (−2)^k, finite up to 2^1023, inf at k = 1024
    with pytest.raises(optim.DivergenceError,
                       match="non-finite at iteration 1024 with step size lr=3") as info:
        optim.gradient_descent(lambda w: w, np.ones(1), lr=3.0, n_iter=2000)
    err = info.value
    assert isinstance(err, ArithmeticError)
    assert err.iteration == 1024 and err.lr == 3.0
    np.testing.assert_array_equal(err.history[:, 0], (-2.0) ** np.arange(1024))


@pytest.mark.parametrize("method", [optim.gradient_descent, optim.nesterov])
def test_divergence_on_model_problem_stops_at_the_first_non_finite_iterate(method):
    with pytest.raises(optim.DivergenceError) as info:
        method(full_grad, np.ones(4), lr=10.0, n_iter=1000)
    err = info.value
    k = err.iteration
    assert err.lr == 10.0 and err.history.shape == (k, 4) and np.all(np.isfinite(err.history))
    # the history is the run itself, up to the step before the overflow
    np.testing.assert_array_equal(method(full_grad, np.ones(4), lr=10.0, n_iter=k - 1),
                                  err.history)


@pytest.mark.parametrize("method", METHODS)
def test_every_optimiser_stops_on_nan_gradient(method):
    def bad(w, *idx):
        return np.full_like(w, np.nan) if w[0] < 0.75 else np.ones_like(w)

    kw = dict(lr=0.1, n_iter=10)
    if method in (optim.sgd, optim.stochastic_nesterov):
        kw["rng"] = np.random.default_rng(0)
        run = lambda: method(bad, np.ones(4), N, **kw)  # noqa: E731
    else:
        run = lambda: method(bad, np.ones(4), **kw)  # noqa: E731
    with pytest.raises(optim.DivergenceError) as info:
        run()
    k = info.value.iteration
    assert k >= 2 and info.value.history.shape == (k, 4)


def test_large_but_finite_iterates_are_no_divergence():
    W = optim.gradient_descent(lambda w: -w, np.ones(1), lr=1.0, n_iter=1000)  # 2**k
    assert W[-1, 0] == 2.0**1000


# --- helpers ---------------------------------------------------------------------------------

def test_first_below_and_jitter():
    losses = [1.0, 0.1, 0.2, 0.01, 0.001]
    assert optim.first_below(losses, 0.5) == 1
    assert optim.first_below(losses, 0.01) == 4
    assert optim.first_below(losses, 1e-5) is None
    increases, tv = optim.jitter(losses)
    assert increases == 1
    assert tv == pytest.approx(1 + np.log10(2) + np.log10(20) + 1)
    assert optim.jitter([1.0, 0.1, 0.01]) == (0, pytest.approx(2.0))


# --- the key claims of chapters 1.4-1.6 -------------------------------------------------------

def test_gd_from_zeros_only_w4_moves_and_loss_tends_to_variance():
    W = optim.gradient_descent(full_grad, np.zeros(4), lr=0.1, n_iter=200)
    assert np.all(W[:, :3] == 0)
    k = np.arange(201)
    np.testing.assert_allclose(W[:, 3], 0.5 * (1 - 0.8**k), rtol=1e-12, atol=1e-15)
    losses = model.loss_history(W, X, y)
    np.testing.assert_allclose(losses, 0.1 + 0.25 * 0.64**k, rtol=1e-12)
    assert losses[-1] == pytest.approx(np.var(y), rel=1e-12) and np.var(y) == pytest.approx(0.1)


def test_constant_fit_is_a_saddle_for_every_choice_of_relu_derivative():
    w_c = np.array([0.0, 0.0, 0.0, 0.5])
    for c in (0.0, 0.5, 1.0):
        np.testing.assert_allclose(backprop.loss_gradient(w_c, X, y, c), 0, atol=1e-16)
    eps = np.array([1e-3, 0.01, 0.1, 0.3])
    down = [model.loss(w_c + e * np.array([1, 0, 1, 0]), X, y) for e in eps]
    up = [model.loss(w_c + e * np.array([0, 0, 0, 1]), X, y) for e in eps]
    np.testing.assert_allclose(down, 0.1 - 0.2 * eps**2 + 0.35 * eps**4, rtol=1e-12)
    assert np.all(np.array(down) < 0.1) and np.all(np.array(up) > 0.1)


def reference_gd_per_sample(w, lr, n_iter):
    """GD for the model problem in plain Python: the gradient from the notes' formulas
    ∂w4 l = 2/N Σ e_i, ∂w3 l = 2/N Σ e_i v_i, ∂w2 l = 2/N Σ e_i w3 r'(u_i), ∂w1 l = … x_i."""
    w = [float(v) for v in w]
    xs = [float(v) for v in X[:, 0]]
    for _ in range(n_iter):
        g = [0.0] * 4
        for x_i, y_i in zip(xs, y, strict=True):
            u = w[0] * x_i + w[1]
            assert u != 0.0  # no kink on this path
            v, dr = (u, 1.0) if u > 0 else (0.0, 0.0)
            e = w[2] * v + w[3] - y_i
            for j, d in enumerate((e * w[2] * dr * x_i, e * w[2] * dr, e * v, e)):
                g[j] += 2 * d / len(xs)
        w = [wj - lr * gj for wj, gj in zip(w, g, strict=True)]
    return np.array(w)


def test_gd_from_ones_equals_a_per_sample_computation_and_descends():
    W = optim.gradient_descent(full_grad, np.ones(4), lr=0.1, n_iter=200)
    np.testing.assert_allclose(W[-1], reference_gd_per_sample(np.ones(4), 0.1, 200), rtol=1e-12)
    losses = model.loss_history(W, X, y)
    assert np.all(np.diff(losses) < 0)
    assert losses[-1] < 1e-4 * losses[0]


@pytest.mark.parametrize("w0", [np.zeros(4), np.ones(4)])
def test_choice_of_relu_derivative_does_not_matter_from_zeros_and_ones(w0):
    runs = [optim.gradient_descent(lambda w, c=c: backprop.loss_gradient(w, X, y, c), w0,
                                   lr=0.1, n_iter=200) for c in (0.0, 0.5, 1.0)]
    np.testing.assert_array_equal(runs[0], runs[1])
    np.testing.assert_array_equal(runs[2], runs[1])


def test_nesterov_reaches_tolerances_in_fewer_iterations_than_gd():
    l_gd = model.loss_history(optim.gradient_descent(full_grad, np.ones(4), lr=0.1,
                                                     n_iter=400), X, y)
    l_nes = model.loss_history(optim.nesterov(full_grad, np.ones(4), lr=0.1, n_iter=400), X, y)
    for tol in (1e-2, 1e-4, 1e-6):  # accelerated: less than a third of GD's iterations
        assert 3 * optim.first_below(l_nes, tol) < optim.first_below(l_gd, tol)
    assert optim.jitter(l_nes[:201])[0] > 0  # Nesterov is not monotone, GD is
    assert optim.jitter(l_gd)[0] == 0


def sweep(method, bs, seeds):
    out = []
    for s in seeds:
        W = method(fast_batch_grad, np.ones(4), N, lr=0.1, n_iter=200, batch_size=bs,
                   rng=np.random.default_rng(s))
        out.append((W, model.loss_history(W, X, y)))
    return out


def test_batch_size_three_is_less_jittery_than_one_over_seeds():
    seeds = range(20)
    for (_, l1), (_, l3) in zip(sweep(optim.sgd, 1, seeds), sweep(optim.sgd, 3, seeds),
                                strict=True):
        assert optim.jitter(l3)[1] < optim.jitter(l1)[1]
        assert l1[-1] < 1e-3 and l3[-1] < 1e-3


def test_fast_gradient_reproduces_autograd_sgd_run():
    W = optim.sgd(batch_grad, np.ones(4), N, lr=0.1, n_iter=200, rng=np.random.default_rng(0))
    W_fast = optim.sgd(fast_batch_grad, np.ones(4), N, lr=0.1, n_iter=200,
                       rng=np.random.default_rng(0))
    np.testing.assert_allclose(W_fast, W, rtol=0, atol=1e-12)


@pytest.mark.parametrize("method", [optim.sgd, optim.stochastic_nesterov])
def test_a_dead_neuron_stays_dead_and_only_w4_moves(method):
    # w1 x + w2 < 0 on all samples: ∂l_i/∂(w1, w2, w3) = 0 for every batch, w4 → mean of y
    w0 = np.array([0.3, -1.2, 0.8, 0.1])
    W = method(fast_batch_grad, w0, N, lr=0.1, n_iter=300, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(W[:, :3], np.broadcast_to(w0[:3], (301, 3)))
    assert model.dead_neuron(W, X).all()
    losses = model.loss_history(W, X, y)
    assert np.all(losses >= np.var(y))  # the best constant is the mean: l ≥ Var(y) = 0.1


def test_drawing_a_batch_does_not_touch_every_sample():
    # a permutation of 10**12 indices would need terabytes: the draw must scale with batch_size
    seen = []
    optim.sgd(lambda w, idx: seen.append(idx) or np.zeros_like(w), np.ones(2), 10**12,
              lr=0.1, n_iter=3, batch_size=2, rng=np.random.default_rng(0))
    assert all(len(set(idx.tolist())) == 2 and idx.max() < 10**12 for idx in seen)


def test_draw_per_start_draws_each_start_from_its_own_generator():
    def draw(gen):
        return gen.integers(100, size=2)

    got = optim.draw_per_start([np.random.default_rng(s) for s in (3, 7)], np.zeros((2, 4)),
                               draw)
    assert np.array_equal(got, [draw(np.random.default_rng(3)), draw(np.random.default_rng(7))])
    assert np.array_equal(optim.draw_per_start(np.random.default_rng(3), np.zeros(4), draw),
                          draw(np.random.default_rng(3)))
