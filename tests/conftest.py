"""Shared test set-up.

With ``CI=true`` a skipped test is a failure: in CI every tool a test needs must be installed
by ``.ci/run``, so a skip can only mean a missing install step.
"""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from booktoc import toc_docs  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI (CI=true forbids skips): {reason}"


@pytest.fixture(scope="session")
def root():
    return ROOT


def toc_files():
    """Every document the table of contents names (without suffix), root first."""
    return toc_docs(ROOT / "_toc.yml")


def central_difference(f, w, h=1e-6):
    """Central finite differences of the scalar function ``f`` at ``w``, one coordinate each."""
    import numpy as np

    w = np.asarray(w, dtype=float)
    out = np.zeros_like(w)
    for j in range(w.size):
        e = np.zeros_like(w)
        e[j] = h
        out[j] = (f(w + e) - f(w - e)) / (2 * h)
    return out


PDF_TOOLS = ("latexmk", "xelatex", "pdftotext", "pdffonts", "pdfimages")


@pytest.fixture(scope="session")
def built_book():
    """Build what is published, once per test session: first the PDFs (book and handouts,
    `tools/pdf.py`, as `make pdf` does), then the site with `-n -W --keep-going`, which links
    them. Returns the site build's CompletedProcess; ``.pdf`` is the PDF build's (``None`` when
    TeX Live is missing, which the PDF tests turn into a skip, i.e. a failure in CI).
    """
    import shutil
    import subprocess
    import sys

    pdf = None
    if all(shutil.which(tool) for tool in PDF_TOOLS):
        pdf = subprocess.run([sys.executable, str(ROOT / "tools" / "pdf.py")],
                             capture_output=True, text=True, timeout=3600)
    jb = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jb), "build", str(ROOT), "-n", "-W", "--keep-going"],
        capture_output=True, text=True, timeout=1800,
    )
    result.pdf = pdf
    return result


@pytest.fixture(scope="session")
def built_site(built_book):
    """The HTML folder of `built_book`; a failed build fails every gate that needs the site."""
    log = built_book.stdout + built_book.stderr
    assert built_book.returncode == 0, f"the book did not build:\n{log[-5000:]}"
    return ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def gate_tools():
    """Chromium, Java and the npm tools (`make node_modules/.installed`) of the site gates."""
    import shutil

    from sitegates import AXE_JS, CHROMIUM, VNU_JAR

    missing = [str(p) for p in (CHROMIUM, AXE_JS, VNU_JAR) if not p.is_file()]
    missing += [] if shutil.which("java") else ["java"]
    if missing:
        pytest.skip(f"site gate tools missing (`make node_modules/.installed`): {missing}")


@pytest.fixture(scope="session")
def site_url(built_site, gate_tools):
    """`_build/html` served by `python -m http.server` on 127.0.0.1 (stopped at the end)."""
    from sitegates import serve

    with serve(built_site) as url:
        yield url
