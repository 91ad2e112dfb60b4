"""Was automatische Differentiation an der Knickstelle der ReLU liefert: r'(0) je Bibliothek.

Die Bibliotheken werden erst in den Funktionen importiert.
"""

from ._checks import check_choice

RELU_VARIANTS = {
    "autograd": ["np.maximum(0, x)", "np.maximum(x, 0)"],
    "torch": ["torch.relu(x)", "nn.ReLU()(x)", "torch.clamp(x, min=0)",
              "torch.maximum(x, 0)"],
    "tensorflow": ["tf.nn.relu(x)", "Activation('relu')(x)", "tf.maximum(0, x)",
                   "tf.maximum(x, 0)"],
}
"""Die Schreibweisen der ReLU, deren Ableitung bei 0 ``relu_grad_at_zero`` bestimmt."""


def relu_grad_at_zero(frameworks=("autograd", "torch", "tensorflow")):
    """Die Ableitung r'(0), die jede Bibliothek per automatischer Differentiation liefert.

    Gibt eine Liste von ``(bibliothek, ausdruck, wert)`` zurück, je Eintrag von
    ``RELU_VARIANTS``.
    """
    rows = []
    for name in frameworks:
        check_choice(name, "frameworks", RELU_VARIANTS)
        values = {"autograd": _relu_grads_autograd, "torch": _relu_grads_torch,
                  "tensorflow": _relu_grads_tf}[name]()
        rows += [(name, expr, v) for expr, v in zip(RELU_VARIANTS[name], values,
                                                     strict=True)]
    return rows


def _relu_grads_autograd():
    import autograd.numpy as anp
    from autograd import grad

    return [float(grad(f)(0.0)) for f in (lambda x: anp.maximum(0.0, x),
                                          lambda x: anp.maximum(x, 0.0))]


def _relu_grads_torch():
    import torch

    fns = (torch.relu, torch.nn.ReLU(), lambda x: torch.clamp(x, min=0.0),
           lambda x: torch.maximum(x, torch.zeros(())))
    values = []
    for f in fns:
        x = torch.zeros((), requires_grad=True)
        f(x).backward()
        values.append(x.grad.item())
    return values


def _relu_grads_tf():
    import keras
    import tensorflow as tf

    fns = (tf.nn.relu, keras.layers.Activation("relu"), lambda x: tf.maximum(0.0, x),
           lambda x: tf.maximum(x, 0.0))
    values = []
    for f in fns:
        x = tf.Variable(0.0)
        with tf.GradientTape() as tape:
            out = f(tf.reshape(x, (1, 1)))
        values.append(float(tape.gradient(out, x)))
    return values
