# Two entry points for a fresh clone (see README):
#   make demo   set up, then build the graph of the bundled example into out/
#   make test   set up, then run the whole test suite
# Each creates .venv and installs what it needs; system packages (chromium for the browser
# tests) are installed by scripts/setup_system.sh when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/kg extract examples/bao-cao-dan-van.txt
	$(BIN)/kg build examples/ -o out/
	@echo "graph written to out/ (graph.ttl, graph.html, citations.jsonl, relations.jsonl, store/)"

test: $(STAMP)
	scripts/setup_system.sh
	$(BIN)/ruff check kg tests scripts
	$(BIN)/mypy kg
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check kg tests scripts
	$(BIN)/mypy kg

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
