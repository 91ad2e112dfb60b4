import numpy as np
import pytest

from neuronale_netze import backprop, coordinate, data, model, optim

X, y = data.model_problem()


def quad_partial(w, j):
    # l(w) = 1/2 Σ_j (j+1) w_j², ∂_j l = (j+1) w_j
    return (j + 1) * w[j]


def test_history_shape_and_first_row_is_a_copy():
    w0 = np.array([1.0, -2.0, 3.0])
    W = coordinate.coordinate_descent(quad_partial, w0, lr=0.1, n_iter=5,
                                      rng=np.random.default_rng(0))
    assert W.shape == (6, 3)
    np.testing.assert_array_equal(W[0], w0)
    W[0, 0] = 99.0
    assert w0[0] == 1.0


def test_each_step_changes_exactly_the_drawn_coordinate():
    w0 = np.array([1.0, -2.0, 3.0, 0.5])
    W = coordinate.coordinate_descent(quad_partial, w0, lr=0.1, n_iter=50,
                                      rng=np.random.default_rng(1))
    js = np.random.default_rng(1).integers(4, size=50)  # the same draws
    for k in range(1, 51):
        changed = np.flatnonzero(W[k] != W[k - 1])
        j = js[k - 1]
        np.testing.assert_array_equal(changed, [j])
        assert W[k, j] == pytest.approx(W[k - 1, j] * (1 - 0.1 * (j + 1)), rel=1e-15)


def test_converges_on_a_quadratic_and_is_seeded():
    w0 = np.ones(3)
    W1 = coordinate.coordinate_descent(quad_partial, w0, lr=0.3, n_iter=300,
                                       rng=np.random.default_rng(5))
    W2 = coordinate.coordinate_descent(quad_partial, w0, lr=0.3, n_iter=300,
                                       rng=np.random.default_rng(5))
    np.testing.assert_array_equal(W1, W2)
    assert np.max(np.abs(W1[-1])) < 1e-8


def test_model_problem_with_backprop_decreases_the_loss():
    partial = coordinate.partial_from_gradient(lambda w: backprop.loss_gradient(w, X, y))
    W = coordinate.coordinate_descent(partial, np.ones(4), lr=0.1, n_iter=800,
                                      rng=np.random.default_rng(123))
    losses = [model.loss(w, X, y) for w in W]
    assert losses[0] == pytest.approx(4.0)
    assert losses[-1] < 1e-2
    # from w = ones each step with lr 0.1 is a descent step
    assert np.all(np.diff(losses) <= 1e-15)


def old_coordinate_descent(grad, w0, lr, n_iter, rng):
    """The loop before the refactoring (commit 13682ec), the reference for the iterates."""
    W = np.empty((n_iter + 1, len(w0)))
    W[0] = w0
    for k in range(1, n_iter + 1):
        j = rng.integers(W.shape[1])
        a = lr(k) if callable(lr) else lr
        W[k] = W[k - 1]
        W[k, j] -= a * grad(W[k - 1], j)
    return W


@pytest.mark.parametrize("seed", [0, 7, 123])
@pytest.mark.parametrize("lr", [0.1, lambda k: 0.5 / k])
def test_iterates_are_the_old_ones_bit_for_bit(seed, lr):
    partial = coordinate.partial_from_gradient(lambda w: backprop.loss_gradient(w, X, y))
    W = coordinate.coordinate_descent(partial, np.ones(4), lr=lr, n_iter=200,
                                      rng=np.random.default_rng(seed))
    ref = old_coordinate_descent(partial, np.ones(4), lr, 200, np.random.default_rng(seed))
    np.testing.assert_array_equal(W, ref)


@pytest.mark.parametrize("lr", [0.1, lambda k: 0.5 / k])
def test_stacked_runs_equal_one_by_one_runs_bit_for_bit(lr):
    partial = coordinate.partial_from_gradient(lambda w: backprop.loss_gradient(w, X, y))
    seeds, W0 = [0, 7, 123], np.vstack([np.ones(4), np.zeros(4), [0.3, 0.2, -1.1, 0.4]])
    W = coordinate.coordinate_descent(partial, W0, lr=lr, n_iter=200,
                                      rng=[np.random.default_rng(s) for s in seeds])
    assert W.shape == (201, 3, 4)
    for s, (seed, w0) in enumerate(zip(seeds, W0, strict=True)):
        ref = old_coordinate_descent(partial, w0, lr, 200, np.random.default_rng(seed))
        assert np.array_equal(W[:, s], ref)


def test_stacked_runs_need_one_generator_per_start():
    with pytest.raises(ValueError, match="^rng must hold one generator per start"):
        coordinate.coordinate_descent(quad_partial, np.ones((3, 2)), lr=0.1, n_iter=2,
                                      rng=[np.random.default_rng(0)] * 2)


def test_signature():
    import inspect

    assert str(inspect.signature(coordinate.coordinate_descent)) == "(grad, w0, *, lr, n_iter, rng)"


def test_partial_from_gradient():
    partial = coordinate.partial_from_gradient(lambda w: 2 * w)
    assert partial(np.array([1.0, 3.0]), 1) == 6.0
    # a stack: each start its own coordinate
    np.testing.assert_array_equal(partial(np.array([[1.0, 3.0], [5.0, 7.0]]), np.array([1, 0])),
                                  [6.0, 10.0])
    with pytest.raises(ValueError, match="^grad must"):
        coordinate.partial_from_gradient(3.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"lr": 0.0}, "^lr must"), ({"lr": -1.0}, "^lr must"), ({"lr": np.inf}, "^lr must"),
     ({"lr": True}, "^lr must"), ({"lr": "0.1"}, "^lr must"),
     ({"lr": lambda k: -1.0}, "^lr must"),
     ({"n_iter": -1}, "^n_iter must"), ({"n_iter": 2.5}, "^n_iter must"),
     ({"n_iter": True}, "^n_iter must"),
     ({"rng": 0}, "^rng must"), ({"rng": None}, "^rng must"),
     ({"w0": np.ones((2, 2, 2))}, "^w0 must"), ({"w0": np.array([])}, "^w0 must"),
     ({"w0": np.array([1.0, np.nan])}, "^w0 must")],
)
def test_bad_input(kwargs, match):
    args = {"w0": np.ones(2), "lr": 0.1, "n_iter": 3, "rng": np.random.default_rng(0)}
    args.update(kwargs)
    w0 = args.pop("w0")
    with pytest.raises(ValueError, match=match):
        coordinate.coordinate_descent(quad_partial, w0, **args)


def test_divergence_stops_with_the_finite_history():
    # l(w) = w_j⁴ / 4 explodes with a big step; the overflow must not warn
    with pytest.raises(optim.DivergenceError) as info:
        coordinate.coordinate_descent(lambda w, j: w[j] ** 3, np.full(2, 3.0),
                                      lr=10.0, n_iter=50, rng=np.random.default_rng(0))
    err = info.value
    assert err.lr == 10.0
    assert err.history.shape == (err.iteration, 2)
    assert np.all(np.isfinite(err.history))


def test_step_size_schedule():
    lrs = []

    def lr(k):
        lrs.append(k)
        return 0.1 / k

    W = coordinate.coordinate_descent(quad_partial, np.ones(1), lr=lr, n_iter=3,
                                      rng=np.random.default_rng(0))
    assert lrs == [1, 2, 3]
    np.testing.assert_allclose(W[:, 0], np.cumprod([1, 0.9, 0.95, 0.1 / 3 * -1 + 1]))
