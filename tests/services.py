"""Real PostgreSQL and Redis for the service tests.

They run whenever the services answer (``DATABASE_URL`` / ``REDIS_URL`` override
the addresses) and skip, saying so, when they do not; with
``ERRORKIT_REQUIRE_SERVICES=1`` (CI) a service that cannot be reached fails.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse, urlunparse

import dj_database_url
import pytest
from dj_database_url import DBConfig

REQUIRE_SERVICES = os.environ.get("ERRORKIT_REQUIRE_SERVICES") == "1"
# DATABASE_URL on PostgreSQL is the service database (and the run's default).
DEFAULT_IS_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
POSTGRES_URL = (
    os.environ["DATABASE_URL"]
    if DEFAULT_IS_POSTGRES
    else "postgres://postgres@127.0.0.1:5432/test"
)
# Runs side by side (tests/runs.py) each take a Redis database number of
# their own (ERRORKIT_TEST_REDIS_DB), on REDIS_URL's server or the local one.
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
if os.environ.get("ERRORKIT_TEST_REDIS_DB"):
    REDIS_URL = urlunparse(
        urlparse(REDIS_URL)._replace(path="/" + os.environ["ERRORKIT_TEST_REDIS_DB"])
    )


def answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


POSTGRES_UP = answers(POSTGRES_URL, 5432)
REDIS_UP = answers(REDIS_URL, 6379)


def postgres_database() -> DBConfig:
    """The settings of the "postgres" alias, the service database. Runs side
    by side (tests/runs.py) each name their lane in ``ERRORKIT_TEST_LANE``:
    each then gets a test database of its own. A run whose default database
    is PostgreSQL already (DATABASE_URL, a fresh database) keeps Django's
    name, which the two aliases then share."""
    config = dj_database_url.parse(POSTGRES_URL)
    lane = os.environ.get("ERRORKIT_TEST_LANE", "")
    if lane and not DEFAULT_IS_POSTGRES:
        config["TEST"] = {"NAME": f"test_{config['NAME']}_{lane}"[:63]}
    return config


def require(service: str, up: bool) -> pytest.MarkDecorator:
    """Skip when the service is down, unless CI requires it (then the test fails)."""
    reason = (
        f"{service} is not reachable; set ERRORKIT_REQUIRE_SERVICES=1 to fail instead"
    )
    return pytest.mark.skipif(not up and not REQUIRE_SERVICES, reason=reason)


requires_postgres = require("PostgreSQL", POSTGRES_UP)
requires_redis = require("Redis", REDIS_UP)
