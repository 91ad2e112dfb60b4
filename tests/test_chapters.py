"""The chapters show what they compute (issue 13).

- visible-only run (slow): drop every cell tagged ``remove-cell``/``remove-input`` of a chapter,
  run the rest top to bottom in a fresh kernel (working directory ``chapters/``): no error, no
  output on stderr;
- static, from the sources: removed cells hold at most 30 % of the code lines of the chapter set,
  and no removed cell calls an optimiser, a framework fit, a training driver or a backprop
  function;
- glue (slow, uses the built book): every glued key is referenced in the chapter's text, and
  every reference names a key the chapter glues. Keys built at run time (f-strings) are no
  problem, because the keys are read from the build's execution of exactly the current
  chapter: its jupyter-cache record (`_build/.jupyter_cache`, matched by the hash of the code
  cells, as the build matches it). The notebooks in `_build/jupyter_execute` cannot serve:
  myst-nb strips the glue outputs from them.
"""

import ast
import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT, toc_files

REMOVED_TAGS = {"remove-cell", "remove-input"}
MAX_REMOVED_SHARE = 0.30

# calls that compute (optimisers, framework fits, training drivers, backprop), by prefix
COMPUTE_PATTERNS = [
    r"\boptim\.", r"\bcoordinate\.coordinate_descent\b", r"\bfw\.fit_", r"\bframeworks\.fit_",
    r"\.fit\(", r"\.partial_fit\(", r"\.backward\(", r"\btraining\.", r"\bbackprop\.",
]
# ... and the same functions imported by name (``from neuronale_netze.optim import sgd``)
COMPUTE_MODULES = ["optim", "coordinate", "training", "backprop"]


def _chapters():
    """(name, path) of every toc document that is a notebook with code cells."""
    out = []
    for doc in toc_files():
        path = ROOT / f"{doc}.md"
        if path.is_file() and "```{code-cell}" in path.read_text(encoding="utf-8"):
            out.append((Path(doc).name, path))
    return out


CHAPTERS = _chapters()


def _read(path):
    import jupytext

    return jupytext.read(path, fmt="md:myst")


def _removed(cell):
    return bool(REMOVED_TAGS & set(cell.metadata.get("tags", [])))


def _code_lines(cell):
    return [line for line in cell.source.splitlines() if line.strip()]


def _compute_regex():
    names = []
    for module in COMPUTE_MODULES:
        tree = ast.parse((ROOT / "code" / "neuronale_netze" / f"{module}.py").read_text("utf-8"))
        names += [node.name for node in tree.body
                  if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")]
    bare = r"(?<![\w.])(?:" + "|".join(map(re.escape, sorted(set(names)))) + r")\("
    return re.compile("|".join(COMPUTE_PATTERNS + [bare]))


def removed_share(path):
    """(code lines in removed cells, code lines in all code cells) of one chapter."""
    cells = [c for c in _read(path).cells if c.cell_type == "code"]
    removed = sum(len(_code_lines(c)) for c in cells if _removed(c))
    return removed, sum(len(_code_lines(c)) for c in cells)


def test_compute_regex_catches_what_it_should():
    """The list of computing calls is not empty-handed: it flags the known culprits."""
    rx = _compute_regex()
    for line in ["W = optim.sgd(g, w0, 11, lr=0.1, n_iter=5, rng=rng)",
                 "m = fw.fit_keras(X, y, seed=0)", "H = training.train_starts(X, y, 2, W0)",
                 "g = backprop.loss_gradient(w, X, y)", "reg.fit(X, y)",
                 "W = gradient_descent(grad, w0, lr=0.1, n_iter=3)"]:
        assert rx.search(line), line
    for line in ["glue_de('lr', LR)", "L = model.loss_history(W, X, y)", "x.fitness(3)"]:
        assert not rx.search(line), line


def test_removed_cells_hold_at_most_30_percent_of_the_code():
    shares = {name: removed_share(path) for name, path in CHAPTERS}
    removed = sum(r for r, _ in shares.values())
    total = sum(t for _, t in shares.values())
    table = "\n".join(f"  {name:24s} {r:4d} / {t:4d} = {r / max(t, 1):5.1%}"
                      for name, (r, t) in shares.items())
    assert removed <= MAX_REMOVED_SHARE * total, (
        f"removed cells hold {removed} of {total} code lines ({removed / total:.1%}), "
        f"more than {MAX_REMOVED_SHARE:.0%}:\n{table}")


@pytest.mark.parametrize("name,path", CHAPTERS, ids=[n for n, _ in CHAPTERS])
def test_no_removed_cell_computes(name, path):
    rx = _compute_regex()
    hits = []
    for i, cell in enumerate(_read(path).cells):
        if cell.cell_type == "code" and _removed(cell):
            hits += [f"cell {i}: {line.strip()}" for line in cell.source.splitlines()
                     if rx.search(line.split("#")[0])]
    assert not hits, f"{name}: removed cells compute:\n" + "\n".join(hits)


def visible_notebook(path):
    """The chapter without its removed cells, ready for a fresh kernel."""
    nb = _read(path)
    nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and _removed(c))]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def run_visible(path, timeout=900):
    """Run the visible cells of a chapter in a fresh kernel; a list of problems (empty: fine)."""
    import nbclient

    nb = visible_notebook(path)
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    try:  # asyncio.run: each worker thread gets its own event loop, closed at the end
        asyncio.run(client.async_execute())
    except nbclient.exceptions.CellExecutionError as err:
        return [re.sub(r"\x1b\[[0-9;]*m", "", str(err))[:3000]]  # without terminal colours
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {i} writes to stderr: {out['text'][:500]}")
    return problems


@pytest.mark.slow
def test_visible_cells_run_alone():
    """Exactly the issue's check, for every chapter: what the reader sees runs by itself."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip([n for n, _ in CHAPTERS],
                           pool.map(lambda item: run_visible(item[1]), CHAPTERS), strict=True))
    failed = {name: problems for name, problems in results.items() if problems}
    assert not failed, "\n\n".join(f"{name}:\n" + "\n".join(p) for name, p in failed.items())


GLUE_REF = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::[^`]*)?`|```\{glue(?::\w+)?\}\s+(\S+)")


def glue_references(text):
    """Keys named by ``{glue}``/``{glue:md}``/… roles and directives in a chapter's text."""
    return {a or b for a, b in GLUE_REF.findall(text)}


def glued_keys(nb):
    """Keys glued in an executed notebook (myst-nb marks their outputs with ``scrapbook``)."""
    return {out["metadata"]["scrapbook"]["name"]
            for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if "scrapbook" in out.get("metadata", {})}


def test_glue_references_are_found():
    text = ("a {glue:md}`lr:myst` b {glue}`n` c {glue:text}`x_1:.2f`\n"
            "```{glue:md} bp_table\n:format: myst\n```\n```{glue:figure} fig_a\n```\n")
    assert glue_references(text) == {"lr", "n", "x_1", "bp_table", "fig_a"}


def executed_notebook(path, cache_dir=ROOT / "_build" / ".jupyter_cache"):
    """The build's execution of the current version of a chapter (``None`` if there is none)."""
    from jupyter_cache import get_cache

    cache = get_cache(cache_dir)
    try:
        record = cache.match_cache_notebook(_read(path))
    except KeyError:
        return None
    return cache.get_cache_bundle(record.pk).nb


def glue_problems(path, executed):
    refs = glue_references(path.read_text(encoding="utf-8"))
    keys = glued_keys(executed)
    problems = [f"glued but never used: {k}" for k in sorted(keys - refs)]
    problems += [f"used but never glued: {k}" for k in sorted(refs - keys)]
    return problems


@pytest.mark.slow
def test_every_glued_key_is_used_and_every_reference_glued(built_site):
    """On the build's executions of the chapters, so keys built at run time count."""
    failed = {}
    for name, path in CHAPTERS:
        executed = executed_notebook(path, built_site.parent / ".jupyter_cache")
        assert executed is not None, f"{name}: the build left no execution of this version"
        problems = glue_problems(path, executed)
        if problems:
            failed[name] = problems
    assert not failed, "\n".join(f"{name}: {p}" for name, ps in failed.items() for p in ps)


def test_glue_problems_name_dead_and_missing_keys(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": "1"},
                                           metadata={"scrapbook": {"name": key}})
                    for key in ("used", "dead")]
    nb.cells = [cell]
    chapter = tmp_path / "c.md"
    chapter.write_text("a {glue:md}`used:myst` b {glue:md}`missing:myst`", encoding="utf-8")
    assert glue_problems(chapter, nb) == ["glued but never used: dead",
                                          "used but never glued: missing"]
