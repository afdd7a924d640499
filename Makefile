# Portico: `make dev` runs the whole system, `make test` runs every test. See README.md.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PACKAGES := lib/portico_kit[testing] $(patsubst %/pyproject.toml,%,$(wildcard services/*/pyproject.toml)) gateway
PYPROJECTS := $(wildcard lib/*/pyproject.toml services/*/pyproject.toml gateway/pyproject.toml)

LOCALES := lib/portico_kit/portico_kit/locales
CATALOGS := $(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po)

.PHONY: dev test test-services test-system test-fuzz test-compose reliability bench venv migration messages clean pdf-libs browser

$(STAMP): constraints.txt requirements-dev.txt $(PYPROJECTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -r requirements-dev.txt $(addprefix -e ,$(PACKAGES))
	touch $@

# the translations pages, emails and PDFs read: .po (in git) -> .mo (built here, as in each Dockerfile)
%.mo: %.po $(STAMP)
	$(PY) -m portico_kit.i18n compile

venv: $(STAMP) $(CATALOGS:.po=.mo)

## WeasyPrint (the documents service) needs Debian's Pango: one clear line when it is missing
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
pdf-libs: $(STAMP)
	@$(PY) -c "import weasyprint" 2>/dev/null || { echo "PDF rendering needs Pango: run 'sudo apt-get install -y $(PDF_PACKAGES)' (.ci/run installs them)."; exit 1; }

## the whole system on this machine (RabbitMQ at AMQP_URI; SQLite files and caught mail in ./data)
dev: venv pdf-libs
	$(PY) -m devstack

## every test: services in-process under eventlet, then gateway, system and browser tests unpatched,
## then the containers (podman; skips saying why where podman cannot run them)
test: venv pdf-libs
	@status=0; \
	$(MAKE) --no-print-directory test-services || status=1; \
	$(MAKE) --no-print-directory test-system || status=1; \
	$(MAKE) --no-print-directory test-compose || status=1; \
	exit $$status

test-services: venv pdf-libs
	$(PY) -m pytest lib/portico_kit/tests services tests/tracing

## the browser tests drive Debian's Chromium (Playwright never downloads one): one clear line when it is missing
browser:
	@command -v $${CHROMIUM_PATH:-chromium} >/dev/null 2>&1 || { echo "Browser tests need Chromium: run 'sudo apt-get install -y chromium' (.ci/run installs it), or set CHROMIUM_PATH."; exit 1; }

test-system: venv pdf-libs browser
	$(PY) -m pytest -p no:pytest_nameko gateway/tests tests --ignore=tests/compose --ignore=tests/tracing

## the fuzz level alone (it also runs in test-system): schemathesis against the OpenAPI spec on a stack of its own
test-fuzz: venv pdf-libs
	$(PY) -m pytest -p no:pytest_nameko tests/fuzz

## docker-compose.yml built and run with podman: images FROM a local Debian base, billing scaled to 3
test-compose: venv
	$(PY) -m pytest -p no:pytest_nameko -s -rs tests/compose

## the fault experiments at full length (the suite runs them shorter): private RabbitMQ nodes,
## a broker restarted 5 times under load, SIGKILLed workers in a burst; prints what it measured
reliability: venv pdf-libs
	RELIABILITY_FULL=1 RELIABILITY_RESTARTS=5 $(PY) -m pytest -p no:pytest_nameko -s -rs tests/reliability

## load through the gateway and event throughput, each against a baseline measured in the same run
bench: venv
	$(PY) -m bench

## new migration after changing a service's models: make migration SERVICE=billing MSG="add invoices"
migration: $(STAMP)
	$(PY) -m portico_kit.migrate $(SERVICE) revision "$(MSG)"

## after marking new text for translation: extract it and add it to every language's catalog
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k lazy_gettext --no-location --sort-output \
		--project Portico -o $(LOCALES)/messages.pot .
	$(VENV)/bin/pybabel update -w 100 -i $(LOCALES)/messages.pot -d $(LOCALES) --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) data .pytest_cache
