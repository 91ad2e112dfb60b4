"""Each gate catches its defect: small broken books (tests/fixtures/) built with the real config.

A fixture book is copied to a temporary folder and built with the real ``_config.yml`` (title
and paths of ``_ext/``, ``_templates/`` and the favicon adjusted), so the gates see exactly the
theme, extensions and settings of the course site. ``good`` passes every gate; every other
book has one deliberate defect that the build (``-n -W``) or a named gate must report.
"""

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from conftest import ROOT
from sitegates import (
    axe_violations,
    check_pages,
    jupyter_book_build,
    linkchecker_problems,
    serve,
    vnu_errors,
)

pytestmark = pytest.mark.slow

FIXTURES = ROOT / "tests" / "fixtures"


def fixture_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = "Testbuch"
    sphinx = config["sphinx"]
    sphinx["local_extensions"] = {
        name: str(ROOT / path) for name, path in sphinx.get("local_extensions", {}).items()}
    sphinx["config"]["templates_path"] = [
        str(ROOT / p) for p in sphinx["config"].get("templates_path", [])]
    config["bibtex_bibfiles"] = [str(ROOT / p) for p in config.get("bibtex_bibfiles", [])]
    if config.get("html", {}).get("favicon"):
        config["html"]["favicon"] = str(ROOT / config["html"]["favicon"])
    return config


# every fixture build the tests below use, (book, strict); each is built once
BUILDS = [("good", True), ("missing-image", True), ("missing-image", False),
          ("broken-ref", True), ("raising-cell", True), ("raw-tex", True), ("bad-html", True)]
BUILD_WORKERS = 2  # a fixture build is mostly one process on one core; the machine has two


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """build(name, strict=True) -> (result, html folder). All of ``BUILDS`` are started at once,
    two at a time; a test waits only for the builds it needs."""

    def _build(name, strict):
        work = tmp_path_factory.mktemp(f"{name}-{'strict' if strict else 'lenient'}")
        book = work / "book"
        shutil.copytree(FIXTURES / name, book)
        (book / "_config.yml").write_text(yaml.safe_dump(fixture_config()), encoding="utf-8")
        result = jupyter_book_build(book, work / "out", strict=strict, timeout=600)
        return result, work / "out" / "_build" / "html"

    with ThreadPoolExecutor(max_workers=BUILD_WORKERS) as pool:
        futures = {key: pool.submit(_build, *key) for key in BUILDS}
        yield lambda name, strict=True: futures[(name, strict)].result()


def log_of(result):
    return result.stdout + result.stderr


def assert_reported(problems, *needles):
    """Some problem mentions every needle (and the message shows all problems otherwise)."""
    assert any(all(n in p for n in needles) for p in problems), (needles, problems)


def test_good_book_passes_every_gate(build, gate_tools, tmp_path):
    result, html = build("good")
    assert result.returncode == 0, log_of(result)[-5000:]
    names = ["index", "seite2"]
    with serve(html) as url:
        assert check_pages(url, names) == []
        assert axe_violations(url, names) == []
        assert linkchecker_problems(url + "index.html", tmp_path) == []
    assert vnu_errors([html / "index.html", html / "seite2.html"]) == []
    page = (html / "index.html").read_text(encoding="utf-8")
    assert '<span class="wallclock">' in page
    assert "500" in page and "500\u202f500" in page  # sum(range(1001)), glued


def test_missing_image_is_caught(build, gate_tools, tmp_path):
    strict, _ = build("missing-image")
    assert strict.returncode != 0
    assert "fehlt.png" in log_of(strict)
    lenient, html = build("missing-image", strict=False)
    assert lenient.returncode == 0, log_of(lenient)[-5000:]
    with serve(html) as url:
        assert_reported(check_pages(url, ["index"]), "fehlt.png", "naturalWidth 0")
        assert_reported(linkchecker_problems(url + "index.html", tmp_path), "fehlt.png", "404")


def test_broken_ref_fails_the_build(build):
    result, _ = build("broken-ref")
    assert result.returncode != 0
    assert "abschnitt-den-es-nicht-gibt" in log_of(result)


def test_raising_cell_fails_the_build(build):
    result, _ = build("raising-cell")
    assert result.returncode != 0
    assert "ZeroDivisionError" in log_of(result)


def test_raw_tex_is_caught_by_the_browser(build, gate_tools):
    result, html = build("raw-tex")
    assert result.returncode == 0, log_of(result)[-5000:]  # Sphinx does not see it
    with serve(html) as url:
        problems = check_pages(url, ["index"])
    assert_reported(problems, "raw TeX", "a^2 + b^2")
    assert_reported(problems, "math not rendered by KaTeX", "x_1 + x_2")


def test_bad_html_is_caught_by_browser_axe_links_and_vnu(build, gate_tools, tmp_path):
    result, html = build("bad-html")
    assert result.returncode == 0, log_of(result)[-5000:]
    with serve(html) as url:
        problems = check_pages(url, ["index"])
        assert_reported(problems, "request to another host", "cdn.invalid")
        assert_reported(problems, "nichtDefinierteFunktion")
        assert_reported(problems, "bild.png", "no alt text")
        axe = axe_violations(url, ["index"])
        assert_reported(axe, "axe image-alt")
        assert_reported(axe, "axe empty-table-header")  # a really empty header cell
        assert_reported(linkchecker_problems(url + "index.html", tmp_path), "gibt-es-nicht")
    assert_reported(vnu_errors([html / "index.html"]), "doppelt")
