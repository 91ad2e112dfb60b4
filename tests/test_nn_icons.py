"""The Sphinx extension that draws the theme's icons as CSS masks (_ext/nn_icons.py)."""

import importlib.util
from pathlib import Path

import pydata_sphinx_theme
import pytest
from sphinx.errors import ExtensionError

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("nn_icons", ROOT / "_ext" / "nn_icons.py")
nn_icons = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nn_icons)

FONTAWESOME_JS = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
                  / "static" / "scripts" / "fontawesome.js")


@pytest.fixture(scope="module")
def packs():
    return nn_icons.icon_packs(FONTAWESOME_JS.read_text(encoding="utf-8"))


def test_outlines_come_from_the_themes_fontawesome(packs):
    assert set(packs) == {"fas", "far", "fab"}
    assert len(packs["fas"]) > 1000 and len(packs["fab"]) > 400
    width, height, path = packs["fas"]["bars"]
    assert (width, height) == (448, 512) and path.startswith("M")
    assert packs["fab"]["github"][:2] == (496, 512)
    assert "github" not in packs["fas"]


def test_used_icons_with_their_style(tmp_path):
    page = tmp_path / "seite.html"
    page.write_text('<button><span class="fa-solid fa-bars"></span></button>'
                    '<i class="fab fa-github"></i><i class="theme-switch fa-solid fa-sun fa-lg">'
                    '</i><a class="btn">kein Icon</a>', encoding="utf-8")
    assert nn_icons.used_icons([page]) == {("fas", "bars"), ("fab", "github"), ("fas", "sun")}


def test_css_rule_per_icon(packs):
    css = nn_icons.icon_css(packs, {("fas", "bars"), ("fab", "github")})
    assert ".fa-solid.fa-bars::before,.fas.fa-bars::before{width:0.875em;" in css
    assert ".fa-brands.fa-github::before,.fab.fa-github::before{width:0.9688em;" in css
    assert "viewBox='0 0 448 512'" in css and "data:image/svg+xml," in css
    assert "font-family:inherit" in css  # no webfont download for an <i> in the icon font
    with pytest.raises(ExtensionError, match="fa-gibtsnicht"):
        nn_icons.icon_css(packs, {("fas", "gibtsnicht")})


def test_admonition_titles_get_the_themes_glyph_without_the_webfont(packs, tmp_path):
    page = tmp_path / "seite.html"
    page.write_text('<div class="note admonition"><p class="admonition-title">Hinweis</p></div>'
                    '<div class="admonition"><p class="admonition-title">Eigen</p></div>',
                    encoding="utf-8")
    kinds = nn_icons.used_admonitions([page])
    assert kinds == {"note", "admonition"}
    css = nn_icons.icon_css(packs, set(), kinds)
    note = next(r for r in css.splitlines() if r.startswith("div.admonition.note>"))
    assert 'content:"";font-family:inherit' in note
    assert nn_icons._mask(packs, "fas", "circle-info")[1] in note  # the theme's f05a
    assert any(r.startswith("div.admonition>.admonition-title::after{") for r in css.splitlines())


def test_an_icon_is_found_by_its_old_name_too():
    # the edit button of sphinx-book-theme asks for fa-pencil-alt, an alias of fa-pencil
    packs = nn_icons.icon_packs(FONTAWESOME_JS.read_text(encoding="utf-8"))
    assert packs["fas"]["pencil-alt"] == packs["fas"]["pencil"]
