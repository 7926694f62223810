"""errorkit.limit_keys: what a limit counts by."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from errorkit.limits.keys import key_function

factory = RequestFactory()


def request(user=None, auth=None, **meta):
    r = factory.get("/v1/x", REMOTE_ADDR="198.51.100.7", **meta)
    r.user = user or AnonymousUser()
    if auth is not None:
        r.auth = auth
    return r


USER = SimpleNamespace(pk=42, is_authenticated=True)
KEY = SimpleNamespace(pk=7)


def tenant_key(group, request):
    return request.META.get("HTTP_X_TENANT", "none")


@pytest.mark.parametrize(
    "key,req,expected",
    [
        ("api_key", request(USER, KEY), "key:SimpleNamespace:7"),
        ("api_key", request(USER), "user:42"),
        ("api_key", request(), "ip:198.51.100.7"),
        ("user", request(USER), "user:42"),
        ("user", request(), "user:anonymous"),
        ("ip", request(USER), "ip:198.51.100.7"),
        ("user_or_ip", request(USER), "user:42"),
        ("user_or_ip", request(), "ip:198.51.100.7"),
        ("header:X-Tenant", request(HTTP_X_TENANT="acme"), "header:X-Tenant:acme"),
        (tenant_key, request(HTTP_X_TENANT="acme"), "fn:acme"),
        ("tests.limits.test_keys.tenant_key", request(HTTP_X_TENANT="b"), "fn:b"),
    ],
)
def test_key_values(key, req, expected):
    assert key_function(key)("g", req) == expected


@pytest.mark.parametrize("key", ["", "cookie", "header:", 3])
def test_unknown_keys_are_explained(key):
    with pytest.raises(ImproperlyConfigured):
        key_function(key)
