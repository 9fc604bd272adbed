# translator: every entry point a developer or CI needs.
# `make install` sets up a fresh machine; `make test` proves it.

PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
CONTENT ?= content
SOURCES  = $$(find $(CONTENT) -name '*.md' ! -name '*.en.md' ! -name '*.en.markdown' | sort)
# make demo keeps its word-for-word model and memory inside the repository.
DEMO    := build/demo

.PHONY: install test lint type format translate demo bench site clean

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# pip compiles an installed package; an editable one is compiled here, once, so that
	@# no command compiles translator's modules again (PYTHONDONTWRITEBYTECODE may be set).
	$(BIN)/python -m compileall -q translator
	@# The review page's browser test drives Debian's Chromium through chromedriver.
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		  apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; } || \
		echo "make install: could not install chromium and chromium-driver (needs root);" \
		     "the browser test will fail until they are installed"
	@$(BIN)/translator --version

test: lint type
	$(BIN)/python -m pytest

lint:
	$(BIN)/ruff check translator tests bench
	$(BIN)/ruff format --check translator tests bench

type:
	$(BIN)/mypy

format:
	$(BIN)/ruff check --fix translator tests bench
	$(BIN)/ruff format translator tests bench

# The main job: English page bundles for every Dutch article under content/,
# with the real Argos model (installed from the Argos index when missing).
# models install says why it failed and where an offline .argosmodel comes from.
translate:
	@$(BIN)/translator models list 2>/dev/null | grep -q 'nl->en' || \
		$(BIN)/translator models install || { \
		echo "make translate: no Dutch->English model is installed (see above); or run 'make demo' for an offline word-for-word demo"; \
		exit 1; }
	$(BIN)/translator batch --engine argos $(CONTENT)

# Offline demo: a word-for-word model built from the glossary and a small lexicon.
demo:
	$(BIN)/python -m translator.testing build-model $(DEMO)/demo.argosmodel --name word-for-word-demo --lexicon glossary/demo-lexicon.tsv
	TRANSLATOR_MODELS_DIR=$(DEMO)/models $(BIN)/translator models install --file $(DEMO)/demo.argosmodel
	@echo "== word-for-word demo model: the English below is NOT a real translation =="
	TRANSLATOR_MODELS_DIR=$(DEMO)/models TRANSLATOR_MEMORY=$(DEMO)/memory.sqlite \
		$(BIN)/translator translate --engine argos $(SOURCES)

# The bilingual Hugo site (hugo.toml, layouts/, i18n/, content/) built to build/site/
# after translating it: with the Argos model when one is installed, else with the
# pseudo engine, whose accented English previews structure only.
site:
	@if $(BIN)/translator models list 2>/dev/null | grep -q 'nl->en'; then \
		$(BIN)/translator batch --engine argos $(CONTENT); \
	else \
		echo "make site: no Dutch->English model installed; the English pages use the pseudo engine (accented vowels), a preview of the structure only"; \
		$(BIN)/translator batch --engine pseudo --no-memory $(CONTENT); \
	fi
	$(BIN)/hugo --quiet --source . --destination build/site
	@echo "make site: built build/site/ (Dutch at /, English at /en/); preview with: $(BIN)/hugo server"

bench:
	$(BIN)/python bench/run.py
	$(BIN)/python bench/sentences.py
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/placement.py
	$(BIN)/python bench/detect.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/scaling.py

# Removes only English pages translator wrote and nobody edited since: a
# person's translation or correction stays (translator clean lists it).
clean:
	@if [ -x $(BIN)/translator ]; then $(BIN)/translator clean $(CONTENT); \
	else echo "make clean: $(BIN)/translator is missing, English pages left alone (run make install)"; fi
	rm -rf build .mypy_cache .ruff_cache .pytest_cache
