"""Laufzeiten messen, wo die Kosten das Thema sind: nach dem Aufwärmen die beste von mehreren
Messungen (der erste Aufruf zahlt für Importe und Caches, ein geteilter Rechner für fremde Last)."""

import timeit

from ._checks import check_callable, check_int


def best_time(f, number=1, repeat=5):
    """Sekunden je Aufruf von ``f()``: ein Aufruf zum Aufwärmen, dann die beste von ``repeat``
    Messungen zu je ``number`` Aufrufen."""
    return best_times({"f": f}, number, repeat)["f"]


def best_times(fs, number=1, repeat=5):
    """``best_time`` für mehrere Funktionen, die verglichen werden sollen: ``fs`` ist ein
    Wörterbuch {Name: Funktion}, das Ergebnis {Name: Sekunden je Aufruf}.

    Die Messungen wechseln sich ab (eine Messung jeder Funktion, dann die nächste Runde), damit
    fremde Last auf einem geteilten Rechner alle Funktionen gleich trifft und nicht nur eine.
    """
    for name, f in fs.items():
        check_callable(f, name)
    number, repeat = check_int(number, "number", 1), check_int(repeat, "repeat", 1)
    for f in fs.values():
        f()  # aufwärmen
    rounds = [{name: timeit.timeit(f, number=number) for name, f in fs.items()}
              for _ in range(repeat)]
    return {name: min(r[name] for r in rounds) / number for name in fs}
