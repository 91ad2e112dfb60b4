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
