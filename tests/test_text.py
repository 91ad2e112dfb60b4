import math

import pytest

from neuronale_netze.text import format_de, glue_de, glue_time, glue_vec, markdown_de


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


@pytest.mark.parametrize(
    ("name", "x", "digits", "expected"),
    [
        ("loss", 0.35, 2, "0,35"),
        ("time_training", 1.2345, 2, "[1,23]{.wallclock}"),
        ("time_step", 2.5e-5, 1, "[$2{,}5\\cdot 10^{-5}$]{.wallclock}"),
        ("timeline", 3.0, 1, "3,0"),  # only the prefix ``time_`` marks a wall-clock value
    ],
)
def test_markdown_de_marks_exactly_wallclock_keys(name, x, digits, expected):
    assert markdown_de(name, x, digits) == expected


@pytest.mark.parametrize("bad", ["", None, 3])
def test_markdown_de_rejects_bad_name(bad):
    with pytest.raises(ValueError, match="name must be"):
        markdown_de(bad, 1.0)


def _glued(monkeypatch):
    import myst_nb

    calls = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, obj, display: calls.append((name, obj)))
    return calls


def test_glue_de_and_glue_time_glue_markdown(monkeypatch):
    calls = _glued(monkeypatch)
    glue_de("time_fit", 0.5, digits=1)
    glue_time("time_epoch", 12.3456)
    glue_time("time_zero", 0)
    assert [(name, obj.data) for name, obj in calls] == [
        ("time_fit", "[0,5]{.wallclock}"),
        ("time_epoch", "[12,35]{.wallclock}"),
        ("time_zero", "[0,00]{.wallclock}"),
    ]


def test_glue_vec_writes_a_formula_with_decimal_commas_as_digits(monkeypatch):
    import numpy as np

    calls = _glued(monkeypatch)
    glue_vec("w", np.array([1.20034, -0.5, 12.0]))
    glue_vec("v", [0.25], digits=1)
    assert [(name, obj.data) for name, obj in calls] == [
        ("w", "$(1{,}2003; \u22120{,}5000; 12{,}0000)$"),
        ("v", "$(0{,}2)$"),  # 0.25 is stored as 0.25 exactly: round half to even
    ]


@pytest.mark.parametrize(
    ("name", "seconds", "match"),
    [
        ("training", 1.0, "name must start with 'time_'"),
        (None, 1.0, "name must start with"),
        ("time_x", -1.0, "seconds must be"),
        ("time_x", math.nan, "seconds must be"),
        ("time_x", True, "seconds must be"),
        ("time_x", "1", "seconds must be"),
    ],
)
def test_glue_time_rejects(monkeypatch, name, seconds, match):
    calls = _glued(monkeypatch)
    with pytest.raises(ValueError, match=match):
        glue_time(name, seconds)
    assert calls == []
