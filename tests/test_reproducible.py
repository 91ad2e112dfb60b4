"""Reproducibility gate: two builds of the same commit give byte-identical HTML, whatever
the build history.

The only allowed differences are wall-clock measurements, marked on the page as elements with
class ``wallclock`` (glue keys ``time_*``, see ``neuronale_netze.text.markdown_de``); the
comparison masks exactly their contents. Everything else (numbers, figures, ids, search index,
downloads, asset URLs) must match byte for byte.
"""

import shutil

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
def test_a_second_build_and_a_rebuild_over_it_equal_the_clean_build(built_book, built_site,
                                                                     tmp_path):
    """The README's order, ``make book`` then ``make test`` (which once built the PDFs and the
    site over the existing ``_build``), against the clean build that the gates checked:

    1. a build into a fresh folder, without PDFs (``make book`` on a fresh clone): the
       notebooks are executed a second time, independently of the clean build;
    2. the PDFs of the clean build copied next to it, and the site built again over the first
       (nothing executed: jupyter-cache; every page written again, now with the PDF links).
       Without TeX Live (no PDFs; a skip of the PDF tests, a failure in CI) ``--all`` makes
       the second build write every page.

    Its site must equal the clean one byte for byte, up to the wall-clock values.
    """
    out = tmp_path / "second"
    first = jupyter_book_build(ROOT, out)
    assert first.returncode == 0, (first.stdout + first.stderr)[-5000:]
    extra = []
    if (built_book.build / "pdf").is_dir():
        shutil.copytree(built_book.build / "pdf", out / "_build" / "pdf")
    else:
        extra = ["--all"]
    again = jupyter_book_build(ROOT, out, extra=extra)
    assert again.returncode == 0, (again.stdout + again.stderr)[-5000:]
    for executing in ("[nn_execute] executing", "Executing notebook"):  # nn_execute, myst-nb
        assert executing not in again.stdout, "the rebuild executed notebooks"
    second = out / "_build" / "html"
    problems = compare_trees(built_site, second)
    assert problems == [], "\n".join(problems)
    # the masking was needed: the wall-clock values of the two executions differ
    differ = [p for p in built_site.rglob("*.html")
              if p.read_bytes() != (second / p.relative_to(built_site)).read_bytes()]
    assert differ, "no wall-clock value differs: the comparison masked nothing"
