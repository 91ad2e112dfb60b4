import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from conftest import central_difference
from neuronale_netze import backprop, data, model

X, y = data.model_problem()
RNG = np.random.default_rng(20260607)

# points of the model problem: smooth ones, kinks (some u_i = 0 exactly) and a dead neuron
SMOOTH = [np.ones(4), np.array([0.3, 0.2, -1.1, 0.4]), np.array([-0.8, 0.9, 1.2, -0.1])]
KINKS = [np.zeros(4), np.array([1.0, 0.0, 1.0, 0.0]), np.array([1.0, 0.0, 1.0, 0.3]),
         np.array([1.0, -0.5, 1.0, 0.0]), np.array([2.0, -1.2, -0.7, 0.4])]
DEAD = np.array([0.3, -1.2, 0.8, 0.1])


def assert_rel_close(a, b, rtol=1e-12):
    # relative to the size of the gradient; an exactly zero gradient must be reproduced
    assert np.linalg.norm(a - b) <= rtol * np.linalg.norm(b) + 1e-300


def test_relu_grad_convention_matches_autograd():
    u = np.array([-2.0, -1e-300, 0.0, 1e-300, 3.0])
    np.testing.assert_array_equal(backprop.relu_grad(u), [0, 0, 0.5, 1, 1])
    d = autograd.elementwise_grad(model.relu)
    np.testing.assert_array_equal(backprop.relu_grad(u), d(u))


@pytest.mark.parametrize("w", SMOOTH + KINKS + [DEAD] + [RNG.normal(size=4) for _ in range(3)])
def test_loss_gradient_equals_autograd_everywhere(w):
    assert_rel_close(backprop.loss_gradient(w, X, y), model.loss_grad(w, X, y))


@pytest.mark.parametrize("w", SMOOTH + [DEAD])
def test_loss_gradient_equals_central_difference_away_from_kinks(w):
    assert np.min(np.abs(w[0] * X[:, 0] + w[1])) > 1e-3
    fd = central_difference(lambda v: model.loss(v, X, y), w)
    np.testing.assert_allclose(backprop.loss_gradient(w, X, y), fd, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("w", KINKS[2:])
def test_central_difference_at_a_kink_is_the_half_convention(w):
    # the central difference averages the two one-sided slopes, i.e. r'(0) = 1/2
    fd = central_difference(lambda v: model.loss(v, X, y), w)
    np.testing.assert_allclose(backprop.loss_gradient(w, X, y), fd, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("w", KINKS[2:])
def test_one_sided_slopes_at_a_kink_jump_by_the_closed_form(w):
    # at u_i = 0 the term (w3 r(u_i) + w4 − y_i)² has the one-sided u-slopes 2 e_i w3 and 0
    # (e_i = w4 − y_i): in direction w2 the slope jumps by 2/N Σ e_i w3, in w1 by 2/N Σ e_i w3 x_i
    u = w[0] * X[:, 0] + w[1]
    on = u == 0
    assert on.any()
    e = w[3] - y[on]
    jump = 2 / len(y) * np.array([np.sum(e * w[2] * X[on, 0]), np.sum(e * w[2])])
    h = 1e-7
    for j in (0, 1):
        step = h * np.eye(4)[j]
        right = (model.loss(w + step, X, y) - model.loss(w, X, y)) / h
        left = (model.loss(w, X, y) - model.loss(w - step, X, y)) / h
        assert right - left == pytest.approx(jump[j], rel=1e-5, abs=1e-6)  # O(h) error
        if jump[j] != 0:  # loss_gradient takes the mean of the two, r'(0) = 1/2
            assert backprop.loss_gradient(w, X, y)[j] == pytest.approx((right + left) / 2,
                                                                       rel=1e-5)


def test_dead_neuron_only_w4_moves():
    assert np.all(DEAD[0] * X[:, 0] + DEAD[1] < 0)
    g = backprop.loss_gradient(DEAD, X, y)
    np.testing.assert_array_equal(g[:3], 0.0)
    assert g[3] == pytest.approx(2 * (DEAD[3] - y.mean()), rel=1e-14)


def test_loss_gradient_known_values():
    np.testing.assert_allclose(backprop.loss_gradient(np.ones(4), X, y), [2, 4, 6, 4],
                               rtol=1e-14)
    np.testing.assert_array_equal(backprop.loss_gradient(np.zeros(4), X, y), [0, 0, 0, -1])


def test_loss_gradient_rejects_bad_input():
    with pytest.raises(ValueError, match="^w must"):
        backprop.loss_gradient(np.ones(3), X, y)
    with pytest.raises(ValueError, match="^X must"):
        backprop.loss_gradient(np.ones(4), X[:, 0], y)
    with pytest.raises(ValueError, match="^y must"):
        backprop.loss_gradient(np.ones(4), X, y[:-1])


def old_loss_gradient(w, X, y, c=0.5):
    """The single-vector formula before stacks were allowed (commit b7da611): the reference."""
    x = X[:, 0]
    u = w[0] * x + w[1]
    v = np.maximum(0.0, u)
    e = w[2] * v + w[3] - y
    de = 2.0 * e / len(e)
    du = de * w[2] * np.heaviside(u, c)
    return np.array([du @ x, du.sum(), de @ v, de.sum()])


STACK = np.vstack(SMOOTH + KINKS + [DEAD] + list(RNG.normal(size=(20, 4))))


@pytest.mark.parametrize("c", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("n", [10, 100])
def test_loss_gradient_of_a_vector_and_of_a_stack_is_the_old_formula_bit_for_bit(n, c):
    Xn, yn = data.model_problem(n=n)
    G = backprop.loss_gradient(STACK, Xn, yn, c)
    assert G.shape == STACK.shape
    for w, g in zip(STACK, G, strict=True):
        ref = old_loss_gradient(w, Xn, yn, c)
        np.testing.assert_array_equal(backprop.loss_gradient(w, Xn, yn, c), ref)
        np.testing.assert_array_equal(g, ref)


@pytest.mark.parametrize("bs", [1, 2, 3, 5, 11])
def test_loss_gradient_of_a_stack_with_own_minibatches_is_row_by_row_bit_for_bit(bs):
    rng = np.random.default_rng(bs)
    idx = np.sort([rng.choice(len(y), size=bs, replace=False) for _ in STACK], axis=-1)
    G = backprop.loss_gradient(STACK, X[idx], y[idx])
    assert X[idx].shape == (len(STACK), bs, 1) and G.shape == STACK.shape
    for w, i, g in zip(STACK, idx, G, strict=True):
        np.testing.assert_array_equal(g, old_loss_gradient(w, X[i], y[i]))


def test_loss_gradient_of_a_stack_rejects_mismatched_data():
    idx = np.zeros((3, 2), dtype=int)
    with pytest.raises(ValueError, match=r"^y must have shape \(3, 2\)"):
        backprop.loss_gradient(np.ones((3, 4)), X[idx], y[idx][:, :1])
    with pytest.raises(ValueError, match=r"^X must have shape \(\.\.\., m, 1\)"):
        backprop.loss_gradient(np.ones((3, 4)), np.ones((3, 2, 2)), y[idx])
    with pytest.raises(ValueError, match="^w must"):
        backprop.loss_gradient(np.ones((3, 5)), X, y)


def _chain_loss(act):
    def f(w, x, yy):
        return (act(w[1] * act(w[0] * x)) - yy) ** 2
    return f


def _tanh_grad(t):
    return 1.0 - np.tanh(t) ** 2


def test_chain_gradient_tanh_value_and_autograd():
    w = np.array([0.7, -1.3])
    g = backprop.chain_gradient(w, 0.4, 0.2, np.tanh, _tanh_grad)
    np.testing.assert_allclose(g, [0.459988, -0.260836], atol=5e-7)
    ref = autograd.grad(_chain_loss(anp.tanh))(w, 0.4, 0.2)
    np.testing.assert_allclose(g, ref, rtol=1e-13)


@pytest.mark.parametrize("w", [np.array([0.7, -1.3]), np.array([1.5, 0.8]),
                               np.array([0.0, 2.0]), np.array([-0.4, 1.1])])
def test_chain_gradient_relu_matches_autograd(w):
    g = backprop.chain_gradient(w, 0.6, 0.3, model.relu, backprop.relu_grad)
    ref = autograd.grad(_chain_loss(model.relu))(w, 0.6, 0.3)
    np.testing.assert_allclose(g, ref, rtol=1e-14, atol=0)


def _sigmoid(t):
    return 1 / (1 + anp.exp(-t))


@pytest.mark.parametrize(("w", "x", "yy"), [((0.9, -0.6), 1.7, 0.1), ((-2.0, 3.0), 0.5, 0.9),
                                            ((0.1, 0.2), -1.0, -0.3)])
def test_chain_gradient_sigmoid_equals_autograd_and_central_difference(w, x, yy):
    w = np.array(w)

    def dsig(t):
        return _sigmoid(t) * (1 - _sigmoid(t))

    g = backprop.chain_gradient(w, x, yy, _sigmoid, dsig)
    loss = _chain_loss(_sigmoid)
    np.testing.assert_allclose(g, autograd.grad(loss)(w, x, yy), rtol=1e-13)
    np.testing.assert_allclose(g, central_difference(lambda v: loss(v, x, yy), w),
                               rtol=1e-7, atol=1e-10)


def test_chain_gradient_rejects_bad_input():
    with pytest.raises(ValueError, match="^w must"):
        backprop.chain_gradient(np.ones(3), 0.4, 0.2, np.tanh, _tanh_grad)
    with pytest.raises(ValueError, match="^act_grad must be callable, got float"):
        backprop.chain_gradient(np.ones(2), 0.4, 0.2, np.tanh, 1.0)
    with pytest.raises(ValueError, match="^act must be callable"):
        backprop.chain_gradient(np.ones(2), 0.4, 0.2, None, _tanh_grad)


def _random_problem(rng, n, k, m=17):
    Xm = rng.normal(size=(m, n))
    ym = rng.normal(size=m)
    w = rng.normal(size=model.n_params(n, k))
    return w, Xm, ym


@pytest.mark.parametrize(("n", "k"), [(1, 1), (1, 5), (2, 3), (3, 8)])
def test_mlp_gradient_equals_autograd(n, k):
    rng = np.random.default_rng(100 * n + k)
    for _ in range(3):
        w, Xm, ym = _random_problem(rng, n, k)
        ref = autograd.grad(model.mlp_loss)(w, Xm, ym, k)
        assert_rel_close(backprop.mlp_gradient(w, Xm, ym, k), ref)


def test_mlp_gradient_equals_autograd_at_kinks():
    # integer data and weights put many U = X W^T + b exactly on 0
    k = 4
    Xm = np.arange(-3.0, 4.0).reshape(-1, 1)
    ym = np.abs(Xm[:, 0])
    w = np.array([1.0, 0, -1, 1, 2, -2, 1, -3, 0.5, -1.5, 2, -0.25, 0.1])
    hidden = w[: 2 * k].reshape(k, 2)
    assert np.sum(Xm @ hidden[:, :1].T + hidden[:, 1] == 0) >= 4
    ref = autograd.grad(model.mlp_loss)(w, Xm, ym, k)
    assert_rel_close(backprop.mlp_gradient(w, Xm, ym, k), ref)


def test_mlp_gradient_with_one_neuron_is_the_model_problem():
    for w in SMOOTH + KINKS + [DEAD]:
        np.testing.assert_array_equal(backprop.mlp_gradient(w, X, y, 1),
                                      backprop.loss_gradient(w, X, y))


@pytest.mark.slow  # importing torch takes seconds
@pytest.mark.parametrize("kinks", [False, True])
def test_mlp_gradient_equals_torch(kinks):
    torch = pytest.importorskip("torch")
    n, k = 2, 6
    rng = np.random.default_rng(7)
    if kinks:
        Xm = rng.integers(-2, 3, size=(15, n)).astype(float)
        w = rng.integers(-2, 3, size=model.n_params(n, k)).astype(float)
    else:
        Xm = rng.normal(size=(15, n))
        w = rng.normal(size=model.n_params(n, k))
    ym = rng.normal(size=15)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    Xt = torch.tensor(Xm, dtype=torch.float64)
    hidden = wt[: k * (n + 1)].reshape(k, n + 1)
    U = Xt @ hidden[:, :n].T + hidden[:, n]
    # torch.maximum splits ties 50/50 like autograd; torch.relu would use relu'(0) = 0
    V = torch.maximum(U, torch.zeros_like(U))
    out = V @ wt[k * (n + 1) : k * (n + 2)] + wt[-1]
    loss = torch.mean((out - torch.tensor(ym, dtype=torch.float64)) ** 2)
    loss.backward()
    if kinks:
        assert np.any(U.detach().numpy() == 0)
    ref = wt.grad.numpy()
    assert_rel_close(backprop.mlp_gradient(w, Xm, ym, k), ref)


def test_mlp_gradient_rejects_bad_input():
    w, Xm, ym = _random_problem(np.random.default_rng(0), 1, 3)
    with pytest.raises(ValueError, match="^X must"):
        backprop.mlp_gradient(w, Xm[:, 0], ym, 3)
    with pytest.raises(ValueError, match="^y must"):
        backprop.mlp_gradient(w, Xm, ym[:-1], 3)
    with pytest.raises(ValueError, match="^w must"):
        backprop.mlp_gradient(w[:-1], Xm, ym, 3)
    with pytest.raises(ValueError, match="^n_hidden must"):
        backprop.mlp_gradient(w, Xm, ym, 0)


@pytest.mark.parametrize(("n", "k"), [(1, 1), (1, 6), (3, 4)])
def test_many_versions_equal_the_single_ones_row_by_row(n, k):
    rng = np.random.default_rng(11 * n + k)
    Xm = rng.normal(size=(9, n))
    ym = rng.normal(size=9)
    Ws = rng.normal(size=(2, 5, model.n_params(n, k)))
    G = backprop.mlp_gradient_many(Ws, Xm, ym, k)
    L = model.mlp_loss(Ws, Xm, ym, k)
    assert G.shape == Ws.shape
    assert L.shape == (2, 5)
    for i in range(2):
        for j in range(5):
            np.testing.assert_allclose(G[i, j], backprop.mlp_gradient(Ws[i, j], Xm, ym, k),
                                       rtol=1e-13, atol=1e-15)
            assert L[i, j] == pytest.approx(model.mlp_loss(Ws[i, j], Xm, ym, k), rel=1e-13)


def test_many_versions_accept_a_single_vector_and_kinks():
    for w in SMOOTH + KINKS + [DEAD]:
        np.testing.assert_allclose(backprop.mlp_gradient_many(w, X, y, 1),
                                   backprop.loss_gradient(w, X, y), rtol=1e-14, atol=1e-16)
        assert model.mlp_loss(w, X, y, 1) == pytest.approx(model.loss(w, X, y),
                                                                   rel=1e-14, abs=1e-300)


def test_many_versions_reject_bad_input():
    Ws = np.ones((3, 7))
    with pytest.raises(ValueError, match=r"^w must have shape \(7,\) or \(\.\.\., 7\)"):
        backprop.mlp_gradient_many(np.ones((3, 6)), X, y, 2)
    with pytest.raises(ValueError, match="^w must"):
        model.mlp_loss(np.float64(1.0), X, y, 2)
    with pytest.raises(ValueError, match="^X must"):
        model.mlp_loss(Ws, X[:, 0], y, 2)
    with pytest.raises(ValueError, match="^y must"):
        backprop.mlp_gradient_many(Ws, X, y[:-1], 2)
    with pytest.raises(ValueError, match="^n_hidden must"):
        backprop.mlp_gradient_many(Ws, X, y, 0)


# --- the selectable r'(0) of loss_gradient (the "free choice" of chapter 1.4) ---------------

@pytest.mark.parametrize("c", [0.0, 1.0])
@pytest.mark.parametrize("w", SMOOTH)
def test_loss_gradient_any_choice_equals_finite_differences_away_from_kinks(w, c):
    assert np.min(np.abs(w[0] * X[:, 0] + w[1])) > 1e-3
    fd = central_difference(lambda v: model.loss(v, X, y), w)
    np.testing.assert_allclose(backprop.loss_gradient(w, X, y, c), fd, rtol=1e-7, atol=1e-9)


def test_loss_gradient_at_a_kink_depends_linearly_on_the_choice():
    w = np.array([1.0, -0.5, 1.0, 0.0])  # u_5 = x_5 - 0.5 = 0 exactly
    g0, g1 = (backprop.loss_gradient(w, X, y, c) for c in (0.0, 1.0))
    e5 = 2 / len(y) * (0 * w[2] + w[3] - y[5])
    np.testing.assert_allclose(g1 - g0, [e5 * w[2] * X[5, 0], e5 * w[2], 0, 0], atol=1e-15)
    np.testing.assert_allclose(backprop.loss_gradient(w, X, y, 0.5), (g0 + g1) / 2,
                               rtol=1e-14)


@pytest.mark.parametrize("c", [-0.1, 1.5, np.nan, True, "0.5"])
def test_loss_gradient_bad_choice(c):
    match = "^relu_grad_at_zero must be a finite number >= 0 and <= 1"
    with pytest.raises(ValueError, match=match):
        backprop.loss_gradient(np.ones(4), X, y, c)
