"""Build the PDFs of the course: the whole book and one handout per entry of ``_toc.yml``.

    python tools/pdf.py [--build-dir _build] [--jobs 2]

1. One Sphinx run of the LaTeX builder (through Jupyter Book, so ``_config.yml`` applies and
   the notebooks come from the shared jupyter-cache) writes ``neuronale-netze.tex`` (the book,
   theme ``jupyterBook``) and ``neuronale-netze-<name>.tex`` for every document of the table of
   contents (theme ``nnhandout``: no title page, no table of contents, course and date in the
   header). New chapters need no change here: the list comes from ``_toc.yml``.
2. Each handout gets the counter offsets of its document (``<job>.nnc``), so its figures and
   equations carry the same numbers as the book and the site, plus the labels of the other
   chapters (from the book's ``.aux``), so a reference into another chapter prints its number.
3. ``latexmk`` (xelatex) compiles every ``.tex``; the PDFs and ``manifest.json`` go to
   ``<build-dir>/pdf``, where the HTML build (``_ext/nn_pdf.py``) picks them up.

Exit status 0 only if every PDF was built without LaTeX errors and without undefined references.
"""

import argparse
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from booktoc import toc_docs

ROOT = Path(__file__).resolve().parent.parent
BOOK = "neuronale-netze"
# Sphinx figure types (numfig) -> LaTeX counters of sphinx.sty
COUNTERS = {"figure": "figure", "table": "table", "code-block": "literalblock",
            "displaymath": "equation"}
# The handout of a section is its exercise sheet (no solutions); a section with exercises also
# gets neuronale-netze-<name>-loesungen.pdf: the whole section with the solutions.
SOLUTIONS_SUFFIX = "loesungen"
EXERCISE = re.compile(r"^`{3,}\{exercise(?:-start)?\}", re.M)


def handout_name(docname):
    """File name (without suffix) of the handout of ``docname``."""
    return f"{BOOK}-{Path(docname).name}"


def solutions_name(docname):
    """File name (without suffix) of the solutions PDF of ``docname``."""
    return f"{handout_name(docname)}-{SOLUTIONS_SUFFIX}"


def has_exercises(docname):
    """Does the MyST source of ``docname`` hold an exercise (sphinx-exercise)?"""
    path = ROOT / f"{docname}.md"
    return path.is_file() and EXERCISE.search(path.read_text(encoding="utf-8")) is not None


def doc_title(docname):
    """The first ``# `` heading of a MyST document (the page title)."""
    for suffix in (".md", ".ipynb"):
        path = ROOT / f"{docname}{suffix}"
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            match = re.search(r"^#\s+(.+?)\s*$", text, re.M)
            if suffix == ".ipynb":
                match = re.search(r'"#\s+([^"\\]+)', text)
            if match:
                return match.group(1)
    return Path(docname).name


def latex_documents(docs, author):
    names = [handout_name(d) for d in docs[1:]]
    if len(set(names)) != len(names):
        raise SystemExit(f"two toc entries share a file name: {names}")
    entries = [(docs[0], f"{BOOK}.tex", yaml_title(), author, "jupyterBook", False)]
    for doc, name in zip(docs[1:], names, strict=True):
        entries.append((doc, f"{name}.tex", doc_title(doc), author, "nnhandout", False))
    for doc in docs[1:]:
        if has_exercises(doc):
            entries.append((doc, f"{solutions_name(doc)}.tex", f"{doc_title(doc)} – Lösungen",
                            author, "nnloesungen", False))
    return entries


def book_config():
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def yaml_title():
    return book_config().get("title", "Neuronale Netze")


def run_sphinx(latex_dir, doctree_dir, docs):
    """Write the .tex files with Jupyter Book's Sphinx set-up (returns the status code)."""
    import jupyter_book.sphinx as jb_sphinx

    # Jupyter Book would print a notice for a multi-entry latex_documents; the list is ours.
    jb_sphinx.update_latex_documents = lambda documents, overrides: documents
    author = book_config().get("author", "")
    overrides = {
        "external_toc_path": (ROOT / "_toc.yml").as_posix(),
        "latex_individualpages": False,
        "latex_documents": latex_documents(docs, author),
        # numbers run through the book (as on the site), not per chapter
        "numfig_secnum_depth": 0,
        # "3. Mai 2026"; Sphinx takes the date from SOURCE_DATE_EPOCH when it is set
        "today_fmt": "%-d. %B %Y",
    }
    return jb_sphinx.build_sphinx(
        ROOT, latex_dir, use_external_toc=True, noconfig=True,
        path_config=str(ROOT / "_config.yml"), confoverrides=overrides,
        doctreedir=doctree_dir, builder="latex", warningiserror=True, keep_going=True,
    )


def counter_offsets(doctree_dir, docs):
    """For each document: how many figures, tables, ... precede it in the book."""
    with open(Path(doctree_dir) / "environment.pickle", "rb") as fh:
        env = pickle.load(fh)
    offsets, running = {}, dict.fromkeys(COUNTERS, 0)
    for doc in docs:
        offsets[doc] = dict(running)
        numbers = env.toc_fignumbers.get(doc, {})
        for figtype in COUNTERS:
            running[figtype] += len(numbers.get(figtype, {}))
    return offsets


def latexmk(latex_dir, job):
    """Compile ``job.tex``; return (seconds, log text, return code)."""
    start = time.perf_counter()
    proc = subprocess.run(
        ["latexmk", "-pdf", "-dvi-", "-ps-", "-interaction=nonstopmode", "-halt-on-error",
         "-file-line-error", f"{job}.tex"],
        cwd=latex_dir, capture_output=True, text=True, errors="replace",
    )
    seconds = time.perf_counter() - start
    log_path = Path(latex_dir) / f"{job}.log"
    log = log_path.read_text(errors="replace") if log_path.exists() else ""
    return seconds, log, proc.returncode, proc.stdout[-3000:] + proc.stderr[-3000:]


LABEL = re.compile(r"^\\newlabel\{(.+?)\}\{\{(.*?)\}\{(.*?)\}", re.M)


def external_labels(book_aux):
    """``\\nnexternallabel`` lines for every label of the book (number, no link target)."""
    lines = []
    for name, number, page in LABEL.findall(Path(book_aux).read_text(errors="replace")):
        lines.append(f"\\nnexternallabel{{{name}}}{{{{{number}}}{{{page}}}{{}}{{}}{{}}}}")
    return lines


def problems(log):
    """LaTeX problems that make a PDF unacceptable."""
    found = []
    for pattern in (r"^.*Reference `.*' on page \d+ undefined.*$",
                    r"^.*There were undefined references.*$",
                    r"^! .*$", r"^.*:\d+: .*$"):
        found += re.findall(pattern, log, re.M)
    return found


def page_count(pdf):
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(match.group(1)) if match else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=str(ROOT / "_build"),
                        help="build folder (default: _build); PDFs go to <build-dir>/pdf")
    parser.add_argument("--jobs", type=int, default=2, help="parallel latexmk runs")
    args = parser.parse_args(argv)
    for tool in ("latexmk", "xelatex", "pdfinfo"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: install the Debian packages of README 'PDF'")

    build = Path(args.build_dir).resolve()
    latex_dir, doctree_dir, pdf_dir = build / "latex", build / ".doctrees-latex", build / "pdf"
    docs = toc_docs()
    start = time.perf_counter()
    for stale in latex_dir.glob(f"{BOOK}*.tex"):
        stale.unlink()
    status = run_sphinx(latex_dir, doctree_dir, docs)
    if status != 0:
        raise SystemExit(f"Sphinx LaTeX build failed (status {status})")
    sphinx_seconds = time.perf_counter() - start
    print(f"[pdf] LaTeX sources written in {sphinx_seconds:.1f} s", flush=True)

    (latex_dir / "nncourse.tex").write_text(f"\\def\\nncourse{{{yaml_title()}}}\n",
                                            encoding="utf-8")
    offsets = counter_offsets(doctree_dir, docs)
    os.environ["max_print_line"] = "1000"  # long log lines: one problem per line

    failures, results = [], {}

    def compile_job(job):
        seconds, log, code, output = latexmk(latex_dir, job)
        bad = problems(log)
        if code != 0 or bad or not (latex_dir / f"{job}.pdf").is_file():
            failures.append((job, bad[:10] or [output]))
        results[job] = seconds
        print(f"[pdf] {job}.pdf: {seconds:.1f} s", flush=True)

    compile_job(BOOK)
    labels = external_labels(latex_dir / f"{BOOK}.aux") if not failures else []
    jobs, solution_jobs = [], {}
    for doc in docs[1:]:
        lines = [f"\\setcounter{{{counter}}}{{{offsets[doc][figtype]}}}"
                 for figtype, counter in COUNTERS.items()]
        names = [handout_name(doc)]
        if has_exercises(doc):
            solution_jobs[doc] = solutions_name(doc)
            names.append(solution_jobs[doc])
        for job in names:
            (latex_dir / f"{job}.nnc").write_text("\n".join(lines + labels) + "\n",
                                                  encoding="utf-8")
        jobs.append(names[0])
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(compile_job, jobs + list(solution_jobs.values())))

    if failures:
        for job, bad in failures:
            print(f"[pdf] FAILED {job}:", *bad, sep="\n  ", file=sys.stderr)
        raise SystemExit(1)

    if pdf_dir.exists():
        shutil.rmtree(pdf_dir)
    pdf_dir.mkdir(parents=True)
    manifest = {"book": f"{BOOK}.pdf", "handouts": {}, "solutions": {}, "pages": {},
                "seconds": {}}
    for job in [BOOK] + jobs + list(solution_jobs.values()):
        shutil.copy2(latex_dir / f"{job}.pdf", pdf_dir / f"{job}.pdf")
        manifest["pages"][f"{job}.pdf"] = page_count(pdf_dir / f"{job}.pdf")
        manifest["seconds"][f"{job}.pdf"] = round(results[job], 1)
    for doc, job in zip(docs[1:], jobs, strict=True):
        manifest["handouts"][doc] = f"{job}.pdf"
    for doc, job in solution_jobs.items():
        manifest["solutions"][doc] = f"{job}.pdf"
    (pdf_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False)
                                           + "\n", encoding="utf-8")
    total = time.perf_counter() - start
    for name, pages in manifest["pages"].items():
        print(f"[pdf] {name:45s} {pages:3d} pages {manifest['seconds'][name]:6.1f} s")
    print(f"[pdf] {len(manifest['pages'])} PDFs in {pdf_dir} ({total:.0f} s)")


if __name__ == "__main__":
    main()
