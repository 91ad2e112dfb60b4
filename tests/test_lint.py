"""ruff is part of the test suite: the code stays lint-clean; the package's modules keep
their boundaries."""

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_ruff_clean():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_checks_every_python_folder_and_make_lint_names_them():
    # ruff must not skip a folder (an exclude in ruff.toml would): the tools are code too
    ruff = Path(sys.executable).parent / "ruff"
    listed = subprocess.run([str(ruff), "check", "--show-files", "."], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    checked = {Path(line.strip()).resolve() for line in listed.splitlines() if line.strip()}
    folders = ("code", "tests", "_ext", "benchmarks", "tools")
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if "fixtures" not in path.parts:
                assert path.resolve() in checked, f"ruff skips {path.relative_to(ROOT)}"
    lint = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert lint.split("ruff check", 1)[1].split() == list(folders)


def test_code_folder_is_not_a_package():
    # code/__init__.py would shadow the standard library module `code` (pdb, IPython)
    assert not (ROOT / "code" / "__init__.py").exists()
    import code

    assert Path(code.__file__).parent != ROOT / "code"


def test_modules_use_only_public_names_of_each_other():
    # `_checks` is the package's shared module of input checks; its functions are public
    pkg = ROOT / "code" / "neuronale_netze"
    modules = {p.stem for p in pkg.glob("*.py")}
    for path in pkg.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names = [a.name for a in node.names]
                if node.module is None:
                    imported |= set(names)
                else:
                    assert not [n for n in names if n.startswith("_")], (path.name, names)
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in imported and node.value.id in modules):
                assert not node.attr.startswith("_"), f"{path.name}: {node.value.id}.{node.attr}"
