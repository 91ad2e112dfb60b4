import time

import pytest

from neuronale_netze import timing


def test_best_time_warms_up_then_takes_the_best_per_call():
    calls = []

    def f():
        calls.append(None)
        time.sleep(0.002)

    t = timing.best_time(f, number=3, repeat=4)
    assert len(calls) == 1 + 3 * 4  # one warm-up call, then repeat × number
    assert 0.002 <= t < 0.5  # per call: never below the sleep, and not the sum of all calls


def test_best_time_rejects_bad_input():
    with pytest.raises(ValueError, match="^f must be callable"):
        timing.best_time(1.0)
    with pytest.raises(ValueError, match="^number must be an integer >= 1"):
        timing.best_time(lambda: None, number=0)
    with pytest.raises(ValueError, match="^repeat must be an integer >= 1"):
        timing.best_time(lambda: None, repeat=1.5)


def test_best_times_alternates_the_functions_and_takes_each_ones_best():
    calls = []

    def make(name, seconds):
        def f():
            calls.append(name)
            time.sleep(seconds)
        return f

    t = timing.best_times({"a": make("a", 0.001), "b": make("b", 0.02)}, number=2, repeat=3)
    # warm-up a, b, then three rounds of two calls of a and two of b
    assert calls == ["a", "b"] + ["a", "a", "b", "b"] * 3
    assert 0.001 <= t["a"] < t["b"] and 0.02 <= t["b"] < 0.5  # per call, each its own best


def test_best_times_rejects_bad_input():
    with pytest.raises(ValueError, match="^slow must be callable"):
        timing.best_times({"fast": lambda: None, "slow": 1.0})
    with pytest.raises(ValueError, match="^repeat must be an integer >= 1"):
        timing.best_times({"f": lambda: None}, repeat=0)
