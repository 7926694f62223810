"""Core alone: no table of errorkit's, and a clear word for an app's feature
used without the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
OPTIONAL_APPS = {
    "errorkit.keys": {"errorkit_keys_apikey"},
    "errorkit.billing": {
        "errorkit_billing_creditaccount",
        "errorkit_billing_hold",
        "errorkit_billing_ledgerentry",
    },
    "errorkit.idempotency": {"errorkit_idempotency_idempotencyrecord"},
    "errorkit.incidents": {
        "errorkit_incidents_incident",
        "errorkit_incidents_incidentevent",
        "errorkit_incidents_incidenthour",
        "errorkit_incidents_statuschange",
        "errorkit_incidents_failedrequest",
    },
    # Its own: the top-ups customers ask for; the rest it asks the other apps.
    "errorkit.dashboard": {"errorkit_dashboard_topup"},
}


@pytest.mark.django_db
def test_errorkit_tables_are_exactly_those_of_the_installed_apps():
    # Run under tests.settings (every app) and tests.settings_core (none).
    tables = {t for t in connection.introspection.table_names() if "errorkit" in t}
    expected = set().union(
        *(names for app, names in OPTIONAL_APPS.items() if apps.is_installed(app))
    )
    assert tables == expected
    assert apps.get_app_config("errorkit").models_module is None


def run_with_core_only(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings_core"}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "name, app",
    [("require_balance", "errorkit.billing"), ("idempotent", "errorkit.idempotency")],
)
def test_a_decorator_of_an_app_not_installed_says_what_to_add(name, app):
    done = run_with_core_only(f"import errorkit; errorkit.{name}")
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured")
    assert f"errorkit.{name} needs '{app}' in INSTALLED_APPS" in last


def test_core_features_import_without_any_optional_app():
    done = run_with_core_only(
        "import errorkit; errorkit.ratelimit; errorkit.exception_handler; "
        "import errorkit.openapi, errorkit.middleware, errorkit.views; print('ok')"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.django_db
def test_every_installed_apps_migrations_match_its_models():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# Each app by its plain name in INSTALLED_APPS, and the AppConfig Django must
# load for it: a plain AppConfig would skip ready(), so its settings, checks
# and signal receivers.
APP_CONFIGS = {
    "errorkit": "errorkit.apps.ErrorkitConfig",
    "errorkit.keys": "errorkit.keys.apps.KeysConfig",
    "errorkit.billing": "errorkit.billing.apps.BillingConfig",
    "errorkit.idempotency": "errorkit.idempotency.apps.IdempotencyConfig",
    "errorkit.incidents": "errorkit.incidents.apps.IncidentsConfig",
    "errorkit.dashboard": "errorkit.dashboard.apps.DashboardConfig",
}


@pytest.mark.parametrize("name, config", APP_CONFIGS.items())
def test_each_app_by_its_plain_name_loads_its_own_config(name, config):
    from django.apps import AppConfig

    found = AppConfig.create(name)  # what INSTALLED_APPS = [name] loads
    assert f"{type(found).__module__}.{type(found).__qualname__}" == config
    if apps.is_installed(name):
        installed = next(c for c in apps.get_app_configs() if c.name == name)
        assert type(installed) is type(found)
