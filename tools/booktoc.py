"""The table of contents of the book, shared by the PDF driver, the tests and the benchmark."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def toc_docs(toc_path=ROOT / "_toc.yml"):
    """Every document of the table of contents in reading order, root first."""
    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    docs = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                docs.append(str(Path(entry["file"]).with_suffix("")))
            walk(entry.get("sections"))
            for part in entry.get("parts", []):
                walk(part.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return docs
