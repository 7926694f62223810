"""errorkit.keys fills errorkit.customers: which key authenticated a request,
whose a key is, and the page of a user's keys."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import RequestFactory

from errorkit.customers import Customer, key_owner, key_prefix_of, page_url
from errorkit.keys.api_keys import create_key
from tests.users import make_user, username_of

pytestmark = pytest.mark.django_db


def test_the_key_that_authenticated_a_request_and_its_owner():
    user = make_user("dora")
    key, _secret = create_key(user)
    request = RequestFactory().get("/v1/x")
    assert key_prefix_of(request) == ""  # not authenticated
    request.auth = key  # as DRF sets it on the Django request
    assert key_prefix_of(request) == key.prefix
    request.auth = "a token of another authentication"
    assert key_prefix_of(request) == ""
    assert key_owner(key.prefix) == username_of(user)
    assert key_owner("sk_unknown") == ""


def test_the_page_of_a_users_keys():
    q = urlencode({"q": "dora@shop.example"})
    url = page_url("keys", Customer(user="dora@shop.example"))
    assert url.endswith(f"/errorkit_keys/apikey/?{q}")
    assert page_url("keys", Customer(key_prefix="sk_abc")) is None
