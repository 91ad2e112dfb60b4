import subprocess
import sys

import numpy as np
import pytest

from neuronale_netze import data, frameworks, model

X, y = data.model_problem()


def test_importing_the_package_does_not_import_the_frameworks():
    code = (
        "import sys, neuronale_netze, neuronale_netze.frameworks\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'torch', 'sklearn') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
    assert out.stderr == ""


@pytest.mark.parametrize(("adapter", "signature"), [
    (frameworks.fit_sklearn, "(X, y, random_state, **settings)"),
    (frameworks.fit_keras,
     "(X, y, seed, *, lr=0.001, epochs=100, optimizer='adam', history=True)"),
    (frameworks.fit_keras_seeds,
     "(X, y, seeds, *, lr=0.001, epochs=100, optimizer='adam', history=True)"),
    (frameworks.fit_torch,
     "(X, y, seed, *, lr=1e-05, epochs=100, batch_size=5, shuffle=True, history=True)"),
    (frameworks.fit_torch_seeds,
     "(X, y, seeds, *, lr=1e-05, epochs=100, batch_size=5, shuffle=True, history=True)"),
])
def test_adapters_take_keywords_in_one_order_with_the_same_defaults(adapter, signature):
    import inspect

    assert str(inspect.signature(adapter)) == signature


# --- scikit-learn -------------------------------------------------------------------


def test_fit_sklearn_matches_model_and_reports_non_convergence():
    from sklearn.metrics import r2_score

    r = frameworks.fit_sklearn(X, y, random_state=123)
    np.testing.assert_allclose(model.predict(r.w, X), r.predictions, atol=1e-12)
    assert r.r2 == pytest.approx(r2_score(y, r.predictions))
    assert r.loss == pytest.approx(model.loss(r.w, X, y))
    assert r.converged is False  # adam stops at max_iter = 200
    assert len(r.loss_history) == 200
    # the first entry of loss_curve_ belongs to the start value (plus the tiny L2 term)
    assert r.loss_history[0] == pytest.approx(model.loss(r.w_init, X, y), abs=1e-4)
    # adam with lr 1e-3 moves no weight by more than about 200 * 1e-3
    assert np.max(np.abs(r.w - r.w_init)) < 0.25
    again = frameworks.fit_sklearn(X, y, random_state=123)
    np.testing.assert_array_equal(r.w, again.w)


def test_fit_sklearn_lbfgs_converges_without_history():
    r = frameworks.fit_sklearn(X, y, random_state=0, solver="lbfgs")
    assert r.converged is True
    assert r.loss_history is None
    assert r.loss < 1e-6
    np.testing.assert_allclose(model.predict(r.w, X), r.predictions, atol=1e-12)


def blas_threads():
    """Threads of the BLAS libraries of numpy and scipy (torch may bring its own)."""
    from threadpoolctl import threadpool_info

    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
            and ("numpy" in lib["filepath"] or "scipy" in lib["filepath"])]


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_fit_sklearn_is_the_plain_fit_bit_for_bit_with_one_blas_thread(solver):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    before = blas_threads()
    for random_state in (0, 1, 2):
        r = frameworks.fit_sklearn(X, y, random_state, solver=solver)
        net = frameworks.sklearn_net(random_state, solver=solver)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            net.fit(X, y)  # as the reader does it: all BLAS threads
        np.testing.assert_array_equal(r.w, frameworks.sklearn_weights(net))
        np.testing.assert_array_equal(r.predictions, net.predict(X))
    assert blas_threads() == before  # the limit ends with the fit
    with frameworks._one_blas_thread():
        assert blas_threads() and set(blas_threads()) == {1}


@pytest.mark.parametrize("random_state", [0, 1, 392])
def test_sklearn_initial_weights_are_glorot_uniform_draws(random_state):
    # sklearn draws kernel, then bias of each layer from U(−b, b), b = √(6/(fan_in + fan_out))
    # for ReLU, with numpy's RandomState(random_state); here fan_in = fan_out = 1
    rng, b = np.random.RandomState(random_state), np.sqrt(6 / 2)
    expected = [rng.uniform(-b, b, size=s).item() for s in ((1, 1), 1, (1, 1), 1)]
    np.testing.assert_array_equal(frameworks.sklearn_initial_weights(X, y, random_state),
                                  expected)


def test_fit_sklearn_rejects_bad_input():
    with pytest.raises(ValueError, match="random_state"):
        frameworks.fit_sklearn(X, y, random_state=-1)
    with pytest.raises(ValueError, match="X must"):
        frameworks.fit_sklearn(X[:, 0], y, random_state=0)


# --- PyTorch (slow: importing torch takes seconds) ------------------------------------


def reference_minibatch_sgd(w, lr, epochs, batches):
    """Minibatch SGD on the mean squared error with autograd, in the order of ``batches``."""
    history = [model.loss(w, X, y)]
    for _ in range(epochs):
        for idx in batches:
            w = w - lr * model.loss_grad(w, X[idx], y[idx])
        history.append(model.loss(w, X, y))
    return w, history


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 3])
def test_fit_torch_without_shuffling_is_minibatch_sgd_on_the_model(seed):
    r = frameworks.fit_torch(X, y, seed=seed, lr=0.05, epochs=20, shuffle=False)
    # DataLoader without shuffling: the batches 0..4, 5..9, 10 in every epoch
    w, history = reference_minibatch_sgd(r.w_init, 0.05, 20, [range(0, 5), range(5, 10), [10]])
    np.testing.assert_allclose(r.w, w, rtol=1e-4, atol=1e-5)  # torch computes in float32
    np.testing.assert_allclose(r.loss_history, history, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.predict(r.w, X), r.predictions, atol=1e-5)
    assert r.loss == pytest.approx(model.loss(r.w, X, y), rel=1e-4)


@pytest.mark.slow
def test_fit_torch_with_tiny_lr_barely_moves():
    # |w| ≤ 1 at the start (U(−1, 1)), x, y in [0, 1]: |e| ≤ 4 and every component of a
    # batch gradient is at most 2·4·2 = 16 while |w| stays near 1, so 300 steps
    # (100 epochs × 3 batches) with lr 1e-5 move each weight by less than 300·1e-5·16 = 0.048
    for seed in range(5):
        r = frameworks.fit_torch(X, y, seed=seed)
        assert np.all(np.abs(r.w_init) <= 1)
        assert np.max(np.abs(r.w - r.w_init)) < 0.048
        assert len(r.loss_history) == 101
        assert r.loss_history[0] == pytest.approx(model.loss(r.w_init, X, y), rel=1e-6)
        assert r.loss == pytest.approx(r.loss_history[-1], rel=1e-6)


@pytest.mark.slow
def test_fit_torch_with_larger_lr_trains_keeps_global_rng_and_history_is_optional():
    import torch

    torch.manual_seed(1)
    state = torch.get_rng_state()
    r = frameworks.fit_torch(X, y, seed=0, lr=0.1)
    assert torch.equal(state, torch.get_rng_state())
    assert r.loss < 1e-3
    np.testing.assert_allclose(model.predict(r.w, X), r.predictions, atol=1e-5)
    again = frameworks.fit_torch(X, y, seed=0, lr=0.1, history=False)
    np.testing.assert_array_equal(r.w, again.w)
    assert again.loss_history is None


@pytest.mark.slow
@pytest.mark.parametrize(("lr", "batch_size", "shuffle"), [(0.1, 5, True), (1.0, 11, False)])
def test_fit_torch_seeds_equals_one_by_one_runs(lr, batch_size, shuffle):
    import torch

    seeds = [0, 1, 3]  # seed 3 starts dead (w2 <= 0, w1 + w2 <= 0), 0 and 1 start alive
    torch.manual_seed(5)
    state = torch.get_rng_state()
    stacked = frameworks.fit_torch_seeds(X, y, seeds, lr=lr, epochs=30, batch_size=batch_size,
                                         shuffle=shuffle)
    assert torch.equal(state, torch.get_rng_state())
    single = [frameworks.fit_torch(X, y, s, lr=lr, epochs=30, batch_size=batch_size,
                                   shuffle=shuffle) for s in seeds]
    assert [r.seed for r in stacked] == seeds
    assert model.dead_neuron(np.array([r.w_init for r in single]), X).tolist() == [
        False, False, True]
    for a, b in zip(stacked, single, strict=True):
        np.testing.assert_array_equal(a.w_init, b.w_init)  # same draws in the same order
        # the same steps; float32 sums in bmm and mm may round differently in the last bit
        np.testing.assert_allclose(a.w, b.w, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(a.predictions, b.predictions, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(a.loss_history, b.loss_history, rtol=1e-6)
        assert len(a.loss_history) == 31
        assert a.loss == pytest.approx(b.loss, rel=1e-6)
        assert model.dead_neuron(a.w, X) == model.dead_neuron(b.w, X)
    np.testing.assert_array_equal(stacked[2].w[:3], stacked[2].w_init[:3])  # dead: frozen


@pytest.mark.slow
def test_torch_initial_weights_seeds_equal_new_nets():
    import torch

    seeds = [*range(40), 4847]
    torch.manual_seed(11)
    state = torch.get_rng_state()
    W = frameworks.torch_initial_weights_seeds(seeds)
    assert torch.equal(state, torch.get_rng_state())
    expected = []
    for seed in seeds:
        torch.manual_seed(seed)
        expected.append(frameworks.torch_weights(frameworks.torch_net()))
    np.testing.assert_array_equal(W, expected)
    assert frameworks.torch_initial_weights_seeds([]).shape == (0, 4)
    with pytest.raises(ValueError, match="^seed must"):
        frameworks.torch_initial_weights_seeds([0, -1])


@pytest.mark.slow
def test_torch_start_shuffles_with_its_own_seed():
    w_init, batches = frameworks.torch_start(4, 11, epochs=3, batch_size=5)
    assert [len(b) for b in batches] == [5, 5, 1] * 3
    for e in range(3):  # every epoch is a permutation of 0..10, and the epochs differ
        assert sorted(np.concatenate(batches[3 * e:3 * e + 3]).tolist()) == list(range(11))
    assert np.concatenate(batches[:3]).tolist() != np.concatenate(batches[3:6]).tolist()
    again, _ = frameworks.torch_start(4, 11, epochs=1)
    np.testing.assert_array_equal(w_init, again)
    np.testing.assert_array_equal(w_init, frameworks.fit_torch(X, y, 4, epochs=1).w_init)
    _, plain = frameworks.torch_start(4, 11, epochs=2, batch_size=4, shuffle=False)
    assert [b.tolist() for b in plain] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]] * 2


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"seed": -1}, "^seed must"), ({"seed": 0, "lr": 0.0}, "^lr must"),
    ({"seed": 0, "epochs": 0}, "^epochs must"), ({"seed": 0, "epochs": 2.0}, "^epochs must"),
    ({"seed": 0, "batch_size": 2.5}, "^batch_size must"),
])
def test_fit_torch_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        frameworks.fit_torch(X, y, **kwargs)
    seeds = [0, kwargs.pop("seed")]
    with pytest.raises(ValueError, match=match):
        frameworks.fit_torch_seeds(X, y, seeds, **kwargs)
    with pytest.raises(ValueError, match="^X must"):
        frameworks.fit_torch(X[:, 0], y, seed=0)
    with pytest.raises(ValueError, match="^y must"):
        frameworks.fit_torch_seeds(X, y[:3], [0])


# --- Keras-TensorFlow (slow) --------------------------------------------------------


@pytest.mark.slow
def test_importing_keras_prints_nothing_on_stderr():
    code = (
        "from neuronale_netze import frameworks\n"
        "keras = frameworks.import_keras()\n"
        "import tensorflow as tf\n"
        "print(float(tf.nn.relu(tf.constant(1.0))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "1.0"
    assert out.stderr == ""


@pytest.mark.slow
def test_keras_initial_weights_equal_the_built_model():
    import random

    random.seed(9)
    state = random.getstate()
    W0 = frameworks.keras_initial_weights_seeds([0, 1, 72])
    assert random.getstate() == state  # Python's global generator is left alone
    for seed, w0 in zip((0, 1, 72), W0, strict=True):
        net = frameworks.keras_net(seed)
        assert net.count_params() == 4
        np.testing.assert_array_equal(frameworks.keras_weights(net), w0)
        np.testing.assert_array_equal(frameworks.keras_initial_weights(seed), w0)
    assert frameworks.keras_initial_weights_seeds([]).shape == (0, 4)


@pytest.mark.slow
def test_keras_net_seeds_keeps_the_columns_apart():
    W = np.array([[0.5, 0.1, -2.0, 0.3], [-1.0, 0.2, 1.5, -0.4], [2.0, -0.5, 0.25, 0.0]])
    net = frameworks.keras_net_seeds(3)
    assert net.count_params() == 12  # 4 per net, nothing shared
    net.set_weights([np.array(W[:, j], "float32").reshape(a.shape)
                     for j, a in enumerate(net.get_weights())])
    np.testing.assert_array_equal(frameworks.keras_weights_seeds(net), np.float32(W))
    P = net.predict_on_batch(np.asarray(X, "float32"))
    np.testing.assert_allclose(P.T, [model.predict(w, X) for w in W], atol=1e-6)


def keras_one_by_one(seed, epochs, lr, optimizer):
    """``keras_net(seed)`` trained the plain way: compile, fit with the full batch."""
    keras = frameworks.import_keras()
    net = frameworks.keras_net(seed)
    opt = getattr(keras.optimizers, frameworks.KERAS_OPTIMIZERS[optimizer])(learning_rate=lr)
    net.compile(optimizer=opt, loss="mse")
    net.fit(X, y, batch_size=len(y), epochs=epochs, shuffle=False, verbose=0)
    return frameworks.keras_weights(net)


@pytest.mark.slow
@pytest.mark.parametrize(("optimizer", "lr"), [("adam", 1e-3), ("adam", 0.05), ("sgd", 0.1)])
def test_fit_keras_seeds_equals_one_by_one_keras_nets(optimizer, lr):
    seeds = [1, 2, 72]  # seed 1 starts dead (w1 < 0), 2 and 72 alive
    stacked = frameworks.fit_keras_seeds(X, y, seeds, lr=lr, epochs=8, optimizer=optimizer,
                                         history=False)
    assert [r.seed for r in stacked] == seeds
    for r in stacked:
        # the summed loss gives every seed exactly its own gradient: Adam's steps are not
        # scaled (Adam is scale-invariant only up to its epsilon); float32 sums may differ
        # in the last bit (relative 1e-7), which 8 steps do not blow up beyond 1e-6
        np.testing.assert_allclose(r.w, keras_one_by_one(r.seed, 8, lr, optimizer),
                                   rtol=1e-6, atol=1e-7)
    dead = stacked[0]
    assert dead.w_init[0] < 0
    np.testing.assert_array_equal(dead.w[:3], np.float32(dead.w_init[:3]))  # bitwise frozen


@pytest.mark.slow
def test_fit_keras_matches_model_and_sweep_equals_single_runs():
    single = frameworks.fit_keras(X, y, seed=72, epochs=30)
    np.testing.assert_allclose(model.predict(single.w, X), single.predictions,
                               atol=1e-5)
    assert len(single.loss_history) == 31
    assert single.loss_history[0] == pytest.approx(model.loss(single.w_init, X, y))
    assert single.loss_history[-1] == pytest.approx(single.loss, rel=1e-5)
    sweep = frameworks.fit_keras_seeds(X, y, [1, 72], epochs=30, history=False)
    assert sweep[1].loss_history is None
    np.testing.assert_allclose(sweep[1].w, single.w, rtol=1e-6)
    # seed 1 starts with w1 < 0: dead from the start, only w4 is trained
    dead = sweep[0]
    assert dead.w_init[0] < 0
    np.testing.assert_array_equal(dead.w[:3], np.float32(dead.w_init[:3]))
    assert dead.w[3] != 0.0


@pytest.mark.slow
def test_fit_keras_sgd_equals_gradient_descent():
    r = frameworks.fit_keras(X, y, seed=2, epochs=5, lr=0.1, optimizer="sgd")
    w = r.w_init.copy()
    for _ in range(5):  # plain GD with autograd (the seed is alive, no kink is hit)
        w = w - 0.1 * model.loss_grad(w, X, y)
    np.testing.assert_allclose(r.w, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("call", "match"), [
    (lambda: frameworks.fit_keras(X, y, seed=0, optimizer="rmsprop"), "^optimizer must"),
    (lambda: frameworks.fit_keras(X, y, seed=0, epochs=0), "^epochs must"),
    (lambda: frameworks.fit_keras(X, y, seed=0, lr=-1.0), "^lr must"),
    (lambda: frameworks.fit_keras_seeds(X, y, [0, -3]), "^seed must"),
    (lambda: frameworks.fit_keras_seeds(X, y[:3], [0]), "^y must"),
])
def test_fit_keras_rejects_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
