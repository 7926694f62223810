"""Every URL of errorkit.dashboard, read from its URLconf (a new page is
covered, or this test fails until it is): an anonymous visitor is sent to
sign in, and a customer reaches none of another customer's objects, by GET
or POST, and sees none of their data on their own pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern
from django.utils import timezone

from errorkit.billing.funds import add_funds
from errorkit.dashboard import urls
from errorkit.dashboard.models import TopUp
from errorkit.incidents.models import FailedRequest
from errorkit.keys.api_keys import create_key
from errorkit.keys.models import APIKey
from tests.users import make_user

pytestmark = pytest.mark.django_db

BOBS_REQUEST = "req-bob-only-0001"

# Each page's kind: "own" lists the signed-in customer's own things; "object"
# names one object by its id in the URL; "signed" is no page but a payment
# provider's call, trusted by its signature alone. A new URL must be added here.
PAGES = {
    "home": "own",
    "balance": "own",
    "add_funds": "own",
    "failures": "own",
    "usage": "own",
    "failure": "object",
    "stripe_webhook": "signed",
    "keys": "own",
    "new_key": "own",
    "rename_key": "object",
    "revoke_key": "object",
}


def patterns() -> list[URLPattern]:
    return [p for p in urls.urlpatterns if isinstance(p, URLPattern)]


def test_every_dashboard_url_is_classified_here():
    assert {p.name for p in patterns()} == set(PAGES)


@pytest.fixture
def bob_and_alice(api_user):
    bob = make_user("bob")
    add_funds(bob, "77.00", note="bob-secret-note")
    key, secret = create_key(bob, name="bob-key-name")
    TopUp.objects.create(owner=bob, method="manual", amount="66.00", currency="USD")
    FailedRequest.objects.create(
        request_id=BOBS_REQUEST,
        created=timezone.now(),
        status_code=402,
        error_code="insufficient_balance",
        user=bob.get_username(),
        key_prefix=key.prefix,
        method="POST",
        path="/v1/bob-only-path",
    )
    alice = Client(raise_request_exception=False)
    alice.force_login(api_user)
    return bob, key, secret, alice


def url_of(pattern: URLPattern, key: APIKey) -> str:
    route = str(pattern.pattern)
    route = route.replace("<str:request_id>", BOBS_REQUEST)
    return "/dashboard/" + route.replace("<str:key_id>", str(key.pk))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_an_anonymous_visitor_is_sent_to_sign_in(bob_and_alice, name):
    _, key, _, _ = bob_and_alice
    pattern = next(p for p in patterns() if p.name == name)
    for method in ("get", "post"):
        answer = getattr(Client(), method)(url_of(pattern, key))
        if PAGES[name] == "signed":
            # No sign-in: a GET is refused, an unsigned POST is a 400.
            assert answer.status_code == {"get": 405, "post": 400}[method]
            continue
        assert answer.status_code == 302, (name, method)
        assert answer["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_customer_reaches_nothing_of_another(bob_and_alice, name):
    bob, key, secret, alice = bob_and_alice
    pattern = next(p for p in patterns() if p.name == name)
    url = url_of(pattern, key)
    for method in ("get", "post"):
        answer = getattr(alice, method)(url, {"name": "taken over"}, follow=True)
        html = answer.content.decode()
        if PAGES[name] == "object":
            # A page that takes no POST may refuse the method first.
            refused = (404,) if method == "get" else (404, 405)
            assert answer.status_code in refused, (name, method)
        for theirs in (
            key.prefix,
            "bob-key-name",
            "bob-secret-note",
            "77.00",
            "66.00",
            BOBS_REQUEST,
            "bob-only-path",
        ):
            assert theirs not in html, (name, method, theirs)
    key.refresh_from_db()
    assert key.is_active and key.name == "bob-key-name"
    assert APIKey.objects.filter(owner=bob).count() == 1
    assert TopUp.objects.get(owner=bob).status == "pending"
    assert not TopUp.objects.exclude(owner=bob).exists()
