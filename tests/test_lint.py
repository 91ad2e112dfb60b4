"""ruff is part of the test suite: the code stays lint-clean."""

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_ruff_clean():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_folder_is_not_a_package():
    # code/__init__.py would shadow the standard library module `code` (pdb, IPython)
    assert not (ROOT / "code" / "__init__.py").exists()
    import code

    assert Path(code.__file__).parent != ROOT / "code"
