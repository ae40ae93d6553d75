# One entry point for every chore. Authors, CI and pre-commit run the same targets.
#   make serve      preview the site at http://127.0.0.1:8000 (creates .venv on first run)
#   make serve-fast the same, rebuilding only the page you saved (for big sites; other
#                   pages' lists and links, and the RSS feeds, catch up on the next full build, not strict)
#   make test       run the whole test suite (what CI runs)
#   make test-fast  everything but the browser tests and the tests marked slow (target: under a minute)
#   make build      strict build into site/, then the raw-citation guard (ENGINE=properdocs to switch)
#   make check      quick author checks before a pull request, after the code's lint and type check
#   make lint       ruff and mypy on the code (settings in pyproject.toml)
#   make linkcheck  build, then check every link in the built site (add EXTERNAL=1 for the web)
#   make bench      benchmarks (builds, citations, link checker, page weight)
#   make ref ID=... print a references.bib entry for a DOI or PMID from Crossref/PubMed
#                   (WRITE=1 appends it; then read the paper's page and write findings)
# Every command is also `.venv/bin/fasciasite COMMAND` (`.venv/bin/fasciasite --help` lists them).
#   make review PAGE=docs/SECTION/PAGE.md
#                   a printable clinical review pack for one article (.cache/review/; fasciasite/authoring/review_pack.py)
#   make clean      remove build outputs (keeps .venv; `make distclean` removes it too)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SITE   := site
# The build engine: mkdocs (1.6.1, the last 1.x release) or properdocs (its maintained
# continuation, byte-identical output: tests/test_engines.py). `make build ENGINE=properdocs`.
ENGINE ?= mkdocs
export SITE_ENGINE := $(ENGINE)

# Keep MkDocs 1.x quiet about 2.0, and make builds reproducible: the sitemap
# date comes from the last commit, not from today.
export NO_MKDOCS_2_WARNING := true
export DISABLE_MKDOCS_2_WARNING := true
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1764000000)

.PHONY: serve serve-fast build test test-fast check lint linkcheck bench clean distclean venv ref review

# The virtual environment is made once and reused; a changed requirements file
# reinstalls. A missing or half-installed .venv is repaired, not reported.
venv:
	@$(BIN)/python -c "import mkdocs, material, mkdocs_bibtex, pytest, fasciasite" 2>/dev/null || rm -f $(STAMP)
	@$(MAKE) --no-print-directory $(STAMP)
	@# Our package's bytecode, written here even where PYTHONDONTWRITEBYTECODE is set (as in many
	@# containers): otherwise every build, and the card worker it starts, compiles ~90 modules again.
	@$(BIN)/python -m compileall -q fasciasite >/dev/null

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version)). Install it, or run: make PYTHON=python3.12 ..."; exit 2; }
	@$(BIN)/python -c "" 2>/dev/null || { echo "Creating $(VENV) ..."; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	@echo "Installing pinned dependencies into $(VENV) ..."
	@$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

serve: venv
	$(BIN)/$(ENGINE) serve --strict -a 127.0.0.1:8000

serve-fast: venv
	$(BIN)/$(ENGINE) serve --dirty --no-strict -a 127.0.0.1:8000

# After every build: no page may carry raw citation syntax, whatever the engine did,
# nothing third-party, active or oversized is published (fasciasite.publishing.outputcheck), and the
# structured data uses only schema.org terms where schema.org allows them (fasciasite.publishing.schemaorg).
build: venv
	$(BIN)/$(ENGINE) build --strict --site-dir $(SITE)
	$(BIN)/python -m fasciasite.references.rawcites $(SITE)
	$(BIN)/python -m fasciasite.publishing.outputcheck $(SITE)
	$(BIN)/python -m fasciasite.publishing.schemaorg $(SITE)

test: venv
	$(BIN)/python -m pytest

# The fast tier: every test but the browser tests and those marked slow (the benchmark, the fresh
# install, and two extra builds of the whole site whose behaviour fast tests also prove: README, Tests).
# Both cores (-n 2); worksteal hands a finished worker the other's remaining tests, so they end together.
# About 104 s of CPU time for 1,568 tests (143 s for 1,453 before; README, Tests, 7 December 2026).
test-fast: venv
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "not browser and not slow"

lint: venv
	$(BIN)/ruff check fasciasite tests scripts
	$(BIN)/mypy

check: lint
	$(BIN)/python -m fasciasite.authoring.check

linkcheck: build
	$(BIN)/python -m fasciasite.links $(SITE) $(if $(EXTERNAL),--external --cache .cache/linkcheck.json)

bench: venv
	$(BIN)/python -m fasciasite.bench

clean:
	rm -rf $(SITE) .cache .pytest_cache

distclean: clean
	rm -rf $(VENV)

ref: venv
	@test -n "$(ID)" || { echo "usage: make ref ID=10.xxxx/... (a DOI, PMID or PMCID) [WRITE=1]"; exit 2; }
	$(BIN)/python -m fasciasite.references.add_reference "$(ID)" $(if $(WRITE),--write)

review: venv
	@test -n "$(PAGE)" || { echo "usage: make review PAGE=docs/SECTION/PAGE.md (an article; python -m fasciasite.authoring.review_status --awaiting lists them)"; exit 2; }
	$(BIN)/python -m fasciasite.authoring.review_pack "$(PAGE)"
