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


BINDER_MODULE = pytest.StashKey()


@pytest.hookimpl(trylast=True)  # after -m/-k have deselected: `make fast` builds no venv
def pytest_collection_modifyitems(config, items):
    """The tests that need the Binder venv run last, and the venv is built in the background
    from now on (``test_binder.VenvBuild``): its minutes overlap the rest of the session."""
    binder = [item for item in items if "binder_venv" in getattr(item, "fixturenames", ())]
    if binder and not config.option.collectonly:
        items[:] = [item for item in items if item not in binder] + binder
        config.stash[BINDER_MODULE] = binder[0].module
        binder[0].module.start_venv_build()


def pytest_sessionfinish(session):
    module = session.config.stash.get(BINDER_MODULE, None)
    if module is not None:
        module.remove_venv_build()  # also when the session ends before the Binder tests


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
def built_book(tmp_path_factory):
    """One clean build of what is published, once per test session, into a fresh folder (no
    jupyter-cache, no doctrees, no earlier pages: whatever `_build/` holds does not matter):
    first the PDFs (book and handouts, `tools/pdf.py`, as `make pdf` does; the notebooks are
    executed here), then the site with `-n -W --keep-going`, which links them. Every gate checks
    this site, and `test_reproducible.py` compares a second build with it.

    Returns the site build's CompletedProcess with ``.pdf`` (the PDF build's CompletedProcess,
    ``None`` when TeX Live is missing, which the PDF tests turn into a skip, i.e. a failure in
    CI), ``.build`` (the ``_build`` folder: ``html``, ``pdf``, ``latex``) and ``.html``.
    """
    import shutil
    import subprocess
    import sys

    from sitegates import build_env, jupyter_book_build

    out = tmp_path_factory.mktemp("book")
    build = out / "_build"
    pdf = None
    if all(shutil.which(tool) for tool in PDF_TOOLS):
        pdf = subprocess.run([sys.executable, str(ROOT / "tools" / "pdf.py"),
                              "--build-dir", str(build)],
                             capture_output=True, text=True, timeout=3600, env=build_env())
    result = jupyter_book_build(ROOT, out)
    result.pdf, result.build, result.html = pdf, build, build / "html"
    return result


@pytest.fixture(scope="session")
def built_site(built_book):
    """The HTML folder of `built_book`; a failed build fails every gate that needs the site."""
    log = built_book.stdout + built_book.stderr
    assert built_book.returncode == 0, f"the book did not build:\n{log[-5000:]}"
    return built_book.html


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
    """The site of `built_book` served on 127.0.0.1 (`sitegates.serve`, stopped at the end)."""
    from sitegates import serve

    with serve(built_site) as url:
        yield url
