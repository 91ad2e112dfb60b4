import numpy as np
import pytest

from neuronale_netze import data, metrics

X, y = data.model_problem()


def test_r2_score_closed_forms():
    assert metrics.r2_score(y, y) == 1.0
    assert metrics.r2_score(y, np.full_like(y, y.mean())) == pytest.approx(0.0, abs=1e-15)
    # l(0) = mean(y²) = 0.35, Var(y) = 0.1: R² = 1 − 0.35/0.1
    assert metrics.r2_score(y, np.zeros_like(y)) == pytest.approx(1 - 0.35 / 0.1, rel=1e-14)
    with pytest.raises(ValueError, match="^predictions must"):
        metrics.r2_score(y, y[:3])


def test_r2_score_equals_sklearn():
    from sklearn.metrics import r2_score

    rng = np.random.default_rng(0)
    for _ in range(5):
        t, p = rng.normal(size=20), rng.normal(size=20)
        assert metrics.r2_score(t, p) == pytest.approx(r2_score(t, p), rel=1e-14)


@pytest.mark.slow  # imports TensorFlow
def test_keras_accuracy_is_binary_accuracy():
    # y == (ŷ > 0.5) elementwise: for ŷ = y only x = 0 and x = 1 (y ∈ {0, 1}) count
    assert metrics.keras_binary_accuracy(y, y) == pytest.approx(2 / 11)
    # ŷ = 0.5 is "not > 0.5", i.e. class 0: only y_0 = 0 matches
    assert metrics.keras_binary_accuracy(y, np.full(11, 0.5)) == pytest.approx(1 / 11)
