# The two commands a newcomer needs: `make run` and `make test`. Everything else is set-up
# they call, installed into this folder (.tools, .venv, node_modules, static/dist).

UV_VERSION := 0.13.8
# Override with `make PYTHON=/path/to/python3.12 ...`; looked up only when a recipe needs it.
PYTHON ?= $(shell scripts/find-python.sh)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test install system-packages-run system-packages-test backup restore

run: install system-packages-run
	.venv/bin/python scripts/stack.py run

test: install system-packages-test
	.venv/bin/python scripts/stack.py test $(PYTEST_ARGS)

# Back up the database (DATABASE_URL, or the embedded one `make run` started) to backups/,
# or restore one: `make restore FILE=backups/ppo-....dump`.
backup: .venv/.synced
	.venv/bin/python scripts/backup.py backup

restore: .venv/.synced
	$(if $(FILE),,$(error Say which backup: make restore FILE=backups/ppo-....dump))
	.venv/bin/python scripts/backup.py restore "$(FILE)"

install: .venv/.synced static/dist/application.css

# A database or Redis given by URL needs no local server.
system-packages-run:
	scripts/system-packages.sh $(if $(DATABASE_URL),,postgresql) pdf

system-packages-test:
	scripts/system-packages.sh $(if $(DATABASE_URL),,postgresql) $(if $(REDIS_URL),,redis) chromium pdf

.tools/bin/uv:
	$(if $(PYTHON),,$(error No Python 3.12+ found: install one or set PYTHON=/path/to/python3))
	"$(PYTHON)" -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock .tools/bin/uv
	$(if $(PYTHON),,$(error No Python 3.12+ found: install one or set PYTHON=/path/to/python3))
	.tools/bin/uv sync --frozen --python "$(PYTHON)"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

static/dist/application.css: node_modules/.installed scripts/build-assets.mjs static/src/application.scss
	node scripts/build-assets.mjs
