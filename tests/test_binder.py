"""Binder: launching a chapter works, verified rather than assumed.

* ``binder/`` cannot drift from ``requirements.txt`` (same pins; torch as its CPU build).
* A fresh virtualenv is built from the Binder files the way repo2docker installs them
  (``pip install -r binder/requirements.txt`` from the repository root, then ``binder/postBuild``
  with ``NB_PYTHON_PREFIX`` naming the environment), minus Docker. The one substitution: the line
  ``--extra-index-url https://download.pytorch.org/whl/cpu`` is dropped, so that
  ``torch==2.13.0+cpu`` comes from the index pip is configured with (on the development machine
  a wheel on disk, in the GitHub workflow ``PIP_EXTRA_INDEX_URL`` names the same PyTorch index).
* In that environment JupyterLab opens ``lab/tree/chapters/<name>.md`` (the path in the Binder
  button's ``urlpath``) in Debian's chromium via Playwright: it must be a notebook, not a text
  editor, and Run All must execute every cell without error or stderr output.
* Every chapter of the table of contents runs headless in that environment with the working
  directory at the repository root (where Binder and Thebe start kernels).
* Every chapter page has the Binder button and a clean ``.ipynb`` download; the GitHub workflows
  pass a schema check (actionlint itself cannot be installed here, see README "Binder").
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from conftest import IN_CI, ROOT, toc_files

BINDER = ROOT / "binder"
# in requirements.txt, but not needed to run the chapters
TEST_ONLY = {"pytest", "ruff", "playwright", "check-jsonschema", "linkchecker", "psutil",
             "pyyaml"}
# in binder/requirements.txt only: the Binder image needs JupyterLab, the build and the tests do
# not (the Binder test starts JupyterLab from its own venv). Kept out of the root venv on purpose:
# JupyterLab pulls in jsonschema[format-nongpl], whose rfc3987-syntax compiles 39 grammars at
# import, and jupyter-book imports jsonschema: +4 s on every build.
BINDER_ONLY = {"jupyterlab"}
TORCH_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"
CHROMIUM = Path("/usr/bin/chromium")
# environment of the test process that Binder would not have (the Makefile exports them)
NOT_ON_BINDER = ("TF_CPP_MIN_LOG_LEVEL", "PYTHONHASHSEED", "SOURCE_DATE_EPOCH", "PYTHONPATH",
                 "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV", "MPLBACKEND")


def read_pins(path):
    """``{name: version}`` of the ``name==version`` lines, plus the remaining non-comment lines."""
    pins, other = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)", line)
        if match:
            name = re.sub(r"[-_.]+", "-", match[1]).lower()
            assert name not in pins, f"{path.name}: {name} pinned twice"
            pins[name] = match[2]
        else:
            other.append(line)
    return pins, other


def front_matter(path):
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    return yaml.safe_load(text.split("---\n", 2)[1]) or {}


def notebook_chapters():
    """The documents of the table of contents that are notebooks (jupytext header, kernel)."""
    return [name for name in toc_files()
            if "kernelspec" in front_matter(ROOT / f"{name}.md")]


def repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/"), config["repository"]["branch"], config


# ---------------------------------------------------------------------------------------------
# The files themselves (fast)


def test_binder_pins_are_the_pins_of_requirements_txt():
    root_pins, root_other = read_pins(ROOT / "requirements.txt")
    binder_pins, binder_other = read_pins(BINDER / "requirements.txt")
    assert TEST_ONLY <= set(root_pins), "TEST_ONLY names a package requirements.txt lacks"
    assert binder_pins.pop("torch") == root_pins["torch"] + "+cpu"
    assert not BINDER_ONLY & set(root_pins), "BINDER_ONLY packages stay out of requirements.txt"
    assert all(binder_pins.get(name) for name in BINDER_ONLY), "BINDER_ONLY must be pinned"
    expected = {k: v for k, v in root_pins.items() if k not in TEST_ONLY | {"torch"}}
    expected |= {k: binder_pins[k] for k in BINDER_ONLY}
    assert binder_pins == expected, (
        "binder/requirements.txt must pin exactly what requirements.txt pins, except TEST_ONLY,"
        " plus BINDER_ONLY")
    # the only non-pin lines: the CPU index (binder) and the package itself (root)
    assert binder_other == [TORCH_INDEX]
    assert root_other == ["-e ./code"]


def test_postbuild_installs_the_package_and_sets_the_default_viewer():
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert subprocess.run(["bash", "-n", str(post_build)]).returncode == 0
    text = post_build.read_text(encoding="utf-8")
    assert '"$PY" -m pip install --no-deps -e ./code' in text
    assert "share/jupyter/lab/settings/overrides.json" in text
    assert '["markdown"] = "Jupytext Notebook"' in text


def test_runtime_txt_names_the_python_of_the_project():
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}"
    requires = re.search(r'requires-python = ">=(\d+)\.(\d+)"',
                         (ROOT / "code/pyproject.toml").read_text(encoding="utf-8"))
    assert sys.version_info[:2] >= (int(requires[1]), int(requires[2]))


def test_launch_buttons_config():
    url, branch, config = repository()
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
    assert branch
    launch = config["launch_buttons"]
    assert launch["notebook_interface"] == "jupyterlab"
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert not launch.get("thebe") and not launch.get("colab_url")
    assert "nn_ipynb" in config["sphinx"]["local_extensions"]


@pytest.mark.slow  # ~3 s (check-jsonschema / jupytext start-up)
def test_github_workflows_are_valid():
    workflows = sorted((ROOT / ".github/workflows").glob("*.yml"))
    assert {w.name for w in workflows} >= {"ci.yml", "pages.yml"}
    check = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(check), "--builtin-schema", "vendor.github-workflows", *map(str, workflows)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # every `make` target a workflow calls exists
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for workflow in workflows:
        for target in re.findall(r"\bmake (\w+)", workflow.read_text(encoding="utf-8")):
            assert re.search(rf"^{target}:", makefile, re.M), f"{workflow.name}: make {target}"


@pytest.mark.slow  # ~3 s (check-jsonschema / jupytext start-up)
def test_workflow_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    check = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(check), "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True, text=True)
    assert result.returncode == 1 and "stepz" in result.stdout


@pytest.mark.slow  # ~3 s (check-jsonschema / jupytext start-up)
def test_clean_notebook_has_the_chapter_cells_and_no_outputs():
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        from nn_ipynb import clean_notebook
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    import jupytext
    import nbformat

    name = notebook_chapters()[-1]
    text = clean_notebook(ROOT / f"{name}.md")
    assert text == clean_notebook(ROOT / f"{name}.md")  # deterministic
    nb = nbformat.reads(text, as_version=4)
    source = jupytext.read(ROOT / f"{name}.md")
    assert [c.source for c in nb.cells] == [c.source for c in source.cells]
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")
    assert nb.metadata.kernelspec.name == "python3" and "jupytext" not in nb.metadata


# ---------------------------------------------------------------------------------------------
# The built pages (uses the book built by the suite)


def check_launch_and_download(html_dir):
    """Every notebook page: Binder button with the launch path, .ipynb download, no Thebe/Colab."""
    url, branch, _ = repository()
    org_repo = url.removeprefix("https://github.com/")
    import jupytext
    import nbformat

    sys.path.insert(0, str(ROOT / "_ext"))
    from nn_ipynb import student_cells

    for name in notebook_chapters():
        html = (html_dir / f"{name}.html").read_text(encoding="utf-8")
        binder = (f'href="https://mybinder.org/v2/gh/{org_repo}/{branch}'
                  f'?urlpath=lab/tree/{name}.md"')
        assert binder in html, name
        assert "colab.research.google.com" not in html and "launch-thebe" not in html, name
        depth = "../" * name.count("/")
        assert f'href="{depth}_sources/{name}.ipynb"' in html, name
        nb = nbformat.read(html_dir / "_sources" / f"{name}.ipynb", as_version=4)
        nbformat.validate(nb)
        # the student notebook: the chapter's cells, solutions cut out (tests/test_exercises.py)
        source = jupytext.read(ROOT / f"{name}.md")
        assert [c.source for c in nb.cells] == [
            c.source for c in student_cells(source.cells)], name
        assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code"), name


@pytest.mark.slow
def test_every_chapter_page_has_binder_button_and_notebook_download(built_site):
    check_launch_and_download(built_site)


# ---------------------------------------------------------------------------------------------
# The Binder environment, built like repo2docker builds it (slow: minutes)


def isolated_env(base, venv):
    """Environment without the host's Jupyter settings, kernels and workspaces."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "IPYTHON")) and k not in NOT_ON_BINDER}
    home = base / "home"
    dirs = {"HOME": home, "JUPYTER_CONFIG_DIR": home / ".jupyter",
            "JUPYTER_DATA_DIR": home / ".local/share/jupyter",
            "JUPYTER_RUNTIME_DIR": base / "runtime",
            "JUPYTERLAB_SETTINGS_DIR": home / ".jupyter/lab/user-settings",
            "JUPYTERLAB_WORKSPACES_DIR": home / ".jupyter/lab/workspaces",
            "IPYTHONDIR": home / ".ipython", "MPLCONFIGDIR": home / ".config/matplotlib"}
    for key, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[key] = str(path)
    env["PATH"] = f"{venv}/bin:{env['PATH']}"
    return env


class VenvBuild:
    """A fresh venv from binder/ (pip install -r binder/requirements.txt, then postBuild), built
    in a background thread, which then runs every toc notebook headless in it (``run_headless``):
    ``tests/conftest.py`` starts it when the session's tests are collected and runs the tests
    that need it last, so these minutes overlap the book build and the other tests (which leave
    a core idle much of the time) instead of adding to them. Its processes are niced: the tests
    in the foreground keep their speed.
    """

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="nn-binder-"))
        self.venv = self.base / "venv"
        self.env = isolated_env(self.base, self.venv)
        self.error = None
        self.proc = None
        self.cancelled = False
        self.headless = None
        self.thread = threading.Thread(target=self._work, name="binder-venv", daemon=True)
        self.thread.start()

    def _work(self):
        try:
            self._build()
            if not self.cancelled:
                self.headless = run_headless(self.venv, self.env, nice=5)
        except BaseException as exc:  # reported by result()
            self.error = exc

    def _run(self, cmd, **kwargs):
        if self.cancelled:
            raise RuntimeError("cancelled")
        self.proc = subprocess.Popen(["nice", "-n", "5", *map(str, cmd)], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, **kwargs)
        out, _ = self.proc.communicate()
        if self.proc.returncode != 0:
            raise RuntimeError(f"{cmd} exited {self.proc.returncode}:\n{out[-5000:]}")

    def _build(self):
        env = dict(self.env)
        # pip's cache (warm after the first run) lives in the real home, not the isolated one
        env["PIP_CACHE_DIR"] = os.environ.get(
            "PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
        self._run([sys._base_executable, "-m", "venv", str(self.venv)])
        lines = (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
        assert lines.count(TORCH_INDEX) == 1
        local = self.base / "requirements-local.txt"
        local.write_text("\n".join(line for line in lines if line != TORCH_INDEX) + "\n")
        # as repo2docker: from the repository root (relative paths), the environment's pip
        self._run([str(self.venv / "bin/python"), "-m", "pip", "install", "-q", "-r",
                   str(local)], cwd=ROOT, env=env)
        # a setting that is already there must survive postBuild
        settings = self.venv / "share/jupyter/lab/settings"
        settings.mkdir(parents=True, exist_ok=True)
        (settings / "overrides.json").write_text(
            '{"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Light"}}')
        self._run([str(BINDER / "postBuild")], cwd=ROOT,
                  env={**env, "NB_PYTHON_PREFIX": str(self.venv)})

    def result(self, timeout=5400):
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise AssertionError(f"the Binder venv and its headless runs took over {timeout} s")
        if self.error is not None:
            raise AssertionError(f"building the Binder venv failed: {self.error}")
        return self.base, self.venv, self.env

    def remove(self):
        self.cancelled = True
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        self.thread.join(60)
        shutil.rmtree(self.base, ignore_errors=True)


_VENV_BUILD = None


def start_venv_build():
    """Start building the Binder venv in the background (once); see ``VenvBuild``."""
    global _VENV_BUILD
    if _VENV_BUILD is None and not os.environ.get("NN_BINDER_VENV"):
        _VENV_BUILD = VenvBuild()
    return _VENV_BUILD


def remove_venv_build():
    global _VENV_BUILD
    if _VENV_BUILD is not None:
        _VENV_BUILD.remove()
        _VENV_BUILD = None


@pytest.fixture(scope="session")
def binder_venv(tmp_path_factory):
    """(base folder, venv, isolated environment) of the Binder venv (see ``VenvBuild``)."""
    if os.environ.get("NN_BINDER_VENV"):
        # developers only: reuse a venv built by an earlier run (never in CI)
        assert not IN_CI, "NN_BINDER_VENV is for local iteration; CI builds the venv"
        base = tmp_path_factory.mktemp("binder")
        venv = Path(os.environ["NN_BINDER_VENV"])
        yield base, venv, isolated_env(base, venv)
        return
    yield start_venv_build().result()
    remove_venv_build()


@pytest.mark.slow
def test_binder_environment(binder_venv):
    _, venv, env = binder_venv
    overrides = json.loads((venv / "share/jupyter/lab/settings/overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook"}
    assert overrides["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Light"}
    assert (venv / "share/jupyter/labextensions/jupyterlab-jupytext").is_dir()
    code = ("import neuronale_netze, torch, tensorflow, jupyterlab, jupytext;"
            "print(neuronale_netze.__file__, torch.__version__, tensorflow.__version__,"
            " jupyterlab.__version__, jupytext.__version__)")
    out = subprocess.run([str(venv / "bin/python"), "-c", code], cwd="/", env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    binder_pins, _ = read_pins(BINDER / "requirements.txt")
    assert Path(out[0]).parent == ROOT / "code" / "neuronale_netze"  # editable
    assert out[1:] == [binder_pins["torch"], binder_pins["tensorflow-cpu"],
                       binder_pins["jupyterlab"], binder_pins["jupytext"]]
    check = subprocess.run([str(venv / "bin/python"), "-m", "pip", "check"], env=env,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


RUN_HEADLESS = """
import sys, jupytext, nbclient
nb = jupytext.read(sys.argv[1])
nbclient.NotebookClient(nb, timeout=900, kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[2]}}).execute()
bad = [(i, o.get("ename") or o.get("text", "")[:500])
       for i, c in enumerate(nb.cells) if c.cell_type == "code"
       for o in c.outputs if o.output_type == "error" or o.get("name") == "stderr"]
print(repr(bad))
"""
HEADLESS_WORKERS = 2  # the machine's two cores; one kernel each


def run_headless(venv, env, nice=0):
    """Every toc notebook run headless in ``venv``, two at a time: name -> CompletedProcess."""
    def run(name):
        return subprocess.run(
            ["nice", "-n", str(nice), str(venv / "bin/python"), "-c", RUN_HEADLESS,
             str(ROOT / f"{name}.md"), str(ROOT)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)

    # longest first (file size, a cheap proxy, as in _ext/nn_execute.py): both workers stay busy
    names = sorted(notebook_chapters(), key=lambda n: (ROOT / f"{n}.md").stat().st_size,
                   reverse=True)
    with ThreadPoolExecutor(max_workers=HEADLESS_WORKERS) as pool:
        return dict(zip(names, pool.map(run, names), strict=True))


@pytest.fixture(scope="session")
def headless_runs(binder_venv):
    """The headless runs of the background build (``VenvBuild``), or of ``NN_BINDER_VENV``."""
    _, venv, env = binder_venv
    build = start_venv_build()
    return build.headless if build is not None else run_headless(venv, env)


@pytest.mark.slow
@pytest.mark.parametrize("name", notebook_chapters())
def test_chapter_runs_headless_from_the_repository_root(headless_runs, name):
    result = headless_runs[name]
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout[-3000:]


# ---------------------------------------------------------------------------------------------
# JupyterLab + Playwright + Debian chromium at the Binder launch path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def binder_lab(binder_venv):
    """JupyterLab of the Binder venv on 127.0.0.1 with a Binder-like base URL; root = repo."""
    base, venv, env = binder_venv
    # user settings of the test only: no autosave (opening a chapter marks it modified and
    # autosave would write jupytext metadata into the .md), every cell rendered
    user = Path(env["JUPYTERLAB_SETTINGS_DIR"], "@jupyterlab")
    (user / "docmanager-extension").mkdir(parents=True, exist_ok=True)
    (user / "docmanager-extension/plugin.jupyterlab-settings").write_text('{"autosave": false}')
    (user / "notebook-extension").mkdir(parents=True, exist_ok=True)
    (user / "notebook-extension/tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}')
    checkpoints_before = {p for p in ROOT.glob("**/.ipynb_checkpoints")
                          if ".venv" not in p.parts}
    token, port = secrets.token_hex(16), free_port()
    base_url = "/user/jovyan/"
    log = open(base / "lab.log", "w")
    server = subprocess.Popen(
        [str(venv / "bin/jupyter-lab"), "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.base_url={base_url}",
         f"--ServerApp.root_dir={ROOT}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}{base_url}"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("JupyterLab did not start: " + (base / "lab.log").read_text())
        yield url, token
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
        for path in ROOT.glob("**/.ipynb_checkpoints"):
            if path not in checkpoints_before and ".venv" not in path.parts:
                shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    # module scope: a Playwright sync session still open would make every later
    # sync_playwright() in the session fail ("Sync API inside the asyncio loop")
    if not CHROMIUM.is_file():
        pytest.skip("Debian chromium (/usr/bin/chromium) is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update"])
        yield browser
        browser.close()


STATE = """() => {
  const nb = document.querySelector('#jp-main-dock-panel .jp-NotebookPanel');
  const prompts = nb ? [...nb.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                         .map(e => e.textContent.trim()) : [];
  const bad = nb ? [...nb.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
      .map(e => e.textContent.slice(0, 500)) : [];
  return {prompts, bad};
}"""


def run_all_in_browser(browser, url, token, name, run_all=True):
    """Open the launch path, check it is a notebook, Run All, return the final cell state."""
    import jupytext

    source = jupytext.read(ROOT / f"{name}.md")
    n_cells = len(source.cells)
    n_code = sum(c.cell_type == "code" for c in source.cells)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        # `reset`: a fresh workspace, as on a new Binder (else the notebooks of the earlier
        # tests are restored into the same window)
        page.goto(f"{url}lab/tree/{name}.md?reset&token={token}")
        main = page.locator("#jp-main-dock-panel")
        main.locator(".jp-NotebookPanel, .jp-FileEditor").first.wait_for(timeout=120_000)
        assert main.locator(".jp-FileEditor").count() == 0, "opened as a text file"
        page.wait_for_function(
            "n => document.querySelectorAll("
            "'#jp-main-dock-panel .jp-NotebookPanel .jp-Cell').length === n",
            arg=n_cells, timeout=60_000)
        # the kernel must exist and be idle, else Run All may be lost
        page.get_by_text("Python 3 (ipykernel) | Idle").first.wait_for(timeout=120_000)
        if not run_all:
            return {"prompts": [], "bad": [], "pageerrors": errors}
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        page.wait_for_function(
            """n => { const ps = [...document.querySelectorAll(
                '#jp-main-dock-panel .jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')]
                .map(e => e.textContent.trim());
              const err = document.querySelector('#jp-main-dock-panel .jp-OutputArea-output'
                + '[data-mime-type="application/vnd.jupyter.stderr"]');
              return ps.length === n && !ps.some(p => p.includes('*'))
                && (err !== null || ps.every(p => /\\[\\d+\\]/.test(p))); }""",
            arg=n_code, timeout=1_500_000, polling=500)
        state = page.evaluate(STATE)
        state["pageerrors"] = errors
        return state
    finally:
        page.close()
        shut_down_sessions(url, token)


def shut_down_sessions(url, token):
    """End the kernels the page started (JupyterLab keeps them after the tab closes)."""
    with urllib.request.urlopen(f"{url}api/sessions?token={token}", timeout=10) as r:
        sessions = json.load(r)
    for session in sessions:
        request = urllib.request.Request(
            f"{url}api/sessions/{session['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


# Run All in the browser for this chapter (every chapter runs headless above, and in the book
# build with the chapter folder as working directory, the one JupyterLab uses); every other
# chapter is opened at its launch path and must be a notebook with a running kernel.
RUN_ALL_IN_BROWSER = "chapters/03-modellproblem"


def test_the_browser_run_all_chapter_is_in_the_toc():
    assert RUN_ALL_IN_BROWSER in notebook_chapters()


@pytest.mark.slow
@pytest.mark.parametrize("name", notebook_chapters())
def test_binder_launch_path_opens_a_runnable_notebook(binder_lab, browser, name):
    url, token = binder_lab
    run_all = name == RUN_ALL_IN_BROWSER
    state = run_all_in_browser(browser, url, token, name, run_all=run_all)
    assert state["bad"] == [], state["bad"]
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in state["prompts"]), state["prompts"]
    assert len(state["prompts"]) > 0 or not run_all
    assert state["pageerrors"] == []
