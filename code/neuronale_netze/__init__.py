"""Neuronale Netze: das gemeinsame Paket des Kurses.

Die Module werden einzeln importiert (``from neuronale_netze import model``),
damit ein Kapitel nur lädt, was es braucht.
"""

__version__ = "0.1.0"
