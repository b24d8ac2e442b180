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
	$(BIN)/kg extract --format jsonl examples/ > out.citations.jsonl.tmp && mkdir -p out && mv out.citations.jsonl.tmp out/citations.jsonl
	@echo "citations written to out/citations.jsonl"

test: $(STAMP)
	$(BIN)/ruff check kg tests scripts
	$(BIN)/mypy kg
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check kg tests scripts
	$(BIN)/mypy kg

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
