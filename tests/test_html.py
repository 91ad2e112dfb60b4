"""HTML gate: the Nu HTML checker (vnu.jar from npm) with ``--errors-only`` on the content pages."""

import pytest

from conftest import toc_files
from sitegates import vnu_errors

pytestmark = pytest.mark.slow


def test_content_pages_are_valid_html(built_site, gate_tools):
    pages = [built_site / f"{name}.html" for name in toc_files()]
    pages += [built_site / "search.html", built_site / "genindex.html"]
    problems = vnu_errors(pages)
    assert problems == [], "\n".join(problems)
