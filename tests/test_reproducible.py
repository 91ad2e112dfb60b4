"""Reproducibility gate: two clean builds of the same commit give byte-identical HTML.

The only allowed differences are wall-clock measurements, marked on the page as elements with
class ``wallclock`` (glue keys ``time_*``, see ``neuronale_netze.text.markdown_de``); the
comparison masks exactly their contents. Everything else (numbers, figures, ids, search index,
downloads) must match byte for byte.
"""

import pytest

from conftest import ROOT
from sitegates import compare_trees, jupyter_book_build, mask_wallclock, mask_wallclock_md


def test_mask_wallclock_masks_exactly_the_marked_elements():
    a = (b'<p>Loss <span class="wallclock">1,23</span> nach <span>5</span> s</p>'
         b'<table class="wallclock colwidths-auto"><tr><td>2,5</td></tr></table><p>7</p>')
    b = (b'<p>Loss <span class="wallclock">9,87</span> nach <span>5</span> s</p>'
         b'<table class="wallclock colwidths-auto"><tr><td>3,0</td></tr></table><p>7</p>')
    assert mask_wallclock(a) == mask_wallclock(b)
    assert mask_wallclock(a).count(b"WALLCLOCK") == 2
    # a difference outside the marked elements is not masked
    assert mask_wallclock(a) != mask_wallclock(a.replace(b"<span>5</span>", b"<span>6</span>"))
    assert mask_wallclock(a) != mask_wallclock(a.replace(b"<p>7</p>", b"<p>8</p>"))
    # nested elements of the same tag inside a marked one
    nested = b'<span class="x wallclock"><span class="math">\\(2\\)</span></span><span>1</span>'
    assert mask_wallclock(nested) == b'<span class="x wallclock">WALLCLOCK</span><span>1</span>'
    # a class that merely contains the word is not a wall-clock value
    other = b'<span class="nowallclock">1</span>'
    assert mask_wallclock(other) == other
    with pytest.raises(ValueError, match="unclosed"):
        mask_wallclock(b'<span class="wallclock">1,2')


def test_mask_wallclock_md_in_notebooks():
    assert mask_wallclock_md(b'"[1,23]{.wallclock}", "0,5"') == b'"[WALLCLOCK]{.wallclock}", "0,5"'


def test_compare_trees_reports_every_other_difference(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for root, t, n in ((a, b"1,2", b"42"), (b, b"3,4", b"43")):
        (root / "sub").mkdir(parents=True)
        (root / "page.html").write_bytes(b'<span class="wallclock">' + t + b"</span>")
        (root / "sub" / "fig.svg").write_bytes(b"<svg>" + n + b"</svg>")
    (a / "only-a.html").write_bytes(b"")
    problems = compare_trees(a, b)
    assert problems == ["only in the first build: only-a.html",
                        "sub/fig.svg: differs: line 1: '<svg>42</svg>' != '<svg>43</svg>'"]


@pytest.mark.slow
def test_two_clean_builds_are_byte_identical(tmp_path):
    sites = []
    for name in ("a", "b"):
        # fresh --path-output: no jupyter-cache, no doctrees, no executed notebooks
        result = jupyter_book_build(ROOT, tmp_path / name)
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
        sites.append(tmp_path / name / "_build" / "html")
    problems = compare_trees(*sites)
    assert problems == [], "\n".join(problems)
