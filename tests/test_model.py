import autograd
import numpy as np
import pytest

from conftest import central_difference
from neuronale_netze import backprop, data, model

X, y = data.model_problem()
RNG = np.random.default_rng(20260601)


def test_predict_matches_formula_per_sample():
    w = np.array([1.3, -0.4, 0.7, 0.2])
    expected = [max(0.0, w[0] * x + w[1]) * w[2] + w[3] for x in X[:, 0]]
    np.testing.assert_allclose(model.predict(w, X), expected, rtol=1e-15)
    assert model.predict(w, X).shape == (11,)


@pytest.mark.parametrize(
    "w",
    [[1, 0, 1, 0], [0.5, 0, 2, 0], [10, 0, 0.1, 0], [1, 0.3, 1, -0.3], [1, 0, 1, 0],
     [-1, 1, -1, 1], [-2, 3, -0.5, 1.5]],
)
def test_known_global_minima_have_zero_loss(w):
    assert model.loss(np.array(w, dtype=float), X, y) < 1e-30


def test_loss_values_from_the_notes():
    assert model.loss(np.zeros(4), X, y) == pytest.approx(0.35, rel=1e-14)
    assert model.loss(np.ones(4), X, y) == pytest.approx(4.0, rel=1e-14)
    assert model.loss(np.array([0, 0, 0, 0.5]), X, y) == pytest.approx(0.1, rel=1e-14)
    # a kink inside the data interval makes beta < 0 inexact
    assert model.loss(np.array([1, -0.5, 1, 0.5]), X, y) == pytest.approx(0.05, rel=1e-12)


def test_convexity_violation():
    w_a, w_b = np.array([0.0, 0, -1, 0]), np.array([1.0, 0, 0, 0])
    mid = model.loss((w_a + w_b) / 2, X, y)
    assert mid == pytest.approx(0.546875, rel=1e-13)
    assert mid > (model.loss(w_a, X, y) + model.loss(w_b, X, y)) / 2


def test_loss_along_segment_formula():
    t = np.linspace(0, 1, 21)
    values = [model.loss(np.array([2 * s, 0, 2 * s - 1, 0]), X, y) for s in t]
    np.testing.assert_allclose(values, 0.35 * (4 * t**2 - 2 * t - 1) ** 2, atol=1e-15)


@pytest.mark.parametrize("w", [np.ones(4), np.array([0.3, 0.2, -1.1, 0.4]),
                               np.array([-0.8, 0.9, 1.2, -0.1]), RNG.normal(size=4)])
def test_autograd_gradient_equals_central_difference(w):
    # away from the kink: no u_i = w1 x_i + w2 is within 1e-3 of 0
    assert np.min(np.abs(w[0] * X[:, 0] + w[1])) > 1e-3
    g = model.loss_grad(w, X, y)
    fd = central_difference(lambda v: model.loss(v, X, y), w)
    np.testing.assert_allclose(g, fd, rtol=1e-7, atol=1e-9)


def test_gradient_at_zero_only_w4_moves():
    g = model.loss_grad(np.zeros(4), X, y)
    np.testing.assert_allclose(g, [0, 0, 0, -1.0], atol=1e-15)


def test_gradient_at_ones():
    np.testing.assert_allclose(model.loss_grad(np.ones(4), X, y), [2, 4, 6, 4], rtol=1e-14)


@pytest.mark.parametrize("w", [np.zeros(3), np.zeros(5), np.zeros((4, 1)), np.zeros((2, 2))])
def test_wrong_w_shape_names_argument(w):
    with pytest.raises(ValueError, match=r"^w must have shape \(4,\)"):
        model.predict(w, X)
    with pytest.raises(ValueError, match=r"^w must have shape \(4,\)"):
        model.loss(w, X, y)


def test_wrong_X_and_y_shapes_name_argument():
    w = np.ones(4)
    with pytest.raises(ValueError, match="^X must have shape"):
        model.predict(w, X[:, 0])
    with pytest.raises(ValueError, match="^X must have shape"):
        model.loss(w, np.hstack([X, X]), y)
    with pytest.raises(ValueError, match="^y must have shape"):
        model.loss(w, X, y[:-1])
    with pytest.raises(ValueError, match="^y must have shape"):
        model.loss(w, X, y.reshape(-1, 1))


@pytest.mark.parametrize(("n", "k", "p"), [(1, 1, 4), (1, 10, 31), (10, 10, 121),
                                           (784, 100, 78601)])
def test_n_params(n, k, p):
    assert model.n_params(n, k) == p


def test_n_params_accepts_numpy_integers():
    assert model.n_params(np.int64(1), 2) == 7
    assert model.n_params(np.uint8(3), np.int32(4)) == 21
    assert type(model.n_params(np.int64(1), np.int64(2))) is int


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, np.float64(2.0), "3"])
def test_n_params_bad_input(bad):
    with pytest.raises(ValueError, match="n_inputs"):
        model.n_params(bad, 3)
    with pytest.raises(ValueError, match="n_hidden"):
        model.n_params(3, bad)


def test_mlp_with_one_neuron_is_the_model_problem():
    w = RNG.normal(size=4)
    np.testing.assert_allclose(model.mlp_predict(w, X, n_hidden=1), model.predict(w, X),
                               rtol=1e-15)
    assert model.mlp_loss(w, X, y, n_hidden=1) == pytest.approx(model.loss(w, X, y))


def test_mlp_forward_and_predict_match_the_explicit_sums():
    n, k = 3, 5
    Xm = RNG.normal(size=(7, n))
    w = RNG.normal(size=model.n_params(n, k))
    W, b, c, d = model.unpack_mlp(w, n, k)
    assert W.shape == (k, n) and b.shape == (k,) and c.shape == (k,)
    U, V, g = model.mlp_forward(w, Xm, k)
    for i, x in enumerate(Xm):
        u = [W[j] @ x + b[j] for j in range(k)]
        np.testing.assert_allclose(U[i], u, rtol=1e-13)
        np.testing.assert_array_equal(V[i], np.maximum(U[i], 0.0))
        assert g[i] == pytest.approx(d + sum(c[j] * max(0.0, u[j]) for j in range(k)), rel=1e-13)
    np.testing.assert_array_equal(model.mlp_predict(w, Xm, k), g)


def test_mlp_forward_of_a_stack_is_the_forward_of_each_vector():
    n, k = 1, 4
    Ws = RNG.normal(size=(2, 3, model.n_params(n, k)))
    U, V, g = model.mlp_forward(Ws, X, k)
    assert U.shape == V.shape == (2, 3, len(X), k) and g.shape == (2, 3, len(X))
    for i in range(2):
        for j in range(3):
            for a, b in zip((U, V, g), model.mlp_forward(Ws[i, j], X, k), strict=True):
                np.testing.assert_allclose(a[i, j], b, rtol=1e-14, atol=1e-15)


def test_mlp_gradient_against_central_difference():
    n, k = 2, 3
    Xm, ym = RNG.normal(size=(9, n)), RNG.normal(size=9)
    w = RNG.normal(size=model.n_params(n, k))
    g = autograd.grad(model.mlp_loss)(w, Xm, ym, k)
    fd = central_difference(lambda v: model.mlp_loss(v, Xm, ym, k), w)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


def test_mlp_bad_input():
    with pytest.raises(ValueError, match=r"^w must have shape \(9,\)"):
        model.mlp_predict(np.zeros(8), np.zeros((3, 2)), n_hidden=2)
    with pytest.raises(ValueError, match="^X must have shape"):
        model.mlp_predict(np.zeros(9), np.zeros(3), n_hidden=2)
    with pytest.raises(ValueError, match="^y must have shape"):
        model.mlp_loss(np.zeros(9), np.zeros((3, 2)), np.zeros(4), n_hidden=2)


def test_dead_neuron():
    assert model.dead_neuron([-1.0, 0.0, 1.0, 0.0], X)  # u_0 = 0, the rest < 0
    assert not model.dead_neuron([1.0, 0.0, 1.0, 0.0], X)
    assert not model.dead_neuron([-1.0, 1.0, -1.0, 1.0], X)  # mirror solution
    W = np.array([[-1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0], [0.3, -1.2, 0.8, 0.1]])
    np.testing.assert_array_equal(model.dead_neuron(W, X), [True, False, True])
    with pytest.raises(ValueError, match="w must"):
        model.dead_neuron([1.0, 0.0], X)
    with pytest.raises(ValueError, match="X must"):
        model.dead_neuron([1.0, 0.0, 1.0, 0.0], X[:, 0])


def test_loss_history_matches_loss_row_by_row():
    W = np.vstack([np.random.default_rng(4).normal(size=(6, 4)), np.zeros(4), np.ones(4)])
    expected = [model.loss(w, X, y) for w in W]
    np.testing.assert_allclose(model.loss_history(W, X, y), expected, rtol=1e-14)
    assert model.loss_history(np.empty((0, 4)), X, y).shape == (0,)
    assert model.loss_history([[0, 0, 0, 1e300]], X, y)[0] == np.inf


def test_loss_history_of_many_starts_is_the_history_of_each_start():
    H = np.random.default_rng(5).normal(size=(7, 3, 4))  # 7 iterates of 3 starts
    L = model.loss_history(H, X, y)
    assert L.shape == (7, 3)
    for s in range(3):
        np.testing.assert_array_equal(L[:, s], model.loss_history(H[:, s], X, y))


@pytest.mark.parametrize("W", [np.ones(4), np.ones((3, 3)), np.ones((2, 4, 1)),
                               np.ones((2, 2, 2, 4))])
def test_loss_history_bad_shape(W):
    with pytest.raises(ValueError, match=r"^W must have shape \(K, 4\)"):
        model.loss_history(W, X, y)


def test_full_gradient_is_the_gradient_as_a_function_of_w():
    w = np.array([0.3, 0.2, -1.1, 0.4])
    np.testing.assert_array_equal(model.full_gradient(X, y)(w), model.loss_grad(w, X, y))
    seen = []
    g = model.full_gradient(X, y, grad=lambda *args: seen.append(args) or 7.0)
    assert g(w) == 7.0 and seen[0][0] is w and seen[0][1] is X and seen[0][2] is y


def test_batch_gradient_is_the_mean_of_the_per_sample_gradients():
    w = np.array([0.3, 0.2, -1.1, 0.4])
    idx = np.array([1, 4, 9])
    per_sample = [central_difference(lambda v, i=i: model.loss(v, X[i:i + 1], y[i:i + 1]), w)
                  for i in idx]
    np.testing.assert_allclose(model.batch_gradient(X, y)(w, idx), np.mean(per_sample, axis=0),
                               rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(model.batch_gradient(X, y)(w, np.arange(len(y))),
                                  model.full_gradient(X, y)(w))


def test_batch_gradient_of_a_stack_takes_one_batch_per_start():
    W = np.random.default_rng(6).normal(size=(3, 4))
    idx = np.array([[0, 4, 7], [1, 2, 10], [3, 5, 6]])
    G = model.batch_gradient(X, y, grad=backprop.loss_gradient)(W, idx)
    for s in range(3):
        np.testing.assert_array_equal(G[s], backprop.loss_gradient(W[s], X[idx[s]], y[idx[s]]))


def test_full_and_batch_gradient_reject_bad_samples():
    for make in (model.full_gradient, model.batch_gradient):
        with pytest.raises(ValueError, match="^X must"):
            make(X[:, 0], y)
        with pytest.raises(ValueError, match="^y must"):
            make(X, y[:-1])

