"""The billing tests again with PostgreSQL as the default database, where
ModelBalanceBackend takes its fast path (errorkit.billing.pg) instead of the
ORM's: both must keep every promise the same."""

from __future__ import annotations

from tests.served import pytest_on_fresh_postgres, served
from tests.services import requires_postgres

BILLING_TESTS = [
    "tests/billing/test_backends.py",
    "tests/billing/test_pg_statements.py",
    # Random histories against the rules' model: the one-statement path
    # equals what the ORM's path equals on the default database.
    "tests/billing/test_histories.py",
    "tests/billing/test_decorators.py",
    "tests/billing/test_commands.py",
    "tests/billing/test_admin.py",
    "tests/idempotency/test_decorators.py",
]


@requires_postgres
@served
def test_the_billing_tests_pass_on_the_postgresql_path():
    pytest_on_fresh_postgres(*BILLING_TESTS)
