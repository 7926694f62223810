# The two set-up commands are `make demo` and `make test`; each works alone
# on a fresh machine: it creates .venv, installs, and does its job.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000
# The demo answers the host it serves on, besides the local names; other
# names callers use are added by setting DJANGO_ALLOWED_HOSTS.
demo serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(firstword $(subst :, ,$(HOST)))

WORKERS ?= 4

.PHONY: install test demo serve lint format messages bench bench-quick bench-tools browser clean dist matrix

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes.
# errorkit.client comes with the editable errorkit (its folder is inside it;
# dev brings httpx and tenacity): the errorkit-client distribution is not
# installed here, since its "errorkit" namespace would hide the editable
# package from any other working directory. tests/packaging builds and
# installs it, alone and as the client extra, in fresh virtualenvs.
# uv installs (pip fetches it first): the same packages, in a fraction of
# pip's time.
$(STAMP): pyproject.toml errorkit/client/pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -e ".[dev,demo,redis,postgres,openapi,stripe]"
	touch $(STAMP)

install: $(STAMP)

# Four runs, one per settings module (tests/runs.py), TEST_JOBS at a time:
# the library with every errorkit app (tests.settings), core alone (no
# optional app, no table), the optional apps with a user model that signs in
# by e-mail and has no username, and the demo. TEST_PYTHONS adds interpreters
# (NAME=PATH ...) whose four runs go beside these: .ci/run gives the version
# matrix's.
TEST_JOBS ?= 2
TEST_PYTHONS ?=
test: install
	$(PY) -m tests.runs --jobs $(TEST_JOBS) --python default=$(PY) \
		$(foreach p,$(TEST_PYTHONS),--python $(p)) $(PYTEST_ARGS)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_setup --host $(HOST)
	$(PY) manage.py runserver $(HOST)

# The same demo under gunicorn, several worker processes, on DATABASE_URL and
# REDIS_URL (set both for counts and money shared by every process).
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_setup --host $(HOST)
	$(VENV)/bin/gunicorn demo_project.wsgi:application --bind $(HOST) \
		--workers $(WORKERS) --access-logfile -

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The wheel and the sdist, checked as PyPI would (the packaging tests also
# install the wheel into a fresh virtualenv).
dist: install
	rm -rf dist
	$(PY) -m build --outdir dist
	$(PY) -m build --outdir dist errorkit/client
	$(PY) -m twine check --strict dist/*

# The version matrix (noxfile.py): Python 3.10 with the oldest supported
# Django/DRF/django-ratelimit/drf-spectacular, 3.12 with the default set, and
# Python 3.13 with the newest.
# pyenv's interpreters are put on PATH for nox to find.
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
# uv takes the interpreters found there and downloads none.
matrix: install
	PATH="$$(ls -d $(PYENV_ROOT)/versions/3.1[023]*/bin 2>/dev/null | tr '\n' ':')$$PATH" \
		UV_PYTHON_DOWNLOADS=never $(VENV)/bin/nox $(NOX_ARGS)

# The catalogs, after a message changed: errorkit's (Django's makemessages;
# the client keeps its own) and errorkit-client's (gettext's tools: it has no
# Django). Translate the new entries in each .po, then `make messages` again
# compiles them (tests/core/test_translations.py and tests/client check both).
CLIENT_LOCALE := errorkit/client/locale
messages: install
	cd errorkit && DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=.. \
		../$(VENV)/bin/django-admin makemessages -l fr -l de --no-location --no-obsolete --ignore client
	cd errorkit && ../$(VENV)/bin/django-admin compilemessages -l fr -l de
	xgettext -L Python --keyword=_ --no-location --from-code=UTF-8 \
		-o $(CLIENT_LOCALE)/errorkit_client.pot errorkit/client/messages.py
	for lang in fr de; do \
		msgmerge --quiet --update --no-fuzzy-matching --backup=none \
			$(CLIENT_LOCALE)/$$lang/LC_MESSAGES/errorkit_client.po $(CLIENT_LOCALE)/errorkit_client.pot; \
		msgattrib --no-obsolete -o $(CLIENT_LOCALE)/$$lang/LC_MESSAGES/errorkit_client.po \
			$(CLIENT_LOCALE)/$$lang/LC_MESSAGES/errorkit_client.po; \
		msgfmt -o $(CLIENT_LOCALE)/$$lang/LC_MESSAGES/errorkit_client.mo \
			$(CLIENT_LOCALE)/$$lang/LC_MESSAGES/errorkit_client.po; \
	done
	rm $(CLIENT_LOCALE)/errorkit_client.pot

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Debian's chromium for the admin's browser test (Playwright drives it; no
# browser is downloaded). Needs root, as on CI.
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# B1-B6 in one table (docs/benchmarks.md says what each measures).
# BENCH_ARGS=--docs writes the table, chart and machine into the doc.
# B5 and B6 need PostgreSQL and Redis; B6 needs wrk (bench-tools installs
# it where apt can): without them they print why, and measure nothing.
bench: install bench-tools
	$(PY) benchmarks/run.py $(BENCH_ARGS)

# The same table from fewer, shorter rounds: under two minutes.
bench-quick: install bench-tools
	BENCH_QUICK=1 $(PY) benchmarks/run.py $(BENCH_ARGS)

bench-tools:
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk >/dev/null 2>&1) \
		|| echo "wrk is not installed and apt could not install it: B6 will say so"

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .nox dist build
