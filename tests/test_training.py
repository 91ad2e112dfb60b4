import numpy as np
import pytest

from neuronale_netze import backprop, data, model, optim, training

X, y = data.model_problem()


def test_init_mlp_shape_scaling_and_seed():
    W0 = training.init_mlp(4, 2000, np.random.default_rng(3))
    assert W0.shape == (2000, model.n_params(1, 4))
    np.testing.assert_array_equal(W0, training.init_mlp(4, 2000, np.random.default_rng(3)))
    assert np.std(W0[:, :8]) == pytest.approx(1.0, abs=0.05)
    assert np.std(W0[:, 8:12]) == pytest.approx(0.5, abs=0.03)
    assert np.std(W0[:, 12]) == pytest.approx(1.0, abs=0.05)


def test_init_mlp_rejects_bad_input():
    with pytest.raises(ValueError, match="^n_starts must"):
        training.init_mlp(2, 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="^rng must"):
        training.init_mlp(2, 3, 0)
    with pytest.raises(ValueError, match="^n_hidden must"):
        training.init_mlp(0, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="^n_inputs must"):
        training.init_mlp(2, 3, np.random.default_rng(0), n_inputs=0)


def test_train_starts_equals_separate_gradient_descent_runs():
    k = 3
    W0 = training.init_mlp(k, 4, np.random.default_rng(1))
    H = training.train_starts(X, y, k, W0, lr=0.1, n_iter=50)
    assert H.shape == (51, 4, model.n_params(1, k))
    for s in range(4):
        ref = optim.gradient_descent(lambda w: backprop.mlp_gradient(w, X, y, k), W0[s],
                                     lr=0.1, n_iter=50)
        np.testing.assert_allclose(H[:, s], ref, rtol=1e-12, atol=1e-14)
    losses = model.mlp_loss(H, X, y, k)
    assert np.all(losses[-1] < losses[0])


def test_train_starts_divergence_names_the_diverged_starts():
    # dead neurons: only w4 moves, w4 − ȳ grows by the factor 1 − 2·lr = −19 per step, so the
    # start farthest from ȳ = 0,5 overflows first and stops the whole stack
    W0 = np.array([[0.0, 0.0, 0.0, 0.6], [0.0, 0.0, 0.0, 1e10], [0.0, 0.0, 0.0, 0.4]])
    with pytest.raises(optim.DivergenceError) as info:
        training.train_starts(X, y, 1, W0, lr=10.0, n_iter=1000)
    assert info.value.starts == [1] and info.value.history.shape[1:] == (3, 4)


def test_train_starts_rejects_bad_input():
    with pytest.raises(ValueError, match="^W0 must"):
        training.train_starts(X, y, 1, np.ones(4), lr=0.1, n_iter=3)
    with pytest.raises(ValueError, match="^lr must"):
        training.train_starts(X, y, 1, np.ones((2, 4)), lr=-0.1, n_iter=3)
    with pytest.raises(ValueError, match=r"^W0 must have shape \(K, 7\)"):
        training.train_starts(X, y, 2, np.ones((2, 4)), lr=0.1, n_iter=3)
    with pytest.raises(ValueError, match="^X must"):
        training.train_starts(X[:, 0], y, 1, np.ones((2, 4)), lr=0.1, n_iter=3)


def test_init_mlp_accepts_numpy_integers_and_draws_like_the_generator():
    W0 = training.init_mlp(np.int64(2), np.int64(3), np.random.default_rng(9), np.int64(2))
    expected = np.random.default_rng(9).normal(size=(3, model.n_params(2, 2)))
    expected[:, 6:8] /= np.sqrt(2)  # the k = 2 output weights c follow the 2·3 hidden ones
    np.testing.assert_array_equal(W0, expected)


def test_train_starts_with_several_inputs():
    rng = np.random.default_rng(4)
    Xm, ym = rng.normal(size=(12, 3)), rng.normal(size=12)
    W0 = training.init_mlp(2, 3, rng, n_inputs=3)
    H = training.train_starts(Xm, ym, 2, W0, lr=0.05, n_iter=20)
    ref = optim.gradient_descent(lambda w: backprop.mlp_gradient(w, Xm, ym, 2), W0[1],
                                 lr=0.05, n_iter=20)
    np.testing.assert_allclose(H[:, 1], ref, rtol=1e-12, atol=1e-14)
