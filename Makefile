# The two commands of the README: `make book` builds the site, `make test` runs every test.
VENV ?= .venv
PY := $(VENV)/bin/python
JB := $(VENV)/bin/jupyter-book
# Reproducible builds: timestamps (matplotlib SVG/PDF dates, Sphinx) come from the last commit.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export PYTHONHASHSEED := 0

.PHONY: book test fast lint clean install pdf

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt code/pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt
	touch $@

# The site build needs node_modules too: KaTeX (npm) renders the formulas (_ext/nn_katex.py).
book: install node_modules/.installed
	$(JB) build . -n -W --keep-going

# PDFs (README "PDF"): the book and one handout per toc entry into _build/pdf, then the site
# again, which copies them to _build/html/pdf and links them from every page's download menu.
pdf: install node_modules/.installed
	$(PY) tools/pdf.py
	$(JB) build . -n -W --keep-going

# npm tools, pinned by package-lock.json: KaTeX (site build), axe-core, vnu-jar (site gates),
# Lighthouse (benchmarks/bench_pages.py). --ignore-scripts:
# vnu-jar's postinstall would download a Java runtime; the tests use Debian's java.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# --durations=15: the 15 slowest test phases (a fixture's build shows as the setup of the first
# test that uses it), so the suite's time stays visible.
test: install node_modules/.installed
	$(PY) -m pytest --durations=15

fast: install
	$(PY) -m pytest -m "not slow"

lint: install
	$(VENV)/bin/ruff check code tests _ext benchmarks tools

clean:
	rm -rf _build
