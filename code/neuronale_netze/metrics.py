"""Gütemaße der Anpassungen: R² und die „accuracy“, die Keras bei einem Output meldet."""

import numpy as np


def r2_score(y, predictions):
    """Bestimmtheitsmaß R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (wie ``score`` in sklearn)."""
    y, p = np.asarray(y, dtype=float), np.asarray(predictions, dtype=float)
    if p.shape != y.shape:
        raise ValueError(f"predictions must have shape {y.shape}, got {p.shape}")
    return float(1.0 - np.sum((y - p) ** 2) / np.sum((y - np.mean(y)) ** 2))


def keras_binary_accuracy(y, predictions):
    """Keras' ``metrics=["accuracy"]`` bei einem Output: Anteil von y == (ŷ > 0,5)."""
    import keras
    metric = keras.metrics.BinaryAccuracy()
    metric.update_state(np.asarray(y, "float32").reshape(-1, 1),
                        np.asarray(predictions, "float32").reshape(-1, 1))
    return float(metric.result())
