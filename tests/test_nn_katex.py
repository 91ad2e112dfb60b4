"""The Sphinx extension that renders every formula with KaTeX at build time (_ext/nn_katex.py)."""

import importlib.util
import re
import shutil

import pytest

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("nn_katex", ROOT / "_ext" / "nn_katex.py")
nn_katex = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nn_katex)
katex = nn_katex.katex

needs_katex = pytest.mark.skipif(
    not (nn_katex.KATEX_DIST / "katex.min.css").is_file() or shutil.which("node") is None,
    reason="KaTeX from npm (`make node_modules/.installed`) and node needed")


@needs_katex
def test_css_is_trimmed_to_woff2_fonts_that_exist():
    css = (nn_katex.KATEX_DIST / "katex.min.css").read_text(encoding="utf-8")
    trimmed = nn_katex.woff2_only_css(css)
    urls = re.findall(r"url\(([^)]+)\)", trimmed)
    assert len(urls) == css.count("@font-face") > 15
    for url in urls:
        assert url.endswith(".woff2"), url
        assert (nn_katex.KATEX_DIST / url).is_file(), url
    # nothing but the font sources changed
    assert re.sub(r"src:[^;}]+", "", trimmed) == re.sub(r"src:[^;}]+", "", css)


def test_unexpected_css_is_an_error():
    with pytest.raises(RuntimeError, match="WOFF2"):
        nn_katex.woff2_only_css(".katex{font:normal 1.21em KaTeX_Main}")


@needs_katex
def test_render_with_macros_mathml_and_errors():
    nn_katex.patch_sphinxcontrib_katex({r"\R": r"\mathbb{R}"})
    html = katex.render_latex(r"x \in \R^2", {"displayMode": True})
    assert '<span class="katex-display">' in html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in html
    assert 'mathvariant="double-struck">R</mi>' in html  # the macro was expanded
    assert '<annotation encoding="application/x-tex">x \\in \\R^2</annotation>' in html
    with pytest.raises(katex.KaTeXError, match="nichtDefiniert"):
        katex.render_latex(r"\nichtDefiniert{x}")
    with pytest.raises(katex.KaTeXError):  # strict: text in math mode is an error, not a warning
        katex.render_latex("ä")
