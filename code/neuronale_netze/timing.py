"""Laufzeiten messen, wo die Kosten das Thema sind: nach dem Aufwärmen die beste von mehreren
Messungen (der erste Aufruf zahlt für Importe und Caches, ein geteilter Rechner für fremde Last)."""

import timeit

from ._checks import check_callable, check_int


def best_time(f, number=1, repeat=5):
    """Sekunden je Aufruf von ``f()``: ein Aufruf zum Aufwärmen, dann die beste von ``repeat``
    Messungen zu je ``number`` Aufrufen."""
    check_callable(f, "f")
    number, repeat = check_int(number, "number", 1), check_int(repeat, "repeat", 1)
    f()
    return min(timeit.repeat(f, number=number, repeat=repeat)) / number
