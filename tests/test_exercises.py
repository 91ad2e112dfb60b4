"""Exercises (issue 14): every content section ends with "Aufgaben"; every exercise has exactly
one folded solution; solution code asserts what the solution claims; the student notebook
(`_ext/nn_ipynb.py`) holds the exercises but no solution. Static and fast: the solutions
themselves run in the book build (`tests/test_book.py`), where a failing assert fails it."""

import ast
import re
import sys
from types import SimpleNamespace

import nbformat
import pytest
from docutils import nodes

from conftest import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import nn_exercises  # noqa: E402
import nn_ipynb  # noqa: E402

# the content sections 1.2-1.8 (1.1 and the execution page have no exercises)
CONTENT = ["02-mlp", "03-modellproblem", "03-1-scikit-learn", "03-2-keras", "03-3-pytorch",
           "04-subgradienten", "05-nesterov", "06-sgd", "07-backpropagation",
           "07-1-mehr-neuronen", "08-zusammenfassung"]
KINDS = ("Verständnis", "Rechnen", "Programmieren")
TITLE = re.compile(r"^(Verständnis|Rechnen|Programmieren) (★{1,3}): \S")
EXERCISE = re.compile(r"^```\{exercise\} (.+)\n((?::[\w-]+:.*\n)*)", re.M)
SOLUTION = re.compile(r"^```\{solution-start\} (\S+)\n((?::[\w-]+:[^\n]*\n)*)```\n(.*?)"
                      r"^```\{solution-end\}\n```$", re.M | re.S)
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", re.M | re.S)


def source(name):
    return (ROOT / "chapters" / f"{name}.md").read_text(encoding="utf-8")


def options(block):
    return dict(re.findall(r"^:([\w-]+): *(.*)$", block, re.M))


def code_of(cell):
    """The Python code of a MyST code cell, without its option block."""
    cell = re.sub(r"\A---\n.*?\n---\n", "", cell, flags=re.S)
    return re.sub(r"\A(?::[\w-]+:.*\n)+", "", cell)


def exercises(name):
    """[(title, options)] of the chapter's exercises, in order."""
    return [(title.strip(), options(opts)) for title, opts in EXERCISE.findall(source(name))]


def solutions(name):
    """[(target label, options, code cells)] of the chapter's (gated) solutions."""
    return [(target, options(opts), [code_of(c) for c in CODE_CELL.findall(body)])
            for target, opts, body in SOLUTION.findall(source(name))]


def test_content_sections_have_two_to_four_exercises_thirty_in_all():
    counts = {name: len(exercises(name)) for name in CONTENT}
    assert all(2 <= n <= 4 for n in counts.values()), counts
    assert sum(counts.values()) >= 30, counts
    for name in ("01-ueberblick", "ausfuehrung"):
        assert exercises(name) == []


@pytest.mark.parametrize("name", CONTENT)
def test_aufgaben_is_the_last_section_and_holds_the_exercises(name):
    text = source(name)
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings[-1] == "Aufgaben", headings
    start = text.rindex("\n## Aufgaben\n")
    assert text.index("```{exercise}") > start
    assert "```{solution}" not in text  # only gated solutions (the notebook filter needs them)


@pytest.mark.parametrize("name", CONTENT)
def test_exercise_texts_hold_no_links(name):
    """Links on the tinted background of an exercise box fail axe's colour contrast."""
    for body in re.findall(r"^```\{exercise\}.*?^```$", source(name), re.M | re.S):
        assert not re.search(r"\{(doc|ref|numref|eq)\}|\]\(", body), body[:80]


@pytest.mark.parametrize("name", CONTENT)
def test_titles_name_kind_and_difficulty(name):
    for title, opts in exercises(name):
        assert TITLE.match(title), title
        assert re.fullmatch(r"ex-[0-9]+-[a-z0-9-]+", opts.get("label", "")), (title, opts)


def test_labels_unique_and_every_exercise_has_exactly_one_solution():
    labels = [opts["label"] for name in CONTENT for _, opts in exercises(name)]
    assert len(labels) == len(set(labels)), labels
    for name in CONTENT:
        mine = [opts["label"] for _, opts in exercises(name)]
        sols = solutions(name)
        assert sorted(target for target, _, _ in sols) == sorted(mine), name
        assert source(name).count("```{solution-start}") == len(sols), name
        assert source(name).count("```{solution-end}") == len(sols), name
        for target, opts, _ in sols:
            assert opts.get("class") == "dropdown", (target, "solution not folded")
            assert opts.get("label") == "sol-" + target.removeprefix("ex-"), (target, opts)


@pytest.mark.parametrize("name", CONTENT)
def test_every_solution_code_cell_ends_in_an_assert(name):
    for target, _, cells in solutions(name):
        for code in cells:
            body = ast.parse(code).body
            assert body and isinstance(body[-1], ast.Assert), (target, code[-200:])


def test_computing_exercises_have_executed_code_and_every_section_one():
    for name in CONTENT:
        kinds = {opts["label"]: TITLE.match(title).group(1) for title, opts in exercises(name)}
        with_code = [target for target, _, cells in solutions(name) if cells]
        assert with_code, f"{name}: no solution with executed code"
        for label, kind in kinds.items():
            if kind in ("Rechnen", "Programmieren"):
                assert label in with_code, f"{label}: {kind} without a code cell"
    all_kinds = {TITLE.match(t).group(1) for name in CONTENT for t, _ in exercises(name)}
    assert all_kinds == set(KINDS)


# ---------------------------------------------------------------- the student notebook
def _notebook(name):
    return nbformat.reads(nn_ipynb.clean_notebook(ROOT / "chapters" / f"{name}.md"), 4)


@pytest.mark.parametrize("name", CONTENT)
def test_student_notebook_has_the_exercises_and_no_solution(name):
    nb = _notebook(name)
    nbformat.validate(nb)
    text = "\n".join(cell.source for cell in nb.cells)
    assert "{solution-start}" not in text and "{solution-end}" not in text
    assert text.count("```{exercise}") == len(exercises(name))
    code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    solution_code = [c.strip() for _, _, cells in solutions(name) for c in cells]
    for cell in code:
        assert not any(sol in cell for sol in solution_code), cell[:200]
    with_code = sum(1 for _, _, cells in solutions(name) if cells)
    assert code.count(nn_ipynb.PLACEHOLDER) == with_code
    full = nbformat.reads(nbformat.writes(nn_ipynb.jupytext.read(
        ROOT / "chapters" / f"{name}.md")), 4)
    n_full = sum(cell.cell_type == "code" for cell in full.cells)
    assert len(code) == n_full - len(solution_code) + with_code
    assert [cell.id for cell in nb.cells] == [f"cell-{i}" for i in range(len(nb.cells))]


def test_student_cells_cut_solutions_across_cells():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [
        code("import x"),
        md("## Aufgaben\n\n```{exercise} Rechnen ★: A\n:label: ex-1-a\n\nText A.\n```\n\n"
           "```{solution-start} ex-1-a\n:label: sol-1-a\n:class: dropdown\n```\n\nLösungstext"),
        code("assert geheim"),
        md("Nach dem Code.\n\n```{solution-end}\n```\n\n```{exercise} Verständnis ★: B\n"
           ":label: ex-1-b\n\nText B.\n```\n\n```{solution-start} ex-1-b\n:label: sol-1-b\n"
           "```\n\nNur Text.\n\n```{solution-end}\n```\n\nSchluss."),
    ]
    out = nn_ipynb.student_cells(cells)
    kinds = [(c.cell_type, c.source) for c in out]
    assert kinds[0] == ("code", "import x")
    assert kinds[2] == ("code", nn_ipynb.PLACEHOLDER)
    text = "\n".join(c.source for c in out)
    assert "Text A." in text and "Text B." in text and "Schluss." in text
    for secret in ("Lösungstext", "geheim", "Nach dem Code", "Nur Text", "solution"):
        assert secret not in text, secret
    assert sum(c.source == nn_ipynb.PLACEHOLDER for c in out) == 1  # B has no code
    with pytest.raises(ValueError, match="solution-end"):
        nn_ipynb.student_cells([md("```{solution-start} ex-1-a\n```\n\noffen")])


@pytest.mark.parametrize("name", CONTENT)
def test_glue_keys_of_the_exercises_are_literal_and_used(name):
    """Every number in the solutions' prose is glued by a solution cell under a literal key
    ``exNN_…``, and every key glued there is used."""
    text = source(name)
    part = text[text.rindex("\n## Aufgaben\n"):]
    glued = re.findall(r"glue_(?:de|vec)\((f?)\"([^\"]+)\"", part)
    assert all(not prefix for prefix, _ in glued), "glue keys must be literal strings"
    keys = [key for _, key in glued]
    used = re.findall(r"\{glue:md\}`([^`:]+):myst`", part)
    assert len(keys) == len(set(keys)) and set(keys) == set(used), (keys, used)
    assert all(re.fullmatch(r"ex\d+_\w+", key) for key in keys), keys


def test_exercise_content_ids_become_unique():
    doc = nodes.document(None, None)
    for label in ("ex-1-a", "sol-1-a", "ex-1-b"):
        box = nodes.admonition(label=label)
        shared = "solution-content" if label.startswith("sol") else "exercise-content"
        box += nodes.section(ids=[shared])
        doc += box
    doc += nodes.section(ids=["exercise-content"])  # not in an exercise: left alone
    nn_exercises.UniqueBoxIds.run(SimpleNamespace(document=doc))
    ids = [section["ids"] for section in doc.findall(nodes.section)]
    assert ids == [["ex-1-a-inhalt"], ["sol-1-a-inhalt"], ["ex-1-b-inhalt"],
                   ["exercise-content"]]
