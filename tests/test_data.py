import numpy as np
import pytest

from neuronale_netze import data


def test_shapes_and_values_default():
    X, y = data.model_problem()
    assert X.shape == (11, 1)
    assert y.shape == (11,)
    np.testing.assert_allclose(X[:, 0], np.arange(11) / 10, rtol=0, atol=0)
    np.testing.assert_array_equal(X[:, 0], y)
    assert X[0, 0] == 0.0 and X[-1, 0] == 1.0


@pytest.mark.parametrize("n", [1, 2, 7, 100, np.int64(5)])
def test_shapes_for_other_n(n):
    X, y = data.model_problem(n)
    assert X.shape == (n + 1, 1) and y.shape == (n + 1,)
    assert np.all(np.diff(y) > 0)
    np.testing.assert_allclose(y, np.linspace(0, 1, n + 1), rtol=0, atol=1e-15)


def test_y_is_not_a_view_of_x():
    X, y = data.model_problem()
    y[0] = 5.0
    assert X[0, 0] == 0.0


@pytest.mark.parametrize("n", [0, -3, 2.5, "10", True, None, np.float64(10.0)])
def test_bad_n_names_argument(n):
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        data.model_problem(n)
