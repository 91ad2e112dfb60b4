"""The PDFs of `make pdf`: the book and one handout per toc entry (tools/pdf.py, _ext/nn_pdf.py)."""

import json
import re
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest

from conftest import PDF_TOOLS, ROOT

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
import nn_pdf  # noqa: E402
import pdf  # noqa: E402

UMLAUT_WORD = re.compile(r"\b\w*[äöüÄÖÜß]\w*\b")
# labels of the sphinx-proof boxes; a reference to one must print „Satz 1“, never the label
BOX_LABELS = sorted(set(re.findall(
    r"```\{prf:\w+\}[^\n]*\n:label: (\S+)",
    "".join(p.read_text(encoding="utf-8") for p in (ROOT / "chapters").glob("*.md")))))


# ---------------------------------------------------------------- fast: the driver's logic
def test_toc_docs_include_sections_in_reading_order(tmp_path):
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        "format: jb-book\nroot: index\nchapters:\n- file: chapters/a\n"
        "  sections:\n  - file: chapters/a-1.md\n  - file: chapters/a-2\n- file: chapters/b\n",
        encoding="utf-8")
    assert pdf.toc_docs(toc) == ["index", "chapters/a", "chapters/a-1", "chapters/a-2",
                                 "chapters/b"]


def test_every_toc_entry_gets_a_handout_document():
    docs = pdf.toc_docs()
    entries = pdf.latex_documents(docs, "A")
    assert entries[0][:2] == (docs[0], "neuronale-netze.tex")
    assert entries[0][4] == "jupyterBook"
    handouts = entries[1:len(docs)]  # then the solutions PDFs (see below)
    assert [e[0] for e in handouts] == docs[1:]
    assert all(e[4] == "nnhandout" and e[1].startswith("neuronale-netze-") for e in handouts)
    assert all(e[4] == "nnloesungen" for e in entries[len(docs):])
    assert len({e[1] for e in entries}) == len(entries)
    assert pdf.doc_title("chapters/03-modellproblem").startswith("1.3 ")


def test_problems_finds_errors_and_undefined_references():
    log = ("x\n! Undefined control sequence.\n"
           "LaTeX Warning: Reference `a:b' on page 3 undefined on input line 7.\nok\n")
    assert len(pdf.problems(log)) == 2
    assert pdf.problems("Overfull \\hbox (1.0pt too wide)\n") == []


def test_external_labels_carry_number_without_link(tmp_path):
    aux = tmp_path / "b.aux"
    aux.write_text("\\newlabel{chapters/x:fig-a}{{3}{12}{Cap}{figure.3}{}}\n", encoding="utf-8")
    assert pdf.external_labels(aux) == ["\\nnexternallabel{chapters/x:fig-a}{{3}{12}{}{}{}}"]


def _context(pagename):
    group = {"label": "download-buttons", "buttons": [{"label": "download-source-button"},
                                                     {"label": "download-pdf-button"}]}
    return {"header_buttons": [group], "pathto": lambda p, r=0: f"../{p}"}, group


def test_site_links_only_to_built_pdfs(tmp_path):
    html = tmp_path / "_build" / "html"
    html.mkdir(parents=True)
    app = SimpleNamespace(outdir=str(html), builder=SimpleNamespace(format="html"))
    nn_pdf._load(app)  # no manifest: nothing is added
    context, group = _context("chapters/x")
    nn_pdf._buttons(app, "chapters/x", "page.html", context, None)
    assert [b["label"] for b in group["buttons"]] == ["download-source-button",
                                                      "download-pdf-button"]

    (tmp_path / "_build" / "pdf").mkdir()
    for name in ("book.pdf", "x.pdf"):
        (tmp_path / "_build" / "pdf" / name).write_bytes(b"%PDF-1.5\n")
    (tmp_path / "_build" / "pdf" / "manifest.json").write_text(
        json.dumps({"book": "book.pdf", "handouts": {"chapters/x": "x.pdf"}}), encoding="utf-8")
    nn_pdf._load(app)
    context, group = _context("chapters/x")
    nn_pdf._buttons(app, "chapters/x", "page.html", context, None)
    urls = {b["label"]: b.get("url") for b in group["buttons"]}
    assert urls["download-handout-button"] == "../pdf/x.pdf"
    assert urls["download-book-button"] == "../pdf/book.pdf"
    assert "download-pdf-button" not in urls  # the print dialog is replaced by the handout
    context, group = _context("index")
    nn_pdf._buttons(app, "index", "page.html", context, None)
    assert [b["label"] for b in group["buttons"]][-1] == "download-book-button"
    nn_pdf._copy(app, None)
    assert sorted(p.name for p in (html / "pdf").iterdir()) == ["book.pdf", "x.pdf"]


def test_box_labels_are_found():
    assert len(BOX_LABELS) >= 5 and "satz-nicht-konvex" in BOX_LABELS, BOX_LABELS


def test_sections_with_exercises_get_a_solutions_document():
    docs = pdf.toc_docs()
    entries = pdf.latex_documents(docs, "A")
    solutions = {e[0]: e for e in entries if e[4] == "nnloesungen"}
    with_exercises = [d for d in docs[1:] if "```{exercise}" in (ROOT / f"{d}.md").read_text(
        encoding="utf-8")]
    assert len(with_exercises) >= 11 and sorted(solutions) == sorted(with_exercises)
    for doc, entry in solutions.items():
        assert entry[1] == f"neuronale-netze-{doc.split('/')[-1]}-loesungen.tex"
        assert entry[2] == pdf.doc_title(doc) + " – Lösungen"
    assert "chapters/01-ueberblick" not in solutions and docs[0] not in solutions
    assert len({e[1] for e in entries}) == len(entries)


def test_site_offers_solutions_pdf_only_for_sections_with_exercises(tmp_path):
    html = tmp_path / "_build" / "html"
    html.mkdir(parents=True)
    (tmp_path / "_build" / "pdf").mkdir()
    names = ("book.pdf", "x.pdf", "x-loesungen.pdf", "y.pdf")
    for name in names:
        (tmp_path / "_build" / "pdf" / name).write_bytes(b"%PDF-1.5\n")
    manifest = {"book": "book.pdf", "handouts": {"chapters/x": "x.pdf", "chapters/y": "y.pdf"},
                "solutions": {"chapters/x": "x-loesungen.pdf"}}
    (tmp_path / "_build" / "pdf" / "manifest.json").write_text(json.dumps(manifest),
                                                                encoding="utf-8")
    app = SimpleNamespace(outdir=str(html), builder=SimpleNamespace(format="html"))
    nn_pdf._load(app)
    context, group = _context("chapters/x")
    nn_pdf._buttons(app, "chapters/x", "page.html", context, None)
    entries = {b["label"]: b for b in group["buttons"]}
    assert [b.get("text") for b in group["buttons"][-3:]] == ["Kapitel (PDF)", "Lösungen (PDF)",
                                                              "Buch (PDF)"]
    assert entries["download-solutions-button"]["url"] == "../pdf/x-loesungen.pdf"
    assert "ohne Lösungen" in entries["download-handout-button"]["tooltip"]
    context, group = _context("chapters/y")
    nn_pdf._buttons(app, "chapters/y", "page.html", context, None)
    assert "download-solutions-button" not in [b["label"] for b in group["buttons"]]
    nn_pdf._copy(app, None)
    assert sorted(p.name for p in (html / "pdf").iterdir()) == sorted(names)
    (tmp_path / "_build" / "pdf" / "x-loesungen.pdf").unlink()
    nn_pdf._load(app)  # a solutions PDF is missing: no PDF links at all
    assert app.nn_pdf_manifest == {}


# ---------------------------------------------------------------- slow: the real PDFs
def _run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def built_pdfs(built_book):
    """The PDFs of the session build (tests/conftest.py: PDFs first, then the linking site)."""
    missing = [t for t in PDF_TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(f"TeX Live/poppler not installed ({missing}); see README 'PDF'")
    result = built_book.pdf
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    pdf_dir = built_book.build / "pdf"
    manifest = json.loads((pdf_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["docs"] = pdf.toc_docs()  # the table of contents the PDFs were built from
    manifest["dir"], manifest["latex"] = pdf_dir, built_book.build / "latex"
    return manifest


def _pdfs(manifest):
    return ([manifest["book"]] + list(manifest["handouts"].values())
            + list(manifest.get("solutions", {}).values()))


@pytest.mark.slow
def test_book_and_every_handout_exist(built_pdfs):
    pdf_dir = built_pdfs["dir"]
    docs = built_pdfs["docs"]
    assert set(built_pdfs["handouts"]) == set(docs[1:])
    for name in _pdfs(built_pdfs):
        assert (pdf_dir / name).is_file(), name
        assert (pdf_dir / name).read_bytes()[:5] == b"%PDF-"


@pytest.mark.slow
def test_text_titles_german_and_clean(built_pdfs):
    pdf_dir = built_pdfs["dir"]
    docs = built_pdfs["docs"]
    book = _run("pdftotext", "-enc", "UTF-8", str(pdf_dir / built_pdfs["book"]), "-")
    flat = " ".join(book.split())
    for word in ("Inhaltsverzeichnis", "Abbildung 1", "Reißel", "Stand:"):
        assert word in flat, word
    for doc in docs[1:]:
        title = " ".join(pdf.doc_title(doc).split())
        assert title in flat, title
        text = _run("pdftotext", "-enc", "UTF-8", str(pdf_dir / built_pdfs["handouts"][doc]), "-")
        first = " ".join(_run("pdftotext", "-enc", "UTF-8", "-l", "1",
                              str(pdf_dir / built_pdfs["handouts"][doc]), "-").split())
        for word in (title, "Neuronale Netze", "Stand:", "Seite 1 von"):
            assert word in first, (doc, word)
        assert "Inhaltsverzeichnis" not in text, doc  # no table of contents in a handout
        assert UMLAUT_WORD.search(text), doc
    for name in _pdfs(built_pdfs):
        text = _run("pdftotext", "-enc", "UTF-8", str(pdf_dir / name), "-")
        assert "??" not in text, f"unresolved reference in {name}"
        bare = [label for label in BOX_LABELS if label in text.replace("-\n", "-")]
        assert not bare, f"box reference printed as its label in {name}: {bare}"
        assert "\x1b" not in text and "[0m" not in text, f"ANSI escape in {name}"
        assert "Traceback" not in text, name
        assert "plotting.use_style()" not in text, f"removed set-up cell shown in {name}"


@pytest.mark.slow
def test_fonts_embedded_and_figures_vector(built_pdfs):
    pdf_dir = built_pdfs["dir"]
    for name in _pdfs(built_pdfs):
        fonts = _run("pdffonts", str(pdf_dir / name)).splitlines()[2:]
        assert fonts, name
        for line in fonts:
            emb = re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line)
            assert emb and emb.group(1) == "yes", f"font not embedded in {name}: {line}"
        images = _run("pdfimages", "-list", str(pdf_dir / name)).splitlines()[2:]
        assert images == [], f"raster images in {name}: {images}"


@pytest.mark.slow
def test_page_counts_plausible(built_pdfs):
    pages = built_pdfs["pages"]
    book = pages[built_pdfs["book"]]
    handouts = [pages[n] for n in built_pdfs["handouts"].values()]
    assert all(n >= 1 for n in handouts)
    # the book holds every chapter once with its solutions (as in the solutions PDF, where the
    # chapter has one), plus title page, contents and the start page
    full = [pages[built_pdfs["solutions"].get(doc, name)]
            for doc, name in built_pdfs["handouts"].items()]
    assert max(full) < book <= sum(full) + 2 + len(full) + 8
    for doc, name in built_pdfs["solutions"].items():
        assert pages[name] > pages[built_pdfs["handouts"][doc]], doc


@pytest.mark.slow
def test_no_code_line_runs_off_the_page(built_pdfs):
    # the XeLaTeX log of every PDF, each from the run that wrote it: no PDF goes unchecked
    for name in _pdfs(built_pdfs):
        tex_log = built_pdfs["latex"] / name.replace(".pdf", ".log")
        log = tex_log.read_text(errors="replace")
        assert f"Output written on {name.removesuffix('.pdf')}." in log, tex_log  # .xdv
        wide = [float(w) for w in re.findall(r"Overfull \\hbox \((\d+\.?\d*)pt too wide", log)]
        assert all(w < 10 for w in wide), (tex_log.name, wide)


@pytest.mark.slow
def test_every_page_of_the_site_offers_its_handout_and_the_book(built_pdfs, built_site):
    html = built_site
    for doc, handout in built_pdfs["handouts"].items():
        page = (html / f"{doc}.html").read_text(encoding="utf-8")
        depth = doc.count("/")
        prefix = "../" * depth
        assert f'href="{prefix}pdf/{handout}"' in page, f"{doc}: no link to its handout"
        assert f'href="{prefix}pdf/{built_pdfs["book"]}"' in page, f"{doc}: no book link"
        assert (html / "pdf" / handout).stat().st_size > 10_000
    index = (html / "index.html").read_text(encoding="utf-8")
    assert f'href="pdf/{built_pdfs["book"]}"' in index


def _flat_text(built_pdfs, name, *options):
    path = built_pdfs["dir"] / name
    return " ".join(_run("pdftotext", "-enc", "UTF-8", *options, str(path), "-").split())


@pytest.mark.slow
def test_sheets_have_no_solutions_and_solutions_pdfs_have_all(built_pdfs):
    """The handout is the exercise sheet: its exercises, no solution. The solutions PDF has one
    solution per exercise of the handout (a chapter's handout includes its sections), and the
    book has all of them."""
    exercise = r"(?<!zu )Übung (\d+) \((?:Verständnis|Rechnen|Programmieren) ★"
    solutions = built_pdfs["solutions"]
    assert set(solutions) <= set(built_pdfs["handouts"]) and len(solutions) >= 11
    total = 0
    for doc, name in solutions.items():
        sheet = _flat_text(built_pdfs, built_pdfs["handouts"][doc])
        numbers = re.findall(exercise, sheet)
        source = (ROOT / f"{doc}.md").read_text(encoding="utf-8")
        assert len(numbers) >= source.count("```{exercise}") >= 2, doc
        assert "Lösung zu Übung" not in sheet, f"{doc}: solution in the exercise sheet"
        text = _flat_text(built_pdfs, name)
        first = _flat_text(built_pdfs, name, "-l", "1")
        assert "Lösungen" in first and "Stand:" in first, doc
        found = re.findall(r"Lösung zu Übung (\d+) \(", text)
        assert sorted(found, key=int) == sorted(numbers, key=int), (doc, found, numbers)
        total += source.count("```{exercise}")
    book = _flat_text(built_pdfs, built_pdfs["book"])
    numbers = re.findall(exercise, book)
    found = re.findall(r"Lösung zu Übung (\d+) \(", book)
    assert sorted(found, key=int) == sorted(numbers, key=int)
    assert len(set(found)) == len(found) == total >= 30
    assert "★" in book  # the stars of the titles have a glyph (DejaVu Sans)


@pytest.mark.slow
def test_every_section_with_exercises_links_its_solutions(built_pdfs, built_site):
    html = built_site
    for doc, name in built_pdfs["solutions"].items():
        page = (html / f"{doc}.html").read_text(encoding="utf-8")
        prefix = "../" * doc.count("/")
        assert f'href="{prefix}pdf/{name}"' in page, f"{doc}: no link to its solutions"
        assert "Lösungen (PDF)" in page
        assert (html / "pdf" / name).stat().st_size > 10_000


@pytest.mark.slow
def test_every_character_has_a_glyph(built_pdfs):
    """XeLaTeX only logs a character its font lacks (★ of the exercise titles, Greek in bold
    headings): the PDF would show nothing there."""
    for name in _pdfs(built_pdfs):  # the log of every PDF (a missing log fails)
        tex_log = built_pdfs["latex"] / name.replace(".pdf", ".log")
        missing = re.findall(r"^Missing character: There is no (.+?) in font",
                             tex_log.read_text(errors="replace"), re.M)
        assert missing == [], (tex_log.name, sorted(set(missing)))
