"""Build benchmark: import floor, cold build, warm rebuild, prose edit, package-module edit.

Run from the repository root with the project's venv:

    .venv/bin/python benchmarks/bench_build.py

Everything is measured in this one run on this machine (shared machines are noisy: compare the
ratios within one run, not absolute times across runs). The builds run in a fresh clone of HEAD
with an empty cache; ``PYTHONPATH`` points the kernels at the clone's package so that the
module edit is seen. Peak memory is the largest sum of resident set sizes of the build's
process tree (Sphinx plus kernels), sampled every 50 ms.
"""

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_spec = importlib.util.spec_from_file_location("nn_deps", ROOT / "_ext" / "nn_deps.py")
nn_deps = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nn_deps)
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
from booktoc import toc_docs  # noqa: E402
from nn_execute import encrypted_kernels  # noqa: E402

encrypted_kernels()  # the profile's kernels start as the build's do, with CurveZMQ keys

TARGETS = {"cold": 1.5, "warm_s": 3.0, "prose_s": 5.0, "peak_gb": 2.0, "chapter_s": 3.0}


def toc_chapters(root):
    return [root / f"{name}.md" for name in toc_docs(root / "_toc.yml")]


def import_statements(text):
    """The import statements of all code cells of a chapter, in order, as source lines."""
    lines = []
    for code in nn_deps.cell_sources(text):  # without the cells' options
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                lines.append(ast.unparse(node))
    return lines


HEAVY = ("tensorflow", "keras", "torch", "sklearn", "scipy")
PROBE = ("import json, sys\n"
         "print(json.dumps(sorted({m.split('.')[0] for m in list(sys.modules)})))")


def profile_chapter(path, env):
    """Execute one chapter serially in a fresh kernel, as the build does, plus a probe cell.

    Returns (seconds spent in its cells, top-level modules loaded at the end). Libraries that
    the package imports lazily (TensorFlow inside ``frameworks``) show up in the probe, which
    is why the import floor is taken from it and not from the import statements alone.
    """
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    nb = jupytext.read(path)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    old_env = dict(os.environ)
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=900, kernel_name="python3", record_timing=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old_env)
    seconds = 0.0
    for cell in nb.cells[:-1]:
        timing = cell.metadata.get("execution", {})
        if cell.cell_type == "code" and "shell.execute_reply" in timing:
            start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            stop = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            seconds += (stop - start).total_seconds()
    loaded = json.loads(nb.cells[-1].outputs[0]["text"])
    return seconds, loaded


def import_floor(path, loaded, env):
    """Seconds for a fresh interpreter to import what the chapter imports: its import
    statements plus the heavy libraries it loaded lazily through the package."""
    imports = import_statements(path.read_text(encoding="utf-8"))
    imports += [f"import {name}" for name in HEAVY if name in loaded]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "\n".join(imports)], check=True, env=env,
                   capture_output=True)
    return time.perf_counter() - start


def run_build(book, env):
    """Wall time, peak RSS of the process tree (bytes) and log of one `jupyter-book build`."""
    log = tempfile.TemporaryFile(mode="w+")
    start = time.perf_counter()
    proc = subprocess.Popen([str(BIN / "jupyter-book"), "build", str(book), "-n", "-W",
                             "--keep-going"], stdout=log, stderr=subprocess.STDOUT, env=env)
    parent, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - start
    log.seek(0)
    text = log.read()
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{text[-3000:]}")
    return wall, peak, text


def executed(log):
    """Chapters that were executed (not taken from the cache) in a build log."""
    names = set(re.findall(r"\[nn_execute\] (\S+): executed", log))
    names |= {Path(p).stem for p in re.findall(r"(\S+\.md): Executed notebook", log)}
    return sorted(Path(n).name for n in names)


def print_profile(profile, floor):
    """The per-chapter table (printed before the builds, which take minutes)."""
    print(f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}\n")
    print("per chapter, serial: import floor (fresh process importing what the chapter imports,")
    print("incl. libraries loaded lazily through the package), time in its cells, and the")
    print("chapter's own computation beyond its imports (cells - floor):")
    print(f"  {'chapter':24s} {'floor':>7s} {'cells':>7s} {'beyond':>7s}  heavy libraries")
    for name, seconds in floor.items():
        cells, loaded = profile[name]
        heavy = ", ".join(h for h in HEAVY if h in loaded) or "-"
        print(f"  {name:24s} {seconds:6.2f}s {cells:6.2f}s {cells - seconds:6.2f}s  {heavy}")
    print(f"  {'sum':24s} {sum(floor.values()):6.2f}s "
          f"{sum(c for c, _ in profile.values()):6.2f}s\n")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(book)], check=True)
        # KaTeX for the site build (_ext/nn_katex.py): the checkout's npm packages, no install
        (book / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
        env = dict(os.environ, PYTHONPATH=str(book / "code"),
                   SOURCE_DATE_EPOCH=subprocess.run(
                       ["git", "log", "-1", "--format=%ct"], cwd=book, text=True,
                       capture_output=True).stdout.strip())
        chapters = [p for p in toc_chapters(book) if import_statements(p.read_text("utf-8"))]
        profile, floor = {}, {}
        for path in chapters:
            profile[path.stem] = profile_chapter(path, env)
            floor[path.stem] = import_floor(path, profile[path.stem][1], env)
        print_profile(profile, floor)
        total_floor = sum(floor.values())
        rows = []
        serial = run_build(book, dict(env, NN_EXECUTE_SERIAL="1"))
        shutil.rmtree(book / "_build")
        wall, peak, log = run_build(book, env)
        rows.append(("cold build (empty cache)", wall, peak, executed(log)))
        wall, peak, log = run_build(book, env)
        rows.append(("warm rebuild (no change)", wall, peak, executed(log)))
        prose = book / "chapters" / "02-mlp.md"
        prose.write_text(prose.read_text(encoding="utf-8") + "\nEin weiterer Satz.\n",
                         encoding="utf-8")
        wall, peak, log = run_build(book, env)
        rows.append(("prose edit (02-mlp.md)", wall, peak, executed(log)))
        # timing.py: no other module imports it, and the chapters import it in their set-up
        # cells (options as a YAML block), so the expected set is easy to read off the sources
        module = book / "code" / "neuronale_netze" / "timing.py"
        module.write_text(module.read_text(encoding="utf-8") + "\n# benchmark edit\n",
                          encoding="utf-8")
        wall, peak, log = run_build(book, env)
        rows.append(("module edit (timing.py)", wall, peak, executed(log)))
        importers = re.compile(
            r"^from neuronale_netze(?: import [^\n]*\btiming\b|\.timing import )", re.M)
        expected = sorted(p.stem for p in chapters
                          if importers.search(p.read_text(encoding="utf-8")))
        closure = nn_deps.module_files(book / "code" / "neuronale_netze")
        predicted = sorted(
            p.stem for p in chapters
            if module in nn_deps.chapter_dependencies(p.read_text(encoding="utf-8"), closure,
                                                      book / "code" / "neuronale_netze"))

    print(f"{'scenario':28s} {'wall':>8s} {'÷ floor':>8s} {'peak MB':>8s}  executed chapters")
    for name, wall, peak, chapters_run in rows:
        print(f"{name:28s} {wall:7.1f}s {wall / total_floor:8.2f} {peak / 2**20:8.0f}  "
              f"{', '.join(chapters_run) or '-'}")
    print(f"{'cold build, serial (baseline)':28s} {serial[0]:7.1f}s "
          f"{serial[0] / total_floor:8.2f} {serial[1] / 2**20:8.0f}  myst-nb executes one by one")
    cold, warm, prose_row, module_row = rows
    print("\ntargets:")
    checks = [
        (f"cold build <= {TARGETS['cold']} x import floor", cold[1] / total_floor,
         cold[1] / total_floor <= TARGETS["cold"]),
        (f"warm rebuild <= {TARGETS['warm_s']} s", warm[1], warm[1] <= TARGETS["warm_s"]),
        (f"prose-only edit <= {TARGETS['prose_s']} s", prose_row[1],
         prose_row[1] <= TARGETS["prose_s"]),
        (f"peak memory <= {TARGETS['peak_gb']} GB", max(r[2] for r in rows) / 2**30,
         max(r[2] for r in rows) <= TARGETS["peak_gb"] * 2**30),
        ("module edit re-executes exactly its importers", ", ".join(expected),
         module_row[3] == expected == predicted),
        (f"every chapter computes <= {TARGETS['chapter_s']} s beyond its imports",
         max(profile[n][0] - floor[n] for n in floor),
         all(profile[n][0] - floor[n] <= TARGETS["chapter_s"] for n in floor)),
    ]
    for text, value, ok in checks:
        shown = f"{value:.2f}" if isinstance(value, float) else value
        print(f"  {'met ' if ok else 'MISS'} {text}: {shown}")


if __name__ == "__main__":
    main()
