# The team's vocabulary. Everything runs in .venv, made from Python 3.11+ on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: rendering needs only the runtime dependencies; the tests add their extras.
RUNTIME := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed-test

.PHONY: demo test snapshots diagrams bench lint clean venv templates

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	-$(BIN)/python -m pip install --quiet --only-binary uv uv

# uv (one pip-installed wheel, in .venv only) installs what pip would: measured on 2 cores, the
# test extras (43,500 files, most of them mkdocs-material's and Zensical's icons) took uv 8.3 s
# from an empty cache, pip 23-46 s. uv reads UV_INDEX_URL, not pip.conf: where it has no wheel or
# fails (a private index only pip knows, say), pip installs instead.
install = { [ -x $(BIN)/uv ] && $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode $(1); } \
	|| $(BIN)/python -m pip install --quiet $(1)

# pip compiles what it installs, but not an editable install's own source: where the environment sets
# PYTHONDONTWRITEBYTECODE (many container images do), every aksdiag command compiled src/ again,
# 80 ms of each command's 0.29 s. Compiled once here, Python only reads it (and still recompiles
# a file edited since, in memory).
COMPILE_SRC := $(BIN)/python -m compileall -q -j 0 src >/dev/null

$(RUNTIME): pyproject.toml | $(VENV)/bin/python
	$(call install,-e .)
	$(COMPILE_SRC)
	touch $(RUNTIME)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(call install,-e '.[test]')
	$(COMPILE_SRC)
	touch $(RUNTIME) $(STAMP)

venv: $(STAMP)

## demo: set up (runtime dependencies only), then render every bundled example to out/ (SVG and PNG)
demo: $(RUNTIME)
	$(BIN)/aksdiag render examples/ --out-dir out --relative-to examples --format svg,png
	@echo "demo: diagrams are in out/ (open out/kubenet-byo-vnet.svg in a browser)"
	@echo "demo: run aksdiag yourself as $(BIN)/aksdiag (or after: source $(BIN)/activate), e.g."
	@echo "      $(BIN)/aksdiag render examples/kubenet-byo-vnet.yaml -o my.svg"

## test: the whole suite; everything it needs comes from pip (no system packages, no root)
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist worksteal

## templates: compile templates/ to Python modules (src/aksdiag/d2/compiled/), loaded by every render
templates: $(RUNTIME)
	$(BIN)/python -m aksdiag.d2.render

## snapshots: accept the current D2 output as the goldens (review the diff!)
snapshots: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_golden.py tests/test_errors.py --snapshot-update
	@git --no-pager diff --stat -- tests/__snapshots__ || true

## diagrams: refresh the gallery in diagrams/ (SVGs are committed; the PNGs are made here, git-ignored)
diagrams: $(STAMP)
	$(BIN)/aksdiag render examples/ --out-dir diagrams --relative-to examples --format svg,png

## bench: aksdiag against d2 alone and mingrammer/diagrams (needs graphviz for the latter), in one run
bench: $(STAMP)
	@$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@command -v dot >/dev/null || echo "make bench: graphviz is missing (apt-get install graphviz); the mingrammer/diagrams columns will be left out"
	$(BIN)/python benchmarks/bench.py

## lint: ruff format --check, ruff (with complexity and unused-argument rules), mypy on src/, the CI workflow
lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff mypy check-jsonschema zizmor
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/zizmor --offline .github/workflows

clean:
	rm -rf out dist build .pytest_cache
