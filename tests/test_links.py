"""Link gate: linkchecker over the served site, with anchor checking (external URLs skipped)."""

import pytest

from sitegates import linkchecker_problems

pytestmark = pytest.mark.slow


def test_no_broken_links_or_anchors(site_url, tmp_path):
    problems = linkchecker_problems(site_url + "index.html", tmp_path)
    assert problems == [], "\n".join(problems)
