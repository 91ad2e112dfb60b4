import numpy as np
import pytest

from neuronale_netze import _checks


@pytest.mark.parametrize("value", [0, 3, np.int64(3), np.uint8(7), np.int32(0)])
def test_check_int_accepts_python_and_numpy_integers(value):
    out = _checks.check_int(value, "n", 0)
    assert out == value and type(out) is int


@pytest.mark.parametrize("value", [-1, True, False, 2.0, np.float64(2.0), "2", None, 1 + 0j,
                                   np.array(2), [2]])
def test_check_int_rejects_everything_else(value):
    with pytest.raises(ValueError, match=r"^n must be an integer >= 0, got "):
        _checks.check_int(value, "n", 0)


def test_check_int_bounds_and_message():
    assert _checks.check_int(5, "k", 5, maximum=5) == 5
    with pytest.raises(ValueError, match=r"^k must be an integer >= 2, got 1$"):
        _checks.check_int(1, "k", 2)
    with pytest.raises(ValueError, match=r"^batch_size must be an integer in 1\.\.11, got 12$"):
        _checks.check_int(12, "batch_size", 1, maximum=11)
    with pytest.raises(ValueError, match=r"in 1\.\.11, got 0$"):
        _checks.check_int(0, "batch_size", 1, maximum=11)


@pytest.mark.parametrize("value", [1e-300, 0.1, 3, np.float32(0.5), np.int64(2)])
def test_check_real_accepts_positive_numbers(value):
    out = _checks.check_real(value, "lr", 0)
    assert out == float(value) and type(out) is float


@pytest.mark.parametrize("value", [0, 0.0, -1e-300, np.nan, np.inf, -np.inf, True, "0.1", None,
                                   np.array([0.1])])
def test_check_real_rejects_non_positive_and_non_numbers(value):
    with pytest.raises(ValueError, match=r"^lr must be a finite number > 0, got "):
        _checks.check_real(value, "lr", 0)


def test_check_real_without_bound_inclusive_bound_and_where():
    assert _checks.check_real(-5, "x") == -5.0
    with pytest.raises(ValueError, match=r"^x must be a finite number, got nan$"):
        _checks.check_real(float("nan"), "x")
    assert _checks.check_real(0, "seconds", 0, strict=False) == 0.0
    with pytest.raises(ValueError, match=r"^seconds must be a finite number >= 0, got -1$"):
        _checks.check_real(-1, "seconds", 0, strict=False)
    with pytest.raises(ValueError, match=r"^lr must be a finite number > 0, got lr\(3\) = 0$"):
        _checks.check_real(0, "lr", 0, where="lr(3)")


def test_check_seed():
    assert _checks.check_seed(np.int64(0)) == 0
    with pytest.raises(ValueError, match=r"^seed must be an integer >= 0, got -1$"):
        _checks.check_seed(-1)
    with pytest.raises(ValueError, match=r"^random_state must be an integer >= 0"):
        _checks.check_seed(1.0, "random_state")


def test_check_rng():
    rng = np.random.default_rng(0)
    assert _checks.check_rng(rng) is rng
    for bad in (0, None, np.random.RandomState(0), np.random.SeedSequence(0)):
        with pytest.raises(ValueError, match=r"^rng must be a numpy.random.Generator, got "):
            _checks.check_rng(bad)


def test_check_rng_many():
    rngs = [np.random.default_rng(0), np.random.default_rng(1)]
    assert _checks.check_rng(rngs, many=True) is rngs
    assert _checks.check_rng(rngs[0], many=True) is rngs[0]
    with pytest.raises(ValueError, match=r"^rng must be a numpy.random.Generator, got list"):
        _checks.check_rng(rngs)
    for bad in ([], [0], (rngs[0], None), 0):
        with pytest.raises(ValueError, match=r"^rng must be a numpy.random.Generator or a non-emp"):
            _checks.check_rng(bad, many=True)


def test_check_weights_vector_matrix_and_stack():
    _checks.check_weights(np.zeros(4), 4)
    _checks.check_weights([0, 0], 2)
    _checks.check_weights(np.zeros((3, 4)), 4, ndim=2)
    _checks.check_weights(np.zeros((2, 3, 4)), 4, ndim=None)
    _checks.check_weights(np.zeros(4), 4, ndim=None)
    _checks.check_weights(np.zeros((3, 4)), 4, ndim=(2, 3))
    _checks.check_weights(np.zeros((3, 2, 4)), 4, ndim=(2, 3))
    cases = [(np.zeros(5), {}, r"^w must have shape \(4,\), got \(5,\)$"),
             (np.zeros((1, 4)), {}, r"^w must have shape \(4,\), got \(1, 4\)$"),
             (np.zeros(4), {"ndim": 2, "name": "W"}, r"^W must have shape \(K, 4\), got \(4,\)$"),
             (np.zeros((2, 2, 4)), {"ndim": 2}, r"^w must have shape \(K, 4\)"),
             (np.float64(1.0), {"ndim": None}, r"^w must have shape \(4,\) or \(\.\.\., 4\)"),
             (np.zeros((4, 3)), {"ndim": None}, r"^w must have shape \(4,\) or \(\.\.\., 4\)"),
             (np.zeros(4), {"ndim": (2, 3)}, r"^w must have shape \(K, 4\) or \(K, S, 4\)")]
    for w, kwargs, match in cases:
        with pytest.raises(ValueError, match=match):
            _checks.check_weights(w, 4, **kwargs)


def test_check_start_returns_a_float_copy():
    w0 = np.array([1, 2])
    out = _checks.check_start(w0)
    assert out.dtype == float and out is not w0
    out[0] = 5
    assert w0[0] == 1
    np.testing.assert_array_equal(_checks.check_start([[1, 2], [3, 4]]), [[1.0, 2.0], [3.0, 4.0]])
    for bad, match in [(np.ones((2, 2, 2)), "non-empty vector"), ([], "non-empty vector"),
                       (3.0, "non-empty vector"), ([1.0, np.inf], "finite")]:
        with pytest.raises(ValueError, match=f"^w0 must be .*{match}"):
            _checks.check_start(bad)


def test_check_samples_and_X():
    X, y = np.zeros((3, 1)), np.zeros(3)
    _checks.check_samples(X, y)
    _checks.check_samples(np.zeros((3, 2)), y, n_inputs=None)
    _checks.check_X(np.zeros((3, 5)))
    cases = [(lambda: _checks.check_samples(np.zeros((3, 2)), y), r"^X must have shape \(m, 1\)"),
             (lambda: _checks.check_samples(np.zeros(3), y), r"^X must have shape \(m, 1\)"),
             (lambda: _checks.check_X(np.zeros(3)), r"^X must have shape \(m, n_inputs\)"),
             (lambda: _checks.check_samples(X, np.zeros(2)), r"^y must have shape \(3,\)"),
             (lambda: _checks.check_samples(X, np.zeros((3, 1))), r"^y must have shape \(3,\)")]
    for call, match in cases:
        with pytest.raises(ValueError, match=match):
            call()


def test_check_samples_stacked():
    _checks.check_samples(np.zeros((2, 3, 1)), np.zeros((2, 3)), stacked=True)
    _checks.check_samples(np.zeros((3, 1)), np.zeros(3), stacked=True)  # one set for all
    _checks.check_samples(np.zeros((2, 3, 5)), np.zeros((2, 3)), n_inputs=None, stacked=True)
    with pytest.raises(ValueError, match=r"^X must have shape \(m, 1\)"):
        _checks.check_samples(np.zeros((2, 3, 1)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"^X must have shape \(\.\.\., m, 1\)"):
        _checks.check_samples(np.zeros((2, 3, 2)), np.zeros((2, 3)), stacked=True)
    with pytest.raises(ValueError, match=r"^y must have shape \(2, 3\) to match X, got \(3,\)"):
        _checks.check_samples(np.zeros((2, 3, 1)), np.zeros(3), stacked=True)


def test_check_real_with_both_bounds():
    assert _checks.check_real(1, "c", 0, strict=False, maximum=1) == 1.0
    assert _checks.check_real(0, "c", 0, strict=False, maximum=1) == 0.0
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"^c must be a finite number >= 0 and <= 1, got "):
            _checks.check_real(bad, "c", 0, strict=False, maximum=1)


def test_check_values():
    np.testing.assert_array_equal(_checks.check_values([1, -2], "v"), [1.0, -2.0])
    assert _checks.check_values([[0.5]], "v", positive=True).dtype == float
    for bad, positive in [([], False), ([1.0, np.nan], False), ([np.inf], False),
                          ([1.0, 0.0], True), ([-1.0], True)]:
        with pytest.raises(ValueError, match="^v must be non-empty and contain finite"):
            _checks.check_values(bad, "v", positive=positive)


def test_check_choice_and_callable():
    assert _checks.check_choice("sgd", "optimizer", {"adam": 1, "sgd": 2}) == "sgd"
    with pytest.raises(ValueError, match=r"^optimizer must be one of \['adam', 'sgd'\], got 'x'$"):
        _checks.check_choice("x", "optimizer", {"sgd": 2, "adam": 1})
    assert _checks.check_callable(len, "f") is len
    with pytest.raises(ValueError, match="^grad must be callable, got int$"):
        _checks.check_callable(3, "grad")
