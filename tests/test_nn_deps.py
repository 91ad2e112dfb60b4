"""The Sphinx extension that re-executes chapters whose package dependencies changed."""

import importlib.util
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("nn_deps", ROOT / "_ext" / "nn_deps.py")
nn_deps = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nn_deps)
PKG = ROOT / "code" / "neuronale_netze"

HEADER = textwrap.dedent("""\
    ---
    jupytext:
      text_representation: {extension: .md, format_name: myst}
    kernelspec: {display_name: Python 3, language: python, name: python3}
    ---
    """)


def chapter(*cells):
    return HEADER + "\n# T\n\n" + "\n".join(f"```{{code-cell}} ipython3\n{c}\n```\n" for c in cells)


def names(files):
    return {Path(f).name for f in files}


def test_model_pulls_in_checks_and_init_but_not_data():
    deps = nn_deps.chapter_dependencies(chapter("from neuronale_netze import model"), pkg=PKG)
    assert names(deps) == {"__init__.py", "model.py", "_checks.py"}


def test_plotting_pulls_in_its_style_file_and_model():
    text = chapter(":tags: [remove-cell]\nimport numpy as np\nfrom neuronale_netze import plotting")
    deps = names(nn_deps.chapter_dependencies(text, pkg=PKG))
    assert {"plotting.py", "neuronale_netze.mplstyle", "model.py", "__init__.py"} <= deps
    assert "data.py" not in deps


def test_cells_with_a_yaml_options_block_are_read():
    # the chapters' set-up cells: options as a YAML block, then the imports
    cell = ("---\nmystnb:\n  code_prompt_show: Vorbereitung anzeigen\ntags: [hide-input]\n---\n\n"
            "import numpy as np\nfrom neuronale_netze import plotting, timing")
    deps = names(nn_deps.chapter_dependencies(chapter(cell), pkg=PKG))
    assert {"plotting.py", "timing.py", "neuronale_netze.mplstyle"} <= deps


def test_every_code_cell_of_the_book_is_read():
    # a cell that does not parse would be skipped silently, and with it its imports
    import ast

    for path in sorted((ROOT / "chapters").glob("*.md")):
        for source in nn_deps.cell_sources(path.read_text(encoding="utf-8")):
            ast.parse(source)


def test_dotted_imports_are_recognised():
    text = chapter("import neuronale_netze.data", "from neuronale_netze.text import format_de")
    assert names(nn_deps.chapter_dependencies(text, pkg=PKG)) == {
        "__init__.py", "_checks.py", "data.py", "text.py"}


def test_chapter_without_package_has_no_dependencies():
    assert nn_deps.chapter_dependencies(chapter("import numpy as np"), pkg=PKG) == set()


def test_hash_changes_with_content(tmp_path):
    a = tmp_path / "a.py"
    a.write_text("x = 1\n")
    h1 = nn_deps.dependency_hash({a})
    a.write_text("x = 2\n")
    assert nn_deps.dependency_hash({a}) != h1


def test_invalidate_stale_tracks_state(tmp_path):
    pkg = tmp_path / "neuronale_netze"
    shutil.copytree(PKG, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    src = tmp_path / "book"
    src.mkdir()
    (src / "a.md").write_text(chapter("from neuronale_netze import data"))
    (src / "b.md").write_text(chapter("from neuronale_netze import text"))
    docs = {"a": src / "a.md", "b": src / "b.md"}
    cache = tmp_path / "cache"
    assert sorted(nn_deps.invalidate_stale(src, docs, cache, pkg)) == ["a", "b"]
    assert nn_deps.invalidate_stale(src, docs, cache, pkg) == []
    with open(pkg / "data.py", "a") as f:
        f.write("\n# changed\n")
    assert nn_deps.invalidate_stale(src, docs, cache, pkg) == ["a"]
    state = json.loads((cache / nn_deps.STATE_FILE).read_text())
    assert set(state) == {"a.md", "b.md"}


@pytest.mark.slow
def test_package_change_reexecutes_exactly_the_dependent_chapter(tmp_path):
    """A real build: after a change in data.py only the chapter importing data runs again."""
    code = tmp_path / "code"
    shutil.copytree(PKG, code / "neuronale_netze", ignore=shutil.ignore_patterns("__pycache__"))
    book = tmp_path / "book"
    shutil.copytree(ROOT / "_ext", book / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    (book / "_config.yml").write_text(textwrap.dedent("""\
        title: T
        only_build_toc_files: true
        execute: {execute_notebooks: cache}
        sphinx:
          local_extensions: {nn_deps: _ext}
        """))
    (book / "_toc.yml").write_text("format: jb-book\nroot: a\nchapters:\n  - file: b\n")
    (book / "a.md").write_text(chapter(
        "from neuronale_netze import data\nprint('marker', getattr(data, 'MARKER', 'v1'))"))
    (book / "b.md").write_text(chapter(
        "import random\nfrom neuronale_netze import text\nprint('token', random.random())"))
    env = {"PYTHONPATH": str(code), "PATH": str(Path(sys.executable).parent)}

    def build():
        subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(book),
                        "-n", "-W", "--keep-going"], check=True, capture_output=True,
                       env=env, timeout=300)
        return ((book / "_build/html/a.html").read_text(),
                (book / "_build/html/b.html").read_text())

    a1, b1 = build()
    assert "marker v1" in a1
    with open(code / "neuronale_netze" / "data.py", "a") as f:
        f.write('\nMARKER = "v2"\n')
    a2, b2 = build()
    assert "marker v2" in a2, "chapter a shows stale output after a change in data.py"
    token = [line for line in b1.splitlines() if "token" in line]
    assert token and token == [line for line in b2.splitlines() if "token" in line], (
        "chapter b was re-executed although it does not import data")
