# Portico: `make dev` runs the whole system, `make test` runs every test. See README.md.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PACKAGES := lib/portico_kit $(patsubst %/pyproject.toml,%,$(wildcard services/*/pyproject.toml)) gateway
PYPROJECTS := $(wildcard lib/*/pyproject.toml services/*/pyproject.toml gateway/pyproject.toml)

.PHONY: dev test test-services test-system test-compose bench venv migration clean pdf-libs

$(STAMP): constraints.txt requirements-dev.txt $(PYPROJECTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -r requirements-dev.txt $(addprefix -e ,$(PACKAGES))
	touch $@

venv: $(STAMP)

## WeasyPrint (the documents service) needs Debian's Pango: one clear line when it is missing
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
pdf-libs: $(STAMP)
	@$(PY) -c "import weasyprint" 2>/dev/null || { echo "PDF rendering needs Pango: run 'sudo apt-get install -y $(PDF_PACKAGES)' (.ci/run installs them)."; exit 1; }

## the whole system on this machine (RabbitMQ at AMQP_URI; SQLite files and caught mail in ./data)
dev: $(STAMP) pdf-libs
	$(PY) -m devstack

## every test: services in-process under eventlet, then gateway, system and browser tests unpatched,
## then the containers (podman; skips saying why where podman cannot run them)
test: $(STAMP) pdf-libs
	@status=0; \
	$(MAKE) --no-print-directory test-services || status=1; \
	$(MAKE) --no-print-directory test-system || status=1; \
	$(MAKE) --no-print-directory test-compose || status=1; \
	exit $$status

test-services: $(STAMP) pdf-libs
	$(PY) -m pytest lib/portico_kit/tests services tests/tracing

test-system: $(STAMP) pdf-libs
	$(PY) -m pytest -p no:pytest_nameko gateway/tests tests --ignore=tests/compose --ignore=tests/tracing

## docker-compose.yml built and run with podman: images FROM a local Debian base, billing scaled to 3
test-compose: $(STAMP)
	$(PY) -m pytest -p no:pytest_nameko -s -rs tests/compose

## load through the gateway and event throughput, each against a baseline measured in the same run
bench: $(STAMP)
	$(PY) -m bench

## new migration after changing a service's models: make migration SERVICE=billing MSG="add invoices"
migration: $(STAMP)
	$(PY) -m portico_kit.migrate $(SERVICE) revision "$(MSG)"

clean:
	rm -rf $(VENV) data .pytest_cache
