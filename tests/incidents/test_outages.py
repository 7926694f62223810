"""The database cut while requests and crashes arrive, on gunicorn and
PostgreSQL: every answer is a 503 with retryAfter (one incident), the first
requests after it comes back succeed, and every 5xx of the outage is counted
once the database is back."""

from __future__ import annotations

import psycopg
import pytest
import requests

from tests.served import (
    TCPProxy,
    fresh_postgres,
    gunicorn,
    served,
    setup_caller,
    wait_until,
)
from tests.services import requires_postgres

pytestmark = [requires_postgres, served]


@pytest.fixture
def database():
    with fresh_postgres() as url:
        yield url


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT error_code, count FROM errorkit_incidents_incident"
        ).fetchall()
    return dict(rows)


def test_an_outage_is_503_and_nothing_of_it_is_lost(database):
    key = setup_caller(database, "alice", "10.00")
    auth = {"Authorization": f"Bearer {key}"}
    proxy = TCPProxy(database)
    env = {
        "TEST_INCIDENT_RECORDING": "background",
        "TEST_PERSISTENT_CONNECTIONS": "1",
    }
    try:
        with gunicorn(proxy.url, workers=2, **env) as base:
            for _ in range(4):  # every worker holds a pooled connection
                assert requests.get(f"{base}/v1/account", headers=auth).ok
            proxy.cut()
            during = [
                requests.get(f"{base}/v1/account", headers=auth, timeout=30)
                for _ in range(6)
            ]
            crashes = [
                requests.get(f"{base}/v1/test/bug/first", timeout=30) for _ in range(10)
            ]
            proxy.restore()
            after = [
                requests.get(f"{base}/v1/account", headers=auth, timeout=30)
                for _ in range(6)
            ]
            for answer in during:
                assert answer.status_code == 503, answer.content
                body = answer.json()
                assert (body["error"], body["retryAfter"]) == ("service_unavailable", 5)
                assert answer.headers["Retry-After"] == "5"
            assert [c.status_code for c in crashes] == [500] * 10
            # Dead pooled connections are noticed before use: no failure.
            assert [a.status_code for a in after] == [200] * 6
            expected = {"service_unavailable": 6, "internal_error": 10}
            wait_until(
                lambda: counts(database) == expected,
                "the outage's events to be written",
                timeout=60,
            )
    finally:
        proxy.close()
