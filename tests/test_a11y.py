"""Accessibility gate: axe-core (npm, injected by Playwright) on the main content of every page."""

import pytest

from conftest import toc_files
from sitegates import axe_violations

pytestmark = pytest.mark.slow


def test_axe_finds_no_violations(site_url):
    problems = axe_violations(site_url, toc_files())
    assert problems == [], "\n".join(problems)
