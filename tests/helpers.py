"""Assertions on the documented error contract (docs/demo-api.md, "Every error
has one body"), and the requests the library tests make of their own paid API
(tests.testapp)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse

ECHO_TASK = {"kind": "echo", "payload": 1}


# What a 401 and a 402 link to where the dashboard is installed and routed.
DASHBOARD_LINKS = {
    401: {"keys": "http://testserver/dashboard/keys/"},
    402: {"addFunds": "http://testserver/dashboard/balance/add/"},
}


def assert_error(
    response: HttpResponse,
    status: int,
    code: str,
    message: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The response is the documented error: status, JSON body, request id."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    request_id = response["X-Request-ID"]
    expected = {"error": code, "message": body.get("message"), "requestId": request_id}
    if "links" in body and "links" not in extra:
        # The dashboard's page where the caller fixes it (tests.urls routes it).
        expected["links"] = DASHBOARD_LINKS[status]
    expected.update(extra)
    assert body == expected
    assert isinstance(body["message"], str) and body["message"]
    if message is not None:
        assert body["message"] == message
    return body


def post_json(client: Any, path: str, body: Any, key: str | None, **extra: Any):
    """POST ``body`` as JSON; ``key``: its Idempotency-Key."""
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(path, body, content_type="application/json", **extra)


def post_task(client: Any, body: Any = None, *, key: str | None = None, **extra: Any):
    """POST /v1/tasks (an echo task by default)."""
    body = ECHO_TASK if body is None else body
    return post_json(client, "/v1/tasks", body, key, **extra)


def balance_of(user: Any) -> Decimal:
    """The settled balance: what the ledger's amounts sum to."""
    from errorkit.billing.funds import funds_of

    return funds_of(user).settled


def assert_ledger_adds_up(user: Any) -> None:
    """The ledger sums to what reads show, and to the account's stored
    columns once every resolved hold is folded in, which changes no read."""
    from errorkit.billing.backends import expire_lapsed_holds
    from errorkit.billing.funds import funds_of
    from errorkit.billing.models import CreditAccount, LedgerEntry

    funds = funds_of(user)
    entries = LedgerEntry.objects.filter(account__owner=user)
    # Added in Python: SQLite's SUM of decimals is a float.
    assert sum(entries.values_list("amount", flat=True)) == funds.settled
    expire_lapsed_holds()
    account = CreditAccount.objects.get(owner=user)
    assert sum(entries.values_list("amount", flat=True)) == account.balance
    assert sum(entries.values_list("held", flat=True)) == account.held
    assert funds_of(user) == funds


def run_command(*args: str) -> str:
    """A management command's stdout."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def lapse(hold: Any) -> None:
    """Let time pass for a placed hold: its expiry is now behind it."""
    from datetime import timedelta

    from django.utils import timezone

    from errorkit.billing.models import Hold

    Hold.objects.filter(pk=hold.hold_id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


class OwnKeys:
    """A project's own API keys for errorkit.customers: ``request.auth`` is a
    dict here, and one key, ``own_7``, is erin's."""

    shape = None

    def prefix_of(self, request: Any) -> str:
        auth = getattr(request, "auth", None)
        return auth["id"] if isinstance(auth, dict) else ""

    def owner_of(self, prefix: str) -> str:
        return {"own_7": "erin"}.get(prefix, "")
