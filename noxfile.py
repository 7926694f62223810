"""The version matrix: the whole suite on the oldest supported set and on the
newest that installs. ``nox`` (or ``make matrix``) runs both; CI runs it.

Each session installs errorkit with every extra into its own virtualenv,
pins (or upgrades) the libraries, and runs the README's four pytest runs.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
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
PYTEST_RUNS = [
    [],
    ["tests/core", "tests/limits", "--ds=tests.settings_core"],
    [
        *("tests/keys", "tests/billing", "tests/idempotency", "tests/incidents"),
        "tests/dashboard",
        "--ds=tests.settings_email",
    ],
    ["tests/demo", "--ds=tests.demo.settings"],
]


def _suite(session: nox.Session) -> None:
    for args in PYTEST_RUNS:
        session.run(
            "python",
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *args,
            *session.posargs,
        )


@nox.session(python="3.10")
def oldest(session: nox.Session) -> None:
    """Python 3.10, Django 4.2, DRF 3.15, django-ratelimit 4.1, drf-spectacular 0.27."""
    session.install("-e", EXTRAS, *OLDEST)
    session.run("python", "-m", "pip", "freeze", silent=False)
    _suite(session)


@nox.session(python="3.12")
def middle(session: nox.Session) -> None:
    """Python 3.12 with Django 5.2 LTS and the newest of the rest."""
    session.install("-e", EXTRAS, "Django~=5.2.0")
    session.run("python", "-m", "pip", "freeze", silent=False)
    _suite(session)


@nox.session(python="3.13")
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
