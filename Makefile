# translator: every entry point a developer or CI needs.
# `make install` sets up a fresh machine; `make test` proves it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CONTENT ?= content

.PHONY: install test lint type format translate bench clean

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@$(BIN)/translator --version

test: lint type
	$(BIN)/python -m pytest

lint:
	$(BIN)/ruff check translator tests
	$(BIN)/ruff format --check translator tests

type:
	$(BIN)/mypy

format:
	$(BIN)/ruff check --fix translator tests
	$(BIN)/ruff format translator tests

# The main job: English page bundles for every Dutch article under content/.
translate:
	$(BIN)/translator translate --engine pseudo \
		$$(find $(CONTENT) -name '*.md' ! -name '*.en.md' ! -name '*.en.markdown' | sort)

clean:
	rm -rf build .mypy_cache .ruff_cache .pytest_cache
	find $(CONTENT) -name '*.en.md' -delete
