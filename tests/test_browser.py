"""Real-browser gate: Debian's Chromium (Playwright) on every page of the table of contents.

Every page loads without console or page errors, requests nothing from any host but the site
itself (MathJax included), shows every image with an alt text, has its formulas typeset by
MathJax with no raw TeX left, and links prev/next along the table of contents. A screenshot of
every page is saved to ``_build/screenshots/`` for a person to look at.
"""

import re
from urllib.parse import urljoin, urlparse

import pytest

from conftest import ROOT, toc_files
from sitegates import check_pages, search_hits

pytestmark = pytest.mark.slow

SCREENSHOTS = ROOT / "_build" / "screenshots"


def test_every_toc_page_in_a_real_browser(site_url):
    problems = check_pages(site_url, toc_files(), screenshot_dir=SCREENSHOTS)
    assert problems == [], "\n".join(problems)
    for name in toc_files():
        assert (SCREENSHOTS / (name.replace("/", "__") + ".png")).stat().st_size > 10_000, name


def test_math_is_served_by_the_site_itself(built_site):
    page = "chapters/02-mlp.html"
    html = (built_site / page).read_text(encoding="utf-8")
    # the script's path, whatever query Sphinx appends (``?v=<checksum>``), is a file of the site
    srcs = [urlparse(urljoin(page, src))
            for src in re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)]
    mathjax = [u.path for u in srcs if u.path.endswith("/tex-chtml.js")]
    assert mathjax == ["_static/mathjax/tex-chtml.js"], srcs
    assert all(not u.scheme and not u.netloc for u in srcs), srcs
    assert (built_site / mathjax[0]).is_file()
    assert "cdn.jsdelivr.net" not in html


def test_search_finds_a_german_word_from_a_chapter(site_url):
    hrefs = search_hits(site_url, "Trainingsdaten")
    assert any(h.startswith("chapters/03-modellproblem.html") for h in hrefs), hrefs
