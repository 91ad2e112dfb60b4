"""The Sphinx extension that gives SVG figures their size and loads later ones lazily."""

import importlib.util

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("nn_images", ROOT / "_ext" / "nn_images.py")
nn_images = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nn_images)

SVG = ('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
       '<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="432pt" height="345.6pt" '
       'viewBox="0 0 432 345.6" xmlns="http://www.w3.org/2000/svg" version="1.1"></svg>\n')


def test_svg_size_in_css_pixels(tmp_path):
    (tmp_path / "a.svg").write_text(SVG, encoding="utf-8")
    assert nn_images.svg_size(tmp_path / "a.svg") == (576, 461)  # pt * 4/3
    (tmp_path / "b.svg").write_text('<svg width="100%" viewBox="0 0 1 1"></svg>', encoding="utf-8")
    assert nn_images.svg_size(tmp_path / "b.svg") is None


def test_known_svg_images_get_size_and_later_ones_lazy(tmp_path):
    (tmp_path / "a.svg").write_text(SVG, encoding="utf-8")
    sources = {"eins.svg": tmp_path / "a.svg", "zwei.svg": tmp_path / "a.svg"}
    body = ('<img alt="Logo" src="../_static/logo.svg">'
            '<img alt="Eins" src="../_images/eins.svg" />'
            '<img alt="Fest" src="../_images/zwei.svg" width="10" />'
            '<img alt="Zwei" src="../_images/zwei.svg" />')
    assert nn_images.sized_images(body, sources) == (
        '<img alt="Logo" src="../_static/logo.svg">'
        '<img alt="Eins" src="../_images/eins.svg" width="576" height="461" />'
        '<img alt="Fest" src="../_images/zwei.svg" width="10" />'
        '<img alt="Zwei" src="../_images/zwei.svg" width="576" height="461" loading="lazy" />')
