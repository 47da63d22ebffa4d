# tinygrad_edu: the two commands of the README are `make train` and `make test`.
# Each one creates .venv and installs what it needs on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
QUIET_PIP := 2>&1 | { grep -v 'is ignored: it is neither' || true; }
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: venv test train export check-sync nbtest pytest readme docs docs-test bench nb

$(STAMP): settings.ini setup.py
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip $(QUIET_PIP)
	$(BIN)/pip install -q -e ".[dev]" $(QUIET_PIP)
	touch $(STAMP)

venv: $(STAMP)

## The main job: train a CNN on the embedded CIFAR-10 sample (pass ARGS="--data ... --epochs ...").
train: $(STAMP)
	$(BIN)/tinygrad-edu train $(ARGS)

## All tests: package in sync with notebooks, notebooks clean, notebook cells, pytest.
test: $(STAMP) check-sync nbtest pytest

check-sync: $(STAMP)
	$(BIN)/python tools/check_sync.py

nbtest: $(STAMP)
	$(BIN)/python tools/nbtest.py

pytest: $(STAMP)
	$(BIN)/python -m pytest tests -n 2 -q -rs

## Developer helpers
export: $(STAMP)
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean
	$(BIN)/python tools/make_readme.py

readme: $(STAMP)
	$(BIN)/python tools/make_readme.py

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

## The docs site, from the notebooks (MkDocs Material + mkdocs-jupyter; committed outputs, nothing executed) -> _site/
docs: $(STAMP)
	$(BIN)/python tools/build_docs.py

## Build the site and check every page in headless Chromium (needs Debian's chromium; screenshots in _site/_screenshots/)
docs-test: $(STAMP)
	$(BIN)/python -m pytest tests/test_docs.py -q -rs

## Execute notebooks in place (store outputs) and clean them: make nb NB="nbs/01_tensor.ipynb"
nb: $(STAMP)
	$(BIN)/python tools/run_nb.py $(NB)
