"""Real-browser gate: Debian's Chromium (Playwright) on every page of the table of contents.

Every page loads without console or page errors, requests nothing from any host but the site
itself, shows every image with an alt text, has every formula rendered by KaTeX at build time
(no math JavaScript, no KaTeX error) with no raw TeX left, and links prev/next along the table
of contents. A screenshot of every page is saved to ``_build/screenshots/`` for a person to look at.
On a phone (390 x 844) no page scrolls sideways; ``_build/screenshots/phone-<page>.png`` keeps
each page at that size.
"""

import re

import pytest

from conftest import ROOT, toc_files
from sitegates import CHROMIUM, check_pages, phone_overflow, search_hits, serve

pytestmark = pytest.mark.slow

SCREENSHOTS = ROOT / "_build" / "screenshots"


def test_every_toc_page_in_a_real_browser(site_url):
    problems = check_pages(site_url, toc_files(), screenshot_dir=SCREENSHOTS)
    assert problems == [], "\n".join(problems)
    for name in toc_files():
        assert (SCREENSHOTS / (name.replace("/", "__") + ".png")).stat().st_size > 10_000, name


def test_math_is_rendered_at_build_time_and_served_by_the_site(built_site):
    html = (built_site / "chapters" / "02-mlp.html").read_text(encoding="utf-8")
    # finished KaTeX HTML with assistive MathML, no script that typesets in the browser
    assert html.count('<span class="katex">') > 10
    assert '<span class="katex-mathml"><math xmlns="http://www.w3.org/1998/Math/MathML"' in html
    assert "mathjax" not in html.lower().replace("mathjax_ignore", "")
    assert "katex.min.js" not in html and "auto-render" not in html
    # KaTeX's CSS and its WOFF2 fonts come from the site itself
    assert 'href="../_static/katex/katex.min.css?' in html
    assert "cdn.jsdelivr.net" not in html
    css = (built_site / "_static" / "katex" / "katex.min.css").read_text(encoding="utf-8")
    fonts = set(re.findall(r"url\((fonts/[^)]+)\)", css))
    assert fonts and all(f.endswith(".woff2") for f in fonts), fonts
    for font in fonts:
        assert (built_site / "_static" / "katex" / font).stat().st_size > 1000, font


def test_search_finds_a_german_word_from_a_chapter(site_url):
    hrefs = search_hits(site_url, "Trainingsdaten")
    assert any(h.startswith("chapters/03-modellproblem.html") for h in hrefs), hrefs


def test_no_page_scrolls_sideways_on_a_phone(site_url):
    problems = phone_overflow(site_url, toc_files(), screenshot_dir=SCREENSHOTS)
    assert problems == [], "\n".join(problems)
    for name in toc_files():
        shot = SCREENSHOTS / ("phone-" + name.replace("/", "__") + ".png")
        assert shot.stat().st_size > 5_000, name


PHONE_PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>t</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><p>Kurz.</p>{body}</body></html>
"""


def test_phone_gate_finds_a_wide_element_and_accepts_a_scrolling_box(tmp_path):
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is not installed")
    wide = '<div id="wide" style="width: 1000px">breit</div>'
    (tmp_path / "bad.html").write_text(PHONE_PAGE.format(body=wide), encoding="utf-8")
    boxed = f'<div style="overflow-x: auto">{wide}</div>'
    (tmp_path / "good.html").write_text(PHONE_PAGE.format(body=boxed), encoding="utf-8")
    (tmp_path / "en.html").write_text(PHONE_PAGE.format(body="").replace('lang="de"', 'lang="en"'),
                                      encoding="utf-8")
    with serve(tmp_path) as url:
        bad = phone_overflow(url, ["bad"])
        good = phone_overflow(url, ["good"])
        english = phone_overflow(url, ["en"])
    assert len(bad) == 1 and "scrollWidth 1008 > innerWidth 390" in bad[0], bad
    assert "<div> right edge 1008 px: breit" in bad[0], bad
    assert good == []
    assert english == ["en: <html lang='en'>, expected 'de' (German hyphenation)"]
