"""What the admin's pages are built from: a traceback with the project's
frames set apart, a readable body, the newer/older kept events, and a
customer's failures."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import override_settings

from errorkit.customers import Customer
from errorkit.incidents.console.triage import (
    customer_page,
    neighbours,
    pretty_body,
    traceback_parts,
)
from errorkit.incidents.models import FailedRequest
from tests.users import username_of

TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/venv/lib/python3.11/site-packages/rest_framework/views.py", line 5, '
    "in dispatch\n"
    "    response = handler(request)\n"
    '  File "/srv/app/orders/views.py", line 9, in get\n'
    "    return price(order)\n"
    "KeyError: 'sku'\n"
)


def test_the_projects_frames_are_set_apart_from_libraries():
    parts = traceback_parts(TRACEBACK)
    assert [p.kind for p in parts] == ["", "library", "project", ""]
    assert parts[2].text.startswith('  File "/srv/app/orders/views.py"')
    assert "return price(order)" in parts[2].text
    assert "".join(p.text for p in parts) == TRACEBACK  # nothing lost


def test_a_json_body_is_indented_and_other_bodies_are_kept_as_they_are():
    assert pretty_body('{"a": [1, 2]}') == json.dumps({"a": [1, 2]}, indent=2)
    assert pretty_body("a=1&b=2") == "a=1&b=2"
    noted = "[errorkit: the body could not be read: OSError]\n{}"
    assert pretty_body(noted) == noted
    # A lone surrogate stays escaped: the page must still encode.
    assert pretty_body('{"x": "\\ud800"}') == '{"x": "\\ud800"}'


pytestmark = pytest.mark.django_db


@override_settings(
    ERRORKIT={"INCIDENT_SAMPLE_FIRST": 2, "INCIDENT_SAMPLE_INTERVAL": 3600}
)
def test_newer_and_older_go_to_the_nearest_kept_events(client):
    for n in range(4):
        client.get("/v1/test/bug/first", HTTP_X_REQUEST_ID=f"n-{n}")
    rows = {r.request_id: r for r in FailedRequest.objects.all()}
    assert neighbours(rows["n-0"]) == {"newer": rows["n-1"], "older": None}
    assert neighbours(rows["n-1"]) == {"newer": None, "older": rows["n-0"]}
    # n-3 was not kept: it lands after the newest kept event.
    assert neighbours(rows["n-3"]) == {"newer": None, "older": rows["n-1"]}


def test_a_customers_page_counts_failures_by_status_and_code(api, api_user, client):
    from tests.helpers import post_task

    post_task(api, {"kind": "crash", "payload": 1})
    post_task(api, {"kind": "crash", "payload": 2})
    client.get("/v1/tasks", HTTP_AUTHORIZATION="Bearer wrong")  # nobody's
    name = username_of(api_user)
    prefix = FailedRequest.objects.filter(user=name)[0].key_prefix
    for customer in (Customer(key_prefix=prefix), Customer(user=name)):
        page = customer_page(customer)
        assert page["owner"] == name
        assert dict(page["by_status"]) == {401: 0, 402: 0, 429: 0, 500: 2}
        assert [r["error_code"] for r in page["by_code"]] == ["internal_error"]
        assert len(page["requests"]) == 2 and len(page["incidents"]) == 1
        assert page["ledger_url"].endswith(
            f"/errorkit_billing/ledgerentry/?{urlencode({'q': name})}"
        )


def test_a_project_with_its_own_keys_registers_them_and_the_pages_follow(
    monkeypatch,
):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from errorkit import customers
    from errorkit.incidents.capture import capture_failure
    from errorkit.incidents.storage import write
    from tests.helpers import OwnKeys

    monkeypatch.setattr(customers.hooks, "keys", None)
    customers.register_keys(OwnKeys())
    request = RequestFactory().get("/v1/x")
    request.auth = {"id": "own_7"}
    write([capture_failure(request, HttpResponse(status=429))])
    row = FailedRequest.objects.get()
    assert (row.key_prefix, row.status_code) == ("own_7", 429)
    page = customer_page(Customer(key_prefix="own_7"))
    assert page["owner"] == "erin" and len(page["requests"]) == 1
    assert page["user_url"].endswith("/failedrequest/customer/?user=erin")


def test_the_console_offers_its_failures_page_by_user_or_key():
    from errorkit.customers import page_url

    by_user = page_url("failures", Customer(user="a b@x"))
    assert by_user.endswith("/failedrequest/customer/?user=a+b%40x")
    by_key = page_url("failures", Customer(key_prefix="sk_abc"))
    assert by_key.endswith("/failedrequest/customer/?key=sk_abc")
    assert page_url("failures", Customer()) is None
