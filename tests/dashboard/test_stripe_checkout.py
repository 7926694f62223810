"""errorkit.dashboard.stripe_checkout: "Add funds" makes a Checkout Session
through the official library and sends the browser to it; the webhook
credits a paid session once, however often it comes, refuses a wrong amount
or currency (logged) and a bad signature (400), and the ledger sums to the
balance after all of it."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.test import Client

from errorkit.billing.amounts import LARGEST
from errorkit.billing.funds import add_funds, funds_of
from errorkit.billing.models import LedgerEntry
from errorkit.dashboard.models import TopUp
from tests.dashboard import stripe_fakes
from tests.dashboard.stripe_fakes import (
    FakeStripeHTTP,
    RecordedStripeTopUp,
    event,
    session,
    signature,
)
from tests.helpers import assert_ledger_adds_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _stripe_backend(settings) -> None:
    settings.ERRORKIT = {
        "TOP_UP_BACKEND": "tests.dashboard.stripe_fakes.RecordedStripeTopUp",
        "STRIPE_API_KEY": "sk_test_errorkit_tests",
        "STRIPE_WEBHOOK_SECRET": stripe_fakes.SECRET,
    }


ADD = "/dashboard/balance/add/"
HOOK = "/dashboard/stripe/webhook/"
CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_a1"


@pytest.fixture
def stripe_api(monkeypatch) -> FakeStripeHTTP:
    fake = FakeStripeHTTP(
        body={"id": "cs_test_a1", "object": "checkout.session", "url": CHECKOUT_URL}
    )
    monkeypatch.setattr(RecordedStripeTopUp, "http_client", fake)
    return fake


@pytest.fixture
def started(customer, stripe_api, api_user) -> TopUp:
    """alice asked for 25.50 and was sent to Stripe."""
    customer.post(ADD, {"amount": "25.50"})
    return TopUp.objects.get(owner=api_user)


def deliver(body: bytes, sig: str | None = None) -> int:
    headers = {} if sig == "" else {"HTTP_STRIPE_SIGNATURE": sig or signature(body)}
    answer = Client().post(HOOK, body, content_type="application/json", **headers)
    return answer.status_code


def test_add_funds_makes_a_checkout_session_and_redirects_to_it(
    customer, stripe_api, api_user
):
    answer = customer.post(ADD, {"amount": "25.50"})
    assert answer.status_code == 302 and answer["Location"] == CHECKOUT_URL
    (call,) = stripe_api.sent
    assert call["method"] == "post"
    assert call["url"] == "https://api.stripe.com/v1/checkout/sessions"
    assert call["headers"]["Authorization"] == "Bearer sk_test_errorkit_tests"
    top_up = TopUp.objects.get(owner=api_user)
    assert call["headers"]["Idempotency-Key"] == f"errorkit-{top_up.reference}"
    form = call["form"]
    assert form["mode"] == ["payment"]
    assert form["line_items[0][price_data][unit_amount]"] == ["2550"]
    assert form["line_items[0][price_data][currency]"] == ["usd"]
    assert form["client_reference_id"] == [str(top_up.pk)]
    assert form["metadata[top_up]"] == [str(top_up.pk)]
    assert form["success_url"] == ["http://testserver/dashboard/balance/"]
    assert (top_up.status, top_up.external_id) == ("pending", "cs_test_a1")
    # Nothing is added before Stripe says the payment is made.
    assert funds_of(api_user).balance == Decimal("10.00")
    assert (
        "waiting for the payment"
        in customer.get("/dashboard/balance/").content.decode()
    )


def test_a_fraction_of_a_cent_cannot_be_paid_by_card(customer, stripe_api):
    answer = customer.post(ADD, {"amount": "10.005"})
    assert answer.status_code == 400
    assert "cannot have more decimals" in answer.content.decode()
    assert not stripe_api.sent and not TopUp.objects.exists()


def test_stripe_unreachable_is_a_502_page_and_charges_nothing(
    customer, monkeypatch, api_user
):
    fake = FakeStripeHTTP(
        status=500, body={"error": {"type": "api_error", "message": "down"}}
    )
    monkeypatch.setattr(RecordedStripeTopUp, "http_client", fake)
    answer = customer.post(ADD, {"amount": "25.50"})
    assert answer.status_code == 502
    assert "nothing was charged" in answer.content.decode()
    assert TopUp.objects.get(owner=api_user).status == "failed"
    assert funds_of(api_user).balance == Decimal("10.00")


def test_a_paid_session_is_credited_once_however_often_it_is_delivered(
    started, api_user
):
    body = event(session(started))
    assert [deliver(body) for _ in range(5)] == [200] * 5
    assert funds_of(api_user).balance == Decimal("35.50")
    entry = LedgerEntry.objects.get(
        account__owner=api_user, kind="top_up", note__contains="cs_test_a1"
    )
    assert entry.amount == Decimal("25.50") and entry.reference == started.reference
    started.refresh_from_db()
    assert started.status == "credited"
    assert_ledger_adds_up(api_user)


def test_the_webhook_may_come_before_the_session_id_is_saved(api_user):
    # Stripe can call before the page that made the session has stored its
    # id: the session's metadata names the top-up.
    top_up = TopUp.objects.create(
        owner=api_user, method="stripe", amount=Decimal("7"), currency="USD"
    )
    assert deliver(event(session(top_up, id="cs_test_early"))) == 200
    assert funds_of(api_user).balance == Decimal("17.00")


@pytest.mark.parametrize(
    "sig",
    [
        "",
        "t=1,v1=00",
        "nonsense",
        "t=999999999999,v1=ab",
    ],
    ids=["missing", "wrong", "malformed", "future"],
)
def test_a_bad_signature_is_a_400_and_credits_nothing(started, api_user, sig):
    assert deliver(event(session(started)), sig) == 400
    assert funds_of(api_user).balance == Decimal("10.00")


def test_a_body_signed_with_another_secret_or_too_long_ago_credits_nothing(
    started, api_user
):
    body = event(session(started))
    assert deliver(body, signature(body, secret="whsec_someone_else")) == 400
    assert deliver(body, signature(body, at=1_000_000)) == 400
    # The same signature on a changed body fails too.
    assert deliver(body.replace(b"2550", b"9999"), signature(body)) == 400
    assert funds_of(api_user).balance == Decimal("10.00")


@pytest.mark.parametrize(
    "changed",
    [{"amount_total": 2549}, {"amount_total": 255000}, {"currency": "eur"}],
    ids=["less", "more", "currency"],
)
def test_a_session_paid_otherwise_than_asked_credits_nothing_and_is_logged(
    started, api_user, caplog, changed
):
    with caplog.at_level(logging.WARNING, logger="errorkit.dashboard.stripe"):
        assert deliver(event(session(started, **changed))) == 200
    assert funds_of(api_user).balance == Decimal("10.00")
    started.refresh_from_db()
    assert started.status == "refused"
    (record,) = [r for r in caplog.records if r.name == "errorkit.dashboard.stripe"]
    assert "nothing credited" in record.getMessage()
    assert "whsec" not in record.getMessage() and "sk_test" not in record.getMessage()


def test_a_paid_session_the_balance_cannot_take_is_refused_and_logged(
    started, api_user, caplog
):
    add_funds(api_user, LARGEST - Decimal("20"))
    with caplog.at_level(logging.WARNING, logger="errorkit.dashboard.topups"):
        assert deliver(event(session(started))) == 200
    started.refresh_from_db()
    assert started.status == "refused" and "largest" in started.reason
    assert any("was not credited" in r.getMessage() for r in caplog.records)
    assert_ledger_adds_up(api_user)


def test_an_unpaid_or_expired_session_credits_nothing(started, api_user):
    assert deliver(event(session(started, payment_status="unpaid"))) == 200
    started.refresh_from_db()
    assert started.status == "pending"
    assert deliver(event(session(started), kind="checkout.session.expired")) == 200
    started.refresh_from_db()
    assert started.status == "failed"
    # A later "completed" for it adds nothing.
    assert deliver(event(session(started))) == 200
    assert funds_of(api_user).balance == Decimal("10.00")


@pytest.mark.parametrize(
    "fields",
    [
        {"metadata": {}},
        {"metadata": {"top_up": "999999"}},
        {"metadata": {"top_up": "1e3"}},
        {"metadata": {"top_up": "²"}},
        {"metadata": {"top_up": "9" * 40}},
        {"metadata": {"top_up": 5}},
        {"metadata": None},
        {"metadata": ["top_up"]},
        {"id": None},
        {"id": "cs_test_another"},
    ],
    ids=[
        "no-metadata",
        "unknown",
        "not-a-number",
        "superscript",
        "huge",
        "int",
        "null",
        "list",
        "no-id",
        "other-session",
    ],
)
def test_a_session_of_no_top_up_here_is_acknowledged_and_credits_nothing(
    started, api_user, fields
):
    assert deliver(event(session(started, **fields))) == 200
    assert funds_of(api_user).balance == Decimal("10.00")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"[]",
        b"null",
        b'{"type": "checkout.session.completed"}',
        b"\xff",
        b'{"type": ["a"], "data": {"object": {}}}',
        b'{"type": {"a": 1}}',
        b'{"type": "checkout.session.completed", "data": []}',
        b'{"type": "checkout.session.completed", "data": {"object": "x"}}',
    ],
    ids=[
        "empty",
        "broken",
        "list",
        "null",
        "no-data",
        "not-utf8",
        "list-type",
        "object-type",
        "list-data",
        "string-object",
    ],
)
def test_a_signed_body_that_is_no_event_is_not_a_500(body):
    assert deliver(body) in (200, 400)


def test_other_events_are_acknowledged(started, api_user):
    assert deliver(event({"id": "pi_1"}, kind="payment_intent.succeeded")) == 200
    assert funds_of(api_user).balance == Decimal("10.00")


def test_the_webhook_takes_only_posts():
    assert Client().get(HOOK).status_code == 405


def test_without_a_webhook_secret_the_endpoint_is_not_there(started, settings):
    settings.ERRORKIT = {**settings.ERRORKIT, "STRIPE_WEBHOOK_SECRET": ""}
    assert deliver(event(session(started))) == 404
