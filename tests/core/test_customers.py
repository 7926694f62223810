"""errorkit.customers: the hooks through which the apps tell each other who a
customer is and where each shows one. Core alone answers "nobody" and "no
page"; whatever registers a hook is asked. (Each app's own registration is
tested beside it: tests/keys, tests/billing, tests/incidents.)"""

from __future__ import annotations

from django.test import RequestFactory

from errorkit import customers
from errorkit.customers import Customer, key_owner, key_prefix_of, page_url
from tests.helpers import OwnKeys


def test_with_no_app_registered_nobody_is_named_and_no_page_shown(monkeypatch):
    monkeypatch.setattr(customers, "hooks", customers.Hooks())
    request = RequestFactory().get("/v1/x")
    request.auth = {"id": "own_7"}
    assert key_prefix_of(request) == "" and key_owner("own_7") == ""
    assert page_url("failures", Customer(user="erin")) is None


def test_what_is_registered_answers(monkeypatch):
    monkeypatch.setattr(customers, "hooks", customers.Hooks())
    customers.register_keys(OwnKeys())
    customers.register_page("ledger", lambda c: c.user and f"/ledger/{c.user}")
    request = RequestFactory().get("/v1/x")
    request.auth = {"id": "own_7"}
    assert key_prefix_of(request) == "own_7" and key_owner("own_7") == "erin"
    assert key_owner("") == ""  # no lookup for no key
    assert page_url("ledger", Customer(user="erin")) == "/ledger/erin"
    assert page_url("keys", Customer(user="erin")) is None
