# The team's vocabulary. Everything runs in .venv, made from Python 3.11+ on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLES := $(wildcard examples/*.yaml)

.PHONY: demo test snapshots diagrams bench lint clean venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# The test OCR (rapidocr) pulls opencv-python, whose cv2 needs the system's libGL; the
	@# headless build of the same cv2 needs only libc, so the suite runs on a bare machine.
	$(BIN)/python -m pip uninstall --quiet -y opencv-python
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps opencv-python-headless
	touch $(STAMP)

venv: $(STAMP)

## demo: set up, then render every bundled example to out/ (SVG and PNG)
demo: $(STAMP)
	@mkdir -p out
	@for f in $(EXAMPLES); do \
	  n=$$(basename $$f .yaml); \
	  $(BIN)/aksdiag render $$f -o out/$$n.svg || exit 1; \
	  $(BIN)/aksdiag render $$f -o out/$$n.png || exit 1; \
	done
	@echo "demo: diagrams are in out/ (open out/kubenet-byo-vnet.svg in a browser)"

## test: the whole suite (OCR included: its engine and models come from pip)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## snapshots: accept the current D2 output as the goldens (review the diff!)
snapshots: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_golden.py tests/test_errors.py --snapshot-update
	@git --no-pager diff --stat -- tests/__snapshots__ || true

## diagrams: refresh the committed gallery in diagrams/
diagrams: $(STAMP)
	@for f in $(EXAMPLES); do \
	  n=$$(basename $$f .yaml); \
	  $(BIN)/aksdiag render $$f -o diagrams/$$n.svg || exit 1; \
	  $(BIN)/aksdiag render $$f -o diagrams/$$n.png || exit 1; \
	done

## bench: render time of the examples against d2 alone on the same .d2
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_render.py

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check src tests

clean:
	rm -rf out dist build .pytest_cache
