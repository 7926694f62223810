"""errorkit.callers: the caller's identity, as limits count it and
idempotency keys are scoped by."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from errorkit.callers import credential_identity, ip_identity, user_or_ip


def request_from(address: str = "203.0.113.7", user=None, auth=None):
    request = RequestFactory().get("/v1/x", REMOTE_ADDR=address)
    request.user = user if user is not None else AnonymousUser()
    request.auth = auth
    return request


def signed_in(pk: int):
    return SimpleNamespace(pk=pk, is_authenticated=True)


def test_a_signed_in_caller_is_its_user_else_its_address():
    assert user_or_ip(request_from(user=signed_in(7))) == "user:7"
    assert user_or_ip(request_from()) == "ip:203.0.113.7"
    # An IPv6 caller is its /64 network: one host holds many addresses.
    assert ip_identity(request_from("2001:db8::1")) == "ip:2001:db8::"


def test_a_credential_is_named_by_its_class_and_key_never_its_secret():
    class APIKey(SimpleNamespace):
        pass

    key = APIKey(pk=42, secret="sk_live_secret")
    identity = credential_identity(request_from(user=signed_in(7), auth=key))
    assert identity == "key:APIKey:42" and "secret" not in identity
    # No credential (a session, a token-less call): the user or the address.
    assert credential_identity(request_from(user=signed_in(7))) == "user:7"
    assert credential_identity(request_from(auth="a string")) == "ip:203.0.113.7"
