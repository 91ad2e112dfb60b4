"""Sphinx extension: unique element ids inside the exercises of sphinx-exercise.

sphinx-exercise 1.2.1 gives the content section of every exercise the id ``exercise-content``
and that of every solution ``solution-content``, so a page with two exercises repeats both ids
(invalid HTML: the Nu checker of tests/test_html.py reports "Duplicate ID", and LaTeX gets the
same label twice). Here each such id becomes ``<label>-inhalt`` of its exercise or solution
(e.g. ``ex-04-gradient-inhalt``), which is unique because the labels are.
"""

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

SHARED_IDS = ("exercise-content", "solution-content")


class UniqueExerciseIds(SphinxPostTransform):
    default_priority = 25  # after sphinx-exercise's own post-transforms (5-22)

    def run(self, **kwargs):
        for section in self.document.findall(nodes.section):
            shared = [i for i in section["ids"] if i in SHARED_IDS]
            label = section.parent.get("label") if section.parent is not None else None
            if shared and label:
                section["ids"] = [i for i in section["ids"] if i not in SHARED_IDS]
                section["ids"].append(f"{label}-inhalt")


def setup(app):
    app.add_post_transform(UniqueExerciseIds)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
