"""Sphinx extension: re-execute a chapter when package code it imports has changed.

jupyter-cache recognises a notebook by the hash of its code cells only, so an edit in
``code/neuronale_netze`` would otherwise leave stale outputs on the pages. Before Sphinx reads
the sources, this extension computes for every chapter the set of package files it depends on
(the modules it imports, transitively, plus package data files a module names, plus
``__init__.py``), hashes them, and compares the hash with the one recorded when the chapter was
last executed into the cache (``nn_deps.json`` inside the cache folder). On a mismatch the
chapter's cache record is removed and the chapter is re-read, so myst-nb executes it again.
Chapters that do not import the changed module are left alone.
"""

import ast
import hashlib
import json
import re
from importlib.util import find_spec
from pathlib import Path

PACKAGE = "neuronale_netze"
STATE_FILE = "nn_deps.json"
_CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.M | re.S)
# a cell's options: a YAML block between two `---` lines at its start, or `:key: value` lines
_CELL_YAML = re.compile(r"\A---\n.*?^---[ \t]*$\n?", re.M | re.S)


def cell_sources(text):
    """The Python source of every code cell of a MyST notebook, without the cell's options
    (YAML block or ``:key:`` lines) and without IPython magics and shell escapes."""
    sources = []
    for cell in _CODE_CELL.findall(text):
        body = _CELL_YAML.sub("", cell, count=1)
        sources.append("\n".join(line for line in body.splitlines()
                                 if not line.lstrip().startswith(("%", "!", ":"))))
    return sources


def package_dir():
    return Path(find_spec(PACKAGE).submodule_search_locations[0])


def _imported_modules(tree, current=None):
    """Names of package modules imported in ``tree`` (absolute or, inside the package, relative)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == PACKAGE and len(parts) > 1:
                    found.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            relative = node.level > 0 and current is not None
            if node.module is None and relative:
                base = []
            elif relative:
                base = node.module.split(".")
            elif node.module and node.module.split(".")[0] == PACKAGE:
                base = node.module.split(".")[1:]
            else:
                continue
            if base:
                found.add(base[0])
            else:  # "from neuronale_netze import model" or "from . import model"
                found.update(alias.name for alias in node.names)
    return found


def module_files(pkg=None):
    """Map module name -> set of files it depends on (itself, its data files, its imports)."""
    pkg = Path(pkg or package_dir())
    data = [p for p in pkg.iterdir() if p.is_file() and p.suffix not in (".py", ".pyc")]
    direct = {}
    for path in pkg.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        deps = {path}
        deps.update(d for d in data if d.name in source)
        imports = _imported_modules(tree, current=path.stem)
        direct[path.stem] = (deps, imports)
    closure = {}
    for name in direct:
        files, stack, seen = set(), [name], set()
        while stack:
            mod = stack.pop()
            if mod in seen or mod not in direct:
                continue
            seen.add(mod)
            files |= direct[mod][0]
            stack.extend(direct[mod][1])
        closure[name] = files
    return closure


def chapter_dependencies(text, closure=None, pkg=None):
    """Package files a chapter (MyST notebook text) depends on; empty if it imports nothing."""
    pkg = Path(pkg or package_dir())
    closure = closure if closure is not None else module_files(pkg)
    modules = set()
    uses_package = False
    for code in cell_sources(text):
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        if PACKAGE in code:
            uses_package = True
        modules |= _imported_modules(tree)
    if not uses_package:
        return set()
    files = {pkg / "__init__.py"}
    for mod in modules:
        files |= closure.get(mod, set())
    return files


def dependency_hash(files):
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def invalidate_stale(source_dir, docs, cache_path, pkg=None):
    """Remove cache records of chapters whose package dependencies changed.

    ``docs`` maps a name (e.g. Sphinx docname) to the chapter's path. Returns the names whose
    cache records were invalidated (or that had no recorded state yet).
    """
    from jupyter_cache import get_cache

    cache_path = Path(cache_path)
    state_path = cache_path / STATE_FILE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    pkg = Path(pkg or package_dir())
    closure = module_files(pkg)
    stale = []
    for name, path in docs.items():
        path = Path(path)
        files = chapter_dependencies(path.read_text(encoding="utf-8"), closure, pkg)
        if not files:
            continue
        key = str(path.resolve().relative_to(Path(source_dir).resolve()))
        current = dependency_hash(files)
        if state.get(key) == current:
            continue
        stale.append(name)
        state[key] = current
        if cache_path.exists():
            cache = get_cache(str(cache_path))
            for record in cache.list_cache_records():
                if Path(record.uri).resolve() == path.resolve():
                    cache.remove_cache(record.pk)
    if stale:
        cache_path.mkdir(parents=True, exist_ok=True)
        state_path.write_text(json.dumps(state, indent=1, sort_keys=True))
    return stale


def _outdated(app, env, added, changed, removed):
    config = app.env.mystnb_config
    if config.execution_mode != "cache":
        return []
    cache_path = config.execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    docs = {
        doc: env.doc2path(doc)
        for doc in env.found_docs
        if str(env.doc2path(doc)).endswith(".md")
    }
    stale = invalidate_stale(app.srcdir, docs, cache_path)
    return [doc for doc in stale if doc not in added and doc not in changed]


def setup(app):
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
