"""Money and idempotency under real concurrency: PostgreSQL, and SQLite threads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from tests.services import (
    POSTGRES_UP,
    POSTGRES_URL,
    REQUIRE_SERVICES,
    requires_postgres,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["postgres", "sqlite"])
def database_url(request, tmp_path):
    """A fresh, empty database for one scenario, dropped afterwards."""
    if request.param == "sqlite":
        import django

        if django.VERSION < (5, 1):
            pytest.skip(
                "racing writers on SQLite need Django 5.1's transaction_mode "
                "IMMEDIATE; before it, SQLite answers them 503 (database locked)"
            )
        yield f"sqlite:///{tmp_path / 'race.sqlite3'}"
        return
    if not POSTGRES_UP and not REQUIRE_SERVICES:
        pytest.skip(
            "PostgreSQL is not reachable; set ERRORKIT_REQUIRE_SERVICES=1 to fail"
        )
    import psycopg

    name = f"errorkit_race_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(scenario: str, database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.races.race", scenario],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "database is locked" not in done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@requires_postgres
def test_forty_racing_jobs_on_a_balance_for_ten(database_url):
    result = run("balance", database_url)
    assert result["statuses"] == {"201": 10, "402": 30}, result
    assert Decimal(result["balance"]) == Decimal(result["ledger_sum"]) == 0
    assert result["posts"] == 10 and result["voids"] == 0
    assert Decimal(result["held"]) == Decimal(result["ledger_held"]) == 0


@requires_postgres
def test_ten_racing_requests_with_one_key_charge_once(database_url):
    result = run("idempotency", database_url)
    assert result["executed"] == 1, result
    assert set(result["statuses"]) <= {"201", "409"}, result
    assert result["replay_identical"] is True and result["replayed_header"] == "true"
    assert (
        Decimal(result["balance"]) == Decimal(result["ledger_sum"]) == Decimal("0.75")
    )
    assert result["posts"] == 1 and Decimal(result["held"]) == 0


@requires_postgres
def test_one_request_id_on_concurrent_paid_calls_loses_nothing(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("calls waiting inside their views hold SQLite's one writer lock")
    result = run("shared_request_id", database_url)
    assert result["in_flight"] == {"201": 9}, result
    assert result["retried"] == 201 and result["dead_hold"] == "voided", result
    assert result["posts"] == 10, result
    assert (
        Decimal(result["balance"]) == Decimal(result["ledger_sum"]) == Decimal("7.50")
    )
    assert Decimal(result["held"]) == Decimal(result["ledger_held"]) == 0


@requires_postgres
def test_a_502_retried_with_the_same_key_runs_again_and_costs_nothing(database_url):
    result = run("retry", database_url)
    assert result["statuses"] == [502, 502, 502]
    assert Decimal(result["balance"]) == Decimal(result["ledger_sum"]) == 1
    assert result["holds"] == result["voids"] == 3 and result["posts"] == 0
    assert Decimal(result["held"]) == Decimal(result["ledger_held"]) == 0


@requires_postgres
def test_racing_server_errors_lose_no_count_and_reopen_once(database_url):
    result = run("incidents", database_url)
    assert result["before"] == [{"count": 40, "status": "open"}], result
    assert result["after"] == [{"count": 60, "status": "open", "regressed": True}], (
        result
    )
