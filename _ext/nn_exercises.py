"""Sphinx extension: unique element ids inside the boxes of sphinx-exercise and sphinx-proof.

sphinx-exercise 1.2.1 gives the content section of every exercise the id ``exercise-content``
and that of every solution ``solution-content``; sphinx-proof 0.4.0 gives the body of every
definition or statement box the id ``proof-content``. A page with two such boxes repeats the id
(invalid HTML: the Nu checker of tests/test_html.py reports "Duplicate ID", and LaTeX gets the
same label twice). Here each such id becomes ``<label>-inhalt`` of its box (e.g.
``ex-04-gradient-inhalt``, ``def-mlp-inhalt``), which is unique because the labels are.
"""

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

SHARED_IDS = ("exercise-content", "solution-content", "proof-content")


class UniqueBoxIds(SphinxPostTransform):
    default_priority = 25  # after sphinx-exercise's own post-transforms (5-22)

    def run(self, **kwargs):
        for section in self.document.findall(nodes.section):
            shared = [i for i in section["ids"] if i in SHARED_IDS]
            box = section.parent
            # an exercise or solution names its label; a sphinx-proof box carries it as its id
            label = None if box is None else box.get("label") or next(iter(box.get("ids", [])),
                                                                        None)
            if shared and label:
                section["ids"] = [i for i in section["ids"] if i not in SHARED_IDS]
                section["ids"].append(f"{label}-inhalt")


def setup(app):
    app.add_post_transform(UniqueBoxIds)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
