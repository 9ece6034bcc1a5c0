# Partner Console. `make run` starts the console locally; `make test` runs what CI runs.
SHELL := /bin/bash
VENV := .venv
STAMP := $(VENV)/.installed
export VENV

.PHONY: run test fuzz moto bench openapi package deploy deploy-web destroy setup setup-browser fetch fmt clean

run: setup ## The whole console locally, with demo data (MOTO_PORT, API_PORT, WEB_PORT)
	infra/local/run.sh

test: ## Everything CI runs (it installs what it needs first; each step prints its duration)
	infra/local/test.sh

fuzz: setup ## schemathesis against the API of a running `make run` (API_PORT, default 9000); it changes the demo data
	infra/local/fuzz.sh $${API_PORT:-9000}

moto: setup ## The local AWS on its own (MOTO_PORT, default 5000), for running tests one at a time
	@echo "export MOTO_ENDPOINT=http://127.0.0.1:$${MOTO_PORT:-5000}   # then, e.g.: cargo test -p console-tests --test console customers::"
	$(VENV)/bin/python infra/local/motoserver.py --port $${MOTO_PORT:-5000}

bench: setup ## Cold start and binary sizes of the release functions, and the telemetry bench (docs/performance.md)
	infra/bench/run.sh

package: setup ## Every function's deployment zip, built as sam build builds it, and their sizes; no AWS account needed (ARCH=arm64|x86_64|host)
	$(VENV)/bin/python infra/deploy/package.py

# Stack parameters come from make variables or the environment: MAIL_FROM=... make deploy
# (README, "Deploy to AWS"). The region is the AWS CLI's; STACK_NAME overrides samconfig's.
deploy: setup ## Build, deploy the stack, publish the web app and set the console's address (MAIL_FROM, ...)
	$(VENV)/bin/python infra/deploy/deploy.py deploy

deploy-web: setup ## Build the web app and publish it to the deployed stack
	$(VENV)/bin/python infra/deploy/deploy.py web

destroy: setup ## Empty the web bucket and delete the stack (the table, user pool and files buckets are kept)
	$(VENV)/bin/python infra/deploy/deploy.py destroy

openapi: ## Regenerate docs/openapi.json and the web client's types from the code
	cargo run -q -p infra -- openapi > docs/openapi.json
	npm --prefix web run gen:api

fmt:
	cargo fmt --all

setup: $(STAMP) web/node_modules/.package-lock.json

# --no-compile: byte-compiling every module of moto's dependencies takes longer than
# compiling the few a run imports, when they are imported.
$(STAMP): infra/local/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-compile -r infra/local/requirements.txt
	touch $@

web/node_modules/.package-lock.json: web/package-lock.json
	npm --prefix web ci --no-audit --no-fund

# The crates, downloaded while the rest installs (make test runs it beside setup).
fetch:
	cargo fetch --locked

# Debian's Chromium for the browser tests (never a downloaded browser), and the tools
# that check report files as a person would: poppler-utils (pdftotext, pdfinfo,
# pdftoppm) and libxml2-utils (xmllint).
DEBIAN_TOOLS := /usr/bin/chromium /usr/bin/pdftotext /usr/bin/xmllint
setup-browser:
	@if ! ls $(DEBIAN_TOOLS) >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils libxml2-utils; \
	fi

clean:
	rm -rf target .local $(VENV) web/node_modules web/dist web/test-results
