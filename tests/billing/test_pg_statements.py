"""errorkit.billing.pg's statements are planned once per connection: the
hold and the post are PREPAREd on a connection's first use and EXECUTEd by
name after; a new connection prepares them again; the setting turns it off.

They run where PostgreSQL is the default database:
tests/billing/test_postgres_path.py runs this file there."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from errorkit.billing.backends import ModelBalanceBackend
from tests.helpers import assert_ledger_adds_up, balance_of

# Transactional: a test closes the connection, which a test's enclosing
# transaction would not allow.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL's path; tests/billing/test_postgres_path.py runs it there",
    ),
]

backend = ModelBalanceBackend()
NAMES = {"errorkit_billing_hold", "errorkit_billing_post"}


def prepared_here() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def charge_twice(user) -> list[str]:
    """Two holds, each posted; the statements sent, as Django logged them."""
    with CaptureQueriesContext(connection) as sent:
        for _ in range(2):
            backend.post(backend.hold(user, Decimal("1.00"), timeout=60))
    return [query["sql"].split(None, 1)[0].upper() for query in sent]


def test_the_hold_and_post_are_prepared_once_then_executed(api_user):
    connection.close()  # a connection that has prepared nothing yet
    verbs = charge_twice(api_user)
    assert verbs.count("PREPARE") == 2  # the hold's and the post's, once
    assert verbs.count("EXECUTE") == 4
    assert NAMES <= prepared_here()
    assert balance_of(api_user) == Decimal("8.00")
    assert_ledger_adds_up(api_user)


def test_a_new_connection_prepares_them_again(api_user):
    charge_twice(api_user)
    connection.close()
    verbs = charge_twice(api_user)
    assert verbs.count("PREPARE") == 2
    assert balance_of(api_user) == Decimal("6.00")
    assert_ledger_adds_up(api_user)


@override_settings(ERRORKIT={"BILLING_PREPARED_STATEMENTS": False})
def test_the_setting_sends_the_plain_statements(api_user):
    connection.close()
    verbs = charge_twice(api_user)
    assert "PREPARE" not in verbs and "EXECUTE" not in verbs
    assert not NAMES & prepared_here()
    assert balance_of(api_user) == Decimal("8.00")
    assert_ledger_adds_up(api_user)


def test_a_refused_hold_through_the_prepared_statement(api_user):
    assert backend.hold(api_user, Decimal("10.01"), timeout=60) is None
    assert backend.hold(api_user, Decimal("10.00"), timeout=60) is not None
    assert backend.hold(api_user, Decimal("0.01"), timeout=60) is None
