# conflict-kg — `make serve` and `make test` set everything up from nothing (venv, dependencies,
# the spaCy model from PyPI) and then run.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CKG_STORE ?= kg-store
SHARED ?= ../shared
export CKG_STORE

.PHONY: install system-deps test test-fast lint serve build score validate bench fuzz mutate clean

TOOLS_STAMP := tools/node_modules/.installed
VENDOR := api/static/vendor

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,model]'
	@echo "building the world gazetteer (GeoNames, once per machine)"
	$(BIN)/python -c "from kg.geo.index import ensure_gazetteer; print(ensure_gazetteer())"
	@touch $(STAMP)

# YASGUI, Swagger UI, Leaflet (+ markercluster), the Natural Earth basemap (world-atlas, topojson-client),
# vis-timeline and Chart.js, served from our own package; Comunica, playwright-core and axe-core for the
# tests; all from the npm registry.
$(TOOLS_STAMP): tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund --silent
	@mkdir -p $(VENDOR)
	cp tools/node_modules/@zazuko/yasgui/build/yasgui.min.js tools/node_modules/@zazuko/yasgui/build/yasgui.min.css $(VENDOR)/
	cp -r tools/node_modules/leaflet/dist/leaflet.js tools/node_modules/leaflet/dist/leaflet.css \
	  tools/node_modules/leaflet/dist/images \
	  tools/node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	  tools/node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	  tools/node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
	  tools/node_modules/topojson-client/dist/topojson-client.min.js \
	  tools/node_modules/world-atlas/countries-50m.json \
	  tools/node_modules/vis-timeline/standalone/umd/vis-timeline-graph2d.min.js \
	  tools/node_modules/vis-timeline/styles/vis-timeline-graph2d.min.css \
	  tools/node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/
	cp tools/node_modules/swagger-ui-dist/swagger-ui-bundle.js tools/node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/
	@touch $(TOOLS_STAMP)

install: $(STAMP) $(TOOLS_STAMP)

# Debian tools the tests use: rapper (raptor2-utils) on our dumps, chromium for the pages.
system-deps:
	@{ command -v rapper && command -v chromium; } >/dev/null 2>&1 || { \
	  echo "installing raptor2-utils and chromium with apt-get"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq raptor2-utils chromium) >/dev/null \
	  || { echo "could not install raptor2-utils and chromium: install them and rerun"; exit 1; }; }

lint: install
	$(BIN)/ruff check kg api tests
	$(BIN)/mypy

# TEST_WORKERS=2: the suite in two pytest-xdist processes, a test file to each at a time, the longest
# files first (tests/conftest.py); most tests use one core (a kg subprocess, a server, a browser).
# 0 (the default until it has passed three full runs in a row): all in this process.
TEST_WORKERS ?= 0
test: install system-deps lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The seeds are news of the 2020 Nagorno-Karabakh war: built with that war's conflict pack.
PACK ?= ontology/packs/nagorno-karabakh-2020.ttl
build: install
	$(BIN)/kg build seeds --pack $(PACK)

serve: build
	$(BIN)/kg serve

validate: build
	$(BIN)/kg validate

score: build
	$(BIN)/kg dump --format nq -o $(CKG_STORE).nq
	$(BIN)/python $(SHARED)/eval/score.py --graph $(CKG_STORE).nq --gold $(SHARED)/gold

# The development corpus of other wars (texts regathered into corpus/texts or CORPUS_TEXTS; not in git).
CORPUS_TEXTS ?= corpus/texts
.PHONY: score-corpus
score-corpus: install
	$(BIN)/python corpus/score.py --texts $(CORPUS_TEXTS)

# The long runs: 10,000+ schemathesis requests; make bench: ratios against peers, the load benchmark,
# the long SIGKILL loop (bench/kill_loop.py) and the fuzz run.
fuzz: install
	CKG_FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -q -rP tests/test_fuzz_api.py

# make bench: the comparison against peers (bench/compare.py; peers in their own venv,
# bench/.peers, pinned in bench/peers.txt), then the load benchmark and the fuzz run.
# make bench-quick: the comparison only, small sizes, about two minutes. BENCH_ARGS is passed on.
.PHONY: bench-quick
PEERS := bench/.peers
PEERS_STAMP := $(PEERS)/.installed
BENCH_ARGS ?=
$(PEERS_STAMP): bench/peers.txt
	@test -x $(PEERS)/bin/python || $(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/peers.txt
	@touch $(PEERS_STAMP)

bench: install build $(PEERS_STAMP)
	$(BIN)/python bench/compare.py --peers $(PEERS) $(BENCH_ARGS)
	$(BIN)/python bench/world.py --docs 200 --rebuild
	$(BIN)/python bench/load.py --store $(CKG_STORE)
	$(BIN)/python bench/limits.py --store $(CKG_STORE)
	$(BIN)/python bench/kill_loop.py
	$(MAKE) --no-print-directory fuzz

bench-quick: install $(PEERS_STAMP)
	$(BIN)/python bench/compare.py --peers $(PEERS) --quick $(BENCH_ARGS)
	$(BIN)/python bench/world.py --docs 40 --rounds 1

# make mutate: mutation testing (mutmut, the 'mutate' extra) of kg/store.py, kg/build.py, kg/rdf.py,
# api/sparql.py and api/conneg.py against the fast in-process tests (tests/test_core.py,
# tests/test_golden.py); not part of make test. Surviving mutants: docs/testing.md.
MUTATE_STAMP := $(VENV)/.mutate-installed
MUTATE_CHILDREN ?= 2
$(MUTATE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,model,mutate]'
	@touch $(MUTATE_STAMP)

mutate: install $(MUTATE_STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATE_CHILDREN)
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) $(CKG_STORE) $(CKG_STORE).nq .pytest_cache .mypy_cache .ruff_cache *.egg-info \
	  tools/node_modules $(VENDOR) tests/artifacts mutants bench/.peers .$(CKG_STORE)-snapshots
