# The two commands a newcomer needs: `make run` and `make test`. Everything else is set-up
# they call, installed into this folder (.tools, .venv, node_modules, static/dist).

UV_VERSION := 0.13.8
# Evaluated only when .tools is first created.
PYTHON = $(shell scripts/find-python.sh)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test install system-packages-run system-packages-test

run: install system-packages-run
	.venv/bin/python scripts/stack.py run

test: install system-packages-test
	.venv/bin/python scripts/stack.py test $(PYTEST_ARGS)

install: .venv/.synced static/dist/application.css

system-packages-run:
	scripts/system-packages.sh postgresql

system-packages-test:
	scripts/system-packages.sh postgresql redis chromium

.tools/bin/uv:
	"$(PYTHON)" -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock .tools/bin/uv
	.tools/bin/uv sync --frozen --python "$(PYTHON)"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

static/dist/application.css: node_modules/.installed scripts/build-assets.mjs static/src/application.scss
	node scripts/build-assets.mjs
