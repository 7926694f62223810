"""The version matrix: the whole suite on the oldest supported set and on the
newest that installs. ``nox`` (or ``make matrix``) runs both; CI runs it.

Each session installs errorkit with every extra into its own virtualenv
(made and filled by uv, from its cache: seconds, where pip took minutes),
pins (or upgrades) the libraries, and runs the README's four pytest runs
(tests/runs.py), side by side. `.ci/run` installs the sessions here
(``--install-only``) and runs every session's four runs at once beside the
default interpreter's, through ``make test``.
"""

from __future__ import annotations

import importlib.util
import shutil

import nox

# uv where it is installed (the dev extra brings it), else venv and pip.
# --seed puts pip in each environment too: the packaging tests and the
# session's freeze use it.
nox.options.default_venv_backend = "uv|venv"
nox.options.reuse_existing_virtualenvs = True

# Not the client extra: errorkit.client comes with the editable install (see
# the Makefile's install).
EXTRAS = ".[dev,demo,redis,postgres,openapi,stripe]"
# The oldest set the README promises, pinned to its minor versions.
OLDEST = [
    "Django~=4.2.0",
    "djangorestframework~=3.15.0",
    "django-ratelimit~=4.1.0",
    "drf-spectacular~=0.27.0",
    # The oldest redis-py the package allows: its timeouts are tested there too.
    "redis~=4.5.0",
    "django-redis~=5.4.0",
    "detect-secrets~=1.5.0",
    "python-stdnum~=1.19.0",
    # The first with StripeClient.v1, which the Stripe top-ups call.
    "stripe~=12.5.0",
]
# pip in each environment (uv's venvs have none unless seeded); venv has it.
SEED = ["--seed"] if shutil.which("uv") or importlib.util.find_spec("uv") else []


def _suite(session: nox.Session) -> None:
    """The four runs (tests/runs.py), named for the session: their test
    databases and Redis numbers are then their own, beside other sessions'."""
    session.run(
        "python",
        "-m",
        "tests.runs",
        "--python",
        f"{session.name}={session.bin}/python",
        *session.posargs,
    )


@nox.session(python="3.10", venv_params=SEED)
def oldest(session: nox.Session) -> None:
    """Python 3.10, Django 4.2, DRF 3.15, django-ratelimit 4.1, drf-spectacular 0.27."""
    session.install("-e", EXTRAS, *OLDEST)
    session.run("python", "-m", "pip", "freeze", silent=False)
    _suite(session)


@nox.session(python="3.12", venv_params=SEED)
def middle(session: nox.Session) -> None:
    """Python 3.12 with Django 5.2 LTS and the newest of the rest."""
    session.install("-e", EXTRAS, "Django~=5.2.0")
    session.run("python", "-m", "pip", "freeze", silent=False)
    _suite(session)


@nox.session(python="3.13", venv_params=SEED)
def newest(session: nox.Session) -> None:
    """Python 3.13 with the newest Django, DRF and libraries that install."""
    session.install("--upgrade", "-e", EXTRAS)
    session.install(
        "--upgrade",
        "Django",
        "djangorestframework",
        "django-ratelimit",
        "drf-spectacular",
    )
    session.run("python", "-m", "pip", "freeze", silent=False)
    _suite(session)
