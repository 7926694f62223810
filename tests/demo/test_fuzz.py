"""Schemathesis against the live demo's own /v1/schema, every check on, plus
the money check around every POST /v1/jobs: the only 5xx are the demo models
built to produce them, and the balance drops by the model's price if and only
if the answer is a fresh 201."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
from hypothesis import HealthCheck, given, settings

from tests.services import REDIS_URL, requires_postgres, requires_redis

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES_PER_OPERATION = 220  # five operations: over 1,000 requests
SERVICE_EXAMPLES = 100
DELIBERATE = {"demo-crash": 500, "demo-flaky": 502, "demo-overloaded": 503}
PRICE = Decimal("0.01")

# Every check on. A valid request may still be refused for the state it
# finds (the contract's own table): 402 when the balance is spent, 409 and
# 422 when the fuzzer sends one Idempotency-Key twice.
CONFIG_TOML = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "402", "403", "404", "409", "422", "429", "5xx"]
"""


def config():
    from schemathesis.config import SchemathesisConfig

    return SchemathesisConfig.from_str(CONFIG_TOML)


def refused_as_documented(response) -> bool:
    """A NUL or a lone surrogate in a JSON string: no column can store it and
    no answer can encode it, so the API refuses it with a 400 (the schema
    cannot say so of an any-JSON field)."""
    if response.status_code != 400:
        return False
    return "NUL character or a lone UTF-16 surrogate" in response.json()["message"]


def fuzz(base: str, key: str, examples: int = EXAMPLES_PER_OPERATION) -> int:
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    schema = schemathesis.openapi.from_url(f"{base}/v1/schema", config=config())
    session = requests.Session()
    auth = {"Authorization": f"Bearer {key}"}
    sent = 0

    def balance() -> Decimal:
        return Decimal(
            session.get(f"{base}/v1/balance", headers=auth).json()["balance"]
        )

    def check(operation) -> None:
        paid = operation.method.upper() == "POST" and operation.path == "/v1/jobs"

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,  # the same cases on every run: CI is repeatable
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:
            nonlocal sent
            before = balance() if paid else None
            response = case.call(base_url=base, session=session, headers=auth)
            sent += 1
            body = case.body if isinstance(case.body, dict) else {}
            model = body.get("model")
            if response.status_code >= 500:
                assert DELIBERATE.get(model) == response.status_code, (
                    case.as_curl_command(),
                    response.status_code,
                    response.text[:300],
                )
            excluded = [not_a_server_error]
            if refused_as_documented(response):
                excluded.append(positive_data_acceptance)
            case.validate_response(response, excluded_checks=excluded)
            if paid:
                fresh = response.status_code == 201 and (
                    "Idempotent-Replayed" not in response.headers
                )
                assert before - balance() == (PRICE if fresh else 0), (
                    case.as_curl_command()
                )

        run()

    for result in schema.get_all_operations():
        check(result.ok())
    return sent


def test_the_fuzzer_finds_no_stray_5xx_and_no_money_lost(live_server, settings):
    from django.contrib.auth import get_user_model

    from errorkit.billing.funds import add_funds
    from errorkit.keys.api_keys import create_key

    settings.DEMO_JOBS_RATE = "1000000/m"
    user = get_user_model().objects.create(username="fuzz")
    add_funds(user, "1000")
    key = create_key(user)[1]
    assert fuzz(live_server.url, key) >= 1000


@requires_postgres
@requires_redis
def test_the_fuzzer_on_gunicorn_postgresql_and_redis():
    from tests.served import fresh_postgres, gunicorn, manage

    with fresh_postgres() as url:
        manage(url, "migrate", "-v0", DJANGO_SECRET_KEY="fuzz")
        key = manage(
            url, "create_api_key", "fuzz", "--balance", "1000", DJANGO_SECRET_KEY="fuzz"
        )
        served = {
            "REDIS_URL": REDIS_URL,
            "DEMO_JOBS_RATE": "1000000/m",
            "DJANGO_SECRET_KEY": "fuzz",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        }
        with gunicorn(
            url,
            workers=4,
            app="demo_project.wsgi:application",
            settings="demo_project.settings",
            **served,
        ) as base:
            assert fuzz(base, key, examples=SERVICE_EXAMPLES) >= 400
