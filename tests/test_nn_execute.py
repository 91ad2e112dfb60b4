"""The extension that executes the chapters in parallel before Sphinx reads them.

Its effect on a real build is checked by the book tests (every chapter executed, the page
„Ausführung“); here: the order in which it hands the chapters to its workers.
"""

import importlib.util
import re
import sys
from types import SimpleNamespace

from conftest import ROOT, toc_files

sys.path.insert(0, str(ROOT / "_ext"))  # nn_execute imports nn_deps, as in the build
_spec = importlib.util.spec_from_file_location("nn_execute", ROOT / "_ext" / "nn_execute.py")
nn_execute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nn_execute)

FRAMEWORK_IMPORT = re.compile(r"^from neuronale_netze import .*\b(frameworks|autodiff)\b", re.M)


def test_chapters_that_load_a_framework_library_start_first():
    paths = [ROOT / f"{name}.md" for name in toc_files()]
    heavy = {p for p in paths if FRAMEWORK_IMPORT.search(p.read_text(encoding="utf-8"))}
    assert len(heavy) >= 3  # 1.3.1-1.3.3 at least
    order = sorted(paths, key=nn_execute.expected_cost, reverse=True)
    assert set(order[:len(heavy)]) == heavy
    rest = order[len(heavy):]  # then longest (largest) first
    assert [p.stat().st_size for p in rest] == sorted((p.stat().st_size for p in rest),
                                                     reverse=True)


def test_table_names_this_build_or_the_cache_as_source():
    from docutils import nodes

    start = 1_000_000.0
    env = SimpleNamespace(
        found_docs={"a", "b", "c"},
        titles={d: nodes.title(text=d.upper()) for d in "abc"},
        nb_metadata={  # myst-nb's exec_data; "c" has no code and no entry
            "a": {"exec_data": {"mtime": start + 5, "runtime": 1.25, "method": "cache",
                                "succeeded": True}},
            "b": {"exec_data": {"mtime": start - 5, "runtime": 2.0, "method": "cache",
                                "succeeded": False}},
        })
    table = nn_execute.exec_table(env, "chapters/ausfuehrung", start)
    rows = [[entry.astext() for entry in row.findall(nodes.entry)]
            for row in table.findall(nodes.row)]
    assert rows[0] == ["Kapitel", "Ausgeführt (UTC)", "Laufzeit (s)", "Quelle", "Ergebnis"]
    assert [r[0] for r in rows[1:]] == ["A", "B"]
    assert [r[2:] for r in rows[1:]] == [["1,2", "dieser Bau", "ok"], ["2,0", "Cache", "Fehler"]]


def test_stream_chunks_split_mid_line_render_like_one_output(monkeypatch):
    from myst_nb.core import render
    from nbformat.v4 import new_output

    def stream(*texts, name="stdout"):
        return [new_output("stream", name=name, text=t) for t in texts]

    def whole():  # new outputs for every call: coalesce_streams changes its input
        return stream("random_state 0   R²: 0.5\nrandom_state 1   R²: 0.25\n")

    def split():
        return stream("random_state", " 0   R²: 0.5\nrandom_state 1", "   R²: 0.25\n")

    monkeypatch.setattr(render, "coalesce_streams", render.coalesce_streams)  # restored after
    # myst-nb alone turns the split into line breaks the whole output does not have
    assert render.coalesce_streams(split()) != render.coalesce_streams(whole())
    nn_execute.exact_stream_merging()
    assert render.coalesce_streams(split()) == render.coalesce_streams(whole())
    # other outputs and other streams stay where they are; the input is not changed
    mixed = stream("a", "b\n") + stream("w\n", name="stderr") + stream("c\n")
    joined = nn_execute.join_stream_chunks(mixed)
    assert [(o["name"], o["text"]) for o in joined] == [
        ("stdout", "ab\n"), ("stderr", "w\n"), ("stdout", "c\n")]
    assert mixed[0]["text"] == "a"
