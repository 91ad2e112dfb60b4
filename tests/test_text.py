import math

import pytest

from neuronale_netze.text import format_de


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (0.35, 2, "0,35"),
        (0.546875, 6, "0,546875"),
        (-0.5, 1, "\u22120,5"),
        (2.89e-5, 2, "$2{,}89\\cdot 10^{-5}$"),
        (3.9e-33, 1, "$3{,}9\\cdot 10^{-33}$"),
        (123456.0, 1, "$1{,}2\\cdot 10^{5}$"),
        (0.0, 1, "0,0"),
        (78601, 0, "78\u202f601"),
        (4, 3, "4"),
    ],
)
def test_format_de(x, digits, expected):
    assert format_de(x, digits) == expected


def test_format_de_forced_fixed():
    assert format_de(2.5e-5, 6, sci=False) == "0,000025"


@pytest.mark.parametrize("bad", [math.nan, math.inf, True])
def test_format_de_rejects(bad):
    with pytest.raises(ValueError, match="x must be"):
        format_de(bad)
