import pytest

from neuronale_netze import autodiff


def test_autograd_splits_the_tie_of_maximum():
    rows = autodiff.relu_grad_at_zero(("autograd",))
    variants = autodiff.RELU_VARIANTS["autograd"]
    assert [(f, e) for f, e, _ in rows] == [("autograd", e) for e in variants]
    assert {v for _, _, v in rows} == {0.5}


def test_rejects_unknown_frameworks():
    names = r"\['autograd', 'tensorflow', 'torch'\]"
    with pytest.raises(ValueError, match=rf"^frameworks must be one of {names}, got 'jax'$"):
        autodiff.relu_grad_at_zero(("jax",))


@pytest.mark.slow  # imports torch
def test_torch_relu_variants():
    # torch: relu/ReLU use r'(0) = 0, clamp passes the gradient at the bound (1),
    # maximum splits ties evenly (0.5)
    rows = {e: v for _, e, v in autodiff.relu_grad_at_zero(("torch",))}
    assert rows == {"torch.relu(x)": 0.0, "nn.ReLU()(x)": 0.0, "torch.clamp(x, min=0)": 1.0,
                    "torch.maximum(x, 0)": 0.5}


@pytest.mark.slow  # imports TensorFlow
def test_tensorflow_relu_variants():
    rows = {e: v for _, e, v in autodiff.relu_grad_at_zero(("tensorflow",))}
    assert rows == {"tf.nn.relu(x)": 0.0, "Activation('relu')(x)": 0.0,
                    "tf.maximum(0, x)": 0.0, "tf.maximum(x, 0)": 1.0}
