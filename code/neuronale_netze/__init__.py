"""Neuronale Netze: das gemeinsame Paket des Kurses.

Die Module werden einzeln importiert (``from neuronale_netze import model``),
damit ein Kapitel nur lädt, was es braucht.
"""

import os

__version__ = "0.1.0"

# TensorFlow liest diese Variablen beim Import: ohne sie schreibt es Log-Zeilen auf stderr
# (auch den Hinweis "oneDNN custom operations are on"), und stderr ist im Build ein Fehler.
# Der einzige Ort, an dem der Kurs sie setzt: Jedes Kapitel importiert das Paket vor Keras.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
