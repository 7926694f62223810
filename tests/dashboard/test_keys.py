"""errorkit.dashboard.keys: a customer's own API keys, signed in with the
project's login: list, create (the secret shown once), rename, revoke; only
their own keys, every change a POST with CSRF, never framed or cached."""

from __future__ import annotations

import logging

import pytest
from django.test import Client, override_settings

from errorkit.keys.api_keys import create_key
from errorkit.keys.models import APIKey
from tests.users import make_user

pytestmark = pytest.mark.django_db

KEYS = "/dashboard/keys/"
NEW = "/dashboard/keys/new/"


def rename_url(key: APIKey) -> str:
    return f"/dashboard/keys/{key.pk}/rename/"


def revoke_url(key: APIKey) -> str:
    return f"/dashboard/keys/{key.pk}/revoke/"


def calls_with(secret: str) -> int:
    caller = Client(raise_request_exception=False)
    return caller.get("/v1/account", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code


def test_every_page_asks_an_anonymous_visitor_to_sign_in(api_user):
    key, _ = create_key(api_user)
    anonymous = Client()
    for method, url in [
        ("get", "/dashboard/"),
        ("get", KEYS),
        ("post", NEW),
        ("get", rename_url(key)),
        ("post", rename_url(key)),
        ("get", revoke_url(key)),
        ("post", revoke_url(key)),
    ]:
        answer = getattr(anonymous, method)(url)
        assert answer.status_code == 302, (method, url)
        assert answer["Location"].startswith("/accounts/login/?next="), url
    assert APIKey.objects.get(pk=key.pk).is_active


def test_a_new_keys_secret_is_shown_once_and_works(customer, api_user, caplog):
    caplog.set_level(logging.DEBUG)
    made = customer.post(NEW, {"name": "billing server"})
    assert made.status_code == 302 and made["Location"] == KEYS
    key = APIKey.objects.get(owner=api_user, name="billing server")

    assert customer.head(KEYS).status_code == 200  # uses nothing up
    page = customer.get(KEYS)
    html = page.content.decode()
    secret = page.context["new_key"]["secret"]
    assert secret.startswith(key.prefix) and secret in html
    assert "shown this once" in html
    assert calls_with(secret) == 200
    # A reload shows it no more, and makes no second key.
    again = customer.get(KEYS).content.decode()
    assert secret not in again and key.prefix in again
    assert APIKey.objects.filter(owner=api_user).count() == 1
    # Never in a URL or a log.
    assert secret not in made["Location"]
    assert secret not in caplog.text


def test_a_read_only_key_can_read_but_not_write(customer, api_user):
    customer.post(NEW, {"name": "reader", "read_only": "on"})
    secret = customer.get(KEYS).context["new_key"]["secret"]
    assert APIKey.objects.get(owner=api_user, name="reader").read_only
    caller = Client(raise_request_exception=False)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert caller.get("/v1/account", **auth).status_code == 200
    written = caller.post("/v1/tasks", {"title": "x"}, "application/json", **auth)
    assert written.status_code == 403


def test_the_list_shows_the_customers_keys_only(customer, api_user):
    own, _ = create_key(api_user, name="mine")
    theirs, _ = create_key(make_user("bob"), name="bobs")
    html = customer.get(KEYS).content.decode()
    assert own.prefix in html and "mine" in html
    assert theirs.prefix not in html and "bobs" not in html


def test_a_key_is_renamed_with_a_post(customer, api_user):
    key, _ = create_key(api_user, name="old")
    form = customer.get(rename_url(key))
    assert form.status_code == 200 and 'value="old"' in form.content.decode()
    done = customer.post(rename_url(key), {"name": "  new name  "})
    assert done.status_code == 302
    assert APIKey.objects.get(pk=key.pk).name == "new name"


def test_revoking_asks_first_then_the_key_gets_401(customer, api_user):
    key, secret = create_key(api_user)
    confirm = customer.get(revoke_url(key))
    assert confirm.status_code == 200 and "get 401" in confirm.content.decode()
    assert APIKey.objects.get(pk=key.pk).is_active  # asking revokes nothing
    assert calls_with(secret) == 200
    done = customer.post(revoke_url(key))
    assert done.status_code == 302
    assert not APIKey.objects.get(pk=key.pk).is_active
    assert calls_with(secret) == 401
    page = customer.get(KEYS).content.decode()
    assert "is revoked" in page and "revoked " in page


def test_changes_need_the_csrf_token(api_user):
    key, _ = create_key(api_user, name="kept")
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(api_user)
    assert forger.post(revoke_url(key)).status_code == 403
    assert forger.post(rename_url(key), {"name": "x"}).status_code == 403
    assert forger.post(NEW, {"name": "y"}).status_code == 403
    key.refresh_from_db()
    assert key.is_active and key.name == "kept"
    assert APIKey.objects.filter(owner=api_user).count() == 1


def test_another_customers_key_is_not_found_by_any_url(customer, api_user):
    theirs, secret = create_key(make_user("bob"), name="bobs")
    for method, url, data in [
        ("get", rename_url(theirs), {}),
        ("post", rename_url(theirs), {"name": "mine now"}),
        ("get", revoke_url(theirs), {}),
        ("post", revoke_url(theirs), {}),
    ]:
        answer = getattr(customer, method)(url, data)
        assert answer.status_code == 404, (method, url)
        assert "bobs" not in answer.content.decode()
    theirs.refresh_from_db()
    assert theirs.is_active and theirs.name == "bobs"
    assert calls_with(secret) == 200


@pytest.mark.parametrize(
    "key_id",
    [
        "abc",
        "0",
        "-1",
        "9223372036854775808",  # 2**63: past the column, a 500 before Django 5
        "99999999999999999999999999",
        "1.0",
        "%00",
        "%F0%9F%94%91",
        "%EF%BC%91",  # a full-width digit one
    ],
)
def test_a_key_id_that_names_no_key_is_404(customer, key_id):
    assert customer.get(f"/dashboard/keys/{key_id}/rename/").status_code == 404
    assert customer.post(f"/dashboard/keys/{key_id}/revoke/").status_code == 404


@pytest.mark.parametrize(
    "name, message",
    [
        ("x" * 101, "at most 100 characters"),
        ("tab\there", "control characters"),
        ("nul\x00", "Null characters are not allowed"),
    ],
)
def test_a_bad_name_is_refused_saying_why_and_nothing_is_made(
    customer, api_user, name, message
):
    answer = customer.post(NEW, {"name": name})
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not APIKey.objects.filter(owner=api_user).exists()
    key, _ = create_key(api_user, name="kept")
    renamed = customer.post(rename_url(key), {"name": name})
    assert renamed.status_code == 400 and message in renamed.content.decode()
    assert APIKey.objects.get(pk=key.pk).name == "kept"


@override_settings(ERRORKIT={"DASHBOARD_KEY_CREATE_RATE": "2/h"})
def test_creating_keys_is_rate_limited_per_customer(customer, api_user):
    assert customer.post(NEW, {"name": "1"}).status_code == 302
    customer.get(KEYS)  # shows (and forgets) the first secret
    assert customer.post(NEW, {"name": "2"}).status_code == 302
    customer.get(KEYS)
    refused = customer.post(NEW, {"name": "3"})
    assert refused.status_code == 429
    assert "Try again later" in refused.content.decode()
    assert APIKey.objects.filter(owner=api_user).count() == 2
    # Another customer has their own allowance.
    other = Client()
    other.force_login(make_user("bob"))
    assert other.post(NEW, {"name": "b"}).status_code == 302


def test_pages_are_never_framed_or_cached(customer, api_user):
    key, _ = create_key(api_user)
    for url in (KEYS, rename_url(key), revoke_url(key)):
        answer = customer.get(url)
        assert answer.status_code == 200, url
        assert answer["X-Frame-Options"] == "DENY", url
        assert "no-store" in answer["Cache-Control"], url


def test_without_an_app_for_keys_the_page_says_which_to_add(customer, monkeypatch):
    from errorkit import customers

    monkeypatch.setattr(customers.hooks, "customer_keys", None)
    answer = customer.get(KEYS)
    assert answer.status_code == 404 and "errorkit.keys" in answer.content.decode()
