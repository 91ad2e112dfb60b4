"""Sphinx extension: execute the chapters that need it in parallel, before Sphinx reads them.

myst-nb executes notebooks one after the other while Sphinx reads the sources; most of that time
is spent in kernel start-up and library imports, which do not use both cores. Before the read
phase this extension looks at every document Sphinx is about to read, asks jupyter-cache whether
an executed version of exactly this notebook is cached, and executes the missing ones in a
thread pool (one kernel per worker, as many workers as cores). Successful results go into the
cache the same way myst-nb stores them, so myst-nb then finds every chapter in the cache. A
notebook that fails is left out of the cache: myst-nb executes it again in the read phase and
reports the error with its traceback, so failures look exactly as without this extension.
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

LOGGER = logging.getLogger(__name__)
# Package modules that load TensorFlow, PyTorch or scikit-learn: seconds of imports per kernel.
HEAVY_MODULES = {"frameworks.py", "autodiff.py"}


def expected_cost(path):
    """Sort key for the longest-first order: chapters that load a framework library through the
    package first, then by file size (a cheap proxy for the number of cells)."""
    import nn_deps

    text = path.read_text(encoding="utf-8")
    heavy = any(f.name in HEAVY_MODULES for f in nn_deps.chapter_dependencies(text))
    return heavy, path.stat().st_size


def _execute(nb, cwd, timeout, allow_errors):
    from jupyter_cache.executors.utils import single_nb_execution

    start = time.perf_counter()
    result = single_nb_execution(nb, cwd=cwd, timeout=timeout, allow_errors=allow_errors,
                                 meta_override=True)
    return result, time.perf_counter() - start


def pending_notebooks(app, env, docnames):
    """(docname, path, notebook, read_fmt) for every notebook without a cached execution."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import create_nb_reader

    nb_config = env.mystnb_config
    cache = get_cache(nb_config.execution_cache_path)
    pending = []
    for doc in docnames:
        path = Path(env.doc2path(doc))
        content = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), env.myst_config, nb_config, content)
        if reader is None:
            continue
        nb = reader.read(content)
        if not any(cell.cell_type == "code" for cell in nb.cells):
            continue
        try:
            cache.match_cache_notebook(nb)
        except KeyError:
            pending.append((doc, path, nb, reader.read_fmt))
    return pending


def _pre_execute(app, env, docnames):
    nb_config = env.mystnb_config
    if nb_config.execution_mode != "cache" or nb_config.execution_in_temp:
        return
    if os.environ.get("NN_EXECUTE_SERIAL"):  # benchmarks/bench_build.py: the serial baseline
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    pending = pending_notebooks(app, env, docnames)
    workers = min(len(pending), os.cpu_count() or 1)
    if workers < 2:
        return  # nothing to gain: myst-nb executes a single notebook itself
    # longest first keeps both cores busy until the end
    pending.sort(key=lambda item: expected_cost(item[1]), reverse=True)
    LOGGER.info(f"[nn_execute] executing {len(pending)} notebooks with {workers} workers")
    cache = get_cache(nb_config.execution_cache_path)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            (doc, path, nb, read_fmt, pool.submit(
                _execute, nb, str(path.parent), nb_config.execution_timeout,
                nb_config.execution_allow_errors))
            for doc, path, nb, read_fmt in pending
        ]
        for doc, path, nb, read_fmt, future in futures:
            result, seconds = future.result()
            if result.err is not None:
                LOGGER.info(f"[nn_execute] {doc} failed; myst-nb will report it")
                continue
            stage = (cache.add_nb_to_project(str(path), read_data=read_fmt) if read_fmt
                     else cache.add_nb_to_project(str(path)))
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, stage.uri, data={"execution_seconds": result.time}),
                check_validity=False, overwrite=True)
            LOGGER.info(f"[nn_execute] {doc}: executed in {seconds:.1f} s")


class ExecTableNode(nodes.General, nodes.Element):
    """Placeholder for the execution table; filled once every chapter has been read."""


class ExecTable(SphinxDirective):
    """``{nn-exec-table}``: German table of when and how long each chapter was executed.

    The table carries the class ``wallclock``: its times are measurements, not content.
    """

    def run(self):
        from myst_nb.ext.execution_tables import METADATA_KEY
        from myst_nb.sphinx_ import NbMetadataCollector

        # myst-nb then refreshes this page whenever a chapter was executed again
        NbMetadataCollector.set_doc_data(self.env, self.env.docname, METADATA_KEY, True)
        return [ExecTableNode()]


def _cell(text=None, node=None):
    return nodes.entry("", nodes.paragraph("", "", node) if node else nodes.paragraph(text=text))


def exec_table(env, parent, build_start):
    """The table; „dieser Bau“ for chapters executed since ``build_start`` (a timestamp), by
    this extension or by myst-nb, „Cache“ for results of an earlier build. (myst-nb's own
    ``method`` is the execution mode, "cache" in both cases.)"""
    from datetime import UTC, datetime

    from myst_nb.sphinx_ import NbMetadataCollector

    headers = ["Kapitel", "Ausgeführt (UTC)", "Laufzeit (s)", "Quelle", "Ergebnis"]
    table = nodes.table(classes=["wallclock", "colwidths-auto"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in headers)
    head_row = nodes.row("", *(_cell(h) for h in headers))
    group += nodes.thead("", head_row)
    body = nodes.tbody()
    group += body
    data = NbMetadataCollector.get_doc_data(env)
    for doc in sorted(env.found_docs):
        if doc not in data or not data[doc].get("exec_data"):
            continue
        info = data[doc]["exec_data"]
        link = pending_xref("", nodes.inline(text=env.titles[doc].astext()),
                            refdoc=parent, reftarget="/" + doc, reftype="doc",
                            refdomain="std", refexplicit=True, refwarn=True)
        when = (datetime.fromtimestamp(info["mtime"], UTC).strftime("%Y-%m-%d %H:%M")
                if info.get("mtime") else "–")
        runtime = "–" if info.get("runtime") is None else f"{info['runtime']:.1f}"
        body += nodes.row(
            "", _cell(node=link), _cell(when), _cell(runtime.replace(".", ",")),
            _cell("dieser Bau" if info.get("mtime", 0) >= build_start else "Cache"),
            _cell("ok" if info.get("succeeded") else "Fehler"))
    return table


class ExecTableTransform(SphinxPostTransform):
    default_priority = 8  # before references are resolved

    def run(self, **kwargs):
        for node in list(self.document.findall(ExecTableNode)):
            node.replace_self(exec_table(self.env, self.env.docname, self.app.nn_build_start))


def encrypted_kernels():
    """Start the build's kernels with CurveZMQ keys provisioned by the kernel manager.

    ipykernel 7 logs ``[IPKernelApp] WARNING | Kernel is running over TCP without encryption``
    on the kernel's stderr, which it shares with the build process, for every kernel started
    without keys: the default of jupyter_client (``KernelManager.transport_encryption =
    "disabled"``). ``"auto"`` provisions the keys when the kernelspec declares CurveZMQ support
    (ipykernel's ``python3`` does), the remedy the message itself names; the warning goes with
    its cause. (The other remedy, IPC, does not work here: the socket paths are relative to the
    kernel's working directory, the chapter folder, and the client does not look there.)
    myst-nb, jupyter-cache and this extension all create their kernel managers through nbclient
    without a traitlets config, so the trait's default is the one place to set it.
    """
    from jupyter_client.manager import KernelManager

    KernelManager.class_traits()["transport_encryption"].default_value = "auto"


def join_stream_chunks(outputs):
    """Consecutive stream outputs of the same stream as one output, the texts joined exactly.

    ipykernel sends what a cell prints in chunks, flushed on a timer, so ``print("a", 1)`` can
    arrive as "a" and " 1\n", depending on timing. myst-nb's ``coalesce_streams``
    (``nb_merge_streams``) strips every chunk and ends it with a newline, which turns such a
    split into a line break that the next build does not have. Joined first, the chunks give
    the text the cell printed, whatever the timing.
    """
    from nbformat import NotebookNode

    joined = []
    for out in outputs:
        prev = joined[-1] if joined else None
        if (out.get("output_type") == "stream" and prev is not None
                and prev.get("output_type") == "stream" and prev["name"] == out["name"]):
            joined[-1] = NotebookNode(prev, text=prev["text"] + out["text"])  # a copy
        else:
            joined.append(out)
    return joined


def exact_stream_merging():
    """myst-nb merges streams after ``join_stream_chunks`` (its renderer imports
    ``coalesce_streams`` by name; myst-nb is pinned, and a test checks the effect)."""
    from myst_nb.core import render

    original = render.coalesce_streams
    if getattr(original, "joins_chunks", False):
        return

    def coalesce_streams(outputs):
        return original(join_stream_chunks(outputs))

    coalesce_streams.joins_chunks = True
    render.coalesce_streams = coalesce_streams


def _remember_start(app):
    import time

    app.nn_build_start = time.time()


def setup(app):
    encrypted_kernels()
    exact_stream_merging()
    app.connect("builder-inited", _remember_start)
    app.add_node(ExecTableNode)
    app.add_directive("nn-exec-table", ExecTable)
    app.add_post_transform(ExecTableTransform)
    # after nn_deps (priority 500) has removed stale cache records in env-get-outdated
    app.connect("env-before-read-docs", _pre_execute, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
